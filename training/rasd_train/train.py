"""One command trains both tasks from one config and writes one model folder.

    runs/NAME/base/          the offline base (tokenizer + random-init BERT), when built here
    runs/NAME/checkpoints/   Trainer checkpoints per task: a killed run resumes from them
    runs/NAME/model/         tagger/ and classifier/ (standard transformers layout), rasd.json,
                             metrics.json, metrics.md

Thresholds are tuned and the model is scored through ``rasd.runtime``, the code that serves it.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import rasd
from rasd.manifest import Manifest
from rasd.records import Record, read_records
from rasd.schema import LabelSchema
from rasd.text import Normalization
from rasd_train.base import BaseModelUnavailable, build_offline_base, load_tokenizer
from rasd_train.config import ConfigError, TrainConfig, check_training_args
from rasd_train.evaluation import evaluate_sets, real_dev_records, report
from rasd_train.features import Encoder, classifier_examples, tagger_examples
from rasd_train.metrics import tune_thresholds

log = logging.getLogger(__name__)

DEFAULT_ARGS = {
    "report_to": "none",
    "save_strategy": "epoch",
    "save_total_limit": 1,
    "logging_steps": 25,
    "eval_strategy": "no",
    "dataloader_num_workers": 0,
    "dataloader_pin_memory": False,
    "ddp_find_unused_parameters": False,
}


def cpu_only() -> bool:
    """True without an accelerator. TrainingArguments must be told: otherwise, under torchrun or
    accelerate on a CPU machine, each rank silently trains alone (world size 1) instead of over gloo."""
    import torch

    return not torch.cuda.is_available() and not (hasattr(torch, "xpu") and torch.xpu.is_available())


def load_splits(cfg: TrainConfig, schema: LabelSchema) -> dict[str, list[Record]]:
    ds = cfg.dataset
    if ds.hub_id:
        return _hub_splits(ds.hub_id)
    return {split: [r for p in getattr(ds, split) for r in read_records(p, schema)] for split in ("train", "dev", "test")}


def _hub_splits(hub_id: str) -> dict[str, list[Record]]:
    import datasets

    from rasd.records import parse_record

    try:
        dd = datasets.load_dataset(hub_id)
    except Exception as exc:  # ConnectionError, FileNotFoundError, offline mode
        raise ConfigError(f"dataset {hub_id!r} cannot be loaded from the Hub here ({type(exc).__name__}); "
                          "use local files (configs/data/events.yaml)") from None
    names = {"train": "train", "dev": "validation", "test": "test"}
    return {k: [parse_record(dict(row), hub_id, i + 1) for i, row in enumerate(dd[v])] if v in dd else []
            for k, v in names.items()}


def _train_task(task: str, base: str, examples: list[dict], tokenizer, schema: LabelSchema, cfg: TrainConfig):
    import datasets
    from transformers import (AutoModelForSequenceClassification, AutoModelForTokenClassification,
                              DataCollatorForTokenClassification, DataCollatorWithPadding, Trainer,
                              TrainingArguments, set_seed)
    from transformers.trainer_utils import get_last_checkpoint

    user_args = cfg.tagger if task == "tagger" else cfg.classifier
    ckpt_dir = Path(cfg.output_dir) / "checkpoints" / task
    args = TrainingArguments(output_dir=str(ckpt_dir), **{**DEFAULT_ARGS, "seed": cfg.seed, "use_cpu": cpu_only(),
                                                          **user_args})
    set_seed(cfg.seed)
    if task == "tagger":
        tags = schema.tags
        model = AutoModelForTokenClassification.from_pretrained(
            base, num_labels=len(tags), id2label=dict(enumerate(tags)), label2id=schema.tag2id)
        collator = DataCollatorForTokenClassification(tokenizer)
    else:
        model = AutoModelForSequenceClassification.from_pretrained(
            base, num_labels=len(schema.labels), id2label=dict(enumerate(schema.labels)),
            label2id=schema.label2id, problem_type="multi_label_classification",
            ignore_mismatched_sizes=True)  # when starting from the tagger, its head has 15 outputs
        collator = DataCollatorWithPadding(tokenizer)
    trainer = Trainer(model=model, args=args, train_dataset=datasets.Dataset.from_list(examples),
                      data_collator=collator, processing_class=tokenizer)
    log.info("%s: rank %d of %d training", task, args.process_index, args.world_size)
    last = get_last_checkpoint(str(ckpt_dir)) if ckpt_dir.is_dir() else None
    if last:
        log.info("%s: resuming from %s", task, last)
    trainer.train(resume_from_checkpoint=last)
    return trainer


def _save_task(trainer, tokenizer, folder: Path) -> None:
    """safetensors, config.json with id2label, tokenizer files; arguments as JSON, never pickled."""
    folder.mkdir(parents=True, exist_ok=True)
    trainer.model.save_pretrained(str(folder), safe_serialization=True)
    tokenizer.save_pretrained(str(folder))
    (folder / "training_args.json").write_text(trainer.args.to_json_string() + "\n", encoding="utf-8")


def train(cfg: TrainConfig) -> dict:
    """Train the tagger and the classifier, tune thresholds, evaluate, save; return the metrics."""
    started = time.time()
    check_training_args("tagger", cfg.tagger)
    check_training_args("classifier", cfg.classifier)
    schema = LabelSchema(tuple(cfg.dataset.labels), tuple(cfg.dataset.span_types))
    norm = Normalization.from_dict(cfg.dataset.normalization)
    splits = load_splits(cfg, schema)
    if not splits["train"]:
        raise ConfigError("the training split is empty")
    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    base = cfg.model.base_model
    if base == "offline":
        from accelerate import PartialState

        base_dir = out / "base"
        with PartialState(cpu=cpu_only()).main_process_first():  # one rank builds, the others then read
            if not (base_dir / "tokenizer.json").is_file():
                build_offline_base(cfg.model, [r.text for r in splits["train"]], norm, base_dir, cfg.seed)
        base = str(base_dir)
    tokenizer = load_tokenizer(base)
    encoder = Encoder(tokenizer, norm, cfg.model.max_length, cfg.model.stride)

    model_dir = out / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    for task, make in (("tagger", tagger_examples), ("classifier", classifier_examples)):
        examples = make(splits["train"], encoder, schema)
        log.info("%s: %d training windows from %d sentences", task, len(examples), len(splits["train"]))
        start = str(model_dir / "tagger") if task == "classifier" and cfg.classifier_from_tagger else base
        trainer = _train_task(task, start, examples, tokenizer, schema, cfg)
        if trainer.is_world_process_zero():  # under accelerate/torchrun every rank trains, one saves
            _save_task(trainer, tokenizer, model_dir / task)
            log.info("%s: saved to %s (world size %d)", task, model_dir / task, trainer.args.world_size)
        trainer.accelerator.wait_for_everyone()
    world_size = trainer.args.world_size
    if not trainer.is_world_process_zero():
        return {}

    manifest = Manifest(schema=schema, normalization=norm, max_length=cfg.model.max_length, stride=cfg.model.stride,
                        special_tokens=encoder.special, thresholds={lab: 0.5 for lab in schema.labels},
                        rasd_version=rasd.__version__, base_model=cfg.model.base_model)
    manifest.save(model_dir)
    model = rasd.load(model_dir, backend="torch")
    if splits["dev"]:
        preds = model.predict_sentences([r.text for r in splits["dev"]])
        probs = [[p.scores[lab] for lab in schema.labels] for p in preds]
        manifest.thresholds = tune_thresholds([r.labels for r in splits["dev"]], probs, schema.labels,
                                              cfg.threshold_grid)
        manifest.save(model_dir)
        model.manifest.thresholds = manifest.thresholds
    sets = {name: recs for name, recs in (("dev", splits["dev"]), ("test", splits["test"])) if recs}
    if cfg.dataset.real_dev:
        recs, why = real_dev_records(cfg.dataset.real_dev)
        sets["real-dev"] = recs if recs is not None else why
    results = evaluate_sets(model, sets)
    results["baseline"] = _baseline(cfg, splits, sets, schema, norm)
    results["thresholds"] = manifest.thresholds
    results["train_seconds"] = round(time.time() - started, 1)
    results["world_size"] = world_size
    results["config"] = json.loads(json.dumps(cfg, default=lambda o: o.__dict__))
    (model_dir / "metrics.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    text = report({k: v for k, v in results.items() if k in sets}) + "\n\n" + baseline_report(results["baseline"])
    (model_dir / "metrics.md").write_text("```\n" + text + "\n```\n", encoding="utf-8")
    log.info("model written to %s", model_dir)
    return results


def _baseline(cfg, splits, sets, schema, norm) -> dict:
    from rasd_train.baseline import train_and_score

    evals = {k: v for k, v in sets.items() if not isinstance(v, str)}
    return train_and_score(splits["train"], splits["dev"], evals, schema.labels, norm, cfg.threshold_grid, cfg.seed)


def baseline_report(res: dict) -> str:
    lines = ["== baseline (char 2-5-gram TF-IDF + logistic regression), sentence labels"]
    for name, r in res.items():
        if name == "thresholds":
            continue
        lab = r["labels"]
        lines.append(f"{name:<10} micro F1 {lab['micro']['f1']:.3f}   macro F1 {lab['macro_f1']:.3f}   "
                     f"exact match {lab['exact_match']:.3f}")
    return "\n".join(lines)


__all__ = ["train", "BaseModelUnavailable"]
