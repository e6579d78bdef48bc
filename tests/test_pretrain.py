"""make pretrain: streaming MLM with whole-word masking, resumable, usable as a fine-tuning base."""

import json

import pytest

pytest.importorskip("torch")

from rasd_train.config import TrainConfig, from_dict, parse_overrides  # noqa: E402
from rasd_train.pretrain import PackedText, WholeWordMasker, load_pretrain_config, pretrain  # noqa: E402

from conftest import MINI, TINY_BERT, tiny_config  # noqa: E402


def write_config(tmp_path, steps):
    bert = tmp_path / "bert.json"
    bert.write_text(json.dumps(TINY_BERT))
    cfg = tmp_path / "pretrain.yaml"
    cfg.write_text(f"""
base_model: scratch
bert_config: {bert}
vocab_size: 500
tokenizer_min_frequency: 1
text: [{MINI}]
max_length: 32
output_dir: {tmp_path / 'pt'}
training: {{max_steps: {steps}, save_steps: 3, per_device_train_batch_size: 4, logging_steps: 3, disable_tqdm: true}}
""")
    return cfg


def test_pretrain_resumes_and_its_model_is_a_fine_tuning_base(tmp_path, caplog):
    cfg_path = write_config(tmp_path, 6)
    out = pretrain(load_pretrain_config(cfg_path))
    assert json.loads((out / "pretrain.json").read_text())["steps"] == 6
    caplog.set_level("INFO", logger="rasd_train.pretrain")
    out = pretrain(load_pretrain_config(cfg_path, parse_overrides(["--training.max_steps", "9"])))
    assert any("resuming from" in r.message and "checkpoint-6" in r.message for r in caplog.records)
    assert json.loads((out / "pretrain.json").read_text())["steps"] == 9
    ft = tiny_config(tmp_path, epochs=2)
    ft["model"]["base_model"] = str(out)
    ft["dataset"]["dev"] = []
    metrics = from_dict(TrainConfig, ft)
    from rasd_train.train import train

    train(metrics)
    assert (tmp_path / "run" / "model" / "tagger" / "model.safetensors").is_file()


def test_whole_words_are_masked_together(tmp_path):
    from transformers import AutoTokenizer

    from rasd.text import Normalization

    cfg_path = write_config(tmp_path, 1)
    out = pretrain(load_pretrain_config(cfg_path))
    tok = AutoTokenizer.from_pretrained(str(out))
    examples = list(PackedText([str(MINI)], tok, Normalization(), 32))
    assert examples and all(len(e["input_ids"]) == 32 for e in examples)
    batch = WholeWordMasker(tok, 0.3, seed=1)(examples[:8])
    for ex, labels in zip(examples[:8], batch["labels"].tolist()):
        masked_words = {w for w, lab in zip(ex["word_ids"], labels) if lab != -100}
        assert masked_words and -1 not in masked_words
        for w, lab in zip(ex["word_ids"], labels):
            if w in masked_words:
                assert lab != -100, "a masked word must be masked with all its sub-tokens"


def test_compare_bases_reports_mean_and_spread_over_seeds(tmp_path):
    import yaml

    from rasd_train.compare import compare

    pretrained = pretrain(load_pretrain_config(write_config(tmp_path, 2)))
    cfg = tiny_config(tmp_path, epochs=1)
    (tmp_path / "ft.yaml").write_text(yaml.safe_dump(cfg))
    summary = compare(str(tmp_path / "ft.yaml"), ["offline", str(pretrained)], [1, 2], [], str(tmp_path / "cmp"))
    assert set(summary["bases"]) == {"offline", str(pretrained)}
    dev = summary["bases"]["offline"]["scores"]["dev"]["label micro F1"]
    assert len(dev["values"]) == 2 and dev["std"] >= 0
    md = (tmp_path / "cmp" / "comparison.md").read_text()
    assert "random-init" in md and "±" in md
