"""Evaluate a saved model folder on record files, through the serving code path (rasd.runtime)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Sequence

from rasd.records import Record, Span, read_records
from rasd_train.metrics import format_table, label_scores, span_scores

log = logging.getLogger(__name__)


def evaluate_records(model, records: Sequence[Record], batch_size: int = 32) -> dict:
    """Label and strict span scores of ``model`` (a rasd Model) on gold ``records``."""
    schema = model.manifest.schema
    preds = model.predict_sentences([r.text for r in records], batch_size=batch_size)
    pred_spans = [[Span(s["start"], s["end"], s["label"]) for s in p.spans] for p in preds]
    return {
        "n": len(records),
        "labels": label_scores([r.labels for r in records], [p.labels for p in preds], schema.labels),
        "spans": span_scores(records, pred_spans, schema.span_types),
    }


def real_dev_records(path) -> tuple[list[Record] | None, str | None]:
    """The real-news dev set rebuilt from ../shared, or (None, why it was skipped)."""
    from rasd_train.data.shared import SharedDataMissing

    if not path or not Path(path).is_file():
        return None, f"no real-news references at {path}"
    from rasd_train.data.realdev import load_real_dev

    try:
        return load_real_dev(path), None
    except SharedDataMissing as exc:
        return None, str(exc)


def real_news_records(refs_dir, split: str) -> tuple[list[Record] | None, str | None]:
    """One split of the real-news set rebuilt from ../shared, or (None, why it was skipped)."""
    from rasd_train.data.shared import SharedDataMissing

    path = Path(refs_dir) / f"{split}.jsonl" if refs_dir else None
    if path is None or not path.is_file():
        return None, f"no real-news references at {path}"
    from rasd_train.data.realnews import load_refs

    try:
        return load_refs(path), None
    except SharedDataMissing as exc:
        return None, str(exc)


def evaluate_sets(model, sets: dict[str, Sequence[Record] | str]) -> dict:
    """Evaluate on each named set; a set given as a string is the reason it was skipped."""
    results = {}
    for name, records in sets.items():
        if isinstance(records, str):
            results[name] = {"skipped": records}
            log.warning("%s: skipped: %s", name, records)
            continue
        results[name] = evaluate_records(model, records)
    return results


def report(results: dict) -> str:
    parts = []
    for name, res in results.items():
        parts.append(f"== {name}: skipped ({res['skipped']})" if "skipped" in res else format_table(name, res))
    return "\n\n".join(parts)


def evaluate_command(model_dir, data: list[str], real_dev: str | None, out: str | None, backend: str,
                     real_news: str | None = None) -> dict:
    import rasd

    model = rasd.load(model_dir, backend=backend)
    schema = model.manifest.schema
    sets: dict = {Path(p).stem: read_records(p, schema) for p in data}
    if real_dev:
        recs, why = real_dev_records(real_dev)
        sets["real-dev"] = recs if recs is not None else why
    for split in ("dev", "test") if real_news else ():
        recs, why = real_news_records(real_news, split)
        sets[f"real-news-{split}"] = recs if recs is not None else why
    results = evaluate_sets(model, sets)
    text = report(results)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        Path(out).with_suffix(".md").write_text("```\n" + text + "\n```\n", encoding="utf-8")
    return {"results": results, "text": text}
