"""The bars a transformer must clear, trained on exactly its training data in seconds.

- labels: character 2-5-gram TF-IDF + logistic regression, one per label, thresholds tuned on the
  same dev sets as the transformer's;
- spans: a linear-chain CRF (sklearn-crfsuite) over plain word features: the word, its first and
  last 2-3 letters, the article prefixes ال / وال, digits, and the words two either side.

Both read text through the same rasd tokeniser and normalisation as the model, and spans are
decoded by the same ``rasd.decode`` code, so only the learner differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rasd.align import word_tags
from rasd.decode import decode_spans
from rasd.records import Record
from rasd.text import Normalization, normalize, tokenize
from rasd.charngrams import CharNgramLabels
from rasd.wordcrf import WordCrf, sentence_features
from rasd_train.metrics import label_scores, span_scores, tune_thresholds


class TfidfLabels:
    """Sentence labels from character n-grams."""

    def __init__(self, labels: Sequence[str], normalization: Normalization, seed: int):
        self.labels, self.norm, self.seed = list(labels), normalization, seed

    def _prep(self, recs):
        return [normalize(r.text, self.norm).text for r in recs]

    def fit(self, train: Sequence[Record]) -> "TfidfLabels":
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                                   max_features=200_000)
        x = self.vec.fit_transform(self._prep(train))
        self.models = []
        for lab in self.labels:
            y = np.array([lab in r.labels for r in train], dtype=int)
            clf = None
            if y.min() != y.max():
                clf = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=self.seed)
                clf.fit(x, y)
            self.models.append(clf)
        return self

    def char_ngrams(self) -> CharNgramLabels:
        """The fitted vectoriser and regressions as the inference package runs them (``rasd.charngrams``),
        for a model folder; a label that had one class only gets weights 0 and an intercept of -30."""
        import numpy as np

        idf = self.vec.idf_
        coef = [m.coef_[0] if m is not None else np.zeros_like(idf) for m in self.models]
        grams = sorted(self.vec.vocabulary_, key=self.vec.vocabulary_.get)  # row j: feature j
        intercepts = [float(m.intercept_[0]) if m is not None else -30.0 for m in self.models]
        low, high = self.vec.ngram_range
        return CharNgramLabels.from_table(self.labels, grams, np.column_stack([idf, *coef]), intercepts,
                                          (low, high), self.norm)

    def probs(self, recs: Sequence[Record]):
        import numpy as np

        x = self.vec.transform(self._prep(recs))
        cols = [m.predict_proba(x)[:, 1] if m is not None else np.zeros(x.shape[0]) for m in self.models]
        return np.stack(cols, axis=1)


class CrfSpans:
    """Spans from a linear-chain CRF over word features."""

    def __init__(self, normalization: Normalization, c1: float = 0.1, c2: float = 0.05, max_iterations: int = 150):
        self.norm, self.params = normalization, {"c1": c1, "c2": c2, "max_iterations": max_iterations}

    def _features(self, text: str):
        tokens = tokenize(text)
        return tokens, sentence_features(tokens, self.norm)

    def fit(self, train: Sequence[Record]) -> "CrfSpans":
        import sklearn_crfsuite

        xs, ys = [], []
        for r in train:
            tokens, feats = self._features(r.text)
            if tokens:
                xs.append(feats)
                ys.append(word_tags(tokens, r.spans))
        self.crf = sklearn_crfsuite.CRF(algorithm="lbfgs", all_possible_transitions=True, **self.params)
        self.crf.fit(xs, ys)
        return self

    def word_crf(self, tags: Sequence[str] = ()) -> WordCrf:
        """The fitted weights as the inference package runs them (``rasd.wordcrf``), for a model folder.

        A tag of ``tags`` (the schema's) never seen in training gets a bias of -30: crfsuite never
        predicts it, and the marginals stay its own."""
        seen = list(self.crf.classes_)
        tags = seen + [t for t in tags if t not in seen]
        index = {t: i for i, t in enumerate(tags)}
        state: dict[str, dict[str, float]] = {"bias": {t: -30.0 for t in tags[len(seen):]}}
        for (attr, tag), w in self.crf.state_features_.items():
            state.setdefault(attr, {})[tag] = float(w)
        transitions = [[0.0] * len(tags) for _ in tags]
        for (a, b), w in self.crf.transition_features_.items():
            transitions[index[a]][index[b]] = float(w)
        return WordCrf(tags, state, transitions, self.norm)

    def predict(self, texts: Sequence[str]) -> list[list]:
        out = []
        for text in texts:
            tokens, feats = self._features(text)
            tags = self.crf.predict_single(feats) if tokens else []
            out.append([sp for sp, _ in decode_spans(tokens, tags)])
        return out


@dataclass
class Peers:
    """Both peers fitted on a run's training data, label thresholds tuned on its tuning data."""

    tfidf: TfidfLabels
    crf: CrfSpans
    thresholds: dict

    def labels(self, recs: Sequence[Record]) -> list[list[str]]:
        labels = self.tfidf.labels
        p = self.tfidf.probs(recs) if recs else []
        return [[lab for j, lab in enumerate(labels) if row[j] >= self.thresholds[lab]] for row in p]

    def spans(self, texts: Sequence[str]) -> list[list]:
        return self.crf.predict(texts)


def fit_peers(train: Sequence[Record], dev: Sequence[Record], labels: Sequence[str], normalization: Normalization,
              grid: Sequence[float], seed: int) -> Peers:
    """Fit both peers on train and tune label thresholds on dev, as the transformer's are."""
    tfidf = TfidfLabels(labels, normalization, seed).fit(train)
    crf = CrfSpans(normalization).fit(train)
    thresholds = tune_thresholds([r.labels for r in dev], tfidf.probs(dev).tolist(), labels, grid) if dev else {
        lab: 0.5 for lab in labels}
    return Peers(tfidf, crf, thresholds)


def score_peers(peers: Peers, evals: dict[str, Sequence[Record]], labels: Sequence[str],
                span_types: Sequence[str]) -> dict:
    """Label and span scores of fitted peers on each evaluated set."""
    out = {"thresholds": peers.thresholds}
    for name, recs in evals.items():
        out[name] = {"n": len(recs), "labels": label_scores([r.labels for r in recs], peers.labels(recs), labels),
                     "spans": span_scores(recs, peers.spans([r.text for r in recs]), span_types)}
    return out
