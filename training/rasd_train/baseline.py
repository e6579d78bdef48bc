"""The bar a transformer must clear: character n-gram TF-IDF + logistic regression, per label."""

from __future__ import annotations

from typing import Sequence

from rasd.records import Record
from rasd.text import Normalization, normalize
from rasd_train.metrics import label_scores, tune_thresholds


def train_and_score(train: Sequence[Record], dev: Sequence[Record], evals: dict[str, Sequence[Record]],
                    labels: Sequence[str], normalization: Normalization, grid: Sequence[float], seed: int) -> dict:
    """Fit on train, tune per-label thresholds on dev (as the transformer does), score each set."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    def prep(recs):
        return [normalize(r.text, normalization).text for r in recs]

    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=200_000)
    x_train = vec.fit_transform(prep(train))
    models = []
    for lab in labels:
        y = np.array([lab in r.labels for r in train], dtype=int)
        clf = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=seed)
        if y.min() == y.max():
            clf = None
        else:
            clf.fit(x_train, y)
        models.append(clf)

    def probs(recs):
        x = vec.transform(prep(recs))
        cols = [m.predict_proba(x)[:, 1] if m is not None else np.zeros(x.shape[0]) for m in models]
        return np.stack(cols, axis=1)

    thresholds = tune_thresholds([r.labels for r in dev], probs(dev).tolist(), labels, grid) if dev else {
        lab: 0.5 for lab in labels}
    out = {"thresholds": thresholds}
    for name, recs in evals.items():
        p = probs(recs)
        pred = [[lab for j, lab in enumerate(labels) if row[j] >= thresholds[lab]] for row in p]
        out[name] = {"n": len(recs), "labels": label_scores([r.labels for r in recs], pred, labels)}
    return out
