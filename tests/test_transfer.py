"""Intermediate training on an NER corpus: its own types and head, then only the encoder goes on."""

from pathlib import Path

from conftest import tiny_config


def test_ner_corpus_records_sit_on_word_edges():
    from rasd_train.data.ner import _record

    rec = _record("x-1", [("قصف", "O"), ("(د", "B-ORG"), ("ب", "I-ORG"), ("أ)", "I-ORG"), ("حلب", "B-LOC")])
    assert [(rec.text[s.start:s.end], s.label) for s in rec.spans] == [("د ب أ", "ORG"), ("حلب", "LOC")]


def test_intermediate_tagger_leaves_an_encoder_that_fine_tuning_loads(tmp_path, monkeypatch, mini_records):
    from rasd.records import Record, Span
    from rasd.text import Normalization
    from rasd_train.config import TrainConfig, from_dict
    from rasd_train.data import ner
    from rasd_train.base import build_offline_base
    from rasd_train import transfer

    # mini sentences with their spans renamed to NER-like types stand in for a ../shared corpus
    fake = [Record(r.id, r.text, [], [Span(s.start, s.end, "LOC" if s.label == "LOCATION" else "ENT")
                                      for s in r.spans]) for r in mini_records]
    monkeypatch.setattr(ner, "iter_corpus", lambda name: iter(fake))
    raw = tiny_config(tmp_path, epochs=2)
    raw.update(transfer=["anercorp"], transfer_args={"num_train_epochs": 2})
    cfg = from_dict(TrainConfig, raw)
    base = build_offline_base(cfg.model, [r.text for r in mini_records], Normalization(), tmp_path / "base", 7)
    encoder = transfer.through_corpora(str(base), cfg, Normalization(), tmp_path / "transfer")
    assert Path(encoder, "tokenizer.json").is_file() and Path(encoder, "model.safetensors").is_file()
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(encoder, num_labels=15)
    assert model.config.num_labels == 15  # a new head for rasd's tags on the transferred encoder
    # a second run reuses the encoder instead of training again
    stamp = Path(tmp_path / "transfer" / "anercorp" / "stage.json").read_text(encoding="utf-8")
    assert transfer.through_corpora(str(base), cfg, Normalization(), tmp_path / "transfer") == encoder
    assert Path(tmp_path / "transfer" / "anercorp" / "stage.json").read_text(encoding="utf-8") == stamp
    # other transfer settings: the stage is built again, not taken from the earlier run
    raw["transfer_args"] = {"num_train_epochs": 1}
    cfg = from_dict(TrainConfig, raw)
    weights = Path(encoder, "model.safetensors").read_bytes()
    assert transfer.through_corpora(str(base), cfg, Normalization(), tmp_path / "transfer") == encoder
    assert Path(encoder, "model.safetensors").read_bytes() != weights
