"""``make publish``: one Hub repository per model — the whole model folder and a generated card.

The folder that would be pushed is built and checked first (it loads with transformers and with
rasd, its predictions match the local model, it holds only safetensors/ONNX weights and known
files, its card is complete); ``DRY_RUN=1`` stops there and lists it. The token comes from
``HF_TOKEN`` and is never printed or logged.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

from rasd.manifest import MANIFEST_NAME, Manifest
from rasd.charngrams import FILE_NAME as LABEL_NGRAMS
from rasd.wordcrf import FILE_NAME as WORD_CRF
from rasd_train.card import build_card, card_problems

log = logging.getLogger(__name__)
TASK_FILES = {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
              "special_tokens_map.json", "vocab.txt", "training_args.json", "model.onnx", "model.onnx.data",
              "model.int8.onnx"}
ROOT_FILES = {MANIFEST_NAME, WORD_CRF, LABEL_NGRAMS, "metrics.json", "metrics.md", "README.md"}
UNSAFE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".h5", ".msgpack", ".joblib", ".py")


class PublishError(RuntimeError):
    """Why a model cannot be published, in one sentence."""


def stage(model_dir, out_dir, repo_id: str, license_id: str = "apache-2.0") -> Path:
    """Copy exactly the files that belong on the Hub into ``out_dir`` and write the card there."""
    model_dir, out_dir = Path(model_dir), Path(out_dir)
    manifest = Manifest.load(model_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    for name in ROOT_FILES - {"README.md"}:
        if (model_dir / name).is_file():
            shutil.copy2(model_dir / name, out_dir / name)
    for task in manifest.tasks.values():
        (out_dir / task).mkdir()
        for f in sorted((model_dir / task).iterdir()):
            if f.name in TASK_FILES:
                shutil.copy2(f, out_dir / task / f.name)
            else:
                log.info("not published: %s", f)
    (out_dir / "README.md").write_text(build_card(model_dir, repo_id, license_id), encoding="utf-8")
    return out_dir


def check(folder, local_model_dir, sentences: list[str]) -> list[str]:
    """Every reason the staged folder is not fit to publish; an empty list means it is."""
    import numpy as np
    from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification, AutoTokenizer

    import rasd

    folder = Path(folder)
    problems = []
    manifest = Manifest.load(folder)
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if path.is_dir():
            continue
        if path.suffix in UNSAFE_SUFFIXES or path.name.endswith(UNSAFE_SUFFIXES):
            problems.append(f"{rel}: unsafe file type (only safetensors and ONNX weights are published)")
        elif len(rel.parts) == 1 and rel.name not in ROOT_FILES:
            problems.append(f"{rel}: stray file")
        elif len(rel.parts) == 2 and (rel.parts[0] not in manifest.tasks.values() or rel.name not in TASK_FILES):
            problems.append(f"{rel}: stray file")
        elif len(rel.parts) > 2:
            problems.append(f"{rel}: stray file")
    for task, cls in (("tagger", AutoModelForTokenClassification), ("classifier", AutoModelForSequenceClassification)):
        sub = manifest.tasks[task]
        try:
            cls.from_pretrained(str(folder), subfolder=sub, use_safetensors=True)
            AutoTokenizer.from_pretrained(str(folder), subfolder=sub)
        except Exception as exc:  # noqa: BLE001 - any failure to load is a reason not to publish
            problems.append(f"{sub}/ does not load with transformers: {type(exc).__name__}: {exc}")
    try:
        staged = rasd.load(folder, backend="torch")
        local = rasd.load(local_model_dir, backend="torch")
        a, b = staged.predict_sentences(sentences), local.predict_sentences(sentences)
        if any(x.labels != y.labels or [s["label"] for s in x.spans] != [s["label"] for s in y.spans]
               or not np.allclose(list(x.scores.values()), list(y.scores.values()), atol=1e-5) for x, y in zip(a, b)):
            problems.append("predictions of the staged folder differ from the local model")
        if manifest.onnx.get("fp32"):
            onnx = rasd.load(folder, backend="onnx").predict_sentences(sentences)
            if any(x.labels != y.labels for x, y in zip(onnx, a)):
                problems.append("the staged ONNX model's labels differ from the torch model's")
    except Exception as exc:  # noqa: BLE001
        problems.append(f"the folder does not load with rasd: {type(exc).__name__}: {exc}")
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    problems += [f"README.md: {p}" for p in card_problems((folder / "README.md").read_text(encoding="utf-8"),
                                                          metrics, manifest)]
    return problems


def listing(folder) -> str:
    folder = Path(folder)
    rows = [(str(p.relative_to(folder)), p.stat().st_size) for p in sorted(folder.rglob("*")) if p.is_file()]
    width = max(len(r[0]) for r in rows)
    total = sum(r[1] for r in rows)
    return "\n".join([f"{name:<{width}}  {size / 1e6:9.3f} MB" for name, size in rows] +
                     [f"{'total':<{width}}  {total / 1e6:9.3f} MB ({len(rows)} files)"])


def upload(folder, repo_id: str, private: bool, revision: str | None, tag: str | None) -> str:
    """Create the repo, upload the folder in one commit, tag the release; return the commit url."""
    from huggingface_hub import HfApi

    token = os.environ.get("HF_TOKEN")
    if not token:
        raise PublishError("HF_TOKEN is not set: export a Hugging Face write token (it is never printed)")
    api = HfApi(endpoint=os.environ.get("HF_ENDPOINT"), token=token)
    try:
        api.create_repo(repo_id, private=private, exist_ok=True, repo_type="model")
        if revision:
            api.create_branch(repo_id, branch=revision, exist_ok=True)
        info = api.upload_folder(folder_path=str(folder), repo_id=repo_id, revision=revision,
                                 commit_message=f"rasd model ({Manifest.load(folder).rasd_version})")
        if tag:
            api.create_tag(repo_id, tag=tag, revision=revision, exist_ok=True)
    except Exception as exc:  # network, auth, permissions: one sentence, never the token
        msg = str(exc).replace(token, "***").splitlines()[0][:300]
        raise PublishError(f"upload to {api.endpoint} failed ({type(exc).__name__}: {msg})") from None
    return str(getattr(info, "commit_url", info))


def publish(model_dir, repo_id: str, private: bool = False, revision: str | None = None, tag: str | None = None,
            dry_run: bool = False, check_data: str | None = "data/events/dev.jsonl") -> dict:
    from rasd.records import read_records

    if repo_id.count("/") != 1:
        raise PublishError(f"REPO_ID must look like org/name, got {repo_id!r}")
    out = Path(model_dir).parent / "publish" / repo_id.replace("/", "__")
    stage(model_dir, out, repo_id)
    sentences = [r.text for r in read_records(check_data)[:50]] if check_data and Path(check_data).is_file() else [
        "قالت وكالة الأنباء السورية إن إسرائيل شنت غارات على ريف حمص فجر الخميس."]
    problems = check(out, model_dir, sentences)
    if problems:
        raise PublishError("the folder is not fit to publish: " + "; ".join(problems))
    result = {"folder": str(out), "files": listing(out)}
    if not dry_run:
        version = Manifest.load(out).rasd_version
        result["commit"] = upload(out, repo_id, private, revision, tag or f"v{version}")
    return result
