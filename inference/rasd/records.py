"""The record format of ANNOTATION.md: reading, validating and writing JSON Lines and CoNLL.

Every problem is reported with the file and line it comes from; nothing is silently dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from rasd.schema import LabelSchema
from rasd.text import tokenize

RECORD_KEYS = {"id", "text", "labels", "spans", "doc_id"}


class RecordError(ValueError):
    """A record that breaks the format or the guidelines, located by file and line."""

    def __init__(self, path, line: int, problem: str):
        self.path, self.line, self.problem = str(path), line, problem
        super().__init__(f"{path}:{line}: {problem}")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass
class Record:
    id: str
    text: str
    labels: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    doc_id: str | None = None

    def to_dict(self) -> dict:
        out = {
            "id": self.id,
            "text": self.text,
            "labels": list(self.labels),
            "spans": [s.to_dict() for s in self.spans],
        }
        if self.doc_id is not None:
            out["doc_id"] = self.doc_id
        return out


def _require(cond: bool, problem: str, problems: list[str]) -> bool:
    if not cond:
        problems.append(problem)
    return cond


def record_problems(rec: Record, schema: LabelSchema) -> list[str]:
    """Every guideline rule that can be checked on one record; an empty list means valid."""
    problems: list[str] = []
    text = rec.text
    _require(bool(rec.id), "empty id", problems)
    _require(bool(text.strip()), "empty text", problems)
    for lab in rec.labels:
        _require(lab in schema.labels, f"unknown label {lab!r} (allowed: {', '.join(schema.labels)})", problems)
    _require(len(set(rec.labels)) == len(rec.labels), f"duplicate labels {rec.labels}", problems)
    tokens = tokenize(text)
    starts = {t.start for t in tokens if t.is_word}
    ends = {t.end for t in tokens if t.is_word}
    for s in rec.spans:
        where = f"span [{s.start}, {s.end}) {s.label}"
        if not _require(s.label in schema.span_types, f"{where}: unknown span type {s.label!r} "
                        f"(allowed: {', '.join(schema.span_types)})", problems):
            continue
        if not _require(0 <= s.start < s.end <= len(text), f"{where}: offsets out of range "
                        f"(text has {len(text)} chars)", problems):
            continue
        surface = text[s.start : s.end]
        _require(s.start in starts, f"{where} {surface!r}: does not start at the first character of a word", problems)
        _require(s.end in ends, f"{where} {surface!r}: does not end at the last character of a word", problems)
    ordered = sorted(rec.spans, key=lambda s: (s.start, s.end))
    for a, b in zip(ordered, ordered[1:]):
        _require(b.start >= a.end, f"spans [{a.start}, {a.end}) {a.label} and [{b.start}, {b.end}) "
                 f"{b.label} overlap", problems)
    return problems


def parse_record(obj, path, line: int) -> Record:
    """Turn one decoded JSON value into a Record, or raise RecordError naming what is wrong."""
    if not isinstance(obj, dict):
        raise RecordError(path, line, f"expected a JSON object, got {type(obj).__name__}")
    unknown = set(obj) - RECORD_KEYS
    if unknown:
        raise RecordError(path, line, f"unknown keys {sorted(unknown)} (allowed: {sorted(RECORD_KEYS)})")
    for key in ("id", "text"):
        if not isinstance(obj.get(key), str):
            raise RecordError(path, line, f"missing or non-string {key!r}")
    labels = obj.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise RecordError(path, line, "'labels' must be a list of strings")
    raw_spans = obj.get("spans", [])
    if not isinstance(raw_spans, list):
        raise RecordError(path, line, "'spans' must be a list")
    spans = []
    for k, s in enumerate(raw_spans):
        if not isinstance(s, dict) or set(s) != {"start", "end", "label"}:
            raise RecordError(path, line, f"span {k} must be an object with exactly start, end, label")
        if not all(isinstance(s[x], int) and not isinstance(s[x], bool) for x in ("start", "end")):
            raise RecordError(path, line, f"span {k}: start and end must be integers")
        if not isinstance(s["label"], str):
            raise RecordError(path, line, f"span {k}: label must be a string")
        spans.append(Span(s["start"], s["end"], s["label"]))
    doc_id = obj.get("doc_id")
    if doc_id is not None and not isinstance(doc_id, str):
        raise RecordError(path, line, "'doc_id' must be a string")
    return Record(obj["id"], obj["text"], labels, spans, doc_id)


def iter_jsonl(path, lenient: bool = False) -> Iterator[tuple[int, object]]:
    """(line number, decoded JSON) for each non-blank line. Bad JSON raises RecordError, or with
    ``lenient`` is yielded in the value's place so that a validator can report every line."""
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield lineno, json.loads(line)
            except json.JSONDecodeError as exc:
                err = RecordError(path, lineno, f"invalid JSON: {exc.msg} (column {exc.colno})")
                if not lenient:
                    raise err from None
                yield lineno, err


