"""Training and serving agree: the same ids for the same text, the same logits from each backend."""

import numpy as np
import pytest

pytest.importorskip("torch")

import rasd  # noqa: E402


def test_training_and_inference_encode_identically(tiny_run, mini_records):
    from transformers import AutoTokenizer

    from rasd.text import Normalization
    from rasd_train.features import Encoder

    folder, _ = tiny_run
    model = rasd.load(folder, backend="torch")
    m = model.manifest
    train_side = Encoder(AutoTokenizer.from_pretrained(str(folder / "tagger")), Normalization.from_dict(
        m.normalization.to_dict()), m.max_length, m.stride)
    hostile = ["قُتِلَ ١١ شخصاً\u200f في الـــقصف،على «حمص»", "ﻻ تعليق" * 30]
    for text in [r.text for r in mini_records] + hostile:
        a = [(w.input_ids, w.word_ids, w.owned) for w in train_side.windows(text)[1]]
        b = [(w.input_ids, w.word_ids, w.owned) for w in model.encode(text)[1]]
        assert a == b, text


def test_torch_and_onnx_logits_match_on_padded_batches(onnx_model, mini_records):
    torch_model = rasd.load(onnx_model, backend="torch")
    onnx_model_ = rasd.load(onnx_model, backend="onnx")
    windows = [w for r in mini_records for w in torch_model.encode(r.text)[1]]
    for task in ("tagger", "classifier"):
        a = torch_model._run(getattr(torch_model, task), windows, batch_size=7)
        b = onnx_model_._run(getattr(onnx_model_, task), windows, batch_size=5)
        assert max(float(np.abs(x - y).max()) for x, y in zip(a, b)) < 1e-3


def test_backends_give_the_same_predictions(onnx_model, mini_records):
    texts = [r.text for r in mini_records]
    a = rasd.load(onnx_model, backend="torch").predict_sentences(texts)
    b = rasd.load(onnx_model, backend="onnx").predict_sentences(texts)
    q = rasd.load(onnx_model, backend="onnx", precision="int8").predict_sentences(texts)
    for x, y in zip(a, b):
        assert x.labels == y.labels
        assert [(s["start"], s["end"], s["label"]) for s in x.spans] == [(s["start"], s["end"], s["label"]) for s in y.spans]
    same = sum(x.labels == z.labels for x, z in zip(a, q))
    assert same >= 0.8 * len(texts)


def test_export_report_is_in_the_manifest(onnx_model):
    from rasd.manifest import Manifest

    report = Manifest.load(onnx_model).onnx
    assert report["fp32_max_abs_logit_diff"] < 1e-3
    assert {"label_agreement", "span_f1_torch", "span_f1_int8", "int8_f1_drop_points"} <= set(report)


def test_both_tasks_side_by_side_equal_each_task_alone(onnx_model, mini_records):
    model = rasd.load(onnx_model, backend="onnx", precision="int8", threads=2)
    assert model.side_by_side
    windows = [w for r in mini_records for w in model.encode(r.text)[1]]
    tagged, classified = model._both(windows, batch_size=5)
    assert len(windows) > 10
    for got, task in ((tagged, model.tagger), (classified, model.classifier)):
        alone = model._run(task, windows, batch_size=5)
        assert all(np.array_equal(x, y) for x, y in zip(got, alone))


def test_export_writes_no_tracer_warnings_or_quantization_advice(tiny_run, tmp_path, recwarn, caplog):
    """The log of an export says what was written and checked, nothing the user cannot act on."""
    import logging
    import shutil

    import torch

    from conftest import MINI
    from rasd_train.export import export

    out = tmp_path / "model"
    shutil.copytree(tiny_run[0], out)
    with caplog.at_level(logging.WARNING):
        export(out, str(MINI), tolerance=100.0)
    assert not [w for w in recwarn if issubclass(w.category, torch.jit.TracerWarning)]
    assert not [w for w in recwarn if "aten::index" in str(w.message)]
    assert not [r for r in caplog.records if "pre-processing before quantization" in r.getMessage()]
    assert (out / "tagger" / "model.int8.onnx").is_file()
