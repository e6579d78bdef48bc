"""Build data/events/{train,dev,test}.jsonl from the inline sources, split by article."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from pathlib import Path

from rasd.records import RecordError, write_jsonl
from rasd.schema import LabelSchema
from rasd_train.data.inline import cross_file_problems, read_inline

log = logging.getLogger(__name__)
FRACTIONS = {"train": 0.70, "dev": 0.15, "test": 0.15}


def _key(doc_id: str) -> str:
    return hashlib.sha1(doc_id.encode("utf-8")).hexdigest()


def split_by_article(records, fractions=FRACTIONS) -> dict[str, list]:
    """Articles in a fixed pseudo-random order, each to the split furthest below its share.

    Deterministic (a function of the doc ids alone), so adding an article moves few others.
    """
    docs = defaultdict(list)
    for r in records:
        docs[r.doc_id].append(r)
    total = sum(len(v) for v in docs.values())
    out = {k: [] for k in fractions}
    for doc_id in sorted(docs, key=_key):
        split = min(fractions, key=lambda k: (len(out[k]) / total) - fractions[k])
        out[split].extend(docs[doc_id])
    return out


TRAIN_ONLY = "train-only"


def source_files(src_dir) -> tuple[list[Path], list[Path]]:
    """The inline files split by article, and those of ``src_dir/train-only/`` that go to train whole.

    Train-only articles were written after the dev and test splits had been scored many times (to
    add constructions the corpus lacked): put into the split, they would move articles between dev
    and test and make earlier figures incomparable.
    """
    return sorted(Path(src_dir).glob("*.txt")), sorted(Path(src_dir, TRAIN_ONLY).glob("*.txt"))


def build(src_dir, out_dir, schema: LabelSchema | None = None) -> dict[str, int]:
    schema = schema or LabelSchema()
    files, train_only = source_files(src_dir)
    if not files:
        raise FileNotFoundError(f"no inline source files (*.txt) in {src_dir}")
    errors: list[RecordError] = []
    sentences, extra = [], []
    for f in files:
        sentences += read_inline(f, schema, errors)
    for f in train_only:
        extra += read_inline(f, schema, errors)
    errors += cross_file_problems(sentences + extra)  # no sentence or doc id twice, train-only included
    if errors:
        raise errors[0] if len(errors) == 1 else RecordError(
            errors[0].path, errors[0].line, f"{errors[0].problem} (and {len(errors) - 1} more problems; "
            "run `make validate-data` to see them all)")
    splits = split_by_article([s.record for s in sentences])
    splits["train"] += [s.record for s in extra]
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, recs in splits.items():
        write_jsonl(recs, Path(out_dir) / f"{name}.jsonl")
        counts[name] = len(recs)
    return counts
