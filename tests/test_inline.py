"""The inline annotation format and the corpus build."""

import pytest

from rasd.records import RecordError
from rasd.schema import LabelSchema
from rasd_train.data.build import split_by_article
from rasd_train.data.inline import parse_tagged, read_inline


def test_tags_become_exact_offsets():
    text, spans = parse_tagged("قصفت <ACTOR>إسرائيل</ACTOR> <LOCATION>بريف حمص</LOCATION>.", LabelSchema())
    assert text == "قصفت إسرائيل بريف حمص."
    assert [(text[s.start:s.end], s.label) for s in spans] == [("إسرائيل", "ACTOR"), ("بريف حمص", "LOCATION")]


@pytest.mark.parametrize("tagged, message", [
    ("<ACTOR>أ <TIME>ب</TIME></ACTOR>", "<TIME> opened inside <ACTOR>: spans cannot nest"),
    ("<ACTOR>أ", "<ACTOR> is never closed"),
    ("أ</TIME>", "</TIME> closes nothing"),
    ("<PLACE>أ</PLACE>", "unknown span type <PLACE>"),
])
def test_tag_errors(tagged, message):
    with pytest.raises(ValueError, match=message):
        parse_tagged(tagged, LabelSchema())


def test_read_inline_collects_errors_with_lines(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("### doc: t-001\nattack | قصف <LOCATION>حمص،</LOCATION>\n- | <ACTOR>هم</ACTOR> قالوا\n"
                 "strike | نص\n", encoding="utf-8")
    errors = []
    sents = read_inline(p, LabelSchema(), errors)
    msgs = [str(e) for e in errors]
    assert any(m.startswith(f"{p}:2:") and "does not end at the last character of a word" in m for m in msgs)
    assert any(m.startswith(f"{p}:3:") and "no event label" in m for m in msgs)
    assert any(m.startswith(f"{p}:4:") and "unknown label 'strike'" in m for m in msgs)
    assert [s.record.id for s in sents] == ["t-001-s01", "t-001-s02"]
    with pytest.raises(RecordError):
        read_inline(p, LabelSchema())


def test_a_line_cut_through_a_letter_is_named_not_a_traceback(tmp_path):
    p = tmp_path / "x.txt"
    good = "### doc: t-001\nattack | قصف <LOCATION>حمص</LOCATION>\n".encode("utf-8")
    p.write_bytes(good + "- | نص".encode("utf-8")[:-1] + b"\n")
    errors = []
    read_inline(p, LabelSchema(), errors)
    assert [str(e) for e in errors] == [f"{p}:3: not UTF-8; nothing after this line was read"]


def test_split_by_article_keeps_articles_whole():
    from rasd.records import Record

    recs = [Record(f"d{d}-s{s}", f"جملة {d} {s}", [], [], f"d{d}") for d in range(40) for s in range(d % 5 + 1)]
    splits = split_by_article(recs)
    owner = {}
    for name, rs in splits.items():
        for r in rs:
            assert owner.setdefault(r.doc_id, name) == name
    total = len(recs)
    assert abs(len(splits["train"]) / total - 0.7) < 0.08


def test_train_only_articles_go_to_train_whole_and_leave_the_split_as_it_was(tmp_path):
    from rasd.records import read_records
    from rasd_train.data.build import build

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("".join(f"### doc: t-{d:03d}\nattack | قصفت <ACTOR>القوات</ACTOR> الموقع {d}.\n"
                                       f"- | جملة عادية رقم {d}.\n" for d in range(30)), encoding="utf-8")
    before = build(src, tmp_path / "before")
    (src / "train-only").mkdir()
    (src / "train-only" / "x.txt").write_text(
        "### doc: x-001\ninterception | أسقطت <ACTOR>الدفاعات</ACTOR> <WEAPON>طائرة مسيرة</WEAPON>.\n", encoding="utf-8")
    after = build(src, tmp_path / "after")
    assert after == {**before, "train": before["train"] + 1}
    for split in ("dev", "test"):
        assert (tmp_path / "before" / f"{split}.jsonl").read_bytes() == (tmp_path / "after" / f"{split}.jsonl").read_bytes()
    assert read_records(tmp_path / "after" / "train.jsonl")[-1].doc_id == "x-001"
    # a train-only sentence that repeats one of the split files is an error, as anywhere else
    (src / "train-only" / "x.txt").write_text("### doc: x-001\n- | جملة عادية رقم 3.\n", encoding="utf-8")
    with pytest.raises(RecordError, match="duplicate sentence"):
        build(src, tmp_path / "again")
