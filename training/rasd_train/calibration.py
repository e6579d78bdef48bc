"""Probabilities that mean what they say: per-label temperature scaling, fitted on dev.

A from-scratch encoder trained for a dozen epochs is over-confident: most of its label
probabilities sit at 0 or 1, so a threshold tuned on them lands at the edge of the grid. One
temperature per label (logit / T, T fitted by negative log-likelihood on the tuning sentences) keeps
the ranking (and so the achievable F1) and makes a 0.7 mean about 70%. The temperatures are saved
in ``rasd.json`` and applied by the serving code (``rasd.runtime``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

GRID = [round(math.exp(x / 20), 4) for x in range(-30, 61)]  # T from 0.22 to 20, log-spaced


def _logit(p: float) -> float:
    p = min(max(p, 1e-7), 1 - 1e-7)
    return math.log(p / (1 - p))


def _nll(logits: Sequence[float], ys: Sequence[bool], t: float) -> float:
    total = 0.0
    for z, y in zip(logits, ys):
        q = 1 / (1 + math.exp(-z / t)) if z / t > -50 else 0.0
        q = min(max(q, 1e-12), 1 - 1e-12)
        total -= math.log(q) if y else math.log(1 - q)
    return total


def fit_temperatures(gold: Sequence[Sequence[str]], probs: Sequence[Sequence[float]], labels: Sequence[str]) -> dict:
    """Per label, the temperature on a log grid with the least dev NLL (probs taken at T = 1)."""
    out = {}
    for j, lab in enumerate(labels):
        zs = [_logit(p[j]) for p in probs]
        ys = [lab in g for g in gold]
        out[lab] = min(GRID, key=lambda t: (_nll(zs, ys, t), abs(math.log(t))))
    return out


def rescale(probs: Sequence[Sequence[float]], temperatures: dict, labels: Sequence[str]) -> list[list[float]]:
    """Probabilities at temperature T from probabilities at T = 1."""
    return [[1 / (1 + math.exp(-_logit(p[j]) / temperatures.get(lab, 1.0))) for j, lab in enumerate(labels)]
            for p in probs]


def reliability_plot(curves: dict[str, dict], path: Path) -> Path:
    """A reliability diagram (one line per curve name: ECE bins from ``metrics.expected_calibration_error``)."""
    import matplotlib

    matplotlib.use("Agg")  # files only; no display on a server
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=110)
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="perfect")
    for name, res in curves.items():
        xs = [b["confidence"] for b in res["bins"]]
        ys = [b["frequency"] for b in res["bins"]]
        ax.plot(xs, ys, marker="o", markersize=3, label=f"{name} (ECE {res['ece']:.3f})")
    ax.set_xlabel("predicted probability (label)")
    ax.set_ylabel("observed frequency")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, loc="upper left")
    ax.set_title("Sentence-label calibration", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
