"""Model execution: ONNX Runtime (default, no torch) or torch + transformers (optional extra).

A backend maps a padded batch of ids to logits as a numpy array; nothing else about the model
leaks out, so every backend goes through the same encoding and decoding code.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from rasd.manifest import ModelFolderError

ONNX_NAMES = {"fp32": "model.onnx", "int8": "model.int8.onnx"}


class OnnxBackend:
    """ONNX Runtime session over ``model.onnx`` / ``model.int8.onnx`` in a task folder."""

    name = "onnx"

    def __init__(self, folder, device: str = "cpu", precision: str = "fp32", threads: int | None = None):
        import onnxruntime as ort

        path = Path(folder) / ONNX_NAMES[precision]
        if not path.is_file():
            raise ModelFolderError(f"{path} not found: export the model first (make export MODEL=...)")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or os.cpu_count() or 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        providers = ["CPUExecutionProvider"]
        if device == "cuda":
            if "CUDAExecutionProvider" not in ort.get_available_providers():
                raise RuntimeError("--device cuda needs onnxruntime-gpu (pip install 'rasd[gpu]')")
            providers.insert(0, "CUDAExecutionProvider")
        self.session = ort.InferenceSession(str(path), opts, providers=providers)
        self.input_names = {i.name for i in self.session.get_inputs()}

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        return self.session.run(["logits"], feeds)[0]


class TorchBackend:
    """transformers model from safetensors weights; for GPUs and for checking ONNX exports."""

    name = "torch"

    def __init__(self, folder, task: str, device: str = "cpu", threads: int | None = None):
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification
        except ImportError as exc:
            raise RuntimeError("the torch backend needs torch and transformers (pip install 'rasd[torch]')") from exc
        if not (Path(folder) / "model.safetensors").is_file():
            raise ModelFolderError(f"{Path(folder) / 'model.safetensors'} not found")
        cls = AutoModelForTokenClassification if task == "tagger" else AutoModelForSequenceClassification
        if threads:
            torch.set_num_threads(threads)
        self.torch = torch
        self.device = torch.device(device)
        self.model = cls.from_pretrained(str(folder), use_safetensors=True).to(self.device).eval()

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        torch = self.torch
        with torch.inference_mode():
            out = self.model(
                input_ids=torch.from_numpy(input_ids).to(self.device),
                attention_mask=torch.from_numpy(attention_mask).to(self.device),
            )
        return out.logits.float().cpu().numpy()


def resolve_backend(kind: str, folder, precision: str = "fp32") -> str:
    """``auto`` is ONNX where the task folder has the exported file and onnxruntime is installed."""
    if kind == "auto":
        return "onnx" if (Path(folder) / ONNX_NAMES[precision]).is_file() and _has("onnxruntime") else "torch"
    return kind


def make_backend(kind: str, folder, task: str, device: str = "cpu", precision: str = "fp32", threads=None):
    kind = resolve_backend(kind, folder, precision)
    if kind == "onnx":
        return OnnxBackend(folder, device=device, precision=precision, threads=threads)
    if kind == "torch":
        return TorchBackend(folder, task, device=device, threads=threads)
    raise ValueError(f"unknown backend {kind!r} (onnx, torch or auto)")


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
