"""Silver event data: unannotated real news tagged by the two peers, for intermediate training.

Why: the base's layers start from random weights and the gold data is about 7,000 sentences, so
the encoder meets most of the vocabulary and phrasing of real news for the first time at test.
The peers (TF-IDF labels, word-feature CRF spans), trained on exactly the same gold data, tag tens
of thousands of unannotated news sentences in seconds; a tagger trained on those first learns the
task's shape over far more words and contexts, and the gold fine-tuning after it corrects what
the peers got wrong (self-training through a teacher, as in noisy-student training). Only the
encoder goes on (``rasd_train.transfer``), like the NER corpora.

Nothing from a held-out period or any annotated document is used: SaudiNewsNet's last five days
and FIGNEWS B13-B15 (real-news dev and test), real-dev's articles and the real-news train, dev and
test documents are skipped, and so is any sentence whose text is in a gold set.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from pathlib import Path
from typing import Sequence

from rasd.records import Record, Span
from rasd.sentences import split_sentences
from rasd.text import tokenize

log = logging.getLogger(__name__)

MIN_WORDS, MAX_WORDS = 6, 90
EVENT_SHARE = 0.75  # of the silver sentences, the share drawn from sentences with an event cue


def _annotated_keys() -> set[str]:
    """``corpus:doc_id`` of every document with gold sentences (real-dev, real-news train, dev and test)."""
    from rasd_train.data.realdev import REFS as REAL_DEV_REFS
    from rasd_train.data.realnews import REFS_DIR, STORED

    keys = set()
    for path in [REAL_DEV_REFS] + [REFS_DIR / f"{s}.jsonl" for s in STORED]:
        if not Path(path).is_file():
            continue
        for line in open(path, encoding="utf-8"):
            if line.strip():
                ref = json.loads(line)
                keys.add(f"{ref.get('corpus', 'saudinewsnet')}:{ref.get('doc_id', ref.get('url'))}")
    return keys


def _held_out_period(doc) -> bool:
    """Test and dev periods: no silver sentence comes from the days (or batches) a held-out set covers."""
    from rasd_train.data.realnews import DEV_BATCHES, DEV_DATES, TEST_BATCHES, TEST_DATES, in_period

    return in_period(doc, TEST_DATES + DEV_DATES, TEST_BATCHES + DEV_BATCHES)


def _has_cue(sentence: str) -> bool:
    from rasd_train.data.realnews import _CUES

    return any(_CUES[k].search(sentence) for k in ("attack", "casualty", "interception", "denial"))


def candidate_sentences(n: int, seed: int, exclude_texts: set[str]) -> list[Record]:
    """``n`` unannotated sentences, three in four with an event cue, deterministic for ``seed``."""
    from rasd_train.data.realnews import iter_documents, sha1

    skip_docs, seen = _annotated_keys(), set(exclude_texts)
    cued, plain = [], []
    for doc in iter_documents():
        if doc.key in skip_docs or _held_out_period(doc):
            continue
        for a, b in split_sentences(doc.text):
            text = doc.text[a:b]
            words = sum(t.is_word for t in tokenize(text))
            if not MIN_WORDS <= words <= MAX_WORDS or "<" in text or text in seen:
                continue
            seen.add(text)
            digest = sha1(text)
            rec = Record(f"silver-{digest[:12]}", text, [], [])
            if _has_cue(text):
                cued.append(rec)
            elif int(hashlib.sha1(f"{seed}:{digest}".encode()).hexdigest()[:8], 16) % 16 == 0:
                plain.append(rec)  # a hash sample keeps memory small without changing the draw
    rng = random.Random(seed)
    rng.shuffle(cued)
    rng.shuffle(plain)
    k = min(len(cued), round(n * EVENT_SHARE))
    chosen = cued[:k] + plain[:n - k]
    log.info("silver: %d sentences drawn (%d with an event cue of %d; %d without, of %d sampled)",
             len(chosen), k, len(cued), len(chosen) - k, len(plain))
    return sorted(chosen, key=lambda r: r.id)


def tag_with_peers(records: Sequence[Record], peers) -> list[Record]:
    """``records`` with the fitted peers' labels and spans (``rasd_train.peers.Peers``)."""
    labels = peers.labels(records)
    spans = peers.spans([r.text for r in records])
    return [Record(r.id, r.text, got, list(sp)) for r, got, sp in zip(records, labels, spans)]


def silver_records(cfg, peers, gold_texts: set[str], cache: Path) -> list[Record]:
    """The run's silver set, built once and kept in ``cache`` (a JSONL of full records, gitignored).

    ``peers``: a callable returning the peers fitted on the run's gold training data, called only
    when the cache is missing; ``gold_texts``: every gold sentence of the run (train, tune,
    evaluated), none of which is drawn.
    """
    from rasd.records import read_records, write_jsonl

    if cache.is_file():
        return read_records(cache, validate=False)
    drawn = candidate_sentences(cfg.silver_sentences, cfg.seed, set(gold_texts))
    tagged = tag_with_peers(drawn, peers())
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    write_jsonl(tagged, tmp)
    tmp.replace(cache)
    n_spans = sum(len(r.spans) for r in tagged)
    log.info("silver: %d sentences tagged by the peers, %d with a label, %d spans", len(tagged),
             sum(bool(r.labels) for r in tagged), n_spans)
    return tagged
