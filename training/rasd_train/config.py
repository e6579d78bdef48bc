"""Typed configuration: dataclasses filled from YAML, with ``--section.key value`` overrides.

An unknown key, a value of the wrong type or a missing file is an error that names the key or the
path; nothing falls back to a silent default. ``training_args`` sections are checked against the
fields of ``transformers.TrainingArguments`` so a typo there fails before any training starts.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads ``1e-5`` as a string; configs are full of such learning rates."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$""", re.X),
    list("-+0123456789"),
)


def yaml_load(text: str):
    return yaml.load(text, Loader=_Loader)


class ConfigError(ValueError):
    """A configuration problem, phrased for the person who wrote the YAML."""


@dataclass
class DatasetConfig:
    """Where the annotated records come from, and how their text is normalised."""

    name: str = "events"
    train: list[str] = field(default_factory=list)
    dev: list[str] = field(default_factory=list)
    test: list[str] = field(default_factory=list)
    hub_id: str | None = None  # a Hub dataset with train/validation/test splits in the record format
    labels: list[str] = field(default_factory=lambda: ["attack", "interception", "casualty_report", "denial"])
    span_types: list[str] = field(default_factory=lambda: ["ACTOR", "TARGET", "LOCATION", "WEAPON", "CASUALTIES", "TIME", "SOURCE"])
    normalization: dict[str, Any] = field(default_factory=dict)
    real_dev: str | None = None  # references into ../shared (data/real-dev): tuning and model selection, never trained on
    # The real-news set (references into ../shared, data/real-news): its train split is added to the
    # training data (each record ``real_news_repeat`` times; 0 = not trained on), its dev split is a
    # tuning set beside written dev and real-dev, its test split is evaluated and never tuned on.
    # Skipped with the reason where ../shared is absent.
    real_news: str | None = None
    real_news_repeat: int = 1


@dataclass
class ModelConfig:
    """The base encoder: a Hub id or folder, or ``offline`` to build a small BERT from scratch."""

    base_model: str = "offline"
    bert_config: str | None = "configs/base/bert-small.json"
    vocab_size: int = 8000
    tokenizer_min_frequency: int = 2
    tokenizer_extra_text: list[str] = field(default_factory=list)  # e.g. "shared:saudinewsnet"
    tokenizer_extra_max_chars: int = 5_000_000
    max_length: int = 128
    stride: int = 32
    # Keep the base's word-piece embeddings as they are through transfer and fine-tuning: with a base
    # whose embeddings were learnt from unlabeled news, a piece never met in the labelled data then
    # stays in the same space as the pieces that were.
    freeze_embeddings: bool = False


