"""Casualty counts from Arabic text: digits of either system, number words, qualifiers.

``ما لا يقل عن 11`` → at least 11; ``خمسة`` → 5; ``ثلاثة عشر`` → 13; ``عشرات`` → an unspecified
count (dozens). Returns None when the text gives no count at all.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rasd.text import Normalization, normalize

_NORM = Normalization(unify_yeh=True)
_UNITS = {
    "واحد": 1, "واحده": 1, "احد": 1, "احدي": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "اثنا": 2,
    "اثني": 2, "اثنتا": 2, "اثنتي": 2, "ثلاثه": 3, "ثلاث": 3, "اربعه": 4, "اربع": 4, "خمسه": 5, "خمس": 5,
    "سته": 6, "ست": 6, "سبعه": 7, "سبع": 7, "ثمانيه": 8, "ثماني": 8, "ثمان": 8, "تسعه": 9, "تسع": 9,
    "عشره": 10, "عشر": 10,
}
_TENS = {"عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40, "خمسون": 50,
         "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70, "ثمانون": 80, "ثمانين": 80,
         "تسعون": 90, "تسعين": 90}
_HUNDREDS = {"مئه": 100, "مائه": 100, "مئتان": 200, "مئتين": 200, "مائتان": 200, "مائتين": 200}
_THOUSANDS = {"الف": 1000, "الفا": 1000, "الفان": 2000, "الفين": 2000, "الفي": 2000, "الاف": 1000}
_VAGUE = {"عشرات": 10, "مئات": 100, "الاف": 1000, "عده": None, "بضعه": 3, "بضع": 3}
_AT_LEAST = ("ما لا يقل عن", "لا يقل عن", "اكثر من", "ما يزيد على", "ما يزيد عن", "يزيد على", "فوق")
_APPROX = ("نحو", "حوالي", "قرابه", "زهاء", "ما يقارب", "ما يناهز", "تقريبا")
_KINDS = (
    ("killed", ("قتل", "قتيل", "قتلي", "مقتل", "مصرع", "شهيد", "شهداء", "استشهاد", "استشهد", "جثث", "جثه",
                "حتفهم", "حتفه", "الموت", "وفاه", "توفي")),
    ("wounded", ("جرح", "جريح", "جرحي", "اصابه", "اصابات", "مصاب", "اصيب", "اصابت")),
    ("missing", ("مفقود", "فقد", "فقدان", "تحت الانقاض", "عالقين")),
)
_DIGITS = re.compile(r"\d+(?:[.,]\d{3})*")


class Count(NamedTuple):
    value: int | None  # the number, or None when the text only says "dozens", "several"
    qualifier: str  # exact | at_least | approximately | unspecified

    def to_dict(self) -> dict:
        return {"value": self.value, "qualifier": self.qualifier}


def _norm(text: str) -> str:
    """Normalised for matching: also ة → ه, so the tables need one spelling."""
    return " ".join(normalize(text, _NORM).text.replace("ة", "ه").split())


def _strip_clitics(word: str) -> str:
    for pre in ("وال", "بال", "لل", "ال", "و", "ب", "ل"):
        if word.startswith(pre) and len(word) - len(pre) >= 3:
            rest = word[len(pre):]
            if rest in _UNITS or rest in _TENS or rest in _HUNDREDS or rest in _THOUSANDS or rest in _VAGUE:
                return rest
    return word


def parse_count(text: str) -> Count | None:
    """The count a casualty phrase gives, with how sure the text is of it."""
    norm = _norm(text)
    qualifier = "exact"
    if any(q in norm for q in _AT_LEAST):
        qualifier = "at_least"
    elif any(q in norm.split() or q in norm for q in _APPROX):
        qualifier = "approximately"
    m = _DIGITS.search(norm)
    if m:
        return Count(int(re.sub(r"[.,]", "", m.group())), qualifier)
    words = [_strip_clitics(w) for w in re.findall(r"\w+", norm)]
    value = _words_to_number(words)
    if value is not None:
        return Count(value, qualifier)
    for w in words:
        if w in _VAGUE:
            return Count(None, "unspecified")
    return None


def _words_to_number(words: list[str]) -> int | None:
    """Sum number words that follow each other: خمسة وعشرون, ثلاثة عشر, ثلاثمئة, ألفان."""
    total, found, i = 0, False, 0
    while i < len(words):
        w = words[i]
        if w in _UNITS:
            unit = _UNITS[w]
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if nxt in ("عشر", "عشره") and unit < 10:  # teens: ثلاثة عشر = 13, أحد عشر = 11
                total += 10 + unit
                i += 2
            elif nxt in _HUNDREDS:
                total += unit * 100
                i += 2
            elif nxt in ("الاف", "الف"):
                total += unit * 1000
                i += 2
            else:
                total += unit
                i += 1
            found = True
        elif w in _TENS:
            total, found, i = total + _TENS[w], True, i + 1
        elif w in _HUNDREDS:
            total, found, i = total + _HUNDREDS[w], True, i + 1
        elif _compound_hundred(w):  # ثلاثمئة
            total, found, i = total + _compound_hundred(w), True, i + 1
        elif w in _THOUSANDS and w != "الاف":
            total, found, i = total + _THOUSANDS[w], True, i + 1
        elif found:
            break
        else:
            i += 1
    return total if found else None


def _compound_hundred(word: str) -> int:
    for suffix in ("مئه", "مائه"):
        if word.endswith(suffix) and word[: -len(suffix)] in _UNITS:
            return _UNITS[word[: -len(suffix)]] * 100
    return 0


def casualty_kind(span_text: str, sentence: str, before: str = "") -> str | None:
    """killed, wounded or missing: from the span itself, else the words just before it
    (``مقتل 4 جنود وإصابة 7``), else the sentence around it when that names one kind only."""
    norm = _norm(span_text)
    hits = [kind for kind, cues in _KINDS if any(c in norm for c in cues)]
    if hits:
        return hits[0]
    last = _norm(before).split()[-2:]
    for word in reversed(last):
        hits = [kind for kind, cues in _KINDS if any(c in word for c in cues)]
        if hits:
            return hits[0]
    norm = _norm(sentence)
    hits = [kind for kind, cues in _KINDS if any(c in norm for c in cues)]
    return hits[0] if len(hits) == 1 else None
