"""Actors normalised through the curated alias table; unknown actors kept as their text."""

import pytest

from rasd.events.actors import ACLED_INTER, ActorTable, actor_records, default_actor_table, resolve_actor_text
from rasd.events.gazetteer import default_gazetteer


@pytest.fixture(scope="module")
def tables():
    return default_actor_table(), default_gazetteer()


def names(text, tables, country=None, civilians=False):
    table, gaz = tables
    return [(a.id, a.type) for a in resolve_actor_text(text, table, gaz, country, civilians)]


@pytest.mark.parametrize("text", ["الحوثيون", "جماعة أنصار الله", "ميليشيا الحوثي", "المتمردون الحوثيون", "الحوثيين",
                                  "لمليشيات الحوثي", "مقذوفات حوثية", "الميليشيات الحوثية", "وأنصار الله"])
def test_houthi_names_are_one_armed_group(tables, text):
    assert names(text, tables) == [("houthis", "armed_group")]


@pytest.mark.parametrize("text, actor", [
    ("التحالف العربي", "saudi_coalition"), ("قوات التحالف العربي", "saudi_coalition"),
    ("طيران التحالف العربي", "saudi_coalition"), ("التحالف الدولي", "us_coalition"),
    ("الجيش الإسرائيلي", "israel_forces"), ("جيش الاحتلال", "israel_forces"), ("حزب الله اللبناني", "hezbollah"),
    ("تنظيم داعش", "isis"), ("تنظيم الدولة الإسلامية", "isis"), ("قوات النظام السوري", "syria_forces"),
    ("طيران نظام الأسد", "syria_forces"), ("قوات البيشمركة", "peshmerga"), ("حركة طالبان", "taliban"),
    ("حزب العمال الكردستاني", "pkk"), ("القوات السعودية", "saudi_forces"), ("حركة الشباب", "al_shabaab"),
])
def test_aliases(tables, text, actor):
    assert names(text, tables)[0][0] == actor


def test_bare_coalition_depends_on_where(tables):
    assert names("قوات التحالف", tables, "YE") == [("saudi_coalition", "coalition")]
    assert names("طائرات التحالف", tables, "IQ") == [("us_coalition", "coalition")]
    assert names("قوات التحالف", tables, "FR") == [] and names("التحالف", tables, None) == []


def test_two_actors_in_one_span(tables):
    got = names("مليشيات الحوثي والحرس الجمهوري التابع للرئيس المخلوع علي عبدالله صالح", tables)
    assert [a for a, _ in got] == ["houthis", "saleh_forces"]


def test_state_forces_versus_armed_groups(tables):
    assert names("إسرائيلية", tables) == [("israel_forces", "state_forces")]
    assert names("إسرائيل", tables) == [("israel_forces", "state_forces")]
    assert names("القوات الهندية", tables) == [("state_forces:IN", "state_forces")]
    assert names("الشرطة الأفغانية", tables) == [("police:AF", "police")]
    assert names("وزارة الدفاع الأمريكية", tables) == [("government:US", "government")]
    assert names("الجيش الباكستاني", tables) == [("state_forces:PK", "state_forces")]
    assert ACLED_INTER["state_forces"] == 1 and ACLED_INTER["armed_group"] == 2


def test_unknown_actors_keep_their_text(tables):
    table, gaz = tables
    spans = [{"text": "مجموعة فدائية", "start": 3, "end": 16}]
    (rec,) = actor_records(spans, table, gaz, None)
    assert rec["text"] == "مجموعة فدائية" and rec["name"] is None and rec["type"] is None and rec["start"] == 3


def test_civilian_targets(tables):
    assert names("المدنيين", tables, "SY", civilians=True) == [("civilians:SY", "civilians")]
    assert names("المدنيين", tables, "SY") == []


def test_the_table_is_well_formed(tables):
    table, _ = tables
    assert len(table.actors) >= 30
    assert all(a.type in ACLED_INTER for a in table.actors.values())
    assert all(v in table.actors for c in table.contextual.values() for v in c.values() if v)


def test_a_custom_table():
    t = ActorTable.load({"actors": [{"id": "x", "name": "X Front", "name_ar": "جبهة إكس", "type": "armed_group",
                                     "country": None, "aliases": ["الجبهة الخضراء"]}]})
    assert [a.id for a in resolve_actor_text("عناصر الجبهة الخضراء", t, default_gazetteer(), None)] == ["x"]
