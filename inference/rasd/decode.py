"""From model outputs to answers: word tags to char spans, label probabilities to label sets.

IOB2 repair rule (documented in the README): an ``I-X`` that does not continue an open ``X`` span
(after ``O``, at the start, or after another type) opens a new ``X`` span, as if it were ``B-X``.
A model that has learned ``X`` but missed the boundary still yields the argument; dropping it
would lose more than it saves. Spans are then trimmed so that they start and end on a word, never
on punctuation (ANNOTATION.md); a span of punctuation only is dropped.
"""

from __future__ import annotations

import math
from typing import Sequence

from rasd.records import Span
from rasd.text import Token


def repair_iob2(tags: Sequence[str]) -> list[str]:
    """Apply the repair rule above; the result is valid strict IOB2."""
    out, open_type = [], None
    for tag in tags:
        if tag == "O":
            open_type = None
            out.append(tag)
            continue
        kind, typ = tag[0], tag[2:]
        if kind == "I" and open_type != typ:
            kind = "B"
        out.append(f"{kind}-{typ}")
        open_type = typ
    return out


def tags_to_word_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first token, last token + 1, type) for each span in (repaired) IOB2 tags."""
    spans, current = [], None
    for i, tag in enumerate(repair_iob2(tags)):
        if tag == "O" or tag.startswith("B-"):
            if current:
                spans.append(tuple(current))
                current = None
            if tag.startswith("B-"):
                current = [i, i + 1, tag[2:]]
        else:
            current[1] = i + 1
    if current:
        spans.append(tuple(current))
    return spans


def decode_spans(
    tokens: Sequence[Token], tags: Sequence[str], scores: Sequence[float] | None = None
) -> list[tuple[Span, float]]:
    """Char spans (into the text the tokens came from) with a confidence: the mean tag probability."""
    out = []
    for a, b, typ in tags_to_word_spans(tags):
        while a < b and not tokens[a].is_word:
            a += 1
        while b > a and not tokens[b - 1].is_word:
            b -= 1
        if a == b:
            continue
        score = 1.0 if scores is None else float(sum(scores[a:b]) / (b - a))
        out.append((Span(tokens[a].start, tokens[b - 1].end, typ), score))
    return out


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def decide_labels(probs: Sequence[float], labels: Sequence[str], thresholds: dict[str, float]) -> list[str]:
    """The labels whose probability reaches the label's own threshold (tuned on dev, saved)."""
    return [lab for lab, p in zip(labels, probs) if p >= thresholds.get(lab, 0.5)]
