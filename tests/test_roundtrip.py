"""train → save → load → predict, both tasks, through the real code paths, on a tiny BERT."""

import json
import subprocess
import sys

import pytest

import rasd
from rasd.manifest import Manifest

from conftest import MINI, ROOT


def test_model_folder_has_the_standard_layout(tiny_run):
    folder, _ = tiny_run
    for task in ("tagger", "classifier"):
        for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"):
            assert (folder / task / name).is_file(), f"{task}/{name}"
        assert not list((folder / task).glob("*.bin"))
    cfg = json.loads((folder / "tagger" / "config.json").read_text())
    assert cfg["id2label"]["1"] == "B-ACTOR"
    cls = json.loads((folder / "classifier" / "config.json").read_text())
    assert cls["problem_type"] == "multi_label_classification"
    assert cls["id2label"]["0"] == "attack"
    m = Manifest.load(folder)
    assert set(m.thresholds) == set(m.schema.labels) and m.max_length == 64
    assert (folder / "metrics.json").is_file() and (folder / "metrics.md").is_file()


def test_the_tiny_model_learned_the_mini_set(tiny_run):
    _, metrics = tiny_run
    dev = metrics["dev"]
    assert dev["labels"]["micro"]["f1"] >= 0.9, dev["labels"]
    assert dev["spans"]["micro"]["f1"] >= 0.8, dev["spans"]["micro"]
    assert "peers" in metrics and "dev" in metrics["peers"]
    assert metrics["peers"]["dev"]["spans"]["micro"]["support"] > 0  # the CRF span peer was scored


def test_predictions_carry_exact_offsets_into_the_input(tiny_run, mini_records):
    folder, _ = tiny_run
    model = rasd.load(folder, backend="torch")
    doc = "\n".join(r.text for r in mini_records[:5])
    (pred,) = model.predict_documents([doc])
    assert len(pred["sentences"]) == 5
    assert pred["spans"], "no spans predicted on training sentences"
    for sp in pred["spans"]:
        assert doc[sp["start"] : sp["end"]] == sp["text"]
        assert 0.0 <= sp["score"] <= 1.0
    for s in pred["sentences"]:
        assert set(s["scores"]) == set(model.manifest.schema.labels)


def test_serial_and_batched_predictions_are_identical(tiny_run, mini_records):
    folder, _ = tiny_run
    model = rasd.load(folder, backend="torch")
    texts = [r.text for r in mini_records]
    batched = model.predict_sentences(texts, batch_size=8)
    serial = [model.predict_sentences([t], batch_size=1)[0] for t in texts]
    for a, b in zip(batched, serial):
        assert a.labels == b.labels and [s["label"] for s in a.spans] == [s["label"] for s in b.spans]
        assert all(abs(a.scores[k] - b.scores[k]) < 1e-4 for k in a.scores)


def test_long_sentences_are_windowed_without_losing_spans(tiny_run, mini_records):
    """A sentence far past max_length (64 sub-tokens) still gets spans from every window."""
    folder, _ = tiny_run
    model = rasd.load(folder, backend="torch")
    rec = max(mini_records, key=lambda r: len(r.spans))
    long_text = " و ".join([rec.text.rstrip(".")] * 6)
    (pred,) = model.predict_sentences([long_text])
    short = model.predict_sentences([rec.text.rstrip(".")])[0]
    assert len(model.encode(long_text)[1]) > 1
    assert len(pred.spans) >= 5 * len(short.spans)
    for sp in pred.spans:
        assert long_text[sp["start"] : sp["end"]] == sp["text"]


def test_rasd_predict_cli_resumes_without_duplicates(tiny_run, mini_records, tmp_path):
    folder, _ = tiny_run
    inp = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"d{i}", "text": r.text}, ensure_ascii=False) for i, r in enumerate(mini_records[:6])]
    inp.write_text("\n".join(lines[:3] + ["{broken"] + lines[3:]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    # an interrupted earlier run: two finished documents and a torn third line
    first = subprocess.run([sys.executable, "-m", "rasd.cli", "predict", "--model", str(folder), "--input", str(inp),
                            "--output", str(out), "--backend", "torch", "--quiet", "--batch-size", "2"],
                           capture_output=True, text=True, cwd=ROOT)
    assert first.returncode == 0, first.stderr
    done = out.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join(done[:2]) + "\n" + done[2][:25], encoding="utf-8")
    again = subprocess.run([sys.executable, "-m", "rasd.cli", "predict", "--model", str(folder), "--input", str(inp),
                            "--output", str(out), "--backend", "torch", "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 0, again.stderr
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == [f"d{i}" for i in range(6)]
    errors = (tmp_path / "out.jsonl.errors").read_text(encoding="utf-8")
    assert "in.jsonl:4: invalid JSON" in errors
    strict = subprocess.run([sys.executable, "-m", "rasd.cli", "predict", "--model", str(folder), "--input", str(inp),
                             "--output", str(tmp_path / "o2.jsonl"), "--backend", "torch", "--strict", "--quiet"],
                            capture_output=True, text=True, cwd=ROOT)
    assert strict.returncode != 0 and "in.jsonl:4" in strict.stderr


def test_evaluate_command_scores_any_record_file(tiny_run, tmp_path):
    folder, _ = tiny_run
    from rasd_train.cli import main

    out = tmp_path / "eval.json"
    assert main(["evaluate", "--model", str(folder), "--data", str(MINI), "--real-dev", "", "--real-news", "", "--out", str(out)]) == 0
    res = json.loads(out.read_text())
    assert res["mini"]["n"] == 24 and "per_type" in res["mini"]["spans"]
    assert out.with_suffix(".md").read_text().count("micro") >= 2


def test_a_missing_model_file_is_named(tiny_run, tmp_path):
    import shutil

    folder, _ = tiny_run
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    (broken / "tagger" / "tokenizer.json").unlink()
    with pytest.raises(FileNotFoundError, match=r"tagger/tokenizer.json not found"):
        rasd.load(broken, backend="torch")
    with pytest.raises(FileNotFoundError, match="is not a rasd model folder"):
        rasd.load(tmp_path, backend="torch")
