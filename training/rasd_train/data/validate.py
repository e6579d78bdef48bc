"""``make validate-data``: every rule of the guidelines, leakage across splits, Arabic data problems."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from pathlib import Path
from typing import Iterator

from rasd.records import Record, RecordError, check_file, parse_record
from rasd.schema import LabelSchema
from rasd.text import collapse_whitespace
from rasd_train.data.quality import text_problems

log = logging.getLogger(__name__)
SPLITS = ("train", "dev", "test")


def _records(path: Path) -> Iterator[tuple[int, Record]]:
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield lineno, parse_record(json.loads(line), path, lineno)
                except (json.JSONDecodeError, RecordError):
                    continue  # reported by check_file


def validate_corpus(data_dir, schema: LabelSchema | None = None, src_dir=None) -> list[RecordError]:
    """All problems of data_dir/{train,dev,test}.jsonl, and whether they match the inline sources."""
    schema = schema or LabelSchema()
    data_dir = Path(data_dir)
    problems: list[RecordError] = []
    ids: dict[str, tuple] = {}
    texts: dict[str, tuple] = {}
    doc_split: dict[str, tuple] = {}
    for split in SPLITS:
        path = data_dir / f"{split}.jsonl"
        if not path.is_file():
            problems.append(RecordError(path, 0, "split file missing (run `make corpus`)"))
            continue
        problems += list(check_file(path, schema))
        for lineno, rec in _records(path):
            where = (str(path), lineno, split)
            for p in text_problems(rec.text):
                problems.append(RecordError(path, lineno, f"record {rec.id!r}: {p}"))
            if rec.spans and not rec.labels:
                problems.append(RecordError(path, lineno, f"record {rec.id!r}: spans in a sentence with no event label"))
            if not rec.doc_id:
                problems.append(RecordError(path, lineno, f"record {rec.id!r}: no doc_id (the corpus splits by article)"))
            first = ids.setdefault(rec.id, where)
            if first != where and first[0] != str(path):
                problems.append(RecordError(path, lineno, f"id {rec.id!r} also in {first[0]}:{first[1]}"))
            key = collapse_whitespace(rec.text)
            first = texts.setdefault(key, where)
            if first != where:
                kind = "leaks across splits" if first[2] != split else "is duplicated"
                problems.append(RecordError(path, lineno, f"sentence {kind} (same text as {first[0]}:{first[1]})"))
            if rec.doc_id:
                first = doc_split.setdefault(rec.doc_id, where)
                if first[2] != split:
                    problems.append(RecordError(path, lineno, f"article {rec.doc_id!r} is in {first[2]} and {split}"))
    if src_dir and Path(src_dir).is_dir():
        problems += _stale(data_dir, Path(src_dir), schema)
    return problems


def _stale(data_dir: Path, src_dir: Path, schema: LabelSchema) -> list[RecordError]:
    """The JSONL splits must be exactly what `make corpus` builds from the inline sources."""
    import tempfile

    from rasd_train.data.build import build

    with tempfile.TemporaryDirectory() as tmp:
        try:
            build(src_dir, tmp, schema)
        except RecordError as err:
            return [err]
        out = []
        for split in SPLITS:
            built = Path(tmp, f"{split}.jsonl").read_bytes()
            path = data_dir / f"{split}.jsonl"
            if path.is_file() and path.read_bytes() != built:
                out.append(RecordError(path, 0, f"out of date with {src_dir} (run `make corpus`)"))
        return out


def validate_inline_sources(src_dir, schema: LabelSchema | None = None) -> list[RecordError]:
    from rasd_train.data.build import source_files
    from rasd_train.data.inline import cross_file_problems, read_inline

    schema = schema or LabelSchema()
    errors: list[RecordError] = []
    sentences = []
    for f in [f for group in source_files(src_dir) for f in group]:
        sentences += read_inline(f, schema, errors)
    return errors + cross_file_problems(sentences)


def count_by_split(data_dir) -> dict[str, int]:
    out = defaultdict(int)
    for split in SPLITS:
        path = Path(data_dir) / f"{split}.jsonl"
        if path.is_file():
            out[split] = sum(1 for line in open(path, encoding="utf-8") if line.strip())
    return dict(out)


def validate_real_dev(path) -> list[RecordError]:
    """Rebuild the real-news set from ../shared (SHA-1s checked) and validate every record.

    When the local annotation source exists (it holds newspaper text and is never committed), the
    stored references must also be exactly what it builds.
    """
    from rasd.records import record_problems
    from rasd_train.data.realdev import build_references, load_real_dev
    from rasd_train.data.shared import SharedDataMissing

    try:
        records = load_real_dev(path)
    except SharedDataMissing as exc:
        log.warning("real-news dev set not checked: %s", exc)
        return []
    except RecordError as err:
        return [err]
    errors = [RecordError(path, n, f"record {r.id!r}: {p}") for n, r in enumerate(records, 1)
              for p in record_problems(r, LabelSchema())]
    src = Path(path).parent / "src" / "saudinewsnet.txt"
    if src.is_file():
        refs, src_errors, _ = build_references(src)
        errors += src_errors
        stored = [json.loads(x) for x in open(path, encoding="utf-8") if x.strip()]
        if not src_errors and stored != refs:
            errors.append(RecordError(path, 0, f"out of date with {src} (run `make real-dev`)"))
    return errors
