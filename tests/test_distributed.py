"""Training runs unchanged under accelerate: a real 2-process CPU run over gloo."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytest.importorskip("accelerate")

from conftest import ROOT, tiny_config  # noqa: E402


def test_two_processes_train_and_the_model_is_saved_once(tmp_path):
    cfg = tiny_config(tmp_path, epochs=3)
    cfg["dataset"]["dev"] = []
    (tmp_path / "cfg.yaml").write_text(yaml.safe_dump(cfg))
    accelerate = Path(sys.executable).with_name("accelerate")
    cmd = [str(accelerate) if accelerate.exists() else shutil.which("accelerate"), "launch", "--config_file",
           str(ROOT / "configs/accelerate/cpu_2proc.yaml"), "-m", "rasd_train.cli", "train", str(tmp_path / "cfg.yaml")]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    log = r.stdout + r.stderr
    assert r.returncode == 0, log[-3000:]
    for task in ("tagger", "classifier"):
        assert f"{task}: rank 0 of 2 training" in log and f"{task}: rank 1 of 2 training" in log
        assert log.count(f"{task}: saved to") == 1
    assert log.count("offline base: vocab") == 1
    metrics = json.loads((tmp_path / "run" / "model" / "metrics.json").read_text())
    assert metrics["world_size"] == 2
    args = json.loads((tmp_path / "run" / "model" / "tagger" / "training_args.json").read_text())
    assert args["use_cpu"] is True
