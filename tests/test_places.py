"""Places: the packaged gazetteer, name matching, launch origins, namesakes and context."""

import gzip
from importlib import resources

import pytest

from rasd.events import build_events
from rasd.events.gazetteer import Gazetteer, default_gazetteer
from rasd.events.places import find_matches, is_origin

from event_docs import predicted_document


@pytest.fixture(scope="module")
def gaz():
    return default_gazetteer()


def doc_of(*sentences):
    """A predicted document from (labels, text, [(label, surface), ...]) sentences."""
    return predicted_document("d", *sentences)


def place_of(sentence, marks, date="2015-07-25", *others):
    (ev, *_) = build_events(doc_of((["attack"], sentence, marks), *others), date)
    return ev["place"], ev["origin"]


def test_the_index_is_small_and_attributed(gaz):
    data = resources.files("rasd.events").joinpath("data/gazetteer.tsv.gz").read_bytes()
    assert len(data) < 3_000_000
    assert "GeoNames" in gazip_header(data) and "CC BY 4.0" in gazip_header(data)
    assert "GeoNames" in gaz.attribution
    assert resources.files("rasd.events").joinpath("data/ATTRIBUTION.md").read_text(encoding="utf-8").count("CC BY 4.0")


def gazip_header(data: bytes) -> str:
    return gzip.decompress(data).decode("utf-8").splitlines()[0]


@pytest.mark.parametrize("name, country, admin1", [
    ("السعودية", "SA", None), ("سوريا", "SY", None), ("سورية", "SY", None), ("اليمن", "YE", None),
    ("العراق", "IQ", None), ("لبنان", "LB", None), ("فلسطين", "PS", None), ("إسرائيل", "IL", None),
    ("إيران", "IR", None), ("مصر", "EG", None), ("الأردن", "JO", None), ("ليبيا", "LY", None),
    ("السودان", "SD", None), ("تركيا", "TR", None),
    ("منطقة جازان", "SA", "SA.17"), ("جيزان", "SA", "SA.17"), ("منطقة نجران", "SA", "SA.16"),
    ("منطقة عسير", "SA", "SA.11"), ("ظهران الجنوب", "SA", "SA.11"), ("الخوبة", "SA", "SA.17"),
    ("محافظة صعدة", "YE", "YE.15"), ("محافظة حجة", "YE", "YE.22"), ("محافظة مأرب", "YE", "YE.14"),
    ("تعز", "YE", "YE.25"), ("عدن", "YE", "YE.02"), ("ريف دمشق", "SY", "SY.08"), ("محافظة الأنبار", "IQ", "IQ.01"),
])
def test_countries_and_divisions(name, country, admin1):
    place, _ = place_of(f"سقطت قذيفة على {name}.", [("LOCATION", name)])
    assert place["country"] == country and place["admin1_code"] == admin1
    assert place["match"] in ("exact", "normalised")


@pytest.mark.parametrize("adjective, country", [
    ("السوري", "SY"), ("سورية", "SY"), ("السورية", "SY"), ("اليمنية", "YE"), ("السعودية", "SA"),
    ("العراقية", "IQ"), ("اللبناني", "LB"), ("الإسرائيلية", "IL"), ("الإيرانية", "IR"), ("الأمريكية", "US"),
])
def test_nationality_adjectives_name_their_country(gaz, adjective, country):
    (m,) = find_matches(adjective, gaz)  # سورية, السعودية: also the country's name
    assert m.candidates[0].country == country and m.candidates[0].feature == "country"


def test_a_city_with_coordinates_and_its_division(gaz):
    place, _ = place_of("أصيب مواطن في حي القابل بنجران.", [("LOCATION", "حي القابل بنجران")])
    assert (place["name"], place["country"], place["admin1"], place["admin1_code"]) == ("Najrān", "SA", "Najran", "SA.16")
    assert place["geonameid"] == 103630 and place["lat"] == pytest.approx(17.49, abs=0.05)
    assert place["precision"] == "point" and place["match"] == "normalised" and place["feature"] == "place"


def test_exact_match_and_near(gaz):
    place, _ = place_of("قصف حمص.", [("LOCATION", "حمص")])
    assert place["match"] == "exact"
    place, _ = place_of("قصف شمال شرق الفلوجة.", [("LOCATION", "شمال شرق الفلوجة")])
    assert place["name"] == "Al Fallūjah" and place["precision"] == "near"


def test_countryside_means_the_division(gaz):
    place, _ = place_of("غارات على ريف حلب الشمالي.", [("LOCATION", "ريف حلب الشمالي")])
    assert place["feature"] == "admin1" and place["admin1_code"] == "SY.09" and place["precision"] == "admin1"


