"""Batch input and output for ``rasd predict``: streaming readers, resumable writers.

Every writer can say which document ids it already holds (cutting off a torn tail left by a
killed run), so a rerun with the same output continues where the last one stopped: no document
lost, none written twice.

A document may carry its publication ``date`` (ISO 8601: a JSONL field, a CSV column, ``--date``
for text files and for records without one). A date that does not parse makes the record an
InputError (the errors file names the record), so the rest of the batch goes on; no date gives
null event dates.
"""

from __future__ import annotations

import csv
import html
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NamedTuple

from rasd.schema import SPAN_TYPES


class InputError(ValueError):
    """A malformed input record, located by source and line."""


# -- readers ------------------------------------------------------------------------------------


class InputDocument(NamedTuple):
    id: str
    text: str
    date: str | None = None  # ISO day (validated), or None


@dataclass(frozen=True)
class Fields:
    """The names of the input fields, and the date of records that carry none."""

    id: str = "id"
    text: str = "text"
    date: str = "date"
    default_date: str | None = None


def read_documents(path: str, id_field: str = "id", text_field: str = "text", date_field: str = "date",
                   default_date: str | None = None) -> Iterator[InputDocument | InputError]:
    """(id, text, date) for each document, or an InputError in its place for a malformed record.

    JSONL (``.jsonl``/``.json``, or ``-`` for stdin), CSV (``.csv``, a header row with the id and
    text fields; the date column is optional), one ``.txt`` file (one document, its name as id) or a
    folder of ``.txt`` files (their date: ``default_date``).
    """
    f = Fields(id_field, text_field, date_field, default_date)
    p = Path(path)
    if path == "-":
        yield from _jsonl(sys.stdin, "<stdin>", f)
    elif p.is_dir():
        files = sorted(p.rglob("*.txt"))
        if not files:
            raise FileNotFoundError(f"no .txt files in folder {p}")
        for t in files:
            yield _document(str(t.relative_to(p)), t.read_text(encoding="utf-8"), default_date, str(t))
    elif not p.is_file():
        raise FileNotFoundError(f"input not found: {p}")
    elif p.suffix == ".txt":
        yield _document(p.name, p.read_text(encoding="utf-8"), default_date, str(p))
    elif p.suffix == ".csv":
        yield from _csv(p, f)
    else:
        with open(p, encoding="utf-8") as fh:
            yield from _jsonl(fh, str(p), f)


