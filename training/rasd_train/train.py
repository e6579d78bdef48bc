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

import numpy as np

import rasd
from rasd.manifest import Manifest
from rasd.records import Record, Span, read_records
from rasd.schema import LabelSchema
from rasd.text import Normalization
from rasd_train.base import BaseModelUnavailable, build_offline_base, load_tokenizer
from rasd_train.config import ConfigError, TrainConfig, check_training_args
from rasd_train.calibration import fit_temperatures, reliability_plot, rescale
from rasd_train.evaluation import evaluate_sets, real_dev_records, real_news_records, report
from rasd_train.features import Encoder, classifier_examples, tagger_examples
from rasd_train.metrics import span_scores, tune_thresholds
from rasd_train.progress import drop_dict_printer, epoch_log_callback, progress_args, quiet_head_report
from rasd_train.report import evaluation_lines, peers_text

log = logging.getLogger(__name__)

DEFAULT_ARGS = {
    "report_to": "none",
    # Step checkpoints (not only per epoch): a run killed at any moment loses at most save_steps.
    # Two are kept, so that a checkpoint cut short by the kill still leaves a whole one.
    "save_strategy": "steps",
    "save_steps": 100,
    "save_total_limit": 2,
    "logging_steps": 25,
    # Batches of similar length: sentences average 43 sub-tokens but a random batch of 32 pads to
    # ~123, so two thirds of the compute went to padding (measured on the quickstart's windows).
    "train_sampling_strategy": "group_by_length",
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


def native_bf16() -> bool:
    """True where bf16 is computed in hardware: a GPU that supports it, or a CPU with AVX512-BF16 or
    AMX. Elsewhere autocast emulates bf16 and a step is slower than in fp32."""
    import torch

    if torch.cuda.is_available():
        return torch.cuda.is_bf16_supported()
    cpu = getattr(torch, "cpu", None)
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(cpu, name, lambda: False)() for name in checks)


def resolve_auto(args: dict) -> dict:
    """TrainingArguments fields with ``bf16: auto`` decided for this machine (``native_bf16``).

    On the 2-core AVX512-BF16 CPU a tagger epoch takes 51 s in bf16 autocast against 65-72 s in
    fp32, with the same figures within noise (README, "Measured choices")."""
    if args.get("bf16") != "auto":
        return args
    return {**args, "bf16": native_bf16()}


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
    import torch
    from transformers import (AutoModelForSequenceClassification, AutoModelForTokenClassification,
                              DataCollatorForTokenClassification, DataCollatorWithPadding, Trainer,
                              TrainingArguments, set_seed)
    from rasd_train import stages

    user_args = cfg.tagger if task == "tagger" else cfg.classifier
    ckpt_dir = Path(cfg.output_dir) / "checkpoints" / task
    # checkpoints of an earlier run on other data or settings are not resumed from
    stages.enter_once(ckpt_dir, {"task": task, "base": stages.model_identity(base), "args": resolve_auto(user_args),
                                 "examples": stages.examples_digest(examples), "tags": list(schema.tags),
                                 "labels": list(schema.labels), "tagger_loss": cfg.tagger_loss, "seed": cfg.seed,
                                 "freeze_embeddings": cfg.model.freeze_embeddings}, f"{task} checkpoints", cpu_only())
    args = TrainingArguments(output_dir=str(ckpt_dir), **{**DEFAULT_ARGS, **progress_args(), "seed": cfg.seed,
                                                          "use_cpu": cpu_only(), **resolve_auto(user_args)})
    set_seed(cfg.seed)
    if task == "tagger":
        tags = schema.tags
        with quiet_head_report():
            model = AutoModelForTokenClassification.from_pretrained(
                    base, id2label=dict(enumerate(tags)), label2id=schema.tag2id,
                dtype=torch.float32)  # a shipped base is fp16 on disk; fine-tuning runs in fp32
        collator = DataCollatorForTokenClassification(tokenizer)
    else:
        with quiet_head_report():
            model = AutoModelForSequenceClassification.from_pretrained(
                base, id2label=dict(enumerate(schema.labels)),  # num_labels follows from id2label
                label2id=schema.label2id, problem_type="multi_label_classification",
                ignore_mismatched_sizes=True,  # when starting from the tagger, its head has 15 outputs
                dtype=torch.float32)
        collator = DataCollatorWithPadding(tokenizer)
    if cfg.model.freeze_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    trainer_cls = Trainer
    if task == "tagger" and cfg.tagger_loss == "crf":
        from rasd_train import crf

        crf.attach(model, schema.tags)
        trainer_cls = crf.crf_trainer()
    trainer = trainer_cls(model=model, args=args, train_dataset=datasets.Dataset.from_list(examples),
                      data_collator=collator, processing_class=tokenizer,
                      callbacks=[epoch_log_callback(task)])
    drop_dict_printer(trainer)
    log.info("%s: rank %d of %d training (%d windows, %d epochs)", task, args.process_index, args.world_size,
             len(examples), int(args.num_train_epochs))
    last = last_whole_checkpoint(ckpt_dir)
    if last:
        log.info("%s: resuming from %s", task, last)
    trainer.train(resume_from_checkpoint=last)
    return trainer


