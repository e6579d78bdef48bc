"""From model outputs to answers: word tags to char spans, label probabilities to label sets.

Two ways from per-word tag probabilities to tags: ``viterbi_tags`` (the default) finds the most
probable sequence among the legal IOB2 ones (``I-X`` only after ``B-X`` or ``I-X``), as a CRF layer
would, so a span is never cut by one uncertain word; ``argmax`` picks each word's best tag and
then applies the repair rule. Viterbi can also weigh in tag-to-tag transition probabilities
counted on the training data (``transition_log_probs``), the part of a CRF a per-word softmax
lacks: after ``B-LOCATION`` the next word is far more often ``I-LOCATION`` than a new span, so a
rare place name after ``قرية`` is kept inside the span although the encoder is unsure of it.

IOB2 repair rule (documented in the README): an ``I-X`` that does not continue an open ``X`` span
(after ``O``, at the start, or after another type) opens a new ``X`` span, as if it were ``B-X``.
A model that has learned ``X`` but missed the boundary still yields the argument; dropping it
would lose more than it saves. Spans are then trimmed so that they start and end on a word, never
on punctuation (ANNOTATION.md); a span of punctuation only is dropped.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from rasd.records import Span
from rasd.text import Token


def favour_spans(probs: np.ndarray, tags: Sequence[str], penalty: float) -> np.ndarray:
    """Tag scores with every word's ``O`` divided by ``e**penalty``, for decoding only.

    A tagger trained on text that is mostly ``O`` is cautious: on real news it finds about half the
    arguments, with precision well above recall. Lowering ``O`` by a constant chosen on dev trades
    the one for the other, the way a CRF's bias would; ``penalty`` 0 leaves the scores as they are,
    and a negative one raises ``O`` (a tagger that finds more than it should).
    Rows are not renormalised: argmax and Viterbi only compare them, and span scores are read from
    the unmodified probabilities.
    """
    if not penalty:
        return probs
    out = np.array(probs, dtype=float, copy=True)
    out[:, list(tags).index("O")] *= math.exp(-penalty)
    return out


def mix_tag_probs(tagger: np.ndarray, crf: np.ndarray, weight: float) -> np.ndarray:
    """Per-word tag posteriors of two experts multiplied, ``tagger**(1 - weight) * crf**weight``,
    rows renormalised: a tag both find likely wins over one only one is sure of (``rasd.wordcrf``).
    ``weight`` 0 is the tagger alone, 1 the CRF alone."""
    if not weight or len(tagger) == 0:
        return tagger
    logp = (1.0 - weight) * np.log(np.clip(tagger, 1e-12, 1.0)) + weight * np.log(np.clip(crf, 1e-12, 1.0))
    p = np.exp(logp - logp.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def mix_label_probs(classifier: np.ndarray, ngrams: np.ndarray, weight: float) -> np.ndarray:
    """Label probabilities of the classifier and the character n-gram model (``rasd.charngrams``)
    averaged, ``(1 - weight) * classifier + weight * ngrams``; the thresholds are tuned on the result."""
    if not weight:
        return classifier
    return (1.0 - weight) * np.asarray(classifier, dtype=float) + weight * np.asarray(ngrams, dtype=float)


def transition_mask(tags: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Log-masks of legal IOB2 moves: ``(start[j], move[i, j])``, 0 where legal and -inf where not."""
    n = len(tags)
    start = np.zeros(n)
    move = np.zeros((n, n))
    for j, tag in enumerate(tags):
        if tag.startswith("I-"):
            start[j] = -np.inf
            for i, prev in enumerate(tags):
                if prev[2:] != tag[2:] or prev == "O":
                    move[i, j] = -np.inf
    return start, move


def transition_log_probs(tag_sequences, tags: Sequence[str], smoothing: float = 1.0) -> list[list[float]]:
    """log P(next tag | tag) counted over training tag sequences (add-``smoothing``, legal moves only)."""
    index = {t: i for i, t in enumerate(tags)}
    counts = np.full((len(tags), len(tags)), smoothing)
    for seq in tag_sequences:
        for a, b in zip(seq, seq[1:]):
            counts[index[a], index[b]] += 1
    counts[np.isinf(transition_mask(tags)[1])] = 0.0
    with np.errstate(divide="ignore"):
        logp = np.log(counts / counts.sum(axis=1, keepdims=True))
    return [[round(float(x), 4) if np.isfinite(x) else -1e9 for x in row] for row in logp]


def viterbi_tags(probs: np.ndarray, tags: Sequence[str], transitions=None, weight: float = 0.0) -> list[str]:
    """The legal IOB2 sequence with the highest product of per-word tag probabilities, times the
    ``weight``-th power of the transition probabilities when given (``transition_log_probs``).

    ``probs`` is (words, tags); numpy only, so evaluation and serving run the same code.
    """
    if len(probs) == 0:
        return []
    start, move = transition_mask(tags)
    if transitions is not None and weight:
        move = move + weight * np.maximum(np.asarray(transitions, dtype=float), -1e9)
    logp = np.log(np.clip(probs, 1e-12, 1.0))
    score = logp[0] + start
    back = np.zeros(probs.shape, dtype=np.int64)
    for t in range(1, len(probs)):
        cand = score[:, None] + move  # (prev, next)
        back[t] = cand.argmax(axis=0)
        score = cand.max(axis=0) + logp[t]
    best = [int(score.argmax())]
    for t in range(len(probs) - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return [tags[j] for j in reversed(best)]


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
