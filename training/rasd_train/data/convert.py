"""Converters, so annotators can keep their tools: CoNLL/BIO <-> records, Label Studio -> records."""

from __future__ import annotations

import json
from pathlib import Path

from rasd.records import Record, RecordError, Span, read_conll, read_records, record_problems, write_conll, write_jsonl
from rasd.schema import LabelSchema


def conll_to_records(src, dst, schema: LabelSchema | None = None) -> int:
    recs = list(read_conll(src, schema=schema))
    write_jsonl(recs, dst)
    return len(recs)


def records_to_conll(src, dst, schema: LabelSchema | None = None) -> int:
    recs = read_records(src, schema)
    write_conll(recs, dst)
    return len(recs)


def labelstudio_to_records(src, dst, schema: LabelSchema | None = None, text_key: str = "text") -> int:
    """A Label Studio JSON export (span ``labels`` and sentence ``choices``) to records.

    The first annotation of each task is taken (``cancelled`` ones are skipped). White space that
    the annotator's mouse caught at a span's edge is trimmed; anything else that breaks the
    guidelines is an error naming the task.
    """
    schema = schema or LabelSchema()
    tasks = json.loads(Path(src).read_text(encoding="utf-8"))
    if not isinstance(tasks, list):
        raise RecordError(src, 1, "expected a JSON list of Label Studio tasks")
    out = []
    for n, task in enumerate(tasks, 1):
        where = f"task {task.get('id', n)}"
        text = task.get("data", {}).get(text_key)
        if not isinstance(text, str):
            raise RecordError(src, n, f"{where}: no data.{text_key} string")
        anns = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
        if not anns:
            continue
        labels, spans = [], []
        for res in anns[0].get("result", []):
            value = res.get("value", {})
            if res.get("type") == "labels":
                start, end = int(value["start"]), int(value["end"])
                while start < end and text[start].isspace():
                    start += 1
                while end > start and text[end - 1].isspace():
                    end -= 1
                for lab in value.get("labels", []):
                    spans.append(Span(start, end, lab))
            elif res.get("type") == "choices":
                labels += [c for c in value.get("choices", []) if c not in labels]
        rec_id = str(task.get("data", {}).get("id") or f"labelstudio-{task.get('id', n)}")
        rec = Record(rec_id, text, labels, sorted(spans, key=lambda s: s.start),
                     task.get("data", {}).get("doc_id"))
        problems = record_problems(rec, schema)
        if problems:
            raise RecordError(src, n, f"{where}: " + "; ".join(problems))
        out.append(rec)
    write_jsonl(out, dst)
    return len(out)


CONVERTERS = {
    ("conll", "jsonl"): conll_to_records,
    ("jsonl", "conll"): records_to_conll,
    ("labelstudio", "jsonl"): labelstudio_to_records,
}
