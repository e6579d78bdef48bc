"""Train and export the tiny test model into a folder, for the inference-only test run.

    .venv/bin/python tests/build_tiny_model.py runs/ci-tiny

The inference venv (no torch) then runs the tests that need a real exported model against it.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import MINI, tiny_config  # noqa: E402


def main(out: str) -> None:
    from rasd_train.config import TrainConfig, from_dict
    from rasd_train.export import export
    from rasd_train.train import train

    tmp = Path(out)
    tmp.mkdir(parents=True, exist_ok=True)
    cfg = from_dict(TrainConfig, tiny_config(tmp))
    train(cfg)
    export(Path(cfg.output_dir) / "model", str(MINI), tolerance=100.0)
    print(Path(cfg.output_dir) / "model")


if __name__ == "__main__":
    main(sys.argv[1])
