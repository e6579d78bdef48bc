"""The Ray engine (rasd.ray_engine): the default engine's output on a local Ray cluster, resume, the
Python API, and the parts that need no Ray (which run without it too)."""

import importlib.util
import json
import random
import subprocess
import sys

import numpy as np
import pytest

from rasd import ray_engine
from rasd.cli import main

from conftest import MINI, ROOT

needs_ray = pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                               reason="ray is not installed (pip install 'rasd[ray]')")
TEXTS = [json.loads(line)["text"] for line in MINI.read_text(encoding="utf-8").splitlines()]
N = 200


def write_input(path):
    """N documents of one or two corpus sentences, some dated; plus a broken line, a bad date, a
    repeated id, an English and an empty document (the errors file and the flags must agree too)."""
    rnd = random.Random(13)
    records = []
    for i in range(N - 2):
        text = TEXTS[i % len(TEXTS)] + ("\n" + TEXTS[(i * 7 + 3) % len(TEXTS)] if rnd.random() < 0.6 else "")
        rec = {"id": f"d{i}", "text": text}
        if i % 3 == 0:
            rec["date"] = f"2024-0{1 + i % 9}-1{i % 10}"
        records.append(json.dumps(rec, ensure_ascii=False))
    records.append(json.dumps({"id": "en", "text": "Air strikes hit the port of Hodeidah on Tuesday, officials said."}))
    records.append(json.dumps({"id": "empty", "text": ""}))
    records.insert(50, '{"id": "broken", "text": ')
    records.insert(90, json.dumps({"id": "baddate", "text": TEXTS[0], "date": "yesterday"}))
    records.insert(120, json.dumps({"id": "d5", "text": "a repeated id: predicted once"}))
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(onnx_model, tmp_path_factory):
    """The input and the default engine's output of it (`rasd predict`, chunks of 64, one thread)."""
    tmp = tmp_path_factory.mktemp("ray-ref")
    inp = write_input(tmp / "in.jsonl")
    out = tmp / "default.jsonl"
    assert main(["predict", "--quiet", "--model", str(onnx_model), "--input", str(inp), "--output", str(out),
                 "--chunk", "64", "--batch-size", "32", "--threads", "1"]) == 0
    return inp, out


@pytest.fixture(scope="module")
def local_ray():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, logging_level="warning", log_to_driver=False)
    yield ray
    ray.shutdown()


def records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_same_output(got, want, runs=1):
    """Same records, same bytes, and the errors file of ``runs`` runs (each run reads the whole
    input again and appends its errors, in both engines)."""
    a, b = records(got), records(want)
    assert [d["id"] for d in a] == [d["id"] for d in b]
    for x, y in zip(a, b):
        assert x == y, f"document {x['id']} differs"
    assert got.read_bytes() == want.read_bytes()
    errors = want.with_name(want.name + ".errors").read_text(encoding="utf-8")
    assert got.with_name(got.name + ".errors").read_text(encoding="utf-8") == errors * runs
    assert len(errors.splitlines()) == 2  # the broken line and the bad date


@needs_ray
def test_same_output_as_the_default_engine(local_ray, onnx_model, reference, tmp_path):
    inp, want = reference
    out = tmp_path / "ray.jsonl"
    result = ray_engine.run(str(inp), out, str(onnx_model), num_workers=2, batch_size=64, model_batch_size=32)
    assert (result.predicted, result.already, result.errors) == (N, 0, 2)
    assert_same_output(out, want)
    docs = records(out)
    assert any(d["events"] for d in docs) and any(d["spans"] for d in docs)