CHECKPOINT_FILES = ("trainer_state.json", "optimizer.pt", "scheduler.pt")


def last_whole_checkpoint(ckpt_dir: Path) -> str | None:
    """The newest checkpoint with every file written: a kill during a save leaves a partial one."""
    if not ckpt_dir.is_dir():
        return None
    found = sorted((p for p in ckpt_dir.glob("checkpoint-*") if p.name.split("-")[-1].isdigit()),
                   key=lambda p: int(p.name.split("-")[-1]), reverse=True)
    for path in found:
        if all((path / f).is_file() for f in CHECKPOINT_FILES) and any(path.glob("*.safetensors")):
            return str(path)
        log.warning("checkpoint %s is incomplete (killed while saving?): skipped", path)
    return None


def _save_task(trainer, tokenizer, folder: Path) -> None:
    """safetensors, config.json with id2label, tokenizer files; arguments as JSON, never pickled."""
    folder.mkdir(parents=True, exist_ok=True)
    model = trainer.model
    if hasattr(model, "crf"):  # the transitions go to crf.json; the folder stays a standard one
        from rasd_train import crf

        crf.save(model, folder)
        state = {k: v for k, v in model.state_dict().items() if not k.startswith("crf.")}
        model.save_pretrained(str(folder), safe_serialization=True, state_dict=state)
    else:
        model.save_pretrained(str(folder), safe_serialization=True)
    tokenizer.save_pretrained(str(folder))
    (folder / "training_args.json").write_text(trainer.args.to_json_string() + "\n", encoding="utf-8")


