"""Record validation: every problem names the file, the line and what is wrong."""

import json

import pytest

from rasd.records import RecordError, check_file, read_conll, read_records, write_conll
from rasd.schema import LabelSchema

TEXT = "قالت وسائل إعلام رسمية سورية إن إسرائيل شنت هجوما صاروخيا على منطقة القصير، فجر الخميس."
GOOD = {"id": "train-000123", "text": TEXT, "labels": ["attack"],
        "spans": [{"start": 5, "end": 28, "label": "SOURCE"}, {"start": 32, "end": 39, "label": "ACTOR"},
                  {"start": 50, "end": 57, "label": "WEAPON"}, {"start": 62, "end": 74, "label": "LOCATION"},
                  {"start": 76, "end": 86, "label": "TIME"}]}


def write(tmp_path, *objs, raw=None):
    p = tmp_path / "data.jsonl"
    lines = [json.dumps(o, ensure_ascii=False) for o in objs] + ([raw] if raw else [])
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_the_guidelines_example_is_valid(tmp_path):
    recs = read_records(write(tmp_path, GOOD))
    assert [TEXT[s.start : s.end] for s in recs[0].spans] == [
        "وسائل إعلام رسمية سورية", "إسرائيل", "صاروخيا", "منطقة القصير", "فجر الخميس"]


@pytest.mark.parametrize("mutate, message", [
    (lambda r: r.update(labels=["strike"]), "unknown label 'strike' (allowed: attack, interception, casualty_report, denial)"),
    (lambda r: r["spans"].append({"start": 0, "end": 4, "label": "PERSON"}), "unknown span type 'PERSON'"),
    (lambda r: r["spans"].append({"start": 80, "end": 200, "label": "TIME"}), "offsets out of range (text has 87 chars)"),
    (lambda r: r["spans"].__setitem__(3, {"start": 62, "end": 75, "label": "LOCATION"}),
     "'منطقة القصير،': does not end at the last character of a word"),
    (lambda r: r["spans"].__setitem__(1, {"start": 33, "end": 39, "label": "ACTOR"}),
     "does not start at the first character of a word"),
    (lambda r: r["spans"].append({"start": 32, "end": 43, "label": "ACTOR"}), "overlap"),
    (lambda r: r.update(colour="red"), "unknown keys ['colour']"),
    (lambda r: r.pop("text"), "missing or non-string 'text'"),
])
def test_invalid_records_name_file_line_and_problem(tmp_path, mutate, message):
    bad = json.loads(json.dumps(GOOD))
    mutate(bad)
    path = write(tmp_path, {**GOOD, "id": "ok-1"}, bad)
    with pytest.raises(RecordError) as err:
        read_records(path)
    assert str(err.value).startswith(f"{path}:2: ")
    assert message in str(err.value)


def test_bad_json_and_duplicate_ids(tmp_path):
    with pytest.raises(RecordError, match=r"data.jsonl:2: invalid JSON"):
        read_records(write(tmp_path, GOOD, raw='{"id": "x", "text": '))
    with pytest.raises(RecordError, match=r"data.jsonl:2: duplicate id 'train-000123' \(first at line 1\)"):
        read_records(write(tmp_path, GOOD, GOOD))


def test_check_file_reports_every_problem_not_just_the_first(tmp_path):
    bad = {**GOOD, "id": "b", "labels": ["nope"]}
    path = write(tmp_path, GOOD, bad, raw="not json")
    problems = [str(e) for e in check_file(path)]
    assert len(problems) == 2
    assert "data.jsonl:2:" in problems[0] and "data.jsonl:3: invalid JSON" in problems[1]


def test_conll_round_trip(tmp_path):
    recs = read_records(write(tmp_path, GOOD))
    conll = tmp_path / "out.conll"
    write_conll(recs, conll)
    back = list(read_conll(conll))
    assert [back[0].text[s.start : s.end] for s in back[0].spans] == [
        recs[0].text[s.start : s.end] for s in recs[0].spans]
    assert read_records(conll)[0].spans == back[0].spans


def test_conll_errors_name_the_line(tmp_path):
    p = tmp_path / "x.conll"
    p.write_text("قصف\tO\nحمص\tI-LOCATION\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"x.conll:2: 'I-LOCATION' does not continue a LOCATION span"):
        list(read_conll(p))
    p.write_text("قصف\tB-PLACE\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"x.conll:1: unknown span type 'PLACE'"):
        list(read_conll(p))


def test_schema_tags_and_round_trip():
    s = LabelSchema()
    assert s.tags[0] == "O" and s.tags[1:3] == ("B-ACTOR", "I-ACTOR") and len(s.tags) == 15
    assert LabelSchema.from_dict(s.to_dict()) == s
