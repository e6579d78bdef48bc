"""Sentence splitting on scraped Arabic news."""

from rasd.sentences import split_sentences


def parts(text):
    return [text[a:b] for a, b in split_sentences(text)]


def test_headline_without_stop_decimals_abbreviations_quotes():
    text = ('غارات إسرائيلية على ريف حمص\nقال د. أحمد إن 3.5 طن سقطت. وأضاف: "لا تعليق. انتهى" ثم غادر؟ '
            'نعم! (هذا. داخل) آخر')
    assert parts(text) == ["غارات إسرائيلية على ريف حمص", "قال د. أحمد إن 3.5 طن سقطت.",
                           'وأضاف: "لا تعليق. انتهى" ثم غادر؟', "نعم!", "(هذا. داخل) آخر"]


def test_arabic_semicolon_and_decimal_comma():
    assert parts("سقط ٣٫٥ طن؛ وأصيب اثنان") == ["سقط ٣٫٥ طن؛", "وأصيب اثنان"]


def test_offsets_cover_all_text():
    text = "  أولا.   ثانيا؟\n\nثالثا  "
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["أولا.", "ثانيا؟", "ثالثا"]