def _jsonl(fh, name: str, f: Fields):
    for lineno, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(f"{name}:{lineno}: invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        yield _fields(obj, f"{name}:{lineno}", f)


def _csv(path: Path, f: Fields):
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {f.id, f.text} - set(reader.fieldnames or [])
        if missing:
            raise InputError(f"{path}:1: CSV header lacks {sorted(missing)} (has {reader.fieldnames})")
        for row in reader:
            yield _fields(row, f"{path}:{reader.line_num}", f)


def _fields(obj, where: str, f: Fields):
    if not isinstance(obj, dict):
        return InputError(f"{where}: expected a JSON object")
    if obj.get(f.id) in (None, ""):
        return InputError(f"{where}: missing {f.id!r}")
    if not isinstance(obj.get(f.text), str):
        return InputError(f"{where}: missing or non-string {f.text!r}")
    value = obj.get(f.date)
    return _document(str(obj[f.id]), obj[f.text], value if value not in (None, "") else f.default_date, where)


def _document(doc_id: str, text: str, date_value, where: str) -> InputDocument | InputError:
    """The document, its date checked: a date that does not parse is an error naming the record."""
    from rasd.events.dates import DocumentDateError, parse_document_date

    try:
        day = parse_document_date(date_value)
    except DocumentDateError as exc:
        return InputError(f"{where}: record {doc_id!r}: {exc}")
    return InputDocument(doc_id, text, day.isoformat() if day else None)


# -- writers ------------------------------------------------------------------------------------


def _cut_after_last(path: Path, marker: bytes) -> bytes:
    """Truncate the file after the last ``marker`` (a torn tail from a killed run); return the kept bytes."""
    data = path.read_bytes()
    keep = data.rfind(marker) + len(marker) if marker in data else 0
    if keep < len(data):
        with open(path, "r+b") as fh:
            fh.truncate(keep)
    return data[:keep]


class JsonlWriter:
    """One JSON document a line. Each document is one ``os.write``, so a kill leaves at most a
    torn last document, which ``done_ids`` cuts off."""

    end_marker = b"\n"

    def __init__(self, path: Path):
        self.path = path

    def done_ids(self) -> set[str]:
        if not self.path.exists():
            return set()
        kept = _cut_after_last(self.path, self.end_marker).decode("utf-8")
        return {json.loads(line)["id"] for line in kept.splitlines() if line.strip()}

    def header(self) -> str:
        return ""

    def footer(self) -> str:
        return ""

    def render(self, doc: dict) -> str:
        return json.dumps(doc, ensure_ascii=False) + "\n"

    def open(self) -> None:
        import os

        new = not self.path.exists() or self.path.stat().st_size == 0
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if new and self.header():
            self._write(self.header())

    def _write(self, text: str) -> None:
        import os

        data = text.encode("utf-8")
        while data:
            data = data[os.write(self.fd, data):]

    def write(self, doc: dict) -> None:
        self._write(self.render(doc))

    def flush(self) -> None:
        import os

        os.fsync(self.fd)

    def close(self) -> None:
        import os

        if self.footer():
            self._write(self.footer())
        os.close(self.fd)


CSV_FIELDS = ["doc_id", "document_date", "event_index", "event_types", "sentence_start", "sentence_end", "sentence",
              "actor", "target", "location", "weapon", "time", "source", "casualties", "killed", "wounded",
              "missing", "date", "date_precision", "date_end", "place", "country", "admin1", "latitude",
              "longitude", "place_match", "origin", "actors", "arabic_ratio", "warning"]


class CsvWriter(JsonlWriter):
    """One event a row; a document without events gets one row with empty event columns."""

    end_marker = b"\r\n"

    def done_ids(self) -> set[str]:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return set()
        _cut_after_last(self.path, self.end_marker)
        with open(self.path, encoding="utf-8", newline="") as fh:
            return {r["doc_id"] for r in csv.DictReader(fh)}

    def header(self) -> str:
        return self._rows([dict(zip(CSV_FIELDS, CSV_FIELDS))])

    @staticmethod
    def _rows(rows: list[dict]) -> str:
        import io

        buf = io.StringIO()
        csv.DictWriter(buf, CSV_FIELDS).writerows(rows)
        return buf.getvalue()

    def render(self, doc: dict) -> str:
        rows = []
        for k, ev in enumerate(doc["events"]):
            row = {"doc_id": doc["id"], "event_index": k, "event_types": ";".join(ev["event_types"]),
                   "sentence_start": ev["sentence"]["start"], "sentence_end": ev["sentence"]["end"],
                   "sentence": ev["sentence"]["text"]}
            for role in ("actor", "target", "location", "weapon", "time", "source", "casualties"):
                row[role] = " | ".join(a["text"] for a in ev[role])
            for kind in ("killed", "wounded", "missing"):
                counts = [a["count"] for a in ev["casualties"] if a.get("kind") == kind and a.get("count")]
                row[kind] = " | ".join(_count_text(c) for c in counts)
            row.update(_resolved_columns(ev, doc))
            rows.append(row)
        rows = rows or [{"doc_id": doc["id"], "document_date": doc.get("date") or ""}]
        for row in rows:  # why a document has no event: it may have too little Arabic to be read
            row.update(arabic_ratio=_blank(doc.get("arabic_ratio")), warning=doc.get("warning") or "")
        return self._rows(rows)


def _resolved_columns(ev: dict, doc: dict) -> dict:
    """Date, place and normalised actors of an event, flat (the event layer's fields)."""
    place, origin = ev.get("place") or {}, ev.get("origin") or {}
    return {"document_date": doc.get("date") or "", "date": ev.get("date") or "",
            "date_precision": ev.get("date_precision") or "", "date_end": ev.get("date_end") or "",
            "place": place.get("name") or place.get("text") or "", "country": place.get("country") or "",
            "admin1": place.get("admin1") or "", "latitude": "" if place.get("lat") is None else place["lat"],
            "longitude": "" if place.get("lon") is None else place["lon"], "place_match": place.get("match") or "",
            "origin": origin.get("name") or origin.get("text") or "",
            "actors": " | ".join(dict.fromkeys(a.get("name") or a["text"] for a in ev.get("actors", [])))}


def _count_text(count: dict) -> str:
    prefix = {"at_least": ">=", "approximately": "~", "exact": "", "unspecified": ""}[count["qualifier"]]
    return f"{prefix}{count['value']}" if count["value"] is not None else "unspecified"


COLOURS = {"ACTOR": "#f4a6a6", "TARGET": "#f7c98b", "LOCATION": "#a6d8f4", "WEAPON": "#c9b3f0",
           "CASUALTIES": "#f29ad8", "TIME": "#b7e4a8", "SOURCE": "#e0e0a0"}
HTML_HEAD = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>rasd predictions</title>
<style>
body{font-family:"Noto Naskh Arabic","Amiri",Tahoma,sans-serif;line-height:2;max-width:60em;margin:2em auto;padding:0 1em}
article{border-bottom:1px solid #ccc;padding:1em 0} h2{font-size:1em;color:#555;direction:ltr;text-align:left}
mark{padding:0 .15em;border-radius:.2em} mark sub{font-size:.6em;direction:ltr;unicode-bidi:isolate}
.labels{font-size:.75em;color:#fff;background:#446;border-radius:.3em;padding:0 .3em;margin:0 .2em;unicode-bidi:isolate}
.legend span{margin:0 .4em;padding:0 .3em;border-radius:.2em}
.warning{direction:ltr;text-align:left;color:#8a4b00;background:#fff4e0;padding:0 .5em}
%s
</style></head><body>
<h1>rasd — رصد</h1>
<p class="legend">%s</p>
"""
HTML_FOOT = "</body></html>\n"
ARTICLE_END = "</article>\n"


class HtmlWriter(JsonlWriter):
    """Spans highlighted in right-to-left Arabic, labels per sentence, a legend of the span types."""

    end_marker = ARTICLE_END.encode("utf-8")

    def done_ids(self) -> set[str]:
        import re

        if not self.path.exists():
            return set()
        kept = _cut_after_last(self.path, self.end_marker).decode("utf-8")
        if not kept:  # not even one whole article: start the file again
            self.path.unlink()
            return set()
        return {html.unescape(m) for m in re.findall(r'<article data-id="([^"]*)"', kept)}

    def header(self) -> str:
        css = "\n".join(f"mark.{t}{{background:{c}}} .legend .{t}{{background:{c}}}" for t, c in COLOURS.items())
        legend = "".join(f'<span class="{t}">{t}</span>' for t in SPAN_TYPES)
        return HTML_HEAD % (css, legend)

    def footer(self) -> str:
        return HTML_FOOT

    def render(self, doc: dict) -> str:
        return render_article(doc)


def render_article(doc: dict) -> str:
    text, parts = doc["text"], []
    starts = {s["start"]: s for s in doc["sentences"]}
    ends = {s["end"] for s in doc["sentences"]}
    spans = sorted(doc["spans"], key=lambda s: s["start"])
    boundaries = sorted({0, len(text), *starts, *ends, *(s["start"] for s in spans), *(s["end"] for s in spans)})
    open_span = None
    for a, b in zip(boundaries, boundaries[1:]):
        if a in starts and starts[a]["labels"]:
            parts.append("".join(f'<span class="labels">{html.escape(lab)}</span>' for lab in starts[a]["labels"]))
        span = next((s for s in spans if s["start"] <= a and b <= s["end"]), None)
        chunk = html.escape(text[a:b]).replace("\n", "<br>\n")
        if span and span is not open_span:
            parts.append(f'<mark class="{span["label"]}" title="{span["label"]} {span["score"]:.2f}">')
            open_span = span
        parts.append(chunk)
        if span and b == span["end"]:
            parts.append(f'<sub>{span["label"]}</sub></mark>')
            open_span = None
    warning = f'<p class="warning">{html.escape(doc["warning"])}</p>' if doc.get("warning") else ""
    return (f'<article data-id="{html.escape(doc["id"], quote=True)}"><h2>{html.escape(doc["id"])}</h2>{warning}'
            f'<p>{"".join(parts)}</p>{ARTICLE_END}')


class AcledWriter(CsvWriter):
    """The ACLED-shaped table (:mod:`rasd.events.acled`): one row per event that is not a denial
    only; a document without one gets a row with only its ``doc_id``, so a resumed run skips it."""

    @property
    def fields(self) -> list[str]:
        from rasd.events.acled import ACLED_COLUMNS

        return ACLED_COLUMNS

    def header(self) -> str:
        return self._rows([dict(zip(self.fields, self.fields))], self.fields)

    @staticmethod
    def _rows(rows: list[dict], fields: list[str] | None = None) -> str:
        import io

        buf = io.StringIO()
        csv.DictWriter(buf, fields or CSV_FIELDS).writerows(rows)
        return buf.getvalue()

    def render(self, doc: dict) -> str:
        from rasd.events.acled import event_rows

        return self._rows(event_rows(doc) or [{"doc_id": doc["id"]}], self.fields)


WRITERS = {"jsonl": JsonlWriter, "csv": CsvWriter, "html": HtmlWriter, "acled": AcledWriter}
FORMATS = tuple(WRITERS)


def output_format(path: Path, fmt: str | None) -> str:
    """The ``--format`` given, else the output's extension (.csv, .html), else jsonl."""
    return fmt or {".csv": "csv", ".html": "html", ".htm": "html"}.get(path.suffix, "jsonl")


# -- incidents ------------------------------------------------------------------------------------

INCIDENT_CSV_FIELDS = ["incident_id", "event_types", "date", "date_precision", "date_end", "country", "admin1",
                       "place", "latitude", "longitude", "actors", "target_actors", "killed_low", "killed_high",
                       "wounded_low", "wounded_high", "reports", "sources", "denials", "notes"]


def read_predictions(path: str) -> Iterator[dict]:
    """The records of a ``rasd predict`` JSONL output (``-``: stdin); a bad line is an InputError."""
    fh = sys.stdin if path == "-" else open(path, encoding="utf-8")
    try:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{lineno}: invalid JSON: {exc.msg} (column {exc.colno})") from None
            if not isinstance(doc, dict) or "id" not in doc or "events" not in doc:
                raise InputError(f"{path}:{lineno}: not a rasd predict record (needs id and events)")
            yield doc
    finally:
        if fh is not sys.stdin:
            fh.close()


def write_incidents(incidents: list[dict], path: Path, fmt: str) -> None:
    """Incidents as JSONL (one a line), CSV (one a row, flat) or the ACLED-shaped table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        if fmt == "jsonl":
            for inc in incidents:
                fh.write(json.dumps(inc, ensure_ascii=False) + "\n")
        elif fmt == "acled":
            from rasd.events.acled import ACLED_COLUMNS, incident_rows

            w = csv.DictWriter(fh, ACLED_COLUMNS)
            w.writeheader()
            for inc in incidents:
                w.writerows(incident_rows(inc))
        else:
            w = csv.DictWriter(fh, INCIDENT_CSV_FIELDS)
            w.writeheader()
            w.writerows(_incident_row(inc) for inc in incidents)
    tmp.replace(path)


def _incident_row(inc: dict) -> dict:
    place = inc["place"] or {}
    cas = inc["casualties"]
    names = lambda actors: " | ".join(a.get("name") or a["text"] for a in actors)  # noqa: E731
    return {"incident_id": inc["incident_id"], "event_types": ";".join(inc["event_types"]), "date": inc["date"] or "",
            "date_precision": inc["date_precision"] or "", "date_end": inc["date_end"] or "",
            "country": place.get("country") or "", "admin1": place.get("admin1") or "",
            "place": place.get("name") or place.get("text") or "",
            "latitude": "" if place.get("lat") is None else place["lat"],
            "longitude": "" if place.get("lon") is None else place["lon"],
            "actors": names(inc["actors"]), "target_actors": names(inc["target_actors"]),
            **{f"{k}_{end}": (cas[k] or {}).get(end, "") for k in ("killed", "wounded") for end in ("low", "high")},
            "reports": " | ".join(f"{r['doc_id']}#{r['sentence_index']}" for r in inc["reports"]),
            "sources": " | ".join(r["source"] for r in inc["reports"] if r["source"]),
            "denials": " | ".join(f"{d['doc_id']}#{d['sentence_index']}" for d in inc["denials"]),
            "notes": inc["notes"]}


def _blank(value) -> str:
    return "" if value is None else str(value)


def save_weights(path, data: dict) -> Path:
    """A model folder's companion weights (the peers: rasd.wordcrf, rasd.charngrams) as compact JSON."""
    path = Path(path)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


def pack_array(array) -> dict:
    """A float array as JSON can hold it and read back fast: little-endian float32 bytes in base64
    (the peers' tables: a JSON list of 500,000 numbers takes a quarter of a second to parse, these
    bytes a few milliseconds; float32 keeps them to 1e-7 of scikit-learn's and crfsuite's)."""
    import base64

    import numpy as np

    a = np.ascontiguousarray(array, dtype="<f4")
    return {"dtype": "float32", "shape": list(a.shape), "base64": base64.b64encode(a.tobytes()).decode("ascii")}


def unpack_array(data: dict, what: str):
    """The float64 array ``pack_array`` stored; a malformed one is a ValueError naming ``what`` it held."""
    import base64
    import binascii

    import numpy as np

    try:
        if data.get("dtype") != "float32":
            raise ValueError(f"dtype {data.get('dtype')!r}, not 'float32'")
        return np.frombuffer(base64.b64decode(data["base64"], validate=True), dtype="<f4").reshape(
            data["shape"]).astype(float)
    except (AttributeError, KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise ValueError(f"{what}: not a packed float array ({exc})") from None


def load_weights(path, fmt: str, what: str) -> dict:
    """Companion weights saved by ``save_weights``; a file that cannot be read or has another
    ``format`` is a ValueError naming the file and ``what`` it should have held."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read {what} ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise ValueError(f"{path}: not {what} (format={data.get('format') if isinstance(data, dict) else None!r})")
    return data
