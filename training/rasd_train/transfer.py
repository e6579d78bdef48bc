"""Intermediate training on the real NER corpora before rasd's own tasks.

The encoder is first fine-tuned as a tagger of one corpus's entity types (its own head, its own
labels: nothing is forced onto rasd's span types), then only the encoder goes on to rasd's tagger
and classifier. Places, people, organisations, dates and weapons are what rasd's spans are made
of; these corpora hold thousands of real, human-annotated examples of them. Which corpora help is
measured on real-dev (README, "Measured choices"), and only those are in the quickstart config.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from rasd.schema import LabelSchema

log = logging.getLogger(__name__)


def through_corpora(base: str, cfg, normalization, out_dir: Path) -> str:
    """``base`` after intermediate training on each of ``cfg.transfer`` in turn; the encoder folder."""
    from rasd_train.data.shared import SharedDataMissing

    for corpus in cfg.transfer:
        try:
            base = intermediate(base, corpus, cfg, normalization, out_dir / corpus)
        except SharedDataMissing as exc:
            log.warning("transfer through %s skipped: %s", corpus, exc)
    return base


def intermediate(base: str, corpus: str, cfg, normalization, out: Path) -> str:
    """Train a tagger of ``corpus``'s own types from ``base``; save its encoder and tokenizer."""
    from rasd_train.base import load_tokenizer
    from rasd_train.data.ner import iter_corpus, span_types
    from rasd_train.features import Encoder, tagger_examples
    from rasd_train.train import _train_task

    encoder_dir = out / "encoder"
    if (encoder_dir / "tokenizer.json").is_file():
        log.info("transfer through %s: reusing %s", corpus, encoder_dir)
        return str(encoder_dir)
    records = list(iter_corpus(corpus))
    schema = LabelSchema((), span_types(records))
    tokenizer = load_tokenizer(base)
    encoder = Encoder(tokenizer, normalization, cfg.model.max_length, cfg.model.stride)
    examples = tagger_examples(records, encoder, schema)
    log.info("transfer through %s: %d sentences, %d types, %d windows", corpus, len(records),
             len(schema.span_types), len(examples))
    # the corpus's head is dropped after this step, so it keeps the plain softmax loss
    step_cfg = dataclasses.replace(cfg, output_dir=str(out), tagger={**cfg.tagger, **cfg.transfer_args},
                                   tagger_loss="softmax")
    trainer = _train_task("tagger", base, examples, tokenizer, schema, step_cfg)
    body = trainer.model.base_model  # the encoder without the corpus's head
    body.save_pretrained(str(encoder_dir), safe_serialization=True)
    tokenizer.save_pretrained(str(encoder_dir))
    return str(encoder_dir)
