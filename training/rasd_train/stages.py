"""Which cached stages of a run folder may be used again: each records what it was built from.

A run folder keeps its built base, intermediate encoders, silver set and Trainer checkpoints, so
that a killed run resumes where it stopped. Used again blindly, they would also carry an earlier
run's data or settings into a new run in the same folder (a new annotation round, another silver
size, another learning rate) without a word: the model would be the old one, its report the new
config's. So each stage folder gets ``stage.json`` with the digest of its inputs, written when the
stage *starts* (a run killed inside the stage still resumes). A folder whose record differs, or
that has none, is removed with one warning that names what changed, and the stage runs again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

STAMP = "stage.json"
_MODEL_FILES = ("config.json", "tokenizer.json", "crf.json")


def _plain(value):
    """JSON-able form of config values (dataclasses, paths, tuples)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def digest(inputs: dict) -> str:
    return hashlib.sha1(json.dumps(_plain(inputs), sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def records_digest(records) -> str:
    """Text, labels and spans of ``records`` in order: what a stage learns from them."""
    h = hashlib.sha1()
    for r in records:
        row = [r.text, list(r.labels), [[s.start, s.end, s.label] for s in r.spans]]
        h.update(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
    return h.hexdigest()


def examples_digest(examples: list[dict]) -> str:
    """The training windows themselves (ids and labels): the data a Trainer sees, exactly."""
    h = hashlib.sha1()
    for ex in examples:
        h.update(json.dumps(ex, sort_keys=True).encode("utf-8") + b"\n")
    return h.hexdigest()


def model_identity(path: str) -> str:
    """A local model folder by the bytes of its weights, config and tokenizer; a Hub id by its name."""
    folder = Path(path)
    if not folder.is_dir():
        return str(path)
    h = hashlib.sha1()
    files = [folder / n for n in _MODEL_FILES] + sorted(folder.glob("*.safetensors"))
    for f in files:
        if f.is_file():
            h.update(f.name.encode("utf-8") + b"\0")
            with open(f, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
    return h.hexdigest()


def _read(folder: Path) -> dict | None:
    try:
        return json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _changed(old: dict | None, inputs: dict) -> list[str]:
    if old is None:
        return [f"no {STAMP}"]
    before, now = old.get("inputs", {}), _plain(inputs)
    return sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k)) or ["digest"]


def enter(folder: Path, inputs: dict, what: str) -> None:
    """Make ``folder`` hold only work built from ``inputs``: keep it if its record matches, else
    remove it (warning which inputs changed); then record ``inputs`` before the stage runs."""
    folder, wanted = Path(folder), digest(inputs)
    old = _read(folder) if folder.exists() else None
    if old is not None and old.get("digest") == wanted:
        return
    if folder.exists():
        log.warning("%s: %s was built from other inputs (changed: %s); removed, built again", what, folder,
                    ", ".join(_changed(old, inputs)))
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    tmp = folder / (STAMP + ".tmp")
    tmp.write_text(json.dumps({"digest": wanted, "inputs": _plain(inputs)}, ensure_ascii=False, indent=1,
                              sort_keys=True), encoding="utf-8")
    tmp.replace(folder / STAMP)


def enter_once(folder: Path, inputs: dict, what: str, cpu: bool) -> None:
    """:func:`enter` on the main process first, so that ranks of one run never remove each other's work."""
    from accelerate import PartialState

    with PartialState(cpu=cpu).main_process_first():
        enter(folder, inputs, what)
