"""``make data-stats``: the counts of the data card, regenerated from the JSONL splits."""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from pathlib import Path

from rasd.records import read_records
from rasd.schema import LabelSchema
from rasd.text import tokenize

START, END = "<!-- stats:start -->", "<!-- stats:end -->"
REAL_START, REAL_END = "<!-- real-news-stats:start -->", "<!-- real-news-stats:end -->"


def corpus_stats(data_dir, schema: LabelSchema | None = None) -> str:
    """Markdown tables: per split, labels, span types, co-occurrence, span lengths."""
    schema = schema or LabelSchema()
    splits = {s: read_records(Path(data_dir) / f"{s}.jsonl", schema) for s in ("train", "dev", "test")}
    return split_tables(splits, schema)


def real_news_stats(refs_dir, schema: LabelSchema | None = None) -> str:
    """The same tables for the real-news set (rebuilt from ../shared), plus sentences per corpus."""
    from rasd_train.data.realnews import load_split
    from rasd_train.data.shared import SharedDataMissing

    schema = schema or LabelSchema()
    splits = {}
    for split in ("train", "dev", "test", "real-dev"):
        try:
            splits[split] = load_split(split, Path(refs_dir))
        except SharedDataMissing:
            raise
        except FileNotFoundError:  # no references for this split yet
            splits[split] = []
    corpora = sorted({r.doc_id.split(":", 1)[0] for recs in splits.values() for r in recs})
    head = ["| corpus | " + " | ".join(f"{s} sentences (documents)" for s in splits) + " |",
            "|---|" + "---:|" * len(splits)]
    rows = [f"| {c} | " + " | ".join(
        f"{sum(r.doc_id.startswith(c + ':') for r in recs)} ({len({r.doc_id for r in recs if r.doc_id.startswith(c + ':')})})"
        for recs in splits.values()) + " |" for c in corpora]
    return "\n".join(head + rows) + "\n\n" + split_tables(splits, schema)


def split_tables(splits: dict, schema: LabelSchema) -> str:
    out = ["| split | articles | sentences | no label | spans | words |", "|---|---:|---:|---:|---:|---:|"]
    for name, recs in splits.items():
        words = sum(sum(1 for t in tokenize(r.text) if t.is_word) for r in recs)
        none = sum(1 for r in recs if not r.labels)
        out.append(f"| {name} | {len({r.doc_id for r in recs})} | {len(recs)} | {none} ({_pct(none, len(recs))}) "
                   f"| {sum(len(r.spans) for r in recs)} | {words} |")
    out += ["", "Sentence labels (sentences carrying each label):", "",
            "| label | " + " | ".join(splits) + " |", "|---|" + "---:|" * len(splits)]
    for lab in schema.labels:
        cells = [f"{c} ({_pct(c, len(recs))})" for recs in splits.values()
                 for c in [sum(1 for r in recs if lab in r.labels)]]
        out.append(f"| {lab} | " + " | ".join(cells) + " |")
    out += ["", "Spans per type:", "", "| type | " + " | ".join(splits) + " | mean words (train) |",
            "|---|" + "---:|" * (len(splits) + 1)]
    train = splits["train"]
    for t in schema.span_types:
        cells = [str(sum(1 for r in recs for s in r.spans if s.label == t)) for recs in splits.values()]
        lens = [_words(r.text[s.start:s.end]) for r in train for s in r.spans if s.label == t]
        out.append(f"| {t} | " + " | ".join(cells) + f" | {sum(lens) / len(lens) if lens else 0:.1f} |")
    all_recs = [r for recs in splits.values() for r in recs]
    combos = Counter(" + ".join(sorted(r.labels, key=schema.labels.index)) or "(none)" for r in all_recs)
    out += ["", "Label combinations (all splits):", "", "| labels | sentences |", "|---|---:|"]
    out += [f"| {k} | {v} |" for k, v in combos.most_common()]
    pairs = Counter(p for r in all_recs for p in combinations(sorted(r.labels, key=schema.labels.index), 2))
    out += ["", "Label co-occurrence (sentences with both):", "", "| | " + " | ".join(schema.labels) + " |",
            "|---|" + "---:|" * len(schema.labels)]
    for a in schema.labels:
        row = [str(sum(1 for r in all_recs if a in r.labels)) if a == b else str(pairs[tuple(sorted(
            (a, b), key=schema.labels.index))]) for b in schema.labels]
        out.append(f"| {a} | " + " | ".join(row) + " |")
    lengths = Counter(min(_words(r.text[s.start:s.end]), 8) for r in all_recs for s in r.spans)
    out += ["", "Span length in words (all splits; 8 = 8 or more):", "", "| words | " +
            " | ".join(str(k) for k in sorted(lengths)) + " |", "|---|" + "---:|" * len(lengths),
            "| spans | " + " | ".join(str(lengths[k]) for k in sorted(lengths)) + " |"]
    sent_len = sorted(_words(r.text) for r in all_recs)
    if sent_len:
        out += ["", f"Sentence length in words: min {sent_len[0]}, median {sent_len[len(sent_len) // 2]}, "
                f"max {sent_len[-1]}."]
    return "\n".join(out)


def _words(text: str) -> int:
    return sum(1 for t in tokenize(text) if t.is_word)


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def update_card(card_path, stats: str, start: str = START, end: str = END) -> bool:
    """Replace the block between the markers in the data card; False if the markers are missing."""
    path = Path(card_path)
    text = path.read_text(encoding="utf-8")
    if start not in text or end not in text:
        return False
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{stats}\n{end}{tail}", encoding="utf-8")
    return True