@needs_ray
def test_a_partial_output_is_completed_without_duplicates(local_ray, onnx_model, reference, tmp_path):
    inp, want = reference
    lines = want.read_text(encoding="utf-8").splitlines(keepends=True)
    out = tmp_path / "ray.jsonl"
    out.write_text("".join(lines[:70]) + lines[70][: len(lines[70]) // 2], encoding="utf-8")  # killed mid-record
    # a window of 64 documents: the rest goes through Ray in two windows, each its own actor pool
    result = ray_engine.run(str(inp), out, str(onnx_model), num_workers=2, batch_size=64, window=64)
    assert (result.predicted, result.already) == (N - 70, 70)
    ids = [d["id"] for d in records(out)]
    assert len(ids) == len(set(ids)) == N
    assert_same_output(out, want)
    again = ray_engine.run(str(inp), out, str(onnx_model))  # complete: nothing to do, Ray not even needed
    assert (again.predicted, again.already) == (0, N)
    assert_same_output(out, want, runs=2)


@needs_ray
def test_predict_dataset_adds_the_record_fields_to_a_users_dataset(local_ray, onnx_model, reference):
    import ray.data

    inp, want = reference
    by_id = {d["id"]: d for d in records(want)}
    rows = [{"id": i, "text": by_id[i]["text"], "source": "wire"} for i in ("d1", "d2", "d4", "en", "empty")]
    ds = ray_engine.predict_dataset(ray.data.from_items(rows), str(onnx_model), batch_size=2, num_workers=1)
    got = sorted(ds.take_all(), key=lambda r: r["id"])
    assert [r["id"] for r in got] == sorted(r["id"] for r in rows)
    for row in got:
        ref = by_id[row["id"]]
        assert row["source"] == "wire" and row["text"] == ref["text"]
        assert [s["labels"] for s in row["sentences"]] == [s["labels"] for s in ref["sentences"]]
        assert [(s["start"], s["end"], s["label"]) for s in row["spans"]] == \
            [(s["start"], s["end"], s["label"]) for s in ref["spans"]]
        assert [e["event_types"] for e in row["events"]] == [e["event_types"] for e in ref["events"]]


# -- without Ray ------------------------------------------------------------------------------


def _batches(order):
    return [{ray_engine.ORDER_COLUMN: np.array(order[k : k + 3]),
             ray_engine.PREDICTION_COLUMN: np.array([json.dumps({"id": j}) for j in order[k : k + 3]])}
            for k in range(0, len(order), 3)]


def test_results_are_put_back_in_input_order():
    order = list(range(10))
    random.Random(1).shuffle(order)
    assert [d["id"] for d in ray_engine.in_order(_batches(order), 10)] == list(range(10))
    order.remove(4)
    got = []
    with pytest.raises(RuntimeError, match="returned 4 of the 10"):
        got.extend(d["id"] for d in ray_engine.in_order(_batches(order), 10))
    assert got == [0, 1, 2, 3]  # what came before the gap is written; nothing after it


def test_the_actor_writes_the_default_engines_record(onnx_model, reference):
    """The callable class alone (no Ray): JSON records with the default engine's fields and order."""
    inp, want = reference
    ref = records(want)[:3]
    spec = ray_engine.ModelSpec(str(onnx_model))
    batch = {"id": np.array([d["id"] for d in ref]), "text": np.array([d["text"] for d in ref], dtype=object),
             "date": np.array([d["date"] for d in ref], dtype=object)}
    out = ray_engine.Predictor(spec, ray_engine.Columns(), as_json=True, keep=None)(batch)
    got = [json.loads(r) for r in out[ray_engine.PREDICTION_COLUMN]]
    assert [list(d) for d in got] == [list(d) for d in ref]
    assert [d["date"] for d in got] == [d["date"] for d in ref]
    cols = ray_engine.Predictor(spec, ray_engine.Columns(), as_json=False, keep=("id",))(batch)
    assert {"id", "sentences", "spans", "events", "warning"} <= set(cols) and "text" not in cols


def test_without_ray_one_sentence_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets when it is not installed
    with pytest.raises(RuntimeError, match=r"pip install 'rasd\[ray\]'") as info:
        ray_engine.require_ray()
    assert str(info.value).count(".") <= 1 and "\n" not in str(info.value)


def test_ray_is_imported_by_nothing_else_in_rasd():
    pkg = ROOT / "inference" / "rasd"
    offenders = [str(p.relative_to(pkg)) for p in pkg.rglob("*.py") if p.name != "ray_engine.py"
                 and any(line.lstrip().startswith(("import ray", "from ray")) for line in p.read_text().splitlines())]
    assert not offenders
    code = "import sys, rasd, rasd.cli, rasd.io, rasd.runtime, rasd.ray_engine; sys.exit('ray' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


@needs_ray
def test_cli_engine_ray_writes_the_default_engines_output(local_ray, onnx_model, reference, tmp_path):
    inp, want = reference
    out = tmp_path / "ray.jsonl"
    assert main(["predict", "--quiet", "--engine", "ray", "--num-workers", "2", "--model", str(onnx_model),
                 "--input", str(inp), "--output", str(out), "--chunk", "64", "--batch-size", "32"]) == 0
    assert out.read_bytes() == want.read_bytes()
    assert main(["predict", "--quiet", "--engine", "ray", "--shard", "0/2", "--model", str(onnx_model),
                 "--input", str(inp), "--output", str(tmp_path / "x.jsonl")]) == 2


def test_non_arabic_documents_are_flagged_and_empty_stays_empty(reference):
    docs = {d["id"]: d for d in records(reference[1])}
    assert docs["en"]["arabic_ratio"] == 0.0 and "little or no Arabic" in docs["en"]["warning"]
    assert docs["empty"]["arabic_ratio"] is None and "warning" not in docs["empty"]
    assert docs["empty"]["sentences"] == [] and docs["empty"]["events"] == []
    assert all(d["arabic_ratio"] >= 0.9 and "warning" not in d for k, d in docs.items() if k.startswith("d"))


def test_the_cli_logs_each_flagged_document(onnx_model, tmp_path, caplog):
    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"id": "en1", "text": "Air strikes hit Hodeidah port."}) + "\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="rasd"):
        assert main(["predict", "--quiet", "--model", str(onnx_model), "--input", str(inp),
                     "--output", str(tmp_path / "o.csv")]) == 0
    assert any("en1" in r.message and "little or no Arabic" in r.message for r in caplog.records)
    assert "little or no Arabic" in (tmp_path / "o.csv").read_text(encoding="utf-8")
