"""Arabic text handling: word tokenisation by the rules of ANNOTATION.md, and normalisation.

Offsets are always into the raw text. The tagger never sees offsets of normalised text: it tags the
words found in the raw text, and each word is normalised on its own before sub-word tokenisation,
so a span decoded from word tags maps back to the raw characters exactly, whatever the
normalisation removed (diacritics, tatweel, zero-width or bidi marks).
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from typing import NamedTuple

TATWEEL = "\u0640"
# Arabic harakat, Quranic marks and the superscript alef: stripped when ``strip_diacritics``.
_DIACRITICS = set(chr(c) for c in range(0x064B, 0x0660)) | {"\u0670"} | set(
    chr(c) for c in range(0x06D6, 0x06EE)
)
_ALEF_FORMS = {"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627"}
# Persian / Urdu look-alike letters that appear in scraped Arabic text.
LOOKALIKES = {
    "\u06a9": "\u0643",  # keheh -> kaf
    "\u06cc": "\u064a",  # farsi yeh -> yeh
    "\u06d2": "\u064a",  # yeh barree -> yeh
    "\u06c1": "\u0647",  # heh goal -> heh
    "\u06be": "\u0647",  # heh doachashmee -> heh
    "\u0649": None,  # alef maqsura: only mapped when ``unify_yeh``
}
_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}


def is_word_char(ch: str) -> bool:
    """Letters, digits and combining marks form words (ANNOTATION.md, "Span boundaries")."""
    cat = unicodedata.category(ch)
    return cat[0] in "LM" or cat == "Nd"


def is_ignorable(ch: str) -> bool:
    """Zero-width and bidi format characters: invisible, never a token, never a word boundary."""
    return unicodedata.category(ch) == "Cf"


class Token(NamedTuple):
    start: int
    end: int
    text: str
    is_word: bool


def tokenize(text: str) -> list[Token]:
    """Split raw text into words and punctuation tokens with exact char offsets.

    Words are maximal runs of letters, digits and combining marks; an invisible format character
    (ZWNJ, RLM, ...) between two word characters stays inside the word, so that hostile Unicode
    cannot split ``الجيش`` in two, but a token never starts or ends on one. Every other
    non-space character is a token of its own (``السوري:أن`` is three tokens).
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if is_word_char(ch):
            j = last = i
            while j < n and (is_word_char(text[j]) or is_ignorable(text[j])):
                if is_word_char(text[j]):
                    last = j
                j += 1
            tokens.append(Token(i, last + 1, text[i : last + 1], True))
            i = last + 1
        elif ch.isspace() or is_ignorable(ch):
            i += 1
        else:
            tokens.append(Token(i, i + 1, ch, False))
            i += 1
    return tokens


@dataclass(frozen=True)
class Normalization:
    """Settings of the character normalisation; saved in every model's manifest."""

    strip_diacritics: bool = True
    strip_tatweel: bool = True
    strip_format_chars: bool = True
    unify_alef: bool = True
    unify_yeh: bool = False
    map_lookalikes: bool = True
    western_digits: bool = True
    nfkc: bool = True

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Normalization":
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown normalization keys: {sorted(unknown)}; known: {sorted(known)}")
        return cls(**data)

    def char(self, ch: str) -> str:
        """The normalised form of one raw character ('' when it is removed)."""
        if self.strip_format_chars and is_ignorable(ch):
            return ""
        if self.strip_diacritics and ch in _DIACRITICS:
            return ""
        if self.strip_tatweel and ch == TATWEEL:
            return ""
        if self.western_digits and ch in _DIGITS:
            return _DIGITS[ch]
        if self.map_lookalikes and LOOKALIKES.get(ch):
            ch = LOOKALIKES[ch]
        if self.unify_alef and ch in _ALEF_FORMS:
            return _ALEF_FORMS[ch]
        if self.unify_yeh and ch == "\u0649":
            return "\u064a"
        if self.nfkc and not ("\u0600" <= ch <= "\u06ff"):
            # Presentation forms (U+FB50..U+FEFF) and compatibility characters; Arabic block
            # letters are left alone because NFKC would recompose hamza forms.
            return unicodedata.normalize("NFKC", ch)
        return ch


class Normalized(NamedTuple):
    text: str
    offsets: list[int]  # offsets[i] = raw index of normalised char i


def normalize(text: str, settings: Normalization | None = None) -> Normalized:
    """Normalise ``text`` and keep, for every output character, the raw index it came from."""
    settings = settings or Normalization()
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        piece = settings.char(ch)
        out.append(piece)
        offsets.extend([i] * len(piece))
    return Normalized("".join(out), offsets)


def normalize_word(word: str, settings: Normalization) -> str:
    """The form of one word that the sub-word tokenizer sees; never empty."""
    out = "".join(settings.char(ch) for ch in word)
    return out or word


def collapse_whitespace(text: str) -> str:
    """The key under which two sentences count as the same (ANNOTATION.md, "Splits")."""
    return " ".join(text.split())