def train(cfg: TrainConfig) -> dict:
    """Train the tagger and the classifier, tune thresholds, evaluate, save; return the metrics."""
    started = time.time()
    check_training_args("tagger", cfg.tagger)
    check_training_args("classifier", cfg.classifier)
    check_training_args("transfer_args", cfg.transfer_args)
    schema = LabelSchema(tuple(cfg.dataset.labels), tuple(cfg.dataset.span_types))
    norm = Normalization.from_dict(cfg.dataset.normalization)
    splits = load_splits(cfg, schema)
    if not splits["train"]:
        raise ConfigError("the training split is empty")
    sets = data_sets(cfg, splits)
    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    base = cfg.model.base_model
    if base == "offline":
        from accelerate import PartialState

        from rasd_train import stages

        base_dir = out / "base"
        with PartialState(cpu=cpu_only()).main_process_first():  # one rank builds, the others then read
            stages.enter(base_dir, {"model": cfg.model, "train": stages.records_digest(sets["train"]),
                                    "normalization": norm, "seed": cfg.seed}, "offline base")
            if not (base_dir / "tokenizer.json").is_file():
                build_offline_base(cfg.model, [r.text for r in sets["train"]], norm, base_dir, cfg.seed)
        base = str(base_dir)
    peers = _peer_fitter(cfg, sets, schema, norm)  # fitted once, when silver data or the report needs them
    if cfg.transfer:
        from rasd_train.transfer import through_corpora

        base = through_corpora(base, cfg, norm, out / "transfer", sets, peers)
    tokenizer = load_tokenizer(base)
    encoder = Encoder(tokenizer, norm, cfg.model.max_length, cfg.model.stride)

    model_dir = out / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    for task, make in (("tagger", tagger_examples), ("classifier", classifier_examples)):
        examples = make(sets["train"], encoder, schema)
        log.info("%s: %d training windows from %d sentences", task, len(examples), len(sets["train"]))
        start = str(model_dir / "tagger") if task == "classifier" and cfg.classifier_from_tagger else base
        if task == "classifier" and cfg.silver_classifier_epochs:
            from rasd_train.transfer import classifier_through_silver

            start = classifier_through_silver(start, cfg, norm, out / "transfer" / "silver", sets, peers, tokenizer,
                                              schema)
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
    if any(cfg.word_crf_weights):  # the word CRF is the span peer, fitted on the same data
        from rasd.wordcrf import FILE_NAME

        peers().crf.word_crf(schema.tags).save(model_dir / FILE_NAME)
        manifest.word_crf = FILE_NAME
    if any(cfg.label_ngrams_weights):  # and the n-gram model is the label peer
        from rasd.charngrams import FILE_NAME as NGRAMS

        peers().tfidf.char_ngrams().save(model_dir / NGRAMS)
        manifest.label_ngrams = NGRAMS
    manifest.save(model_dir)
    model = rasd.load(model_dir, backend="torch")
    decisions = tune(model, sets["tune"], cfg, sets["train"]) if sets["tune"] else {}
    if model.manifest.word_crf and not model.manifest.word_crf_weight:  # measured and not chosen
        (model_dir / model.manifest.word_crf).unlink()
        model.manifest.word_crf, model.word_crf = "", None
    if model.manifest.label_ngrams and not model.manifest.label_ngrams_weight:
        (model_dir / model.manifest.label_ngrams).unlink()
        model.manifest.label_ngrams, model.label_ngrams = "", None
    model.manifest.save(model_dir)
    evals = sets["eval"]
    results = evaluate_sets(model, evals)
    results["peers"] = _peers(sets, schema, peers())
    for line in evaluation_lines(results):
        log.info("evaluated %s", line)
    results["thresholds"] = model.manifest.thresholds
    results["decisions"] = decisions
    results["calibration"] = calibration_report(model, evals, decisions, model_dir)
    results["training_data"] = sets["counts"]
    results["train_seconds"] = round(time.time() - started, 1)
    results["world_size"] = world_size
    results["config"] = json.loads(json.dumps(cfg, default=lambda o: o.__dict__))
    (model_dir / "metrics.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    text = "\n\n".join([report({k: v for k, v in results.items() if k in evals}), peers_text(results),
                         decisions_text(decisions, sets["counts"])])
    (model_dir / "metrics.md").write_text("```\n" + text + "\n```\n", encoding="utf-8")
    log.info("model written to %s", model_dir)
    return results


