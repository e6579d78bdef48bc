"""How much of a text is written in Arabic script.

The models read Arabic only: an English or French article comes back with no event, which looks
exactly like an Arabic article that reports none. ``arabic_ratio`` lets the output say which of the
two it is, so nothing is silently "no event".

The ratio is over *letters* only. Digits (either system), punctuation, spaces, diacritics, tatweel
and invisible format characters are left out, so a casualty figure, a date or a row of dashes
neither raises nor lowers it; so are URLs, e-mail addresses and @handles, which are Latin in any
language. It measures script, not language: Persian or Urdu text counts as Arabic script.
"""

from __future__ import annotations

import logging
import re
import unicodedata

# Blocks whose letters are Arabic script: Arabic, Arabic Supplement, Arabic Extended-B and -A,
# Presentation Forms-A and -B, Arabic Extended-C, Arabic Mathematical Alphabetic Symbols.
ARABIC_BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x089F), (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF), (0xFE70, 0xFEFF), (0x10EC0, 0x10EFF), (0x1EE00, 0x1EEFF),
)

# Below this share of Arabic letters a document is flagged as having little or no Arabic.
# Measured on ../shared (URLs and handles left out, as below): all 3,696 IDRISI Arabic tweets are
# at 0.53 or more (hashtags in English pull a few down; 1st percentile 0.87); the written corpus and
# the sample articles at 0.99 or more; of FIGNEWS's English, French, Hebrew and Hindi posts, none
# is above 0.32. One half sits in that gap: a text under it is mostly in another script, which the
# Arabic WordPiece vocabulary cuts into unknown pieces, so "no event" there means "not read".
LOW_ARABIC_RATIO = 0.5

TATWEEL = "\u0640"  # a letter by its Unicode category, but only a stretching stroke
# URLs, e-mail addresses and @handles are Latin whatever the language of the text around them;
# an Arabic tweet is often more URL than words (``https://t.co/...`` twice), so they are not counted.
_NOT_WORDS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+|@\w+", re.ASCII | re.IGNORECASE)


def is_arabic_letter(ch: str) -> bool:
    """A letter (category L*) in one of the Arabic-script blocks; tatweel is not a letter here."""
    code = ord(ch)
    return ch != TATWEEL and any(a <= code <= b for a, b in ARABIC_BLOCKS) and unicodedata.category(ch)[0] == "L"


def _is_letter(ch: str) -> bool:
    return ch != TATWEEL and unicodedata.category(ch)[0] == "L"


def arabic_ratio(text: str) -> float | None:
    """Share of the letters of ``text`` that are Arabic script, in [0, 1].

    ``None`` when the text has no letters at all (empty, whitespace, only digits or punctuation):
    there is nothing to measure, and such a text is not "non-Arabic".
    """
    letters = arabic = 0
    for ch in _NOT_WORDS.sub(" ", text):
        if _is_letter(ch):
            letters += 1
            arabic += is_arabic_letter(ch)
    return arabic / letters if letters else None


def is_low_arabic(ratio: float | None, threshold: float = LOW_ARABIC_RATIO) -> bool:
    """True for a measured ratio under ``threshold``; a text without letters is never flagged."""
    return ratio is not None and ratio < threshold


def low_arabic_warning(ratio: float) -> str:
    """The ``warning`` field of a flagged output document: what the empty result means."""
    return (f"little or no Arabic script ({ratio:.0%} of letters, threshold {LOW_ARABIC_RATIO:.0%}): "
            "the model reads Arabic only, so a missing event here means the text was not read")


def script_fields(text: str) -> dict:
    """The fields an output document gets: ``arabic_ratio`` (3 decimals or null) and, below the
    threshold, ``warning``."""
    ratio = arabic_ratio(text)
    shown = None if ratio is None else round(ratio, 3)  # flagged on the figure the reader sees
    fields: dict = {"arabic_ratio": shown}
    if is_low_arabic(shown):
        fields["warning"] = low_arabic_warning(shown)
    return fields


class LowArabicLog:
    """Logs the documents flagged for little or no Arabic: the first ``limit`` by id, then a count at
    the end, so that a folder of English articles does not bury the rest of the log."""

    def __init__(self, logger: logging.Logger, limit: int = 20):
        self.logger, self.limit, self.count = logger, limit, 0

    def see(self, doc: dict) -> None:
        """Note one output record (with its ``id``)."""
        if not doc.get("warning"):
            return
        self.count += 1
        if self.count <= self.limit:
            self.logger.warning("%s: %s", doc.get("id"), doc["warning"])

    def close(self) -> None:
        """The count, when more documents were flagged than were logged one by one."""
        if self.count > self.limit:
            self.logger.warning("%d documents in all have little or no Arabic script (see their 'warning' field)",
                                self.count)
