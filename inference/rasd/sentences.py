"""Arabic sentence splitting for scraped news: offsets into the document, nothing rewritten.

Boundaries: . ! ? ؟ ؛ … and line breaks (headlines and photo captions have no final stop), but not
inside brackets or quotes, not in decimals (3.5, ٣٫٥), and not after abbreviations (single letters
such as د. or م., and Latin initials such as U.S.). Closing quotes and brackets that follow the
stop stay with the sentence.
"""

from __future__ import annotations

ENDERS = set(".!?؟؛…")
OPENERS = {"(": ")", "[": "]", "«": "»", "“": "”", "{": "}"}
CLOSERS = set(OPENERS.values()) | {'"', "'"}
_MAX_NESTED_CHARS = 400  # an unclosed bracket must not swallow the rest of a long article


def _is_abbreviation(text: str, dot: int) -> bool:
    """A dot after a one-letter word (د. م. هـ. U.) is an abbreviation, not a stop."""
    j = dot - 1
    while j >= 0 and text[j] == "\u0640":
        j -= 1
    if j < 0 or not text[j].isalpha():
        return False
    k = j - 1
    while k >= 0 and text[k] == "\u0640":
        k -= 1
    return k < 0 or not text[k].isalpha()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, trimmed of white space; covers every non-space character."""
    bounds, start, i, n = [], 0, 0, len(text)
    stack: list[tuple[str, int]] = []
    while i < n:
        ch = text[i]
        if ch == "\n":
            stack.clear()
            bounds.append((start, i))
            start = i + 1
        elif ch in OPENERS:
            stack.append((OPENERS[ch], i))
        elif stack and ch == stack[-1][0]:
            stack.pop()
        elif ch == '"':
            if stack and stack[-1][0] == '"':
                stack.pop()
            else:
                stack.append(('"', i))
        elif ch in ENDERS:
            if stack and i - stack[-1][1] > _MAX_NESTED_CHARS:
                stack.clear()
            if not stack and not _inside_number(text, i) and not (ch == "." and _is_abbreviation(text, i)):
                j = i + 1
                while j < n and (text[j] in ENDERS or text[j] in CLOSERS):
                    j += 1
                if j >= n or text[j].isspace():
                    bounds.append((start, j))
                    start, i = j, j
                    continue
        i += 1
    bounds.append((start, n))
    out = []
    for a, b in bounds:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def _inside_number(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i] in ".٫," and text[i - 1].isdigit() and text[i + 1].isdigit()
