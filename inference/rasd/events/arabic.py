"""Matching keys for Arabic words: one spelling-neutral form shared by every table of the event layer.

The gazetteer build, the place resolver, the actor table and the date rules all compare words
through :func:`key`, so a table entry and a span match exactly when they are the same word up to
diacritics, tatweel, hamza-on-alef, alef maqsura / yeh, ta marbuta / heh and the digit system.
"""

from __future__ import annotations

from rasd.text import Normalization, normalize, tokenize

KEY_NORMALIZATION = Normalization(unify_yeh=True)
# proclitics that stick to the first word of a name: و ف ب ل ك and their pairs (وب، ول، فب ...)
_PROCLITICS = ("وب", "ول", "فب", "فل", "وك", "و", "ف", "ب", "ل", "ك")


def key(text: str) -> str:
    """The matching form of a word or phrase: normalised, ة → ه, words joined by one space."""
    return " ".join(words(text))


def words(text: str) -> list[str]:
    """Matching forms of the words of ``text`` (punctuation dropped)."""
    out = []
    for tok in tokenize(text):
        if tok.is_word:
            w = normalize(tok.text, KEY_NORMALIZATION).text.replace("ة", "ه")
            if w:
                out.append(w)
    return out


def clitic_variants(word: str, min_rest: int = 2) -> list[str]:
    """The word itself, then the word with one proclitic removed (``للحوثيين`` → ``الحوثيين``).

    A ``ل`` before the article fuses with it (ل + ال → لل), so ``لل`` gives back ``ال``.
    """
    out = [word]
    if word.startswith("لل") and len(word) > 3:
        out.append("ا" + word[1:])
    for pre in _PROCLITICS:
        if word.startswith(pre) and len(word) - len(pre) >= min_rest:
            rest = word[len(pre):]
            if rest not in out:
                out.append(rest)
    return out
