"""Rule 6 applied uniformly: bombing nouns become WEAPON the way the corpus's tagged ones read."""

import json
import re

from conftest import ROOT
from rasd_train.data.conventions import apply_to, bombing_weapons


def _added(text, labels=("attack",), spans=()):
    return [text[s["start"]:s["end"]] for s in bombing_weapons(text, list(labels), list(spans))]


def test_bombing_nouns_with_clitics_are_weapons_and_kind_adjectives_stay_inside():
    assert _added("وأدانت مصر التفجير الإرهابي الذي استهدف مسجدا.") == ["التفجير"]
    assert _added("قتل 23 شخصا في تفجيرين مماثلين، بعد «التفجير الانتحاري» في المدينة.") == [
        "تفجيرين", "التفجير الانتحاري"]
    assert _added("أعرب عن إدانته للتفجير، وبالتفجيرات.") == ["للتفجير", "وبالتفجيرات"]


def test_devices_metaphors_adjectives_spans_and_unlabelled_sentences_are_left_alone():
    assert _added("قتل جنديان في تفجير سيارة مفخخة وبتفجير عبوات ناسفة.") == []
    assert _added("حذر من تفجير الوضع في المنطقة.") == []
    assert _added("ضبط حزاما تفجيريا ومواد تفجيرية.") == []
    assert _added("وتداول المغردون وسم #تفجير_طوارئ_عسير أمس.") == []
    assert _added("وقع التفجير صباحا.", labels=()) == []
    text = "وقع التفجير الانتحاري صباحا."
    covered = [{"start": text.index("التفجير"), "end": text.index(" صباحا"), "label": "WEAPON"}]
    assert _added(text, spans=covered) == []
    # the word after it already spanned as the weapon: that is the weapon
    text = "أصيب جنود بتفجير ناسفة."
    assert _added(text, spans=[{"start": text.index("ناسفة"), "end": text.index("."), "label": "WEAPON"}]) == []


def test_a_file_is_rewritten_once_and_a_second_pass_adds_nothing(tmp_path):
    from rasd.records import Record

    text = "وأدانت مصر التفجير الذي استهدف مسجدا."
    rows = [{"id": "r-1", "labels": ["attack"], "spans": [{"start": 0, "end": 10, "label": "SOURCE"}]},
            {"id": "r-2", "labels": [], "spans": []}]
    path = tmp_path / "refs.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    records = [Record("r-1", text, ["attack"], []), Record("r-2", text, [], [])]
    assert apply_to(path, records, write=False) == [("r-1", "التفجير")]
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["spans"] == rows[0]["spans"]  # listed only
    assert apply_to(path, records, write=True) == [("r-1", "التفجير")]
    spans = json.loads(path.read_text(encoding="utf-8").splitlines()[0])["spans"]
    assert [s["label"] for s in spans] == ["SOURCE", "WEAPON"]
    assert apply_to(path, records, write=True) == []


def test_rule_41_decisions_replace_labels_and_spans_once_before_rule_6(tmp_path):
    import hashlib

    import pytest
    from rasd.records import Record

    condolence = "وقدم تعازيه لأسر شهداء التفجير."
    killed = "ونعى الشهيد الذي قتل في التفجير."
    sha = lambda t: hashlib.sha1(t.encode("utf-8")).hexdigest()  # noqa: E731
    rows = [{"id": "r-1", "labels": ["casualty_report"], "spans": [{"start": 14, "end": 19, "label": "CASUALTIES"}]},
            {"id": "r-2", "labels": [], "spans": []}]
    path = tmp_path / "refs.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    records = [Record("r-1", condolence, ["casualty_report"], []), Record("r-2", killed, [], [])]
    decisions = {
        "r-1": {"id": "r-1", "rule": 41, "sha1": sha(condolence), "labels": [], "spans": [], "why": "no death predicate"},
        "r-2": {"id": "r-2", "rule": 41, "sha1": sha(killed), "labels": ["casualty_report"],
                "spans": [{"start": 4, "end": 10, "label": "CASUALTIES"}], "why": "states قتل"},
    }
    found = apply_to(path, records, write=True, decisions=decisions)
    # r-1 lost its only label, so rule 6 leaves its bombing noun alone; r-2 gained one, so it is a WEAPON
    assert found == [("r-1", "rule 41: labels ['casualty_report'] -> []"),
                     ("r-2", "rule 41: labels [] -> ['casualty_report']")]
    stored = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert stored[0]["labels"] == [] and stored[0]["spans"] == []
    assert [s["label"] for s in stored[1]["spans"]] == ["CASUALTIES", "WEAPON"]
    # the second pass changes nothing: rule 6's span completes rule 41's decision, it does not undo it
    assert apply_to(path, records, write=True, decisions=decisions) == []
    wrong = {"r-1": dict(decisions["r-1"], sha1=sha("another sentence"))}
    with pytest.raises(ValueError, match="r-1 is not the sentence rule 41 decided"):
        apply_to(path, records, write=False, decisions=wrong)


def test_a_sentence_decided_by_two_rules_is_an_error(tmp_path):
    import pytest

    from rasd_train.data.conventions import load_decisions

    a, b = tmp_path / "rule41.jsonl", tmp_path / "rule42.jsonl"
    a.write_text(json.dumps({"id": "r-1", "rule": 41, "sha1": "x", "labels": [], "spans": []}) + "\n", encoding="utf-8")
    b.write_text(json.dumps({"id": "r-2", "rule": 42, "sha1": "y", "labels": [], "spans": []}) + "\n", encoding="utf-8")
    assert sorted(load_decisions((a, b, tmp_path / "missing.jsonl"))) == ["r-1", "r-2"]
    b.write_text(b.read_text(encoding="utf-8") + json.dumps({"id": "r-1", "rule": 42}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"rule42.jsonl:2: r-1 is decided twice \(rules 41 and 42\)"):
        load_decisions((a, b))


def test_the_stored_decisions_are_well_formed_and_each_sentence_is_decided_once():
    """Every shipped decision names its rule's file, a SHA-1, labels in schema order and sorted,
    non-overlapping spans of known types, and why; load_decisions raises on a sentence decided twice."""
    from rasd.schema import LabelSchema
    from rasd_train.data.conventions import DECISIONS, RULES, load_decisions

    schema = LabelSchema()
    decisions = load_decisions([ROOT / p for p in DECISIONS])
    assert {d["rule"] for d in decisions.values()} == set(RULES)
    for path in DECISIONS:
        for line in open(ROOT / path, encoding="utf-8"):
            d = json.loads(line)
            assert path.name == f"rule{d['rule']}.jsonl" and re.fullmatch(r"[0-9a-f]{40}", d["sha1"]), d["id"]
            assert d["labels"] == [lab for lab in schema.labels if lab in d["labels"]], d["id"]
            assert d["why"].strip() and (d["spans"] == [] or d["labels"]), d["id"]
            ends = [(s["start"], s["end"]) for s in d["spans"]]
            assert all(s["label"] in schema.span_types for s in d["spans"]) and ends == sorted(ends), d["id"]
            assert all(a < b <= c for (a, b), (c, _) in zip(ends, ends[1:] + [(10**9, 0)])), d["id"]
