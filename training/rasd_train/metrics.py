"""Evaluation: strict and lenient span scores, multi-label sentence scores, calibration error.

Strict span scores are entity-level over IOB2 word tags (seqeval): exact bounds and type. Lenient
scores count a predicted span right when it overlaps a gold span of the same type (and a gold span
found when some predicted span of its type overlaps it): the usual "partial match" of the field,
which forgives a boundary off by a word but not a wrong type or an invented span.
"""

from __future__ import annotations

from typing import Sequence

from rasd.align import word_tags
from rasd.records import Record, Span
from rasd.text import tokenize


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def span_scores(gold: Sequence[Record], pred_spans: Sequence[Sequence[Span]], span_types: Sequence[str]) -> dict:
    """Strict IOB2 entity scores over word tags: a span counts only with exact bounds and type."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    y_true, y_pred = [], []
    for rec, spans in zip(gold, pred_spans):
        tokens = tokenize(rec.text)
        y_true.append(word_tags(tokens, rec.spans))
        y_pred.append(word_tags(tokens, spans))
    report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    per_type = {}
    for t in span_types:
        row = report.get(t, {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0})
        per_type[t] = {"precision": round(float(row["precision"]), 4), "recall": round(float(row["recall"]), 4),
                       "f1": round(float(row["f1-score"]), 4), "support": int(row["support"])}
    micro = report["micro avg"]
    present = [per_type[t] for t in span_types if per_type[t]["support"] > 0]
    macro = {k: round(sum(r[k] for r in present) / len(present), 4) if present else 0.0
             for k in ("precision", "recall", "f1")}
    return {
        "micro": {"precision": round(float(micro["precision"]), 4), "recall": round(float(micro["recall"]), 4),
                  "f1": round(float(micro["f1-score"]), 4), "support": int(micro["support"])},
        "macro": macro,
        "per_type": per_type,
        "lenient": lenient_span_scores(gold, pred_spans, span_types),
    }


def _lenient_prf(found_pred: int, n_pred: int, found_gold: int, n_gold: int) -> dict:
    p = found_pred / n_pred if n_pred else 0.0
    r = found_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": n_gold}


def lenient_span_scores(gold: Sequence[Record], pred_spans: Sequence[Sequence[Span]], span_types: Sequence[str]) -> dict:
    """Same type and overlapping: precision over predicted spans, recall over gold spans."""
    counts = {t: [0, 0, 0, 0] for t in span_types}  # found_pred, n_pred, found_gold, n_gold
    for rec, spans in zip(gold, pred_spans):
        def hit(a, others):
            return any(o.label == a.label and o.start < a.end and a.start < o.end for o in others)

        for sp in spans:
            c = counts.setdefault(sp.label, [0, 0, 0, 0])
            c[0] += hit(sp, rec.spans)
            c[1] += 1
        for sp in rec.spans:
            c = counts.setdefault(sp.label, [0, 0, 0, 0])
            c[2] += hit(sp, spans)
            c[3] += 1
    per_type = {t: _lenient_prf(*counts[t]) for t in span_types}
    total = [sum(c[i] for c in counts.values()) for i in range(4)]
    return {"micro": _lenient_prf(*total), "per_type": per_type}


def expected_calibration_error(gold: Sequence[Sequence[str]], probs: Sequence[Sequence[float]],
                               labels: Sequence[str], bins: int = 10) -> dict:
    """ECE over every (sentence, label) probability, equal-width bins; and each bin for the plot."""
    pairs = [(p[j], lab in g) for g, p in zip(gold, probs) for j, lab in enumerate(labels)]
    table = []
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(p, y) for p, y in pairs if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if not inside:
            continue
        conf = sum(p for p, _ in inside) / len(inside)
        acc = sum(y for _, y in inside) / len(inside)
        ece += len(inside) / len(pairs) * abs(conf - acc)
        table.append({"bin": [lo, hi], "n": len(inside), "confidence": round(conf, 4), "frequency": round(acc, 4)})
    return {"ece": round(ece, 4), "bins": table}


def label_scores(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], labels: Sequence[str]) -> dict:
    """Per-label P/R/F1, micro and macro F1 (over labels), and exact-match accuracy."""
    per_label, totals = {}, [0, 0, 0]
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred) if lab in g and lab in p)
        fp = sum(1 for g, p in zip(gold, pred) if lab not in g and lab in p)
        fn = sum(1 for g, p in zip(gold, pred) if lab in g and lab not in p)
        per_label[lab] = _prf(tp, fp, fn)
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
    micro = _prf(*totals)
    macro_f1 = round(sum(r["f1"] for r in per_label.values()) / len(labels), 4) if labels else 0.0
    exact = sum(1 for g, p in zip(gold, pred) if set(g) == set(p)) / len(gold) if gold else 0.0
    return {"micro": micro, "macro_f1": macro_f1, "exact_match": round(exact, 4), "per_label": per_label}


def tune_thresholds(gold: Sequence[Sequence[str]], probs: Sequence[Sequence[float]], labels: Sequence[str],
                    grid: Sequence[float]) -> dict[str, float]:
    """Per label, the threshold on the grid with the best dev F1 (ties: the one nearest 0.5)."""
    out = {}
    for j, lab in enumerate(labels):
        best = (-1.0, 0.0, 0.5)
        for t in grid:
            tp = sum(1 for g, p in zip(gold, probs) if lab in g and p[j] >= t)
            fp = sum(1 for g, p in zip(gold, probs) if lab not in g and p[j] >= t)
            fn = sum(1 for g, p in zip(gold, probs) if lab in g and p[j] < t)
            f1 = _prf(tp, fp, fn)["f1"]
            key = (f1, -abs(t - 0.5), t)
            if key > best:
                best = key
        out[lab] = float(best[2])
    return out


def _score_rows(head: str, per: dict, micro_name: str, micro: dict) -> list[str]:
    lines = [f"{head:<18}{'P':>8}{'R':>8}{'F1':>8}{'n':>7}"]
    for k, r in [*per.items(), (micro_name, micro)]:
        lines.append(f"{k:<18}{r['precision']:>8.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}{r['support']:>7}")
    return lines


def format_table(name: str, result: dict) -> str:
    """A readable table of one evaluation (labels and spans)."""
    lab = result["labels"]
    lines = [f"== {name}: {result.get('n', '?')} sentences"]
    lines += _score_rows("label", lab["per_label"], "micro", lab["micro"])
    lines.append(f"macro F1 {lab['macro_f1']:.3f}   exact match {lab['exact_match']:.3f}")
    if "spans" in result:
        sp = result["spans"]
        lines += _score_rows("span type", sp["per_type"], "micro (strict)", sp["micro"])
        lines.append(f"macro F1 {sp['macro']['f1']:.3f}")
        if "lenient" in sp:
            lines += _score_rows("span (lenient)", sp["lenient"]["per_type"], "micro (lenient)", sp["lenient"]["micro"])
    return "\n".join(lines)
