"""Casualty counts and event records."""

import pytest

from rasd.events import build_events
from rasd.numbers import casualty_kind, parse_count


@pytest.mark.parametrize("text, value, qualifier", [
    ("ما لا يقل عن 11 من القوات الحكومية", 11, "at_least"),
    ("خمسة مقاتلين موالين لإيران", 5, "exact"),
    ("ثلاثة عشر مدنيا", 13, "exact"),
    ("أحد عشر عنصرا", 11, "exact"),
    ("إحدى عشرة امرأة", 11, "exact"),
    ("١٢ شخصا", 12, "exact"),
    ("نحو خمسة وعشرين جنديا", 25, "approximately"),
    ("أكثر من 1,200 شخص", 1200, "at_least"),
    ("ثلاثمئة جندي", 300, "exact"),
    ("عشرات الجرحى", None, "unspecified"),
    ("وثلاثة أطفال", 3, "exact"),
])
def test_counts(text, value, qualifier):
    c = parse_count(text)
    assert c is not None and c.value == value and c.qualifier == qualifier


def test_no_count():
    assert parse_count("المدنيين") is None


def test_kinds():
    assert casualty_kind("ثلاثة قتلى", "") == "killed"
    assert casualty_kind("عشرات الجرحى", "") == "wounded"
    assert casualty_kind("خمسة مدنيين", "وأصيب خمسة مدنيين بجروح") == "wounded"
    assert casualty_kind("خمسة مدنيين", "قتل خمسة مدنيين") == "killed"


def test_events_join_arguments_of_labelled_sentences():
    text = "قتل خمسة مدنيين في غارة على حمص. الطقس معتدل."
    doc = {"text": text,
           "sentences": [{"start": 0, "end": 32, "labels": ["attack", "casualty_report"],
                          "scores": {"attack": .9, "casualty_report": .8, "interception": .1, "denial": .0}},
                         {"start": 33, "end": len(text), "labels": [], "scores": {}}],
           "spans": [{"start": 4, "end": 15, "label": "CASUALTIES", "text": "خمسة مدنيين", "score": .9},
                     {"start": 19, "end": 23, "label": "WEAPON", "text": "غارة", "score": .8},
                     {"start": 28, "end": 31, "label": "LOCATION", "text": "حمص", "score": .9}]}
    (ev,) = build_events(doc)
    assert ev["event_types"] == ["attack", "casualty_report"]
    assert ev["casualties"][0]["count"] == {"value": 5, "qualifier": "exact"}
    assert ev["casualties"][0]["kind"] == "killed"
    assert ev["location"][0]["text"] == "حمص" and ev["weapon"][0]["start"] == 19
    assert ev["sentence"]["text"] == text[:32] and ev["actor"] == [] and ev["source"] == []