def data_sets(cfg: TrainConfig, splits: dict[str, list[Record]]) -> dict:
    """Training records (written + real-news train), tuning records (written dev + real-dev + real-news
    dev), evaluated sets.

    Real-news dev is annotated like real-news train and test (real-dev by other hands), so tuning on
    it too keeps choices from following one set's conventions. Real-news test is evaluated and never
    tuned on; a real set that cannot be rebuilt (no ../shared)
    is evaluated as skipped, with the reason, and the run goes on with the written corpus.
    """
    ds = cfg.dataset
    real = {}
    if ds.real_dev:
        real["real-dev"] = real_dev_records(ds.real_dev)
    if ds.real_news:
        real["real-news-train"] = real_news_records(ds.real_news, "train")
        real["real-news-dev"] = real_news_records(ds.real_news, "dev")
        real["real-news-test"] = real_news_records(ds.real_news, "test")
    got = {k: recs for k, (recs, _) in real.items() if recs is not None}
    for k, (recs, why) in real.items():
        if recs is None:
            log.warning("%s: not used: %s", k, why)
    train = list(splits["train"]) + list(got.get("real-news-train", [])) * ds.real_news_repeat
    tune_sets = [name for name in ("real-dev", "real-news-dev") if name in got]
    tune_recs = list(splits["dev"]) + [r for name in tune_sets for r in got[name]]
    evals: dict = {name: recs for name, recs in (("dev", splits["dev"]), ("test", splits["test"])) if recs}
    for name in ("real-dev", "real-news-dev", "real-news-test"):
        if name in real:
            evals[name] = real[name][0] if real[name][0] is not None else real[name][1]
    counts = {"written_train": len(splits["train"]), "real_news_train": len(got.get("real-news-train", [])),
              "real_news_repeat": ds.real_news_repeat, "train_records": len(train),
              "tune_records": len(tune_recs), "tune_sets": ["dev"] + tune_sets}
    return {"train": train, "tune": tune_recs, "eval": evals, "counts": counts}


# 3 was the top of the grid and the chosen weight (tuning strict 0.722): 4, 5 and 6 measured 0.722,
# 0.722 and 0.718, so the grid now reaches past it
TRANSITION_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)
# log-units taken off P(O) before decoding (rasd.decode.favour_spans); 0 = the tagger's own balance
# (negative: O raised instead, for a tagger that finds more than it should)
OUTSIDE_PENALTIES = (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0)


