"""Configuration: typed, strict, overridable; errors name the key or the path."""

import pytest

from rasd_train.config import ConfigError, check_training_args, load_config, parse_overrides

from conftest import ROOT


def test_shipped_configs_load():
    import os

    os.chdir(ROOT)
    q = load_config("configs/quickstart.yaml")
    assert q.model.base_model == "bases/rasd-news-ppmi" and q.dataset.train == ["data/events/train.jsonl"]
    assert q.tagger_loss == "crf" and q.model.freeze_embeddings
    a = load_config("configs/arabert.yaml")
    assert a.model.base_model == "aubmindlab/bert-base-arabertv02"
    check_training_args("tagger", q.tagger)
    check_training_args("tagger", a.tagger)


def test_overrides_reach_nested_keys(monkeypatch):
    monkeypatch.chdir(ROOT)
    cfg = load_config("configs/quickstart.yaml",
                      parse_overrides(["--model.max_length", "64", "--tagger.learning_rate=2e-5", "--seed", "3"]))
    assert cfg.model.max_length == 64 and cfg.tagger["learning_rate"] == 2e-5 and cfg.seed == 3


@pytest.mark.parametrize("override, message", [
    (["--model.max_lenght", "64"], "unknown key model.'max_lenght'"),
    (["--model.max_length", "long"], "model.max_length: expected int, got 'long'"),
    (["--dataset.train", "[missing.jsonl]"], "dataset.train: file not found: missing.jsonl"),
    (["--model.base_model", "offline", "--model.bert_config", "nope.json"], "model.bert_config: file not found: nope.json"),
    (["--colour", "red"], "unknown key 'colour'"),
    (["--tagger_loss", "hinge"], "tagger_loss: 'hinge' is not one of softmax, crf"),
    (["--word_crf_weights", "[0.2, 1.5]"], "word_crf_weights: a non-empty list of weights in [0, 1], not [0.2, 1.5]"),
])
def test_config_errors(monkeypatch, override, message):
    monkeypatch.chdir(ROOT)
    with pytest.raises(ConfigError) as err:
        load_config("configs/quickstart.yaml", parse_overrides(override))
    assert message in str(err.value)


def test_unknown_training_argument_is_an_error():
    with pytest.raises(ConfigError, match="unknown key tagger.learning_rat: not a transformers.TrainingArguments field"):
        check_training_args("tagger", {"learning_rat": 1e-3})


def test_missing_config_file():
    with pytest.raises(ConfigError, match="config file not found: nowhere.yaml"):
        load_config("nowhere.yaml")


def test_bf16_auto_follows_the_hardware_and_other_values_pass_through(monkeypatch):
    pytest.importorskip("torch")
    from rasd_train import train

    for native in (True, False):
        monkeypatch.setattr(train, "native_bf16", lambda native=native: native)
        assert train.resolve_auto({"bf16": "auto", "learning_rate": 1e-3}) == {"bf16": native, "learning_rate": 1e-3}
    assert train.resolve_auto({"bf16": False}) == {"bf16": False}
    assert train.resolve_auto({}) == {}
