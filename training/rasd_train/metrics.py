"""Evaluation: strict entity-level span scores (seqeval, IOB2) and multi-label sentence scores."""

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
    }


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
    return "\n".join(lines)