def tune(model, records: list[Record], cfg: TrainConfig, train_records: list[Record]) -> dict:
    """Calibrate, weigh in the n-gram label model, tune thresholds, choose decoding, transition weight,
    the word CRF's weight and the span gate on the tuning records (the two peers' weights only when
    the model folder has them); set the manifest. Every choice is made on dev data only and recorded
    with its figures.

    The encoder runs once; every variant is decoded from the same probabilities by ``Model.decide``,
    the decision step serving uses.
    """
    from rasd.align import word_tags
    from rasd.decode import transition_log_probs
    from rasd.text import tokenize
    from rasd_train import crf

    m = model.manifest
    labels, gold = m.schema.labels, [r.labels for r in records]
    m.temperatures, m.spans_need_label, m.word_crf_weight, m.label_ngrams_weight = {}, False, 0.0, 0.0
    m.label_ngrams_temperatures = {}
    outputs = model.sentence_probabilities([r.text for r in records])
    raw = [list(map(float, probs)) for _, _, probs in outputs]
    out: dict = {}
    if cfg.calibrate:
        m.temperatures = fit_temperatures(gold, raw, labels)
        out["temperatures"] = m.temperatures
    calibrated = rescale(raw, m.temperatures, labels)
    if model.label_ngrams is not None:
        calibrated, out["label_f1_by_ngram_weight"] = _choose_label_ngrams(model, records, calibrated, cfg)
        out["label_ngrams_weight"] = m.label_ngrams_weight
        if m.label_ngrams_temperatures:
            out["label_ngrams_temperatures"] = m.label_ngrams_temperatures
    m.thresholds = tune_thresholds(gold, calibrated, labels, cfg.threshold_grid)
    edge = [lab for lab, t in m.thresholds.items() if t in (min(cfg.threshold_grid), max(cfg.threshold_grid))]
    out["thresholds_at_grid_edge"] = {lab: {"threshold": m.thresholds[lab],
                                            "dev_positives": sum(lab in g for g in gold)} for lab in edge}
    learnt = crf.load(Path(cfg.output_dir) / "model" / "tagger") if cfg.tagger_loss == "crf" else None
    m.transitions = learnt or transition_log_probs([word_tags(tokenize(r.text), r.spans) for r in train_records],
                                                   m.schema.tags)
    out["transitions"] = "learnt by the CRF (weight 1 is its own decoding)" if learnt else "counted on the training data"
    outputs = [(tok, wp, np.array(p)) for (tok, wp, _), p in zip(outputs, calibrated)]
    m.outside_penalty = 0.0
    out["span_f1_on_tuning_sets"] = _choose_decoding(model, records, outputs, cfg)
    if model.word_crf is not None:
        # the word CRF's weight in the product with the tagger (rasd.wordcrf), for the decoding chosen
        # alone; then the decoding again, since the product has transitions of its own in it
        crf_probs = [model.crf_probs(tok) for tok, _, _ in outputs]
        by_weight = {}
        for weight in cfg.word_crf_weights:
            mixed = _mixed(outputs, crf_probs, weight)
            by_weight[str(weight)], by_weight[f"{weight}+gate"] = _span_f1(model, records, mixed)
        out["span_f1_by_word_crf_weight"] = by_weight
        m.word_crf_weight = max(cfg.word_crf_weights,
                                key=lambda w: max(by_weight[str(w)], by_weight[f"{w}+gate"]))
        outputs = _mixed(outputs, crf_probs, m.word_crf_weight)
        out["span_f1_with_word_crf"] = _choose_decoding(model, records, outputs, cfg)
        out["word_crf_weight"] = m.word_crf_weight
    # then, for the chosen decoding, how much to lower O (recall against precision)
    by_penalty = {}
    for penalty in OUTSIDE_PENALTIES:
        m.outside_penalty = penalty
        by_penalty[str(penalty)], by_penalty[f"{penalty}+gate"] = _span_f1(model, records, outputs)
    out["span_f1_by_outside_penalty"] = by_penalty
    m.outside_penalty = max(OUTSIDE_PENALTIES, key=lambda p: max(by_penalty[str(p)], by_penalty[f"{p}+gate"]))
    if m.decoding != "viterbi" or not m.transition_weight:
        m.transitions = []
    chosen = str(m.outside_penalty)
    m.spans_need_label = cfg.spans_need_label == "yes" or (
        cfg.spans_need_label == "auto" and by_penalty[chosen + "+gate"] > by_penalty[chosen])
    out.update(decoding=m.decoding, transition_weight=m.transition_weight, outside_penalty=m.outside_penalty,
               spans_need_label=m.spans_need_label)
    log.info("tuned on %d sentences: decoding %s (transition weight %s, outside penalty %s, word CRF weight %s), "
             "spans need a label: %s, label n-gram weight %s, thresholds %s", len(records), m.decoding,
             m.transition_weight, m.outside_penalty, m.word_crf_weight, m.spans_need_label, m.label_ngrams_weight,
             m.thresholds)
    return out


def _choose_label_ngrams(model, records: list[Record], calibrated: list, cfg: TrainConfig) -> tuple[list, dict]:
    """Set the manifest's n-gram label weight to the best on the tuning records (label micro F1, each
    weight with its own thresholds); the averaged probabilities and every weight's F1.

    With ``calibrate``, the n-gram model gets temperatures of its own first, fitted on it alone like
    the classifier's: the average of two calibrated models stays near calibrated, that of a calibrated
    and an under-confident one does not (served label ECE, README "Measured choices")."""
    from rasd.decode import mix_label_probs
    from rasd_train.metrics import label_scores

    m = model.manifest
    labels, gold = m.schema.labels, [r.labels for r in records]
    ngrams = [model.ngram_probs(r.text) for r in records]
    if cfg.calibrate:  # then read again through serving's own scaling (Model.ngram_probs)
        m.label_ngrams_temperatures = fit_temperatures(gold, ngrams, labels)
        ngrams = [model.ngram_probs(r.text) for r in records]
    by_weight, mixed = {}, {}
    for weight in cfg.label_ngrams_weights:
        mixed[weight] = [mix_label_probs(np.asarray(c, dtype=float), q, weight).tolist()
                         for c, q in zip(calibrated, ngrams)]
        th = tune_thresholds(gold, mixed[weight], labels, cfg.threshold_grid)
        pred = [[lab for j, lab in enumerate(labels) if p[j] >= th[lab]] for p in mixed[weight]]
        by_weight[str(weight)] = label_scores(gold, pred, labels)["micro"]["f1"]
    best = max(cfg.label_ngrams_weights, key=lambda w: by_weight[str(w)])
    m.label_ngrams_weight = best
    if not best:
        m.label_ngrams_temperatures = {}
    return mixed[best], by_weight


