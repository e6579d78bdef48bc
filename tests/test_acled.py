"""The ACLED-shaped table: the type mapping, actor codes, precision codes, rows of events and incidents."""

import csv
import io

import pytest

from rasd.events.acled import ACLED_COLUMNS, classify, event_rows, incident_rows
from rasd.events.incidents import merge_incidents
from rasd.io import AcledWriter

from event_docs import three_reports


@pytest.mark.parametrize("weapon, sentence, expected", [
    ("غارات", "", ("Explosions/Remote violence", "Air/drone strike")),
    ("طائرة بدون طيار", "", ("Explosions/Remote violence", "Air/drone strike")),
    ("البراميل المتفجرة", "", ("Explosions/Remote violence", "Air/drone strike")),
    ("قذائف الهاون", "", ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
    ("صاروخ سكود", "", ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
    ("سيارة مفخخة", "", ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
    ("عبوة ناسفة", "", ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
    ("", "فجر انتحاري حزامه الناسف", ("Explosions/Remote violence", "Suicide bomb")),
    ("", "اندلعت اشتباكات عنيفة", ("Battles", "Armed clash")),
])
def test_event_types(weapon, sentence, expected):
    assert classify(["attack"], weapon, sentence, civilians=False) == expected


def test_air_defences_are_not_the_weapon():
    s = "اعترضت الدفاعات الجوية السعودية صاروخين باليستيين"
    assert classify(["interception"], "صاروخين باليستيين", s, False)[1] == "Shelling/artillery/missile attack"
    assert classify(["interception"], "", "أسقطت منظومات الدفاع الجوي مسيرتين", False)[1] == "Air/drone strike"


def test_fallbacks():
    assert classify(["attack"], "", "قتل مسلحون ثلاثة مدنيين", civilians=True) == ("Violence against civilians", "Attack")
    assert classify(["attack"], "", "هاجم مسلحون نقطة", civilians=False) == ("Battles", "Armed clash")


@pytest.fixture(scope="module")
def docs():
    return three_reports()


def test_event_rows(docs):
    (row,) = event_rows(docs[0])
    assert set(row) == set(ACLED_COLUMNS)
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2015-07-31", "2015", "1")
    assert (row["event_type"], row["sub_event_type"]) == ("Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert (row["actor1"], row["inter1"], row["interaction"]) == ("Ansar Allah (Houthis)", "2", "20")
    assert (row["country"], row["country_iso2"], row["admin1"]) == ("Saudi Arabia", "SA", "Mintaqat `Asir")
    assert row["location"] == "Dhahran al Janub" and row["geo_precision"] == 3 and row["fatalities"] == 3
    assert row["latitude"] and row["event_id_cnty"].startswith("SA-rasd-") and row["doc_id"] == "okaz-1"
    assert len(event_rows(docs[1])) == 1  # the denial-only event has no row
    (coalition,) = event_rows(docs[2])
    assert coalition["actor1"] == "Saudi-led Coalition" and coalition["inter1"] == "8"
    assert coalition["sub_event_type"] == "Air/drone strike" and coalition["country_iso2"] == "YE"


def test_incident_rows(docs):
    records = merge_incidents(docs)
    rows = [r for rec in records for r in incident_rows(rec)]
    assert len(rows) == 2
    (merged,) = [r for r in rows if r["tags"].startswith("2 reports")]
    assert "denied" in merged["tags"] and merged["fatalities"] == 3  # the lowest count across reports
    assert merged["reports"] == "okaz-1#0 | sabq-7#0" and merged["event_id_cnty"].startswith("inc-")
    assert merged["source"] == "وزارة الداخلية"


def test_the_writer_makes_a_resumable_table(docs, tmp_path):
    out = tmp_path / "acled.csv"
    w = AcledWriter(out)
    w.open()
    for d in docs + [{"id": "empty", "events": []}]:
        w.write(d)
    w.close()
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ACLED_COLUMNS
    assert [r["doc_id"] for r in rows] == ["okaz-1", "sabq-7", "alwatan-3", "empty"]
    assert AcledWriter(out).done_ids() == {"okaz-1", "sabq-7", "alwatan-3", "empty"}
