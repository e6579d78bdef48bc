"""Word tokenisation and normalisation: the rules of ANNOTATION.md, offsets exact into raw text."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.text import Normalization, is_ignorable, is_word_char, normalize, normalize_word, tokenize


def texts(toks):
    return [t.text for t in toks]


def test_punctuation_glued_to_words_is_its_own_token():
    assert texts(tokenize("السوري:أن")) == ["السوري", ":", "أن"]
    assert texts(tokenize("حمص،فجر الخميس.")) == ["حمص", "،", "فجر", "الخميس", "."]
    assert texts(tokenize("(رويترز)")) == ["(", "رويترز", ")"]


def test_clitics_stay_inside_words():
    assert texts(tokenize("بريف حمص ولبنان")) == ["بريف", "حمص", "ولبنان"]


def test_diacritics_tatweel_and_digits_are_word_characters():
    assert texts(tokenize("قُتِلَ ١١ شخصاً في الـــقصف")) == ["قُتِلَ", "١١", "شخصاً", "في", "الـــقصف"]


def test_zero_width_and_bidi_marks_neither_split_nor_bound_words():
    raw = "\u200fالجيش\u200c الإسرائيلي\u200f"
    toks = tokenize(raw)
    assert [(t.start, t.end) for t in toks] == [(1, 6), (8, 18)]
    assert texts(toks) == ["الجيش", "الإسرائيلي"]
    inside = tokenize("الجي\u200dش")
    assert texts(inside) == ["الجي\u200dش"]


def test_normalize_keeps_an_offset_map_to_the_raw_text():
    raw = "قُتِلَ ٣ فـــي ﻻ"
    norm = normalize(raw)
    assert norm.text == "قتل 3 في لا"
    for i, ch in enumerate(norm.text):
        assert 0 <= norm.offsets[i] < len(raw)
    assert raw[norm.offsets[norm.text.index("3")]] == "٣"


def test_normalization_settings_round_trip_and_reject_unknown_keys():
    n = Normalization(unify_yeh=True)
    assert Normalization.from_dict(n.to_dict()) == n
    try:
        Normalization.from_dict({"strip_harakat": True})
    except ValueError as exc:
        assert "strip_harakat" in str(exc)
    else:
        raise AssertionError("unknown key accepted")


def test_lookalikes_and_alef_forms():
    assert normalize_word("کتیبة", Normalization()) == "كتيبة"
    assert normalize_word("إسرائيل", Normalization()) == "اسرائيل"
    assert normalize_word("\u200c", Normalization()) == "\u200c"  # never empty


HOSTILE = st.text(
    alphabet=st.sampled_from(list("قصف على حمص،.:()\"«»0123456789٠١٢٣٤٥٦٧٨٩ـًٌٍَُِّْ") +
                             ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202b", "\u2066", "\ufeff",
                              "\n", "\t", "ﻻ", "A", "b", "é", "ک", "ی"]),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_tokens_are_exact_slices_covering_every_visible_character(text):
    toks = tokenize(text)
    covered = set()
    for t in toks:
        assert text[t.start : t.end] == t.text
        assert t.start < t.end
        if t.is_word:
            assert is_word_char(text[t.start]) and is_word_char(text[t.end - 1])
        else:
            assert t.end - t.start == 1
        covered.update(range(t.start, t.end))
    for i, ch in enumerate(text):
        if not ch.isspace() and not is_ignorable(ch):
            assert i in covered, (text, i)
    assert all(a.end <= b.start for a, b in zip(toks, toks[1:]))


@settings(max_examples=200, deadline=None)
@given(HOSTILE)
def test_normalize_offsets_are_monotonic_and_in_range(text):
    norm = normalize(text)
    assert len(norm.offsets) == len(norm.text)
    assert norm.offsets == sorted(norm.offsets)
    assert all(0 <= o < len(text) for o in norm.offsets)
    for ch in norm.text:
        assert unicodedata.category(ch) != "Cf"
