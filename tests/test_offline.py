"""No Hub here: a Hub id fails with one clear sentence, and rasd needs no torch."""

import subprocess
import sys

import pytest

from conftest import ROOT


def test_hub_base_model_offline_is_one_clear_sentence(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from rasd_train.base import BaseModelUnavailable, load_tokenizer

    with pytest.raises(BaseModelUnavailable) as err:
        load_tokenizer("aubmindlab/bert-base-arabertv02")
    msg = str(err.value)
    assert "configs/quickstart.yaml" in msg and "\n" not in msg


def test_missing_base_folder_is_named():
    from rasd_train.base import BaseModelUnavailable, load_tokenizer

    with pytest.raises(BaseModelUnavailable, match="base model folder ./no/such/model does not exist"):
        load_tokenizer("./no/such/model")


def test_train_cli_reports_config_errors_in_one_line(tmp_path):
    r = subprocess.run([sys.executable, "-m", "rasd_train.cli", "train", "configs/quickstart.yaml",
                        "--model.max_lenght", "3"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    assert "ERROR rasd_train: unknown key model.'max_lenght'" in r.stderr
    assert "Traceback" not in r.stderr


def test_inference_package_imports_and_runs_without_torch():
    code = ("import sys\n"
            "for m in ('torch', 'transformers', 'datasets', 'evaluate', 'accelerate'): sys.modules[m] = None\n"
            "import rasd, rasd.runtime, rasd.cli, rasd.backends, rasd.align, rasd.decode, rasd.sentences\n"
            "from rasd.text import tokenize\n"
            "print(len(tokenize('قصف على حمص')))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "3"
