"""Cached stages of a run folder are used again only for the same inputs; otherwise rebuilt, said once."""

import json
import logging

from rasd.records import Record, Span
from rasd_train import stages


def test_a_stage_built_from_the_same_inputs_is_kept(tmp_path):
    folder = tmp_path / "silver"
    stages.enter(folder, {"silver_sentences": 20000, "gold": "abc"}, "silver")
    (folder / "silver.jsonl").write_text("cached\n", encoding="utf-8")
    stages.enter(folder, {"gold": "abc", "silver_sentences": 20000}, "silver")  # key order does not matter
    assert (folder / "silver.jsonl").read_text(encoding="utf-8") == "cached\n"


def test_a_stage_from_other_inputs_is_removed_and_the_change_named(tmp_path, caplog):
    folder = tmp_path / "checkpoints" / "tagger"
    stages.enter(folder, {"examples": "d1", "args": {"learning_rate": 0.001}}, "tagger checkpoints")
    (folder / "checkpoint-5").mkdir()
    with caplog.at_level(logging.WARNING):
        stages.enter(folder, {"examples": "d2", "args": {"learning_rate": 0.001}}, "tagger checkpoints")
    assert not (folder / "checkpoint-5").exists()
    assert "changed: examples" in caplog.text and "learning_rate" not in caplog.text
    assert json.loads((folder / stages.STAMP).read_text(encoding="utf-8"))["inputs"]["examples"] == "d2"


def test_a_folder_with_no_record_of_its_inputs_is_not_trusted(tmp_path, caplog):
    folder = tmp_path / "anercorp"
    (folder / "encoder").mkdir(parents=True)
    (folder / "encoder" / "tokenizer.json").write_text("{}", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        stages.enter(folder, {"corpus": "anercorp"}, "transfer through anercorp")
    assert not (folder / "encoder").exists() and "no stage.json" in caplog.text


def test_digests_see_labels_spans_and_model_bytes(tmp_path):
    a = Record("r1", "قصف حلب", ["attack"], [Span(4, 7, "LOCATION")])
    b = Record("r1", "قصف حلب", ["attack"], [Span(4, 7, "TARGET")])
    assert stages.records_digest([a]) != stages.records_digest([b])
    assert stages.records_digest([a]) == stages.records_digest([Record("other-id", a.text, a.labels, a.spans)])
    model = tmp_path / "m"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"\x00\x01")
    first = stages.model_identity(str(model))
    (model / "model.safetensors").write_bytes(b"\x00\x02")
    assert stages.model_identity(str(model)) != first
    assert stages.model_identity("aubmindlab/bert-base-arabertv2") == "aubmindlab/bert-base-arabertv2"