def read_records(path, schema: LabelSchema | None = None, validate: bool = True) -> list[Record]:
    """Read a file of records (``.jsonl`` or CoNLL ``.conll``/``.bio``/``.txt``); raise on the first error."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"data file not found: {path}")
    if path.suffix in {".conll", ".bio", ".iob", ".tsv"}:
        records = list(read_conll(path, schema=schema))
        return records
    schema = schema or LabelSchema()
    out, seen = [], {}
    for lineno, obj in iter_jsonl(path):
        rec = parse_record(obj, path, lineno)
        if validate:
            problems = record_problems(rec, schema)
            if problems:
                raise RecordError(path, lineno, f"record {rec.id!r}: " + "; ".join(problems))
            if rec.id in seen:
                raise RecordError(path, lineno, f"duplicate id {rec.id!r} (first at line {seen[rec.id]})")
        seen[rec.id] = lineno
        out.append(rec)
    return out


def check_file(path, schema: LabelSchema | None = None) -> Iterator[RecordError]:
    """Every problem in a JSONL file, not just the first: for validators and annotators."""
    schema = schema or LabelSchema()
    seen: dict[str, int] = {}
    try:
        for lineno, obj in iter_jsonl(path, lenient=True):
            if isinstance(obj, RecordError):
                yield obj
                continue
            try:
                rec = parse_record(obj, path, lineno)
            except RecordError as err:
                yield err
                continue
            for p in record_problems(rec, schema):
                yield RecordError(path, lineno, f"record {rec.id!r}: {p}")
            if rec.id in seen:
                yield RecordError(path, lineno, f"duplicate id {rec.id!r} (first at line {seen[rec.id]})")
            seen.setdefault(rec.id, lineno)
    except UnicodeDecodeError as exc:
        yield RecordError(path, 0, f"not UTF-8: {exc}")


def write_jsonl(records: Iterable, path) -> None:
    """Write records (Record or dict) one a line, UTF-8, Arabic unescaped."""
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            obj = rec.to_dict() if isinstance(rec, Record) else rec
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")


# --- CoNLL / BIO --------------------------------------------------------------------------


def read_conll(path, schema: LabelSchema | None = None, id_prefix: str | None = None) -> Iterator[Record]:
    """Read ``token<TAB or space>tag`` lines, blank line between sentences, into span records.

    The sentence text is the tokens joined by single spaces, so offsets are exact. Tags must be
    strict IOB2: an ``I-X`` that does not continue an ``X`` span is an error here, because in
    training data it is an annotation mistake, not something to repair.
    """
    schema = schema or LabelSchema()
    prefix = id_prefix or Path(path).stem
    tokens: list[tuple[str, str, int]] = []
    count = 0

    def flush():
        nonlocal count
        if not tokens:
            return None
        count += 1
        rec = _conll_sentence(tokens, schema, path, f"{prefix}-{count:06d}")
        tokens.clear()
        return rec

    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("-DOCSTART-"):
                rec = flush()
                if rec:
                    yield rec
                continue
            parts = line.split("\t") if "\t" in line else line.split()
            if len(parts) < 2:
                raise RecordError(path, lineno, f"expected 'token<TAB>tag', got {line!r}")
            tokens.append((parts[0], parts[-1], lineno))
    rec = flush()
    if rec:
        yield rec


def _conll_sentence(tokens, schema: LabelSchema, path, rec_id: str) -> Record:
    text_parts, spans, pos = [], [], 0
    current = None  # (start, type)
    last_end = 0
    for token, tag, lineno in tokens:
        start = pos
        end = start + len(token)
        text_parts.append(token)
        pos = end + 1
        if tag == "O":
            kind, typ = "O", None
        elif len(tag) > 2 and tag[1] == "-" and tag[0] in "BI":
            kind, typ = tag[0], tag[2:]
        else:
            raise RecordError(path, lineno, f"bad tag {tag!r} (expected O, B-TYPE or I-TYPE)")
        if typ is not None and typ not in schema.span_types:
            raise RecordError(path, lineno, f"unknown span type {typ!r} in tag {tag!r}")
        if kind == "I" and (current is None or current[1] != typ):
            raise RecordError(path, lineno, f"{tag!r} does not continue a {typ} span (IOB2 needs B-{typ} first)")
        if kind in ("O", "B") and current is not None:
            spans.append(Span(current[0], last_end, current[1]))
            current = None
        if kind == "B":
            current = (start, typ)
        last_end = end
    if current is not None:
        spans.append(Span(current[0], last_end, current[1]))
    rec = Record(rec_id, " ".join(text_parts), [], spans)
    problems = record_problems(rec, schema)
    if problems:
        raise RecordError(path, tokens[0][2], f"sentence {rec_id}: " + "; ".join(problems))
    return rec


def write_conll(records: Iterable[Record], path) -> None:
    """Write records as ``token<TAB>tag`` lines (punctuation tokens included)."""
    from rasd.align import word_tags

    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            toks = tokenize(rec.text)
            for tok, tag in zip(toks, word_tags(toks, rec.spans)):
                fh.write(f"{tok.text}\t{tag}\n")
            fh.write("\n")
