"""The real-news dev set: annotations of SaudiNewsNet sentences, stored as references.

The articles belong to their newspapers, so the repository keeps only the url, the sentence's
char offsets in ``content``, its SHA-1, and labels and spans relative to the sentence. The records
are rebuilt from ``../shared`` at evaluation time, and every SHA-1 is checked.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from rasd.records import Record, RecordError, Span, record_problems
from rasd.schema import LabelSchema
from rasd_train.data.inline import iter_inline, parse_line, summary
from rasd_train.data.shared import iter_saudinewsnet

REFS = Path("data/real-dev/saudinewsnet.jsonl")


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _articles(urls: set[str]) -> dict[str, str]:
    found = {}
    for art in iter_saudinewsnet():
        if art.get("url") in urls and art["url"] not in found:
            found[art["url"]] = art["content"]
    return found


def parse_source(path, schema: LabelSchema, errors: list) -> list[tuple[int, str, list, str, list]]:
    """(line, url, labels, sentence, spans) for each annotated sentence of the source file."""
    items = []
    for lineno, url, line in iter_inline(path, lambda n, p: errors.append(RecordError(path, n, p))):
        try:
            labels, text, spans = parse_line(line, schema)
        except ValueError as exc:
            errors.append(RecordError(path, lineno, str(exc)))
            continue
        items.append((lineno, url, labels, text, spans))
    return items


def build_references(source, schema: LabelSchema | None = None) -> tuple[list[dict], list[RecordError], list[Record]]:
    """Locate each annotated sentence in its article; return reference rows, problems, records."""
    schema = schema or LabelSchema()
    errors: list[RecordError] = []
    items = parse_source(source, schema, errors)
    contents = _articles({url for _, url, *_ in items})
    refs, seen, records = [], set(), []
    for n, (lineno, url, labels, text, spans) in enumerate(items, 1):
        content = contents.get(url)
        if content is None:
            errors.append(RecordError(source, lineno, f"no SaudiNewsNet article with url {url}"))
            continue
        start = content.find(text)
        if start < 0:
            errors.append(RecordError(source, lineno, "sentence is not a verbatim substring of the article's content"))
            continue
        if (url, start) in seen:
            errors.append(RecordError(source, lineno, "the same sentence is annotated twice"))
            continue
        seen.add((url, start))
        rec = Record(f"realdev-{n:04d}", text, labels, spans, url)
        for p in record_problems(rec, schema):
            errors.append(RecordError(source, lineno, p))
        if spans and not labels:
            errors.append(RecordError(source, lineno, "spans in a sentence with no event label (project rule: none there)"))
        records.append(rec)
        refs.append({
            "id": rec.id, "url": url, "start": start, "end": start + len(text), "sha1": sha1(text),
            "labels": labels, "spans": [s.to_dict() for s in spans],
        })
    return refs, errors, records


def load_real_dev(path=REFS) -> list[Record]:
    """Rebuild the real-news records from ``../shared``; raise SharedDataMissing when it is absent."""
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    contents = _articles({r["url"] for r in rows})
    records = []
    for lineno, row in enumerate(rows, 1):
        content = contents.get(row["url"])
        if content is None:
            raise RecordError(path, lineno, f"article {row['url']} is not in ../shared's SaudiNewsNet")
        text = content[row["start"] : row["end"]]
        if sha1(text) != row["sha1"]:
            raise RecordError(path, lineno, f"SHA-1 mismatch for {row['id']}: ../shared's copy differs")
        spans = [Span(s["start"], s["end"], s["label"]) for s in row["spans"]]
        records.append(Record(row["id"], text, row["labels"], spans, row["url"]))
    return records


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Check the real-news annotations and (with --write) store the references.")
    parser.add_argument("source", type=Path)
    parser.add_argument("--write", type=Path, default=None, help=f"write references here (e.g. {REFS})")
    args = parser.parse_args(argv)
    schema = LabelSchema()
    refs, errors, records = build_references(args.source, schema)
    for err in errors:
        sys.stdout.write(f"{err}\n")
    sys.stdout.write(summary(records, schema) + "\n")
    sys.stdout.write(f"{len(errors)} error(s)\n")
    if args.write and not errors:
        with open(args.write, "w", encoding="utf-8") as fh:
            for r in refs:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        sys.stdout.write(f"wrote {len(refs)} references to {args.write}\n")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
