"""``make export``: ONNX (fp32 and dynamic int8) for both tasks, checked against torch on dev.

int8 is kept only when its strict span F1 and label micro F1 drop by no more than the tolerance
(points of F1, default 0.5, written in the manifest); otherwise the export says so and removes it.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np

from rasd.manifest import Manifest
from rasd.records import Span, read_records
from rasd_train.progress import dropped_message

log = logging.getLogger(__name__)
OPSET = 17


def export_task(task_dir: Path, task: str) -> Path:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

    cls = AutoModelForTokenClassification if task == "tagger" else AutoModelForSequenceClassification
    model = cls.from_pretrained(str(task_dir), use_safetensors=True).eval()
    model.config.return_dict = False
    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    out = task_dir / "model.onnx"

    class Wrapped(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask)[0]

    axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
            "logits": {0: "batch", 1: "sequence"} if task == "tagger" else {0: "batch"}}
    with torch.no_grad(), warnings.catch_warnings():
        # The tracer warns where transformers turns a tensor into a Python bool: the padding length
        # of the mask (always 0 here, the mask is an input of the same dynamic length) and is_causal
        # (always False for an encoder), so the traced graph is right for every shape; export()
        # checks it against torch on dev data anyway.
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        # "Exporting aten::index ... advanced indexing" advises on graph size, not correctness.
        warnings.filterwarnings("ignore", message="Exporting aten::index operator", category=UserWarning)
        torch.onnx.export(Wrapped(model), (ids, mask), str(out), input_names=["input_ids", "attention_mask"],
                          output_names=["logits"], dynamic_axes=axes, opset_version=OPSET, dynamo=False)
    return out


def quantize(fp32: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out = fp32.with_name("model.int8.onnx")
    # ONNX Runtime advises shape pre-processing before every quantization, on the root logger,
    # whatever the model. rasd's int8 is dynamic (weights only, no calibration), and export()
    # checks its F1 against fp32 on dev, which is what the advice is there to protect.
    # Per channel: per tensor, the CRF tagger's span F1 fell 0.51 points on dev (over the 0.5
    # tolerance); per channel 0.15 points, at the same speed class (README, "Benchmark").
    with dropped_message("", "Please consider to run pre-processing before quantization"):
        quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True)
    return out


def _scores(model, records):
    from rasd_train.metrics import label_scores, span_scores

    preds = model.predict_sentences([r.text for r in records])
    spans = [[Span(s["start"], s["end"], s["label"]) for s in p.spans] for p in preds]
    schema = model.manifest.schema
    return preds, label_scores([r.labels for r in records], [p.labels for p in preds], schema.labels), \
        span_scores(records, spans, schema.span_types)


def _max_logit_diff(a, b, records) -> float:
    worst = 0.0
    for text in [r.text for r in records]:
        _, windows = a.encode(text)
        for backend_a, backend_b in ((a.tagger, b.tagger), (a.classifier, b.classifier)):
            la = a._run(backend_a, windows, 16)
            lb = b._run(backend_b, windows, 16)
            worst = max(worst, max(float(np.abs(x - y).max()) for x, y in zip(la, lb)))
    return worst


def export(model_dir, check_data: str | None, tolerance: float | None = None) -> dict:
    import rasd

    model_dir = Path(model_dir)
    manifest = Manifest.load(model_dir)
    tol = float(tolerance if tolerance is not None else manifest.onnx.get("int8_tolerance", 0.5))
    for task in ("tagger", "classifier"):
        task_dir = model_dir / manifest.tasks[task]
        quantize(export_task(task_dir, task))
        log.info("%s: wrote model.onnx and model.int8.onnx", task)
    report = {"opset": OPSET, "int8_tolerance": tol, "fp32": "model.onnx", "int8": "model.int8.onnx"}
    if check_data:
        records = read_records(check_data, manifest.schema)[:400]
        ref = rasd.load(model_dir, backend="torch")
        fp32 = rasd.load(model_dir, backend="onnx", precision="fp32")
        int8 = rasd.load(model_dir, backend="onnx", precision="int8")
        report["fp32_max_abs_logit_diff"] = round(_max_logit_diff(ref, fp32, records[:100]), 6)
        p_ref, lab_ref, span_ref = _scores(ref, records)
        p_q, lab_q, span_q = _scores(int8, records)
        key = lambda sp: (sp["start"], sp["end"], sp["label"])  # noqa: E731
        tags_same = sum(len({key(x) for x in a.spans} & {key(y) for y in b.spans}) for a, b in zip(p_ref, p_q))
        report.update({
            "check_data": str(check_data), "check_sentences": len(records),
            "label_agreement": round(sum(a.labels == b.labels for a, b in zip(p_ref, p_q)) / len(records), 4),
            "span_agreement": round(tags_same / max(1, sum(len(a.spans) for a in p_ref)), 4),
            "span_f1_torch": span_ref["micro"]["f1"], "span_f1_int8": span_q["micro"]["f1"],
            "label_f1_torch": lab_ref["micro"]["f1"], "label_f1_int8": lab_q["micro"]["f1"],
        })
        drop = 100 * max(span_ref["micro"]["f1"] - span_q["micro"]["f1"], lab_ref["micro"]["f1"] - lab_q["micro"]["f1"])
        report["int8_f1_drop_points"] = round(drop, 3)
        if drop > tol:
            log.warning("int8 drops F1 by %.2f points (> %.2f): keeping fp32 only", drop, tol)
            for task in ("tagger", "classifier"):
                (model_dir / manifest.tasks[task] / "model.int8.onnx").unlink()
            report["int8"] = None
    manifest.onnx = report
    manifest.save(model_dir)
    return report