def _choose_decoding(model, records: list[Record], outputs: list, cfg: TrainConfig) -> dict:
    """Set the manifest's decoding and transition weight to the best on the tuning records; every
    variant's strict span F1, without and with the span gate."""
    m = model.manifest
    variants = [("argmax", 0.0)] + [("viterbi", w) for w in TRANSITION_WEIGHTS]
    span_f1 = {}
    for decoding, weight in variants:
        m.decoding, m.transition_weight = decoding, weight
        name = _variant((decoding, weight))
        span_f1[name], span_f1[name + "+gate"] = _span_f1(model, records, outputs)
    allowed = [v for v in variants if cfg.decoding in ("auto", v[0])]
    m.decoding, m.transition_weight = max(
        allowed, key=lambda v: max(span_f1[_variant(v)], span_f1[_variant(v) + "+gate"]))
    return span_f1


def _mixed(outputs: list, crf: list, weight: float) -> list:
    """The tuning outputs with each sentence's tag probabilities multiplied with the word CRF's."""
    from rasd.decode import mix_tag_probs

    return [(tok, mix_tag_probs(wp, c, weight), p) for (tok, wp, p), c in zip(outputs, crf)]


def _span_f1(model, records: list[Record], outputs: list) -> tuple[float, float]:
    """Strict span micro F1 of the manifest's current decoding, without and with the span gate."""
    preds = [model.decide(r.text, *o) for r, o in zip(records, outputs)]
    types = model.manifest.schema.span_types
    f1 = []
    for gate in (False, True):
        spans = [[] if gate and not p.labels else [Span(s["start"], s["end"], s["label"]) for s in p.spans]
                 for p in preds]
        f1.append(span_scores(records, spans, types)["micro"]["f1"])
    return f1[0], f1[1]


def _variant(v) -> str:
    return v[0] + (f"@{v[1]}" if v[0] == "viterbi" else "")


def calibration_report(model, evals: dict, decisions: dict, model_dir: Path) -> dict:
    """Label ECE on each evaluated set before and after the temperatures, and the reliability plot."""
    from rasd_train.metrics import expected_calibration_error

    labels = model.manifest.schema.labels
    temps = decisions.get("temperatures", {})
    inverse = {lab: 1 / t for lab, t in temps.items()}
    ece, curves = {}, {}
    for name, recs in evals.items():
        if isinstance(recs, str):
            continue
        after = [[p.scores[lab] for lab in labels] for p in model.predict_sentences([r.text for r in recs])]
        before = rescale(after, inverse, labels) if not model.manifest.label_ngrams_weight else _uncalibrated(model, recs)
        gold = [r.labels for r in recs]
        b, a = expected_calibration_error(gold, before, labels), expected_calibration_error(gold, after, labels)
        ece[name] = {"before": b["ece"], "after": a["ece"]}
        if name in ("real-dev", "real-news-test", "test"):
            curves[f"{name}, T=1"], curves[f"{name}, calibrated"] = b, a
    out = {"ece": ece}
    if curves:
        out["plot"] = reliability_plot(curves, model_dir / "reliability.png").name
    return out


