"""Shared fixtures: a tiny BERT trained once per session through the real training path."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini.jsonl"
TINY_BERT = {
    "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 128,
    "max_position_embeddings": 128, "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0,
}


def tiny_config(tmp: Path, epochs: int = 40, **model) -> dict:
    """A training config dict for the tiny model on the mini set (train = dev = test: memorisation)."""
    bert = tmp / "tiny-bert.json"
    bert.write_text(json.dumps(TINY_BERT))
    args = {"num_train_epochs": epochs, "learning_rate": 3e-3, "per_device_train_batch_size": 8,
            "warmup_steps": 5, "save_strategy": "no", "logging_steps": 1000, "disable_tqdm": True}
    return {
        "dataset": {"train": [str(MINI)], "dev": [str(MINI)], "test": [], "real_dev": None},
        "model": {"base_model": "offline", "bert_config": str(bert), "vocab_size": 600,
                  "tokenizer_min_frequency": 1, "max_length": 64, "stride": 16, **model},
        "tagger": dict(args), "classifier": dict(args),
        "seed": 7, "output_dir": str(tmp / "run"),
    }


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """Train both tasks of a tiny model on the mini set; return (model folder, metrics)."""
    from rasd_train.config import from_dict, TrainConfig
    from rasd_train.train import train

    tmp = tmp_path_factory.mktemp("tiny")
    cfg = from_dict(TrainConfig, tiny_config(tmp))
    metrics = train(cfg)
    return Path(cfg.output_dir) / "model", metrics


@pytest.fixture(scope="session")
def mini_records():
    from rasd.records import read_records

    return read_records(MINI)


@pytest.fixture(scope="session")
def onnx_model(tmp_path_factory, request):
    """A model folder with ONNX files: $RASD_TEST_MODEL (the inference-only CI venv), else the tiny
    model exported here through ``rasd_train.export``."""
    given = os.environ.get("RASD_TEST_MODEL")
    if given:
        return Path(given)
    pytest.importorskip("torch", reason="exporting needs torch; set RASD_TEST_MODEL to an exported model")
    import shutil

    from rasd_train.export import export

    folder, _ = request.getfixturevalue("tiny_run")
    out = tmp_path_factory.mktemp("onnx") / "model"
    shutil.copytree(folder, out)
    export(out, str(MINI), tolerance=100.0)
    return out
