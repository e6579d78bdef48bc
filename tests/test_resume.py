"""A fine-tuning run killed with SIGKILL mid-way, started again with the same command, resumes and
finishes with the scores of an uninterrupted run; its log is a person's log (one line per epoch)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from conftest import ROOT, tiny_config


def _command(cfg_path: Path) -> list[str]:
    return [sys.executable, "-m", "rasd_train.cli", "train", str(cfg_path)]


def _env() -> dict:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}


def test_killed_run_resumes_and_matches_an_uninterrupted_one(tmp_path, tiny_run):
    cfg = tiny_config(tmp_path)
    for task in ("tagger", "classifier"):
        cfg[task].update(save_strategy="steps", save_steps=10)
        cfg[task].pop("disable_tqdm")  # the default output, as a user gets it in a log file
    cfg_path = tmp_path / "cfg.yaml"
    cfg_path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    ckpts = Path(cfg["output_dir"]) / "checkpoints" / "tagger"
    proc = subprocess.Popen(_command(cfg_path), cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and not any(int(p.name.split("-")[1]) >= 30 for p in ckpts.glob("checkpoint-*")):
        assert proc.poll() is None, "the run ended before it could be killed"
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (Path(cfg["output_dir"]) / "model" / "metrics.json").exists()

    again = subprocess.run(_command(cfg_path), cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "tagger: resuming from" in again.stderr
    import json

    resumed = json.loads((Path(cfg["output_dir"]) / "model" / "metrics.json").read_text(encoding="utf-8"))
    _, straight = tiny_run
    for key in ("labels", "spans"):
        assert abs(resumed["dev"][key]["micro"]["f1"] - straight["dev"][key]["micro"]["f1"]) <= 0.1
    # a person's log: epoch lines, no per-step bars, no LOAD REPORT tables
    lines = again.stderr.splitlines()
    assert any("tagger epoch 40/40" in line for line in lines)
    noise = [line for line in lines if "LOAD REPORT" in line or "it/s]" in line or "TracerWarning" in line]
    assert not noise, noise[:3]
    assert len(lines) <= 40 + 2 * 40, len(lines)  # two tasks of 40 epochs: about one line each, no more


def test_a_one_epoch_run_writes_at_most_40_lines_to_a_log(tmp_path):
    cfg = tiny_config(tmp_path, epochs=1)
    for task in ("tagger", "classifier"):
        cfg[task].pop("disable_tqdm")  # the default output, as a user gets it in a log file
    cfg_path = tmp_path / "cfg.yaml"
    cfg_path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    run = subprocess.run(_command(cfg_path), cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = (run.stdout + run.stderr).splitlines()
    assert any("tagger epoch 1/1" in line for line in lines) and any("classifier epoch 1/1" in line for line in lines)
    assert len(lines) <= 40, "\n".join(lines)
