"""The inline annotation format of data/events/src/FORMAT.md, turned into records.

Annotators write ``LABELS | text with <TYPE>tags</TYPE>``; offsets are computed here, never typed.
"""

from __future__ import annotations

import argparse
import io
import logging
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from rasd.records import Record, RecordError, Span, record_problems
from rasd.schema import LabelSchema
from rasd_train.data.quality import text_problems

log = logging.getLogger(__name__)
TAG = re.compile(r"<(/?)([A-Za-z_]+)>")
DOC = re.compile(r"^###\s*(doc|url):\s*(\S.*?)\s*$")


@dataclass
class InlineSentence:
    """One annotated sentence with where it came from."""

    record: Record
    path: str
    line: int


def parse_tagged(text: str, schema: LabelSchema) -> tuple[str, list[Span]]:
    """Strip ``<TYPE>..</TYPE>`` tags from ``text``; return the plain text and the spans."""
    out, spans, pos, open_tag = [], [], 0, None
    plain_len = 0
    for m in TAG.finditer(text):
        chunk = text[pos : m.start()]
        out.append(chunk)
        plain_len += len(chunk)
        pos = m.end()
        closing, typ = m.group(1) == "/", m.group(2)
        if typ not in schema.span_types:
            raise ValueError(f"unknown span type <{m.group(1)}{typ}> (allowed: {', '.join(schema.span_types)})")
        if not closing:
            if open_tag:
                raise ValueError(f"<{typ}> opened inside <{open_tag[0]}>: spans cannot nest")
            open_tag = (typ, plain_len)
        else:
            if not open_tag or open_tag[0] != typ:
                raise ValueError(f"</{typ}> closes nothing" + (f" (open: <{open_tag[0]}>)" if open_tag else ""))
            if plain_len == open_tag[1]:
                raise ValueError(f"empty <{typ}></{typ}>")
            spans.append(Span(open_tag[1], plain_len, typ))
            open_tag = None
    if open_tag:
        raise ValueError(f"<{open_tag[0]}> is never closed")
    out.append(text[pos:])
    if "<" in text[pos:] or ">" in text[pos:]:
        raise ValueError("stray '<' or '>' outside a valid tag")
    return "".join(out), spans


def parse_line(body: str, schema: LabelSchema) -> tuple[list[str], str, list[Span]]:
    if " | " not in body:
        raise ValueError("expected 'LABELS | text'")
    head, tagged = body.split(" | ", 1)
    head = head.strip()
    labels = [] if head == "-" else [x.strip() for x in head.split(",") if x.strip()]
    for lab in labels:
        if lab not in schema.labels:
            raise ValueError(f"unknown label {lab!r} (allowed: {', '.join(schema.labels)}, or '-')")
    text, spans = parse_tagged(tagged.strip(), schema)
    return labels, text, spans


def iter_inline(path, errors_for) -> Iterator[tuple[int, str, str]]:
    """(line, header value, sentence line) for each sentence under a ``### doc:``/``### url:`` header.

    Comment and blank lines are skipped; a sentence before any header, and a file that is not
    UTF-8, are reported through ``errors_for(lineno, problem)``.
    """
    header, raw = None, Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:  # an editor's cut through a two-byte letter: name the line
        errors_for(raw.count(b"\n", 0, exc.start) + 1, "not UTF-8; nothing after this line was read")
        return
    with io.StringIO(text, newline=None) as fh:
        for lineno, raw_line in enumerate(fh, 1):
            line = raw_line.rstrip("\n")
            if not line.strip():
                continue
            m = DOC.match(line)
            if m:
                header = m.group(2)
                continue
            if line.startswith("#"):
                continue
            if header is None:
                errors_for(lineno, "sentence before the first '### doc:' line")
                continue
            yield lineno, header, line


def read_inline(path, schema: LabelSchema | None = None, errors: list | None = None) -> list[InlineSentence]:
    """Parse one inline file. With ``errors`` given, collect every problem there and go on."""
    schema = schema or LabelSchema()
    sentences: list[InlineSentence] = []
    doc_id, count = None, 0

    def fail(lineno, problem):
        err = RecordError(path, lineno, problem)
        if errors is None:
            raise err
        errors.append(err)

    for lineno, header, line in iter_inline(path, fail):
        if header != doc_id:
            doc_id, count = header, 0
        try:
            labels, text, spans = parse_line(line, schema)
        except ValueError as exc:
            fail(lineno, str(exc))
            continue
        count += 1
        rec = Record(f"{doc_id}-s{count:02d}", text, labels, spans, doc_id)
        for p in record_problems(rec, schema):
            fail(lineno, p)
        for p in text_problems(text):
            fail(lineno, p)
        if spans and not labels:
            fail(lineno, "spans in a sentence with no event label (project rule: none there)")
        sentences.append(InlineSentence(rec, str(path), lineno))
    return sentences


def cross_file_problems(sentences: list[InlineSentence]) -> list[RecordError]:
    """Duplicate article ids across files and duplicate sentences anywhere."""
    from rasd.text import collapse_whitespace

    problems, doc_file, seen_text = [], {}, {}
    for s in sentences:
        rec = s.record
        first = doc_file.setdefault(rec.doc_id, (s.path, s.line))
        if first[0] != s.path:
            problems.append(RecordError(s.path, s.line, f"doc id {rec.doc_id!r} also used in {first[0]}:{first[1]}"))
        key = collapse_whitespace(rec.text)
        if key in seen_text:
            p0, l0 = seen_text[key]
            problems.append(RecordError(s.path, s.line, f"duplicate sentence (first at {p0}:{l0})"))
        else:
            seen_text[key] = (s.path, s.line)
    return problems


def summary(records: list[Record], schema: LabelSchema) -> str:
    n = len(records) or 1
    docs = len({r.doc_id for r in records})
    labels = Counter(lab for r in records for lab in r.labels)
    types = Counter(s.label for r in records for s in r.spans)
    none = sum(1 for r in records if not r.labels)
    lines = [f"{docs} articles, {len(records)} sentences, {sum(types.values())} spans"]
    for lab in schema.labels:
        lines.append(f"  {lab:<16} {labels[lab]:>5}  {100 * labels[lab] / n:5.1f}%")
    lines.append(f"  {'(no label)':<16} {none:>5}  {100 * none / n:5.1f}%")
    lines.append("  spans: " + ", ".join(f"{t} {types[t]}" for t in schema.span_types))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Check inline-annotated corpus files and summarise them.")
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    schema = LabelSchema()
    errors: list[RecordError] = []
    sentences: list[InlineSentence] = []
    for path in args.files:
        sentences += read_inline(path, schema, errors)
    errors += cross_file_problems(sentences)
    for err in errors:
        sys.stdout.write(f"{err}\n")
    sys.stdout.write(summary([s.record for s in sentences], schema) + "\n")
    sys.stdout.write(f"{len(errors)} error(s)\n")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
