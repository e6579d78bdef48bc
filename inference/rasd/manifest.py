"""The model folder's manifest (``rasd.json``): everything that shapes inputs and outputs.

The runtime reads normalisation, tokenizer specials, window sizes, label sets and thresholds from
here and never from defaults in code, so a model is served exactly as it was trained.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rasd.align import SpecialTokens
from rasd.schema import LabelSchema
from rasd.text import Normalization

MANIFEST_NAME = "rasd.json"
FORMAT = "rasd-model"
FORMAT_VERSION = 1


class ModelFolderError(FileNotFoundError):
    """A model folder that lacks a file the runtime needs; the message names the file."""


def _companion_weight(data: dict, key: str, path: Path) -> float:
    """A peer's weight from the manifest (``word_crf_weight``, ``label_ngrams_weight``): in [0, 1], and
    above 0 only with the peer's file named."""
    weight = float(data.get(f"{key}_weight", 0.0))
    if not 0.0 <= weight <= 1.0 or (weight and not data.get(key)):
        raise ModelFolderError(f"{path}: {key}_weight must be in [0, 1] and needs a {key} file, "
                               f"not {weight} with {key}={data.get(key, '')!r}")
    return weight


def _temperatures(data: dict, key: str, schema: LabelSchema, path: Path) -> dict[str, float]:
    """A per-label temperature table: labels of the schema, positive numbers (a zero would divide)."""
    temps = {k: float(v) for k, v in data.get(key, {}).items()}
    bad = {k: v for k, v in temps.items() if k not in schema.labels or not v > 0}
    if bad:
        raise ModelFolderError(f"{path}: {key} must map labels of the schema to positive numbers, not {bad}")
    return temps


@dataclass
class Manifest:
    schema: LabelSchema
    normalization: Normalization
    max_length: int
    stride: int
    special_tokens: SpecialTokens
    thresholds: dict[str, float]
    tasks: dict[str, str] = field(default_factory=lambda: {"tagger": "tagger", "classifier": "classifier"})
    rasd_version: str = ""
    base_model: str = ""
    onnx: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    # "viterbi" (legal IOB2 sequences only) or "argmax" + the repair rule; see rasd.decode
    decoding: str = "viterbi"
    # per-label temperature of the classifier's logits, fitted on dev (1.0: uncalibrated)
    temperatures: dict[str, float] = field(default_factory=dict)
    # drop spans in sentences that get no event label (the corpus rule); set from dev measurements
    spans_need_label: bool = False
    # log P(next tag | tag) from the training data, weighed into Viterbi (rasd.decode); empty = none
    transitions: list = field(default_factory=list)
    transition_weight: float = 0.0
    # subtracted from every word's log P(O) before decoding (rasd.decode.favour_spans); from dev
    outside_penalty: float = 0.0
    # a word-feature CRF beside the tagger (rasd.wordcrf): its file in the folder ("" = none) and the
    # weight of its posteriors in the product with the tagger's (rasd.decode.mix_tag_probs); from dev
    word_crf: str = ""
    word_crf_weight: float = 0.0
    # character n-gram label scores beside the classifier (rasd.charngrams): their file ("" = none)
    # and their weight in the average with the classifier's calibrated probabilities; from dev
    label_ngrams: str = ""
    label_ngrams_weight: float = 0.0
    # per-label temperature of the n-gram model's logits, fitted on dev alone before the average
    # (its balanced class weights leave it under-confident; 1.0 = as fitted)
    label_ngrams_temperatures: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "rasd_version": self.rasd_version,
            "base_model": self.base_model,
            "schema": self.schema.to_dict(),
            "normalization": self.normalization.to_dict(),
            "max_length": self.max_length,
            "stride": self.stride,
            "special_tokens": self.special_tokens.to_dict(),
            "thresholds": dict(self.thresholds),
            "tasks": dict(self.tasks),
            "onnx": dict(self.onnx),
            "extra": dict(self.extra),
            "decoding": self.decoding,
            "temperatures": dict(self.temperatures),
            "spans_need_label": self.spans_need_label,
            "transitions": self.transitions,
            "transition_weight": self.transition_weight,
            "outside_penalty": self.outside_penalty,
            "word_crf": self.word_crf,
            "word_crf_weight": self.word_crf_weight,
            "label_ngrams": self.label_ngrams,
            "label_ngrams_weight": self.label_ngrams_weight,
            "label_ngrams_temperatures": dict(self.label_ngrams_temperatures),
        }

    def save(self, folder) -> Path:
        path = Path(folder) / MANIFEST_NAME
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, folder) -> "Manifest":
        path = Path(folder) / MANIFEST_NAME
        if not path.is_file():
            raise ModelFolderError(f"{path} not found: {folder} is not a rasd model folder")
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ModelFolderError(f"{path}: not a rasd manifest (format={data.get('format')!r})")
        if data.get("format_version", 0) > FORMAT_VERSION:
            raise ModelFolderError(f"{path}: format_version {data['format_version']} is newer than this rasd reads")
        schema = LabelSchema.from_dict(data["schema"])
        if data.get("decoding", "argmax") not in ("viterbi", "argmax"):
            raise ModelFolderError(f"{path}: decoding must be 'viterbi' or 'argmax', not {data['decoding']!r}")
        trans = data.get("transitions", [])
        if trans and (len(trans) != len(schema.tags) or any(len(row) != len(schema.tags) for row in trans)):
            raise ModelFolderError(f"{path}: transitions must be a {len(schema.tags)} x {len(schema.tags)} matrix")
        weight, ngram_weight = (_companion_weight(data, key, path) for key in ("word_crf", "label_ngrams"))
        thresholds = {k: float(v) for k, v in data["thresholds"].items()}
        missing = [lab for lab in schema.labels if lab not in thresholds]
        if missing:
            raise ModelFolderError(f"{path}: no threshold for labels {missing}")
        return cls(
            schema=schema,
            normalization=Normalization.from_dict(data["normalization"]),
            max_length=int(data["max_length"]),
            stride=int(data["stride"]),
            special_tokens=SpecialTokens(**data["special_tokens"]),
            thresholds=thresholds,
            tasks=dict(data.get("tasks", {"tagger": "tagger", "classifier": "classifier"})),
            rasd_version=data.get("rasd_version", ""),
            base_model=data.get("base_model", ""),
            onnx=dict(data.get("onnx", {})),
            extra=dict(data.get("extra", {})),
            # models saved before these fields existed were served with argmax and no calibration
            decoding=data.get("decoding", "argmax"),
            temperatures=_temperatures(data, "temperatures", schema, path),
            spans_need_label=bool(data.get("spans_need_label", False)),
            transitions=[[float(x) for x in row] for row in data.get("transitions", [])],
            transition_weight=float(data.get("transition_weight", 0.0)),
            outside_penalty=float(data.get("outside_penalty", 0.0)),
            word_crf=str(data.get("word_crf", "")),
            word_crf_weight=weight,
            label_ngrams=str(data.get("label_ngrams", "")),
            label_ngrams_weight=ngram_weight,
            label_ngrams_temperatures=_temperatures(data, "label_ngrams_temperatures", schema, path),
        )
