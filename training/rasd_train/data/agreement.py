"""Inter-annotator agreement between the corpus and an independent second pass over a sample."""

from __future__ import annotations

from pathlib import Path

from rasd.records import Record, read_records
from rasd.schema import LabelSchema
from rasd_train.data.inline import read_inline
from rasd_train.metrics import label_scores, span_scores


def load_pass2(path, schema: LabelSchema) -> dict[str, Record]:
    """Second-pass records keyed by the corpus record id (its ``### doc:`` line)."""
    return {s.record.doc_id: s.record for s in read_inline(path, schema)}


def agreement(data_dir, pass2_path, schema: LabelSchema | None = None) -> dict:
    """Label and strict span F1 of pass 2 against the corpus (symmetric for F1), plus disagreements."""
    schema = schema or LabelSchema()
    from rasd.text import collapse_whitespace

    second = load_pass2(pass2_path, schema)
    by_text = {collapse_whitespace(r.text): r for split in ("train", "dev", "test")
               for r in read_records(Path(data_dir) / f"{split}.jsonl", schema)}
    # Sentences are matched by text: an edit to a sentence after sampling takes it out of the
    # comparison (reported as ``changed``) instead of comparing two different sentences.
    first, changed = {}, []
    for key, rec in second.items():
        match = by_text.get(collapse_whitespace(rec.text))
        if match is None:
            changed.append(key)
        else:
            first[key] = match
    ids = sorted(first)
    gold = [first[i] for i in ids]
    other = [second[i] for i in ids]
    labels = label_scores([r.labels for r in gold], [r.labels for r in other], schema.labels)
    spans = span_scores(gold, [r.spans for r in other], schema.span_types)
    disagreements = []
    for a, b in zip(gold, other):
        if set(a.labels) != set(b.labels) or {(s.start, s.end, s.label) for s in a.spans} != {
                (s.start, s.end, s.label) for s in b.spans}:
            disagreements.append({"id": a.id, "text": a.text, "pass1": _inline(a), "pass2": _inline(b)})
    return {"n": len(ids), "changed_since_sampling": changed, "labels": labels, "spans": spans, "disagreements": disagreements}


def _inline(rec: Record) -> str:
    out, pos = [], 0
    for s in sorted(rec.spans, key=lambda s: s.start):
        out += [rec.text[pos:s.start], f"<{s.label}>", rec.text[s.start:s.end], f"</{s.label}>"]
        pos = s.end
    out.append(rec.text[pos:])
    return (",".join(rec.labels) or "-") + " | " + "".join(out)
