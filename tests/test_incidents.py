"""Incidents across documents: two reports of one strike merge, a third event stays apart."""

import json
import random

import pytest

from rasd.cli import main
from rasd.events import incidents as inc_mod
from rasd.events.incidents import merge_incidents

from event_docs import STRIKE_A, STRIKE_B, predicted, three_reports


@pytest.fixture(scope="module")
def docs():
    return three_reports()


def test_two_reports_of_one_strike_merge_and_a_third_stays_apart(docs):
    records = merge_incidents(docs)
    merged = [r for r in records if len(r["reports"]) == 2]
    assert len(merged) == 1 and len(records) == 2
    (m,) = merged
    assert {r["doc_id"] for r in m["reports"]} == {"okaz-1", "sabq-7"}
    assert m["event_types"] == ["attack", "casualty_report"]
    assert m["date"] == "2015-07-31" and m["place"]["admin1_code"] == "SA.11"
    assert m["casualties"]["killed"] == {"low": 3, "high": 4} and m["casualties"]["wounded"] == {"low": 7, "high": 7}
    assert [a["id"] for a in m["actors"]] == ["houthis"]
    assert [d["doc_id"] for d in m["denials"]] == ["sabq-7"]  # the denial in a report's document answers it
    assert m["reports"][1]["source"] == "وزارة الداخلية"
    (other,) = [r for r in records if r is not m]
    assert other["place"]["country"] == "YE" and other["reports"][0]["doc_id"] == "alwatan-3"
    assert m["incident_id"].startswith("inc-") and m["incident_id"] != other["incident_id"]


def test_the_result_does_not_depend_on_input_order(docs):
    assert merge_incidents(docs) == merge_incidents(list(reversed(docs)))


def test_incompatible_actors_dates_or_places_do_not_merge():
    a = predicted("a", "2015-08-01", (["attack"], *STRIKE_A))
    late = predicted("b", "2015-08-09", (["attack", "casualty_report"], *STRIKE_B))  # Friday 7 August
    assert all(len(r["reports"]) == 1 for r in merge_incidents([a, late]))
    coalition = ("شنت طائرات التحالف العربي غارات على منطقة عسير الجمعة.",
                 [("ACTOR", "طائرات التحالف العربي"), ("WEAPON", "غارات"), ("LOCATION", "منطقة عسير"), ("TIME", "الجمعة")])
    c = predicted("c", "2015-08-01", (["attack"], *coalition))
    assert all(len(r["reports"]) == 1 for r in merge_incidents([a, c]))
    same_doc = predicted("d", "2015-08-01", (["attack"], *STRIKE_A), (["attack"], *STRIKE_B))
    assert all(len(r["reports"]) == 1 for r in merge_incidents([same_doc]))


def test_events_without_day_or_division_stay_alone():
    vague = predicted("v", "2015-08-01", (["attack"], "قصف في اليمن الشهر الماضي.", [("LOCATION", "اليمن"), ("TIME", "الشهر الماضي")]))
    again = predicted("w", "2015-08-01", (["attack"], "قصف في اليمن الشهر الماضي.", [("LOCATION", "اليمن"), ("TIME", "الشهر الماضي")]))
    assert [len(r["reports"]) for r in merge_incidents([vague, again])] == [1, 1]


def test_blocking_compares_far_fewer_than_all_pairs(monkeypatch):
    rng = random.Random(3)
    places = [("SA", "SA.17", 105299), ("SA", "SA.11", None), ("YE", "YE.15", 71334), ("SY", "SY.09", 170063)]
    docs = []
    for k in range(2000):
        cc, adm, gid = rng.choice(places)
        day = f"2015-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        ev = {"event_types": ["attack"], "sentence": {"index": 0, "text": "x"}, "date": day, "date_precision": "day",
              "date_end": None, "place": {"country": cc, "admin1_code": adm, "geonameid": gid, "precision": "point"},
              "actors": [], "target_actors": [], "casualties": [], "source": []}
        docs.append({"id": f"d{k}", "date": day, "events": [ev]})
    calls = 0
    real = inc_mod.compatible

    def counting(*a):
        nonlocal calls
        calls += 1
        return real(*a)

    monkeypatch.setattr(inc_mod, "compatible", counting)
    records = merge_incidents(docs)
    assert sum(len(r["reports"]) for r in records) == 2000
    assert calls < 40_000  # all pairs: 2,000,000


def test_rasd_incidents_command(docs, tmp_path):
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    out = tmp_path / "incidents.jsonl"
    assert main(["incidents", "--input", str(pred), "--output", str(out)]) == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(len(r["reports"]) for r in rows) == [1, 2]
    assert main(["incidents", "--input", str(pred), "--output", str(tmp_path / "incidents.csv")]) == 0
    assert (tmp_path / "incidents.csv").read_text(encoding="utf-8").startswith("incident_id,event_types,date")
    assert main(["incidents", "--input", str(pred), "--output", str(tmp_path / "acled.csv"), "--format", "acled"]) == 0
    (pred.parent / "bad.jsonl").write_text('{"id": 1}\n', encoding="utf-8")
    assert main(["incidents", "--input", str(pred.parent / "bad.jsonl"), "--output", str(out)]) == 2