def _uncalibrated(model, recs) -> list[list[float]]:
    """Label probabilities without either model's temperatures, for a model that averages them with
    the n-gram model's (undoing a temperature after the average would not give them back)."""
    m = model.manifest
    temps, ngram_temps = m.temperatures, m.label_ngrams_temperatures
    m.temperatures, m.label_ngrams_temperatures = {}, {}
    try:
        return [[p.scores[lab] for lab in m.schema.labels] for p in model.predict_sentences([r.text for r in recs])]
    finally:
        m.temperatures, m.label_ngrams_temperatures = temps, ngram_temps


def decisions_text(decisions: dict, counts: dict) -> str:
    lines = [f"== training data: {counts['written_train']} written + {counts['real_news_train']} real-news "
             f"(x{counts['real_news_repeat']}) = {counts['train_records']} records; tuned on "
             f"{' + '.join(counts['tune_sets'])} ({counts['tune_records']} sentences)"]
    if decisions:
        lines.append(f"decoding {decisions['decoding']} (transition weight {decisions.get('transition_weight', 0)}, "
                     f"transitions {decisions.get('transitions', 'counted on the training data')}), "
                     f"spans need a label: {decisions['spans_need_label']}; "
                     "span F1 on the tuning sets: " + ", ".join(f"{k} {v:.3f}" for k, v in
                                                                 decisions["span_f1_on_tuning_sets"].items()))
        if decisions.get("label_f1_by_ngram_weight"):
            lines.append(f"label n-gram weight {decisions.get('label_ngrams_weight', 0.0)} (the classifier's calibrated "
                         "label probabilities averaged with the character n-gram model's); label micro F1 on the "
                         "tuning sets by weight: " + ", ".join(
                             f"{k} {v:.3f}" for k, v in decisions["label_f1_by_ngram_weight"].items()))
        if decisions.get("span_f1_by_word_crf_weight"):
            lines.append(f"word CRF weight {decisions.get('word_crf_weight', 0.0)} (the tagger's and the word CRF's "
                         "tag probabilities multiplied); span F1 on the tuning sets by weight: " + ", ".join(
                             f"{k} {v:.3f}" for k, v in decisions["span_f1_by_word_crf_weight"].items()))
            lines.append(f"then decoding {decisions['decoding']} (transition weight "
                         f"{decisions.get('transition_weight', 0)}): " + ", ".join(
                             f"{k} {v:.3f}" for k, v in decisions["span_f1_with_word_crf"].items()))
        if decisions.get("span_f1_by_outside_penalty"):
            lines.append(f"outside penalty {decisions.get('outside_penalty', 0.0)}; span F1 on the tuning sets by "
                         "penalty: " + ", ".join(f"{k} {v:.3f}" for k, v in
                                                 decisions["span_f1_by_outside_penalty"].items()))
        if decisions.get("temperatures"):
            lines.append("temperatures: " + ", ".join(f"{k} {v:.2f}" for k, v in decisions["temperatures"].items()))
        if decisions.get("label_ngrams_temperatures"):
            lines.append("n-gram model temperatures: " + ", ".join(
                f"{k} {v:.2f}" for k, v in decisions["label_ngrams_temperatures"].items()))
        for lab, info in decisions.get("thresholds_at_grid_edge", {}).items():
            lines.append(f"threshold of {lab} at the grid's edge ({info['threshold']}): dev F1 is flat or still "
                         f"rising there ({info['dev_positives']} positive tuning sentences)")
    return "\n".join(lines)


def _peer_fitter(cfg, sets, schema, norm):
    """A callable returning the peers fitted on the run's training data, fitting them on first call."""
    import functools

    from rasd_train.peers import fit_peers

    return functools.cache(lambda: fit_peers(sets["train"], sets["tune"], schema.labels, norm,
                                             cfg.threshold_grid, cfg.seed))


def _peers(sets, schema, peers) -> dict:
    from rasd_train.peers import score_peers

    evals = {k: v for k, v in sets["eval"].items() if not isinstance(v, str)}
    return score_peers(peers, evals, schema.labels, schema.span_types)


__all__ = ["train", "BaseModelUnavailable"]