def test_a_chain_of_places_gives_the_most_specific(gaz):
    text = "تعرضت قرية الخوجرة التابعة لمحافظة الطوال على الشريط الحدودي جنوب منطقة جازان أمس الجمعة لمقذوفات."
    place, _ = place_of(text, [("LOCATION", "قرية الخوجرة التابعة لمحافظة الطوال على الشريط الحدودي جنوب منطقة جازان")])
    assert place["name"] == "Al Tuwal" and place["country"] == "SA" and place["admin1_code"] == "SA.17"
    assert place["precision"] == "admin1"  # a curated place without verified coordinates: its division's point


def test_a_launch_origin_is_not_the_place(gaz):
    text = "سقط مقذوف أطلق من داخل الأراضي اليمنية على مدينة نجران."
    place, origin = place_of(text, [("LOCATION", "الأراضي اليمنية"), ("LOCATION", "مدينة نجران")])
    assert place["country"] == "SA" and origin["country"] == "YE"
    text = "سقط صاروخ أطلق من قطاع غزة على جنوب إسرائيل."
    place, origin = place_of(text, [("LOCATION", "قطاع غزة"), ("LOCATION", "جنوب إسرائيل")])
    assert place["country"] == "IL" and origin["admin1_code"] == "PS.GZ"
    place, origin = place_of("أطلق صاروخ انطلاقا من اليمن.", [("LOCATION", "اليمن")])
    assert place is None and origin["country"] == "YE"


def test_origin_rule():
    s = "تعرض المركز لقذائف من داخل الأراضي اليمنية"
    assert is_origin(s, s.index("الأراضي"))
    s = "انسحب المقاتلون من مدينة الرمادي"
    assert not is_origin(s, s.index("مدينة"))  # no launch, no projectile
    s = "سقطت قذيفة بالقرب من مدينة نجران"
    assert not is_origin(s, s.index("مدينة"))


def test_a_neighbour_is_not_the_place(gaz):
    place, _ = place_of("قتل 32 في مدينة الرمادي الحدودية مع سوريا.", [("LOCATION", "مدينة الرمادي الحدودية مع سوريا")])
    assert place["country"] == "IQ"


def test_namesakes_are_chosen_by_context(gaz):
    # القنيطرة: Quneitra (Syria) or Kenitra (Morocco); the span names Syria
    place, _ = place_of("غارة على القنيطرة في جنوب غرب سوريا.", [("LOCATION", "القنيطرة في جنوب غرب سوريا")])
    assert place["country"] == "SY" and place["resolved_by"] == "context"
    # the same name alone, with another place of the document in Morocco
    other = (["attack"], "انفجار في الرباط.", [("LOCATION", "الرباط")])
    place, _ = place_of("انفجار في القنيطرة.", [("LOCATION", "القنيطرة")], "2015-07-25", other)
    assert place["country"] == "MA"


def test_ambiguous_names_report_candidates_and_no_coordinates(gaz):
    place, _ = place_of("قصف الجوف.", [("LOCATION", "الجوف")])  # Saudi region or Yemeni governorate
    assert place["match"] == "ambiguous" and place["lat"] is None and place["country"] is None
    assert {"SA", "YE"} <= {c["country"] for c in place["candidates"]}


def test_unknown_is_null_never_a_guess(gaz):
    place, _ = place_of("قصف قرية زركال.", [("LOCATION", "قرية زركال")])
    assert place is None
    place, _ = place_of("قصف على أرض فضاء.", [("LOCATION", "أرض فضاء")])
    assert place is None


def test_a_small_namesake_in_a_country_the_document_never_names_is_not_trusted(gaz):
    # عقبة ثرة is a mountain pass in Yemen, not Aqaba in Jordan
    other = (["attack"], "اشتباكات في محافظة أبين جنوبي اليمن.", [("LOCATION", "محافظة أبين جنوبي اليمن")])
    place, _ = place_of("استهدفت الطائرات عقبة ثرة.", [("LOCATION", "عقبة ثرة")], "2015-07-25", other)
    assert place is None or place["country"] != "JO"


def test_gazetteer_parse_roundtrip():
    text = ("# test attribution\nkind\tgeonameid\tname\tcountry\tadmin1\tlat\tlon\tpopulation\tname_ar\tkeys\tadjectives\n"
            "C\t1\tLand\tXL\t\t1.0\t2.0\t100\tأرض\tارضيه\tارضي\n"
            "A\t\tNorth\tXL\t01\t1.0\t2.0\t0\tالشمال\tشماليه\t\n"
            "P\t5\tTown\tXL\t01\t1.5\t2.5\t900\tبلدتنا\tبلدتنا\t\n")
    g = Gazetteer.parse(text)
    (town,) = g.lookup("بلدتنا")
    assert town.geonameid == 5 and g.admin1_name(town) == "North" and g.country_name("XL") == "Land"
    assert g.country_of_adjective("ارضي").country == "XL" and g.attribution == "test attribution"
