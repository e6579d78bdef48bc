"""``make compare-bases``: the same fine-tuning budget and seeds from different bases; mean and spread.

    rasd-train compare-bases --config configs/quickstart.yaml --bases offline runs/pretrain-small/model \
        --seeds 1 2 3 [--section.key value ...]

Each (base, seed) is a full training run (tagger, classifier, thresholds, evaluation) in its own
output folder, so a killed comparison resumes where it stopped (finished runs are reused).
"""

from __future__ import annotations

import json
import logging
import statistics
from pathlib import Path

from rasd_train.config import load_config

log = logging.getLogger(__name__)
FIGURES = {
    "label micro F1": lambda r: r["labels"]["micro"]["f1"],
    "label macro F1": lambda r: r["labels"]["macro_f1"],
    "span micro F1": lambda r: r["spans"]["micro"]["f1"],
    "span macro F1": lambda r: r["spans"]["macro"]["f1"],
}


def _name(base: str) -> str:
    return "random-init" if base == "offline" else Path(base).parent.name if Path(base).name == "model" else Path(base).name


def compare(config: str, bases: list[str], seeds: list[int], overrides, out_dir: str) -> dict:
    from rasd_train.train import train

    out = Path(out_dir)
    runs = {}
    for base in bases:
        for seed in seeds:
            run_dir = out / f"{_name(base)}-seed{seed}"
            metrics_path = run_dir / "model" / "metrics.json"
            if not metrics_path.is_file():
                cfg = load_config(config, [*overrides, ("model.base_model", base), ("seed", str(seed)),
                                           ("output_dir", str(run_dir))])
                log.info("training %s, seed %d -> %s", base, seed, run_dir)
                train(cfg)
            runs[(base, seed)] = json.loads(metrics_path.read_text(encoding="utf-8"))
    summary = {"config": config, "overrides": [list(o) for o in overrides], "seeds": seeds, "bases": {}}
    for base in bases:
        per_set = {}
        for split in ("dev", "real-dev", "real-news-dev"):
            rows = [runs[(base, s)].get(split) for s in seeds]
            if not all(r and "labels" in r for r in rows):
                continue
            per_set[split] = {name: {"mean": round(statistics.mean(f(r) for r in rows), 4),
                                     "std": round(statistics.pstdev(f(r) for r in rows), 4),
                                     "values": [f(r) for r in rows]} for name, f in FIGURES.items()}
        baseline = runs[(base, seeds[0])].get("peers", {})
        summary["bases"][base] = {"scores": per_set,
                                  "baseline_label_micro_f1": {k: v["labels"]["micro"]["f1"] for k, v in baseline.items()
                                                              if k != "thresholds"}}
    out.mkdir(parents=True, exist_ok=True)
    (out / "comparison.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    (out / "comparison.md").write_text(table(summary) + "\n", encoding="utf-8")
    return summary


def table(summary: dict) -> str:
    lines = ["| base | set | " + " | ".join(FIGURES) + " |", "|---|---|" + "---:|" * len(FIGURES)]
    for base, info in summary["bases"].items():
        for split, figs in info["scores"].items():
            cells = [f"{figs[n]['mean']:.3f} ± {figs[n]['std']:.3f}" for n in FIGURES]
            lines.append(f"| {_name(base)} | {split} | " + " | ".join(cells) + " |")
    seeds = ", ".join(str(s) for s in summary["seeds"])
    lines.append(f"\nmean ± population std over seeds {seeds}; TF-IDF peer label micro F1: " + "; ".join(
        f"{k} {v:.3f}" for k, v in next(iter(summary["bases"].values()))["baseline_label_micro_f1"].items()))
    return "\n".join(lines)
