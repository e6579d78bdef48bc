"""Character n-gram label scores beside the classifier: TF-IDF features and logistic weights.

Why: the classifier reads a sentence through 8,000-16,000 word pieces learnt from little text; a
logistic regression over character 2-5-grams of the normalised words sees every spelling, clitic
and rare name. Averaging the two models' label probabilities (weight chosen on the tuning sets)
measured above either alone there (README, "Measured choices").

The model is fitted by scikit-learn in the training package (``rasd_train.peers.TfidfLabels``,
``TfidfVectorizer(analyzer="char_wb")`` + ``LogisticRegression``); here it is only read and run,
with the standard library and numpy, reproducing scikit-learn's numbers: words padded with one
space each side, every n-gram of them counted, ``1 + log(count)``, times the idf, rows scaled to
unit length, then a sigmoid per label. The serving code divides the logits by a temperature per
label first (``label_ngrams_temperatures`` in the manifest): the regressions are fitted with
``class_weight="balanced"``, which leaves their probabilities off what they should mean.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path
from typing import Sequence

import numpy as np

from rasd.io import load_weights, pack_array, save_weights, unpack_array
from rasd.text import Normalization, normalize

FORMAT = "rasd-char-ngrams"
FILE_NAME = "label_ngrams.json"  # in a model folder, named by the manifest


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """scikit-learn's ``char_wb`` analyzer (lowercased): n-grams inside space-padded words only."""
    out = []
    for word in re.sub(r"\s\s+", " ", text.lower()).split():
        w = f" {word} "
        for n in range(low, high + 1):
            out.extend(w[i : i + n] for i in range(max(1, len(w) - n + 1)))
            if len(w) <= n:  # a padded word no longer than n counts once, as itself
                break
    return out


class CharNgramLabels:
    """Per-label probabilities from ``vocabulary`` (n-gram -> [idf, weight of each label]) and
    ``intercepts``; held as one (n-grams x (1 + labels)) table."""

    def __init__(self, labels: Sequence[str], vocabulary: dict[str, list[float]], intercepts: Sequence[float],
                 ngram_range: tuple[int, int], normalization: Normalization):
        bad = [g for g, row in vocabulary.items() if len(row) != 1 + len(labels)]
        if bad:
            raise ValueError(f"every n-gram needs an idf and {len(labels)} weights")
        table = np.array(list(vocabulary.values()), dtype=float).reshape(len(vocabulary), 1 + len(labels))
        self._setup(labels, list(vocabulary), table, intercepts, ngram_range, normalization)

    @classmethod
    def from_table(cls, labels: Sequence[str], grams: Sequence[str], table, intercepts: Sequence[float],
                   ngram_range: tuple[int, int], normalization: Normalization) -> "CharNgramLabels":
        """The model from its table (row ``i``: ``grams[i]``'s idf, then its weight for each label)."""
        model = cls.__new__(cls)
        model._setup(labels, grams, table, intercepts, ngram_range, normalization)
        return model

    def _setup(self, labels, grams, table, intercepts, ngram_range, normalization: Normalization) -> None:
        self.labels = tuple(labels)
        self.grams = list(grams)
        self._row = {g: i for i, g in enumerate(self.grams)}
        self.table = np.asarray(table, dtype=float)
        self.intercepts = np.asarray(intercepts, dtype=float)
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.normalization = normalization
        if self.table.shape != (len(self.grams), 1 + len(self.labels)) or len(self.intercepts) != len(self.labels):
            raise ValueError(f"every n-gram needs an idf and {len(self.labels)} weights, and one intercept per label")

    def probs(self, text: str) -> np.ndarray:
        """(labels,) probabilities for one sentence."""
        return 1.0 / (1.0 + np.exp(-self.logits(text)))

    def logits(self, text: str) -> np.ndarray:
        """(labels,) decision values for one sentence (the logistic regressions' ``z``)."""
        counts = Counter(char_wb_ngrams(normalize(text, self.normalization).text, *self.ngram_range))
        found = [(self._row[g], n) for g, n in counts.items() if g in self._row]
        z = self.intercepts.copy()
        if found:
            rows = self.table[[i for i, _ in found]]
            x = np.array([1.0 + math.log(n) for _, n in found]) * rows[:, 0]
            z += (x / np.linalg.norm(x)) @ rows[:, 1:]
        return z

    def to_dict(self) -> dict:
        return {"format": FORMAT, "labels": list(self.labels), "ngram_range": list(self.ngram_range),
                "normalization": self.normalization.to_dict(), "intercepts": [float(b) for b in self.intercepts],
                "grams": self.grams, "table": pack_array(self.table)}

    def save(self, path) -> Path:
        return save_weights(path, self.to_dict())

    @classmethod
    def load(cls, path) -> "CharNgramLabels":
        data = load_weights(path, FORMAT, "character n-gram label weights")
        try:
            args = (data["labels"], data["intercepts"], tuple(data["ngram_range"]),
                    Normalization.from_dict(data["normalization"]))
            if "grams" not in data:  # stop 25's layout: {n-gram: [idf, weights...]}
                return cls(args[0], data["vocabulary"], *args[1:])
            return cls.from_table(args[0], data["grams"], unpack_array(data["table"], "the n-gram table"), *args[1:])
        except (KeyError, ValueError) as exc:
            raise ValueError(f"{path}: {exc}") from None

    def in_order(self, labels: Sequence[str], probs: np.ndarray) -> np.ndarray:
        """``probs`` (in this model's label order) in ``labels`` order."""
        return probs[[self.labels.index(lab) for lab in labels]]
