"""A word-feature CRF beside the transformer tagger: its features, its weights, its marginals.

Why: the two experts fail on different words. The transformer reads context but sees a rare
real-news name as word pieces it has not learned; a linear-chain CRF over plain word features
(the word itself, its first and last letters, ال / وال, digits, the words two either side) keeps
exact surface forms and the real-news annotators' bounds. Multiplying their per-word tag
posteriors (``rasd.decode.mix_tag_probs``) before Viterbi measured 4 points of strict span F1 over
either alone on the tuning sets (README, "Measured choices").

The CRF is trained by ``sklearn-crfsuite`` in the training package (``rasd_train.peers``); here it
is only read and run, with numpy: the weights file holds crfsuite's state features (attribute ->
tag -> weight) and transition weights, and ``marginals`` is the forward-backward crfsuite's own
``predict_marginals`` computes (the same numbers to 1e-5, ``tests/test_peers.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from rasd.io import load_weights, pack_array, save_weights, unpack_array
from rasd.text import Normalization, Token, normalize_word

FORMAT = "rasd-word-crf"
FILE_NAME = "word_crf.json"  # in a model folder, named by the manifest


def word_features(words: Sequence[str], i: int) -> dict:
    """The CRF's features for word ``i``: what a 2000s Arabic NER system would use, nothing more."""
    w = words[i]
    f = {"bias": 1.0, "w": w, "p2": w[:2], "p3": w[:3], "s2": w[-2:], "s3": w[-3:],
         "al": w.startswith("ال"), "wal": w.startswith("وال"), "digit": any(c.isdigit() for c in w),
         "punct": not any(c.isalnum() for c in w), "len": min(len(w), 8)}
    for d in (-2, -1, 1, 2):
        j = i + d
        f[f"w{d:+d}"] = words[j] if 0 <= j < len(words) else ("<s>" if j < 0 else "</s>")
    return f


def sentence_features(tokens: Sequence[Token], normalization: Normalization) -> list[dict]:
    """Features of every token of a sentence, words normalised as the model's are."""
    words = [normalize_word(t.text, normalization) for t in tokens]
    return [word_features(words, i) for i in range(len(words))]


def attributes(features: dict):
    """(attribute, value) pairs as crfsuite names them: ``key:value`` for a string, ``key`` with the
    number as its value otherwise (a bool is 1.0 or 0.0)."""
    for key, value in features.items():
        if isinstance(value, str):
            yield f"{key}:{value}", 1.0
        else:
            yield key, float(value)


class WordCrf:
    """A trained word-feature CRF: ``state`` maps an attribute to {tag: weight}, ``transitions`` is
    (tags x tags) in ``tags`` order. Held as one (attributes x tags) table: a word's scores are a
    few of its rows summed."""

    def __init__(self, tags: Sequence[str], state: dict[str, dict[str, float]], transitions, normalization: Normalization):
        unknown = {t for tw in state.values() for t in tw} - set(tags)
        if unknown:
            raise ValueError(f"state weights for unknown tags {sorted(unknown)}")
        index = {t: i for i, t in enumerate(tags)}
        attrs = sorted(state)
        table = np.zeros((len(attrs), len(tags)))
        for i, a in enumerate(attrs):
            for t, w in state[a].items():
                table[i, index[t]] = w
        self._setup(tags, attrs, table, transitions, normalization)

    @classmethod
    def from_table(cls, tags: Sequence[str], attrs: Sequence[str], table, transitions,
                   normalization: Normalization) -> "WordCrf":
        """The CRF from its (attributes x tags) state table, as ``load`` reads it."""
        crf = cls.__new__(cls)
        crf._setup(tags, attrs, table, transitions, normalization)
        return crf

    def _setup(self, tags, attrs, table, transitions, normalization: Normalization) -> None:
        self.tags = tuple(tags)
        self.index = {t: i for i, t in enumerate(self.tags)}
        self.attributes = list(attrs)
        self._row = {a: i for i, a in enumerate(self.attributes)}
        self.table = np.asarray(table, dtype=float)
        self.transitions = np.asarray(transitions, dtype=float)
        self.normalization = normalization
        if self.table.shape != (len(self.attributes), len(self.tags)):
            raise ValueError(f"state weights must be a {len(self.attributes)} x {len(self.tags)} table, "
                             f"not {self.table.shape}")
        if self.transitions.shape != (len(self.tags), len(self.tags)):
            raise ValueError(f"transitions must be {len(self.tags)} x {len(self.tags)}, not {self.transitions.shape}")

    def emissions(self, features: Sequence[dict]) -> np.ndarray:
        """(words x tags) state scores: the sum of the active attributes' weights."""
        out = np.zeros((len(features), len(self.tags)))
        for i, f in enumerate(features):
            for attr, value in attributes(f):
                row = self._row.get(attr)
                if row is not None and value:
                    out[i] += value * self.table[row]
        return out

    def marginals(self, tokens: Sequence[Token]) -> np.ndarray:
        """(tokens x tags) posterior tag probabilities by forward-backward, in ``tags`` order."""
        if not tokens:
            return np.zeros((0, len(self.tags)))
        e = self.emissions(sentence_features(tokens, self.normalization))
        # scaled forward-backward in probability space: every row is renormalised, so the constants
        # taken out of each word's scores and of the transitions cancel in the marginals
        emit = np.exp(e - e.max(axis=1, keepdims=True))
        move = np.exp(self.transitions - self.transitions.max())
        alpha, beta = np.empty_like(emit), np.empty_like(emit)
        alpha[0] = emit[0] / emit[0].sum()
        for t in range(1, len(emit)):
            a = (alpha[t - 1] @ move) * emit[t]
            alpha[t] = a / a.sum()
        beta[-1] = 1.0 / len(self.tags)
        for t in range(len(emit) - 2, -1, -1):
            b = move @ (emit[t + 1] * beta[t + 1])
            beta[t] = b / b.sum()
        joint = alpha * beta
        return joint / joint.sum(axis=1, keepdims=True)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "tags": list(self.tags), "normalization": self.normalization.to_dict(),
                "transitions": self.transitions.round(6).tolist(), "attributes": self.attributes,
                "state": pack_array(self.table)}

    def save(self, path) -> Path:
        return save_weights(path, self.to_dict())

    @classmethod
    def load(cls, path) -> "WordCrf":
        data = load_weights(path, FORMAT, "a word CRF")
        norm = Normalization.from_dict(data["normalization"])
        try:
            if "attributes" not in data:  # stop 25's layout: {attribute: {tag: weight}}
                return cls(data["tags"], data["state"], data["transitions"], norm)
            table = unpack_array(data["state"], "state weights")
            return cls.from_table(data["tags"], data["attributes"], table, data["transitions"], norm)
        except (KeyError, ValueError) as exc:
            raise ValueError(f"{path}: {exc}") from None

    def in_order(self, tags: Sequence[str], probs: np.ndarray) -> np.ndarray:
        """``probs`` (in this CRF's tag order) with its columns in ``tags`` order."""
        return probs[:, [self.index[t] for t in tags]]
