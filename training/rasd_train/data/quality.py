"""Arabic data problems that the guidelines do not forbid but that poison a corpus silently."""

from __future__ import annotations

import re
import unicodedata

from rasd.text import LOOKALIKES, TATWEEL

_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_NUMBER = re.compile(r"[0-9٠-٩۰-۹]+(?:[.,٫٬][0-9٠-٩۰-۹]+)*")


def text_problems(text: str) -> list[str]:
    """Look-alike letters, invisible marks, tatweel runs, mixed digit systems inside a number."""
    problems = []
    for ch in sorted({c for c in text if LOOKALIKES.get(c)}):
        problems.append(f"Persian/Urdu look-alike letter U+{ord(ch):04X} {unicodedata.name(ch, '?')}")
    marks = sorted({c for c in text if unicodedata.category(c) == "Cf"})
    for ch in marks:
        problems.append(f"invisible format character U+{ord(ch):04X} {unicodedata.name(ch, '?')}")
    if TATWEEL * 2 in text:
        problems.append("tatweel run (ــ)")
    for m in _NUMBER.finditer(text):
        systems = {
            "western" if c.isascii() else "arabic-indic" if c in _ARABIC_INDIC else "persian"
            for c in m.group()
            if c.isdigit()
        }
        if len(systems) > 1:
            problems.append(f"mixed digit systems in number {m.group()!r}")
    if text != text.strip():
        problems.append("leading or trailing white space")
    if "\ufffd" in text:
        problems.append("replacement character U+FFFD (broken encoding)")
    return problems
