"""The real annotated NER corpora of ``../shared/data`` as records, for intermediate training.

Each corpus keeps its own entity types (ANERcorp PERS/LOC/ORG/MISC; NewsFANE's fine types, weapons
among them; Wojood's DATE/TIME/CARDINAL/GPE/...; IDRISI's location types): an intermediate tagger
learns them with its own head, and only its encoder is carried into rasd's fine-tuning, so no type
has to be forced onto rasd's seven. Sentences become records through the rasd tokeniser, spans
snapped to word edges, so the encoder sees text exactly as fine-tuning does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from rasd.records import Record, Span
from rasd.text import tokenize

CORPORA = ("anercorp", "fane", "wojood", "idrisi")
MAX_WORDS = 120  # corpora without sentence breaks are cut into windows of this many words


def _conll(path: Path, encoding: str = "utf-8-sig") -> Iterator[list[tuple[str, str]]]:
    """Sentences of ``word TAG`` lines (blank-line separated); LRM marks and CRs removed."""
    sent = []
    for line in open(path, encoding=encoding, errors="replace"):
        parts = line.replace("\u200e", "").replace("\r", "").split()
        if len(parts) < 2:
            if sent:
                yield sent
            sent = []
            continue
        sent.append((parts[0], parts[1]))
        if len(sent) >= MAX_WORDS and parts[0] in (".", "؟", "!"):
            yield sent
            sent = []
    if sent:
        yield sent


def _record(rid: str, pairs: list[tuple[str, str]]) -> Record:
    """Words joined by spaces; IOB/BIOES tags to spans, snapped to rasd word edges."""
    text, starts = "", []
    for word, _ in pairs:
        starts.append(len(text))
        text += word + " "
    text = text.rstrip()
    spans, cur = [], None
    for i, (word, tag) in enumerate(pairs):
        kind, typ = (tag[0], tag[2:]) if len(tag) > 2 and tag[1] == "-" else ("O", "")
        if kind in "BSU" or (kind == "I" and (cur is None or cur[2] != typ)) or kind == "O":
            if cur:
                spans.append(cur)
            cur = [starts[i], starts[i] + len(word), typ] if kind != "O" else None
        else:  # I / E continuing the open span
            cur[1] = starts[i] + len(word)
    if cur:
        spans.append(cur)
    return Record(rid, text, [], _snap(text, spans))


def _snap(text: str, spans) -> list[Span]:
    tokens = tokenize(text)
    out = []
    for a, b, typ in spans:
        inside = [t for t in tokens if t.is_word and t.start >= a and t.end <= b]
        if inside and (not out or inside[0].start >= out[-1].end):
            out.append(Span(inside[0].start, inside[-1].end, typ))
    return out


def _shared(*parts):
    from rasd_train.data.shared import shared_file

    return shared_file(*parts)


def iter_corpus(name: str) -> Iterator[Record]:
    """Records of one corpus (train portions only where the corpus has a test split)."""
    if name == "anercorp":
        sents = _conll(_shared("anercorp_camel", "ANERCorp_CamelLab_train.txt"))
    elif name == "fane":
        sents = _conll(_shared("fane_gold_2014", "NewsFANE_Gold_2014_170K.txt"))
    elif name == "wojood":
        sents = _conll(_shared("wojood_sample", "train.txt"))
    elif name == "idrisi":
        yield from _idrisi()
        return
    else:
        raise ValueError(f"unknown NER corpus {name!r}; one of {', '.join(CORPORA)}")
    for k, pairs in enumerate(sents, 1):
        yield _record(f"{name}-{k:06d}", pairs)


def _idrisi() -> Iterator[Record]:
    n = 0
    for path in sorted(_shared("idrisi_r_ar_gold", "gold-random-json").rglob("*.jsonl")):
        for line in open(path, encoding="utf-8"):
            if not line.strip():
                continue
            row = json.loads(line)
            n += 1
            spans = [(m["startIdx"], m["endIdx"], m["type"]) for m in row.get("location_mentions", [])]
            yield Record(f"idrisi-{n:06d}", row["text"], [], _snap(row["text"], sorted(spans)))


def span_types(records) -> tuple[str, ...]:
    return tuple(sorted({s.label for r in records for s in r.spans}))
