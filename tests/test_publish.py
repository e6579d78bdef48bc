"""Publishing: the staged folder, its checks, the generated card, and the upload path (local Hub stand-in)."""

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

from rasd_train.card import card_problems, parse_card  # noqa: E402
from rasd_train.publish import PublishError, check, publish, stage  # noqa: E402

from conftest import MINI  # noqa: E402


def test_dry_run_builds_a_checked_folder_and_pushes_nothing(onnx_model, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    res = publish(onnx_model, "rasd-test/tiny", dry_run=True, check_data=str(MINI))
    folder = Path(res["folder"])
    assert "commit" not in res
    for name in ("README.md", "rasd.json", "metrics.json", "tagger/model.safetensors", "tagger/model.onnx",
                 "classifier/model.safetensors", "classifier/tokenizer.json"):
        assert name in res["files"] and (folder / name).is_file(), name
    assert "total" in res["files"].splitlines()[-1]


def test_the_card_front_matter_parses_and_carries_the_saved_metrics(onnx_model, tmp_path):
    folder = stage(onnx_model, tmp_path / "stage", "rasd-test/tiny")
    fm, body = parse_card((folder / "README.md").read_text(encoding="utf-8"))
    metrics = json.loads((onnx_model / "metrics.json").read_text())
    assert fm["language"] == ["ar"] and fm["pipeline_tag"] == "token-classification"
    values = {m["name"]: m["value"] for r in fm["model-index"][0]["results"] for m in r["metrics"]}
    assert values["strict span micro F1"] == metrics["dev"]["spans"]["micro"]["f1"]
    assert values["label micro F1"] == metrics["dev"]["labels"]["micro"]["f1"]
    assert "## Limitations and risks" in body and "rasd-test/tiny" in body
    assert "base_model" not in fm  # trained from scratch: no Hub base to name


def test_the_pre_upload_check_catches_stray_and_unsafe_files(onnx_model, tmp_path):
    folder = stage(onnx_model, tmp_path / "stage", "rasd-test/tiny")
    texts = [json.loads(x)["text"] for x in MINI.read_text(encoding="utf-8").splitlines()[:4]]
    assert check(folder, onnx_model, texts) == []
    (folder / "tagger" / "pytorch_model.bin").write_bytes(b"pickle")
    (folder / "notes.txt").write_text("x")
    card = folder / "README.md"
    card.write_text(card.read_text(encoding="utf-8").replace("## Limitations and risks", "## Other"), encoding="utf-8")
    problems = check(folder, onnx_model, texts)
    assert any("pytorch_model.bin: unsafe file type" in p for p in problems)
    assert any("notes.txt: stray file" in p for p in problems)
    assert any("Limitations and risks" in p for p in problems)


def test_card_problems_flag_a_card_without_metrics(onnx_model, tmp_path):
    from rasd.manifest import Manifest

    metrics = json.loads((onnx_model / "metrics.json").read_text())
    assert card_problems("no front matter", metrics, Manifest.load(onnx_model))


def test_upload_goes_through_the_hub_api(onnx_model, monkeypatch):
    from hub_stub import HubStub

    import huggingface_hub.constants

    secret = "hf_test_secret_token_123"
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)  # the stand-in is local
    with HubStub(secret) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.setenv("HF_TOKEN", secret)
        res = publish(onnx_model, "rasd-test/tiny", private=True, check_data=str(MINI))
        folder = Path(res["folder"])
        pushed = {path: data for (repo, rev, path), data in hub.files.items() if repo == "rasd-test/tiny"}
        local = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        assert pushed == local
        assert hub.repos["rasd-test/tiny"]["private"] is True
        assert ("rasd-test/tiny", "v0.1.0") in hub.tags
        assert res["commit"].startswith(hub.url)
        monkeypatch.setenv("HF_TOKEN", "wrong-token")
        with pytest.raises(PublishError) as err:
            publish(onnx_model, "rasd-test/tiny", check_data=str(MINI))
        assert "wrong-token" not in str(err.value) and "upload to" in str(err.value)


def test_no_token_is_one_clear_sentence(onnx_model, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    with pytest.raises(PublishError, match="HF_TOKEN is not set"):
        publish(onnx_model, "rasd-test/tiny", check_data=str(MINI))


def test_the_card_names_a_local_base_for_what_it_is(tmp_path):
    from rasd_train.card import _base_text

    (tmp_path / "pretrain.json").write_text(json.dumps({"steps": 0, "embeddings": {"method": "ppmi-svd"}}))
    text = _base_text(str(tmp_path), {})
    assert "PPMI vectors" in text and "untrained before fine-tuning" in text and "huggingface.co" not in text
    (tmp_path / "pretrain.json").write_text(json.dumps({"steps": 1200}))
    assert "masked-LM pretrained for 1200 steps" in _base_text(str(tmp_path), {})
    assert "trained from scratch offline" in _base_text("offline", {"model": {"bert_config": "b.json"}})
    assert "huggingface.co/org/model" in _base_text("org/model", {})
