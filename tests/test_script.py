"""arabic_ratio: share of letters in Arabic script, and the flag for text with little or no Arabic."""

import json

from hypothesis import given
from hypothesis import strategies as st

from rasd.script import LOW_ARABIC_RATIO, arabic_ratio, is_low_arabic, script_fields

from conftest import MINI

ARABIC_LETTERS = st.sampled_from(list("ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئةى") + ["\ufefb", "\ufe8d", "\u06a9", "\u06cc"])
LATIN_LETTERS = st.sampled_from(list("abcdefghijklmnopqrstuvxyzABCDEFGHIJKLMNOPQRSTUVXYZéçß"))  # no w: `www.` opens a URL
OTHER_LETTERS = st.sampled_from(list("אבגדשתабвгдकखगअ中文ひらがな"))
# Everything that must not count: digits of both systems, punctuation, spaces, harakat, tatweel,
# format characters (ZWNJ, RLM, LRE), Arabic punctuation.
IGNORED = st.sampled_from(list("0123456789٠١٢٣٤٥٦٧٨٩۰۱۲ .,;:!?-()[]«»\"'\n\t،؛؟") +
                          ["\u064b", "\u064e", "\u0650", "\u0651", "\u0652", "\u0670", "\u0640", "\u200c", "\u200f", "\u202a"])


def words(letters, min_size=1):
    return st.text(alphabet=letters, min_size=min_size, max_size=40)


@given(st.text(max_size=200))
def test_ratio_is_a_share_or_none(text):
    r = arabic_ratio(text)
    assert r is None or 0.0 <= r <= 1.0


@given(words(ARABIC_LETTERS))
def test_only_arabic_letters_is_one(text):
    assert arabic_ratio(text) == 1.0


@given(words(st.one_of(LATIN_LETTERS, OTHER_LETTERS)))
def test_no_arabic_letter_is_zero(text):
    assert arabic_ratio(text) == 0.0


@given(st.text(alphabet=IGNORED, max_size=60))
def test_no_letters_is_none_and_never_flagged(text):
    assert arabic_ratio(text) is None
    assert script_fields(text) == {"arabic_ratio": None}


@given(words(st.one_of(ARABIC_LETTERS, LATIN_LETTERS)), st.lists(st.tuples(st.integers(0, 60), IGNORED), max_size=20))
def test_digits_punctuation_marks_and_format_characters_do_not_count(text, inserts):
    noisy = text
    for pos, ch in inserts:
        k = pos % (len(noisy) + 1)
        noisy = noisy[:k] + ch + noisy[k:]
    assert arabic_ratio(noisy) == arabic_ratio(text)


@given(words(ARABIC_LETTERS, 0), words(LATIN_LETTERS, 0))
def test_ratio_counts_letters(arabic, latin):
    text = arabic + " " + latin
    if not (arabic or latin):
        assert arabic_ratio(text) is None
    else:
        assert arabic_ratio(text) == len(arabic) / (len(arabic) + len(latin))


@given(words(st.one_of(ARABIC_LETTERS, LATIN_LETTERS)), words(st.one_of(ARABIC_LETTERS, LATIN_LETTERS)))
def test_joined_text_lies_between_its_parts(a, b):
    lo, hi = sorted([arabic_ratio(a), arabic_ratio(b)])
    assert lo - 1e-12 <= arabic_ratio(a + " " + b) <= hi + 1e-12


def test_urls_handles_and_emails_do_not_count():
    tweet = "ارتفاع وفيات #سيول_الأردن لـ 7 https://t.co/EyJZTWtS5r @RoyaNews info@example.com www.example.org/x"
    assert arabic_ratio(tweet) == 1.0
    assert arabic_ratio("https://t.co/EyJZTWtS5r") is None


def test_threshold_separates_arabic_news_from_other_languages():
    assert 0 < LOW_ARABIC_RATIO < 1
    texts = [json.loads(line)["text"] for line in MINI.read_text(encoding="utf-8").splitlines()]
    assert not any(is_low_arabic(arabic_ratio(t)) for t in texts)
    english = "Israeli strikes on Gaza killed at least 11 people on Tuesday, the health ministry said."
    assert is_low_arabic(arabic_ratio(english))
    # Latin names and acronyms inside Arabic news do not flag it
    assert not is_low_arabic(arabic_ratio("أعلن الجيش أن طائرة F-16 من طراز Lockheed Martin أسقطت فوق مطار حلب"))


def test_fields_of_a_flagged_document():
    fields = script_fields("Air strikes hit the port of Hodeidah; سقط 3 قتلى")
    assert fields["arabic_ratio"] < LOW_ARABIC_RATIO
    assert "little or no Arabic" in fields["warning"]
    assert script_fields("قصفت الطائرات ميناء الحديدة") == {"arabic_ratio": 1.0}
    assert script_fields("") == {"arabic_ratio": None}
