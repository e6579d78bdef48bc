"""Casualty counts and event records (rasd.events: the layer above the core)."""

import pytest

from rasd.events import build_events
from rasd.events.numbers import casualty_kind, parse_count


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
    # both kinds in the sentence: the words just before the span decide
    assert casualty_kind("4 جنود", "مقتل 4 جنود وإصابة 7", "مقتل ") == "killed"
    assert casualty_kind("7", "مقتل 4 جنود وإصابة 7", "مقتل 4 جنود وإصابة ") == "wounded"
    assert casualty_kind("7", "مقتل 4 جنود وإصابة 7") is None


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


def test_events_carry_date_place_and_actors():
    text = "قالت وكالة الأنباء السورية إن غارة إسرائيلية استهدفت ريف حمص فجر الخميس."
    spans = [(5, 26, "SOURCE"), (35, 44, "ACTOR"), (53, 60, "LOCATION"), (61, 71, "TIME")]
    doc = {"text": text, "sentences": [{"start": 0, "end": len(text), "labels": ["attack"], "scores": {"attack": .9}}],
           "spans": [{"start": a, "end": b, "label": lab, "text": text[a:b], "score": .9} for a, b, lab in spans]}
    assert [text[a:b] for a, b, _ in spans] == ["وكالة الأنباء السورية", "إسرائيلية", "ريف حمص", "فجر الخميس"]
    (ev,) = build_events(doc, "2015-08-08")
    assert (ev["date"], ev["date_precision"], ev["date_text"]) == ("2015-08-06", "day", "فجر الخميس")
    assert ev["place"]["country"] == "SY" and ev["place"]["admin1_code"] == "SY.11" and ev["origin"] is None
    assert ev["actors"][0]["name"] == "Military Forces of Israel" and ev["actors"][0]["type"] == "state_forces"
    (undated,) = build_events(doc)
    assert undated["date"] is None and undated["date_precision"] is None


def test_add_events_and_the_core_stays_apart():
    import sys

    from rasd.events import add_events

    doc = add_events({"text": "لا شيء.", "sentences": [], "spans": []}, "2015-08-08T10:00:00")
    assert doc["date"] == "2015-08-08" and doc["events"] == []
    import rasd.runtime  # noqa: F401  the core imports no event module
    source = open(rasd.runtime.__file__, encoding="utf-8").read()
    assert "rasd.events" not in source.replace("rasd.events.add_events", "")
    assert "rasd.numbers" not in sys.modules
