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


def through_corpora(base: str, cfg, normalization, out_dir: Path, sets: dict | None = None, peers=None) -> str:
    """``base`` after intermediate training on each of ``cfg.transfer`` in turn; the encoder folder.

    For ``silver``: ``sets`` (the run's train / tune / eval records), whose texts are never drawn,
    and ``peers``, a callable returning the peers fitted on the run's training data.
    """
    from rasd_train.data.shared import SharedDataMissing

    for corpus in cfg.transfer:
        try:
            base = intermediate(base, corpus, cfg, normalization, out_dir / corpus, sets, peers)
        except SharedDataMissing as exc:
            log.warning("transfer through %s skipped: %s", corpus, exc)
    return base


def corpus_records(corpus: str, cfg, out: Path, sets: dict | None, peers) -> list:
    """A NER corpus of ../shared, or ``silver``: unannotated news tagged by the peers."""
    from rasd_train.data.ner import iter_corpus

    if corpus != "silver":
        return list(iter_corpus(corpus))
    from rasd_train.data.silver import silver_records

    return silver_records(cfg, peers, {r.text for recs in _gold(sets) for r in recs}, out / "silver.jsonl")


def _gold(sets: dict | None) -> list[list]:
    """The run's gold record lists (train, tune, each evaluated set that loaded), in a fixed order."""
    sets = sets or {}
    evaluated = [recs for _, recs in sorted(sets.get("eval", {}).items()) if not isinstance(recs, str)]
    return [sets.get("train", []), sets.get("tune", []), *evaluated]


def stage_inputs(corpus: str, base: str, cfg, normalization, sets: dict | None) -> dict:
    """What one transfer stage is built from; for ``silver`` also the gold data (its peers' and its
    draw's), which is why a new annotation round rebuilds the silver stage but not the NER ones."""
    from rasd_train import stages

    inputs = {"corpus": corpus, "base": stages.model_identity(base),
              "args": {**cfg.tagger, **cfg.transfer_args}, "max_length": cfg.model.max_length, "stride": cfg.model.stride,
              "normalization": normalization, "seed": cfg.seed, "freeze_embeddings": cfg.model.freeze_embeddings}
    if corpus == "silver":
        inputs.update(silver_sentences=cfg.silver_sentences, gold=[stages.records_digest(g) for g in _gold(sets)],
                      threshold_grid=cfg.threshold_grid)
    return inputs


def intermediate(base: str, corpus: str, cfg, normalization, out: Path, sets: dict | None = None,
                 peers=None) -> str:
    """Train a tagger of ``corpus``'s own types from ``base``; save its encoder and tokenizer."""
    from rasd_train.base import load_tokenizer
    from rasd_train.data.ner import span_types
    from rasd_train.features import Encoder, tagger_examples
    from rasd_train import stages
    from rasd_train.train import _train_task, cpu_only

    encoder_dir = out / "encoder"
    stages.enter_once(out, stage_inputs(corpus, base, cfg, normalization, sets), f"transfer through {corpus}",
                      cpu_only())
    if (encoder_dir / "tokenizer.json").is_file():
        log.info("transfer through %s: reusing %s", corpus, encoder_dir)
        return str(encoder_dir)
    records = corpus_records(corpus, cfg, out, sets, peers)
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


def classifier_through_silver(start: str, cfg, normalization, out: Path, sets: dict, peers, tokenizer,
                              schema) -> str:
    """The classifier trained on the peers' silver labels from ``start``; its folder (head kept).

    The silver labels are the TF-IDF peer's; the gold classifier training after this corrects them.
    The head is kept (same labels), so gold training continues the silver classifier.
    """
    from rasd_train.data.shared import SharedDataMissing
    from rasd_train.features import Encoder, classifier_examples
    from rasd_train import stages
    from rasd_train.train import _save_task, _train_task, cpu_only

    folder = out / "classifier"
    stages.enter_once(folder, {"start": stages.model_identity(start), "classifier": cfg.classifier,
                               "epochs": cfg.silver_classifier_epochs, "labels": list(schema.labels)},
                      "silver classifier", cpu_only())
    if (folder / "tokenizer.json").is_file():
        log.info("silver classifier: reusing %s", folder)
        return str(folder)
    try:
        records = corpus_records("silver", cfg, out, sets, peers)
    except SharedDataMissing as exc:
        log.warning("silver classifier skipped: %s", exc)
        return start
    encoder = Encoder(tokenizer, normalization, cfg.model.max_length, cfg.model.stride)
    examples = classifier_examples(records, encoder, schema)
    log.info("silver classifier: %d sentences, %d windows", len(records), len(examples))
    step_cfg = dataclasses.replace(cfg, output_dir=str(out),
                                   classifier={**cfg.classifier, "num_train_epochs": cfg.silver_classifier_epochs})
    trainer = _train_task("classifier", start, examples, tokenizer, schema, step_cfg)
    if trainer.is_world_process_zero():
        _save_task(trainer, tokenizer, folder)
    trainer.accelerator.wait_for_everyone()
    return str(folder)