@dataclass
class TrainConfig:
    """One run: data, base model, and TrainingArguments for each task."""

    dataset: DatasetConfig = field(default_factory=DatasetConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    tagger: dict[str, Any] = field(default_factory=dict)
    classifier: dict[str, Any] = field(default_factory=dict)
    seed: int = 42
    output_dir: str = "runs/quickstart"
    # Start the classifier from the fine-tuned tagger's encoder instead of the base: the tagger's
    # dense word-level supervision teaches a from-scratch encoder far more than sentence labels do.
    classifier_from_tagger: bool = False
    threshold_grid: list[float] = field(default_factory=lambda: [round(0.05 * i, 2) for i in range(1, 20)])
    # Decided on the tuning sets (written dev + real-dev + real-news dev) unless set: "auto" measures both ways.
    decoding: str = "auto"  # "viterbi" | "argmax" | "auto"
    spans_need_label: str = "auto"  # "yes" | "no" | "auto": drop spans of sentences with no label
    # "crf": the tagger is trained through a linear-chain CRF on its logits and decoded with the
    # transitions it learnt (rasd_train.crf); "softmax": per-word cross-entropy, transitions counted.
    tagger_loss: str = "softmax"
    calibrate: bool = True  # per-label temperature scaling on the tuning sets
    # Weights of the word-feature CRF (the span peer) in a product with the tagger's tag probabilities
    # (rasd.wordcrf), chosen on the tuning sets; [0.0]: the tagger alone, no CRF in the model folder.
    word_crf_weights: list[float] = field(default_factory=lambda: [0.0])
    # Weights of the character n-gram model (the label peer) in an average with the classifier's
    # calibrated label probabilities (rasd.charngrams), chosen on the tuning sets; [0.0]: none.
    label_ngrams_weights: list[float] = field(default_factory=lambda: [0.0])
    # Intermediate training on real NER corpora of ../shared before the tasks (rasd_train.transfer):
    # any of "anercorp", "fane", "wojood", "idrisi", in order; skipped with the reason without ../shared.
    # "silver": unannotated real news tagged by the two peers (rasd_train.data.silver).
    transfer: list[str] = field(default_factory=list)
    silver_sentences: int = 20000
    # Epochs of the classifier on the silver labels (the TF-IDF peer's) before the gold ones; 0: none.
    silver_classifier_epochs: int = 0
    transfer_args: dict[str, Any] = field(default_factory=lambda: {"num_train_epochs": 3})


def _check_type(value, hint, key: str):
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return value
        inner = [a for a in args if a is not type(None)]
        return _check_type(value, inner[0], key)
    if hint is Any:
        return value
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        return [_check_type(v, args[0], f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a mapping, got {value!r}")
        return value
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (int, float, str, bool) and not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ConfigError(f"{key}: expected {hint.__name__}, got {value!r}")
    return value


def from_dict(cls, data: dict, prefix: str = ""):
    """Build dataclass ``cls`` from a mapping; unknown keys and wrong types are errors."""
    if not isinstance(data, dict):
        raise ConfigError(f"{prefix or 'config'}: expected a mapping, got {data!r}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ConfigError(f"unknown key {prefix}{unknown[0]!r}; known keys: {', '.join(sorted(names))}")
    kwargs = {}
    for name, value in data.items():
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            kwargs[name] = from_dict(hint, value, f"{prefix}{name}.")
        else:
            kwargs[name] = _check_type(value, hint, f"{prefix}{name}")
    return cls(**kwargs)


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    with open(path, encoding="utf-8") as fh:
        data = yaml_load(fh.read()) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping")
    return data


def _apply_override(data: dict, key: str, raw: str) -> None:
    parts = key.split(".")
    node = data
    for p in parts[:-1]:
        node = node.setdefault(p, {})
        if not isinstance(node, dict):
            raise ConfigError(f"override --{key}: {p} is not a section")
    node[parts[-1]] = yaml_load(raw)


def parse_overrides(argv: list[str]) -> list[tuple[str, str]]:
    """``--a.b value`` or ``--a.b=value`` pairs, in order."""
    out, i = [], 0
    while i < len(argv):
        arg = argv[i]
        if not arg.startswith("--") or len(arg) == 2:
            raise ConfigError(f"unexpected argument {arg!r}; overrides look like --section.key value")
        if "=" in arg:
            key, value = arg[2:].split("=", 1)
            i += 1
        else:
            if i + 1 >= len(argv):
                raise ConfigError(f"override {arg} has no value")
            key, value = arg[2:], argv[i + 1]
            i += 2
        out.append((key, value))
    return out


def load_config(path, overrides: list[tuple[str, str]] = ()) -> TrainConfig:
    """Read a training YAML; ``dataset:`` may name a dataset YAML file instead of inlining it."""
    path = Path(path)
    data = _read_yaml(path)
    if isinstance(data.get("dataset"), str):
        data["dataset"] = _read_yaml(Path(data["dataset"]))
    for key, value in overrides:
        _apply_override(data, key, value)
    cfg = from_dict(TrainConfig, data)
    _check_files(cfg)
    return cfg


def _check_files(cfg: TrainConfig) -> None:
    ds = cfg.dataset
    if not ds.hub_id:
        if not ds.train:
            raise ConfigError("dataset.train: no training files (or set dataset.hub_id)")
        for split in ("train", "dev", "test"):
            for f in getattr(ds, split):
                if not Path(f).is_file():
                    raise ConfigError(f"dataset.{split}: file not found: {f}")
    choices = {"decoding": ("viterbi", "argmax", "auto"), "spans_need_label": ("yes", "no", "auto"),
               "tagger_loss": ("softmax", "crf")}
    for key, allowed in choices.items():
        if getattr(cfg, key) not in allowed:
            raise ConfigError(f"{key}: {getattr(cfg, key)!r} is not one of {', '.join(allowed)}")
    from rasd_train.data.ner import CORPORA

    unknown = [c for c in cfg.transfer if c not in CORPORA + ("silver",)]
    if unknown:
        raise ConfigError(f"transfer: unknown corpus {unknown[0]!r}; one of {', '.join(CORPORA)}, silver")
    for key in ("word_crf_weights", "label_ngrams_weights"):
        weights = getattr(cfg, key)
        if not weights or any(not 0.0 <= w <= 1.0 for w in weights):
            raise ConfigError(f"{key}: a non-empty list of weights in [0, 1], not {weights}")
    if cfg.silver_sentences < 1:
        raise ConfigError("silver_sentences: must be 1 or more")
    if cfg.silver_classifier_epochs < 0:
        raise ConfigError("silver_classifier_epochs: must be 0 or more")
    if ds.real_news_repeat < 0:
        raise ConfigError("dataset.real_news_repeat: must be 0 or more")
    if cfg.model.base_model == "offline" and cfg.model.bert_config and not Path(cfg.model.bert_config).is_file():
        raise ConfigError(f"model.bert_config: file not found: {cfg.model.bert_config}")


def check_training_args(section: str, args: dict) -> None:
    """Fail on a key that ``transformers.TrainingArguments`` does not have."""
    from transformers import TrainingArguments

    names = {f.name for f in dataclasses.fields(TrainingArguments)}
    for key in args:
        if key not in names:
            raise ConfigError(f"unknown key {section}.{key}: not a transformers.TrainingArguments field")
