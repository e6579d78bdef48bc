"""``rasd-train``: train, evaluate, and the corpus tools, each a sub-command behind a make target."""

from __future__ import annotations

import argparse
import logging
import os
import sys

log = logging.getLogger("rasd_train")


def _train(args, rest) -> int:
    from rasd_train.config import load_config, parse_overrides
    from rasd_train.train import train

    cfg = load_config(args.config, parse_overrides(rest))
    results = train(cfg)
    if results:
        from pathlib import Path

        sys.stdout.write(Path(cfg.output_dir, "model", "metrics.md").read_text(encoding="utf-8"))
    return 0


def _evaluate(args, rest) -> int:
    from rasd_train.evaluation import evaluate_command

    res = evaluate_command(args.model, args.data, args.real_dev, args.out, args.backend)
    sys.stdout.write(res["text"] + "\n")
    return 0


def _corpus(args, rest) -> int:
    from rasd_train.data.build import build

    counts = build(args.src, args.out)
    sys.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()) + f" sentences written to {args.out}\n")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="rasd-train", description="Train and evaluate rasd models.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("train", help="train both tasks from a YAML config; --section.key value overrides")
    p.add_argument("config")
    p.set_defaults(func=_train)
    p = sub.add_parser("evaluate", help="score a saved model on record files")
    p.add_argument("--model", required=True)
    p.add_argument("--data", nargs="+", required=True)
    p.add_argument("--real-dev", default="data/real-dev/saudinewsnet.jsonl",
                   help="real-news references (rebuilt from ../shared); '' to leave out")
    p.add_argument("--out", default=None, help="write the scores here as JSON (and a .md table beside)")
    p.add_argument("--backend", default="auto", choices=["auto", "onnx", "torch"])
    p.set_defaults(func=_evaluate)
    p = sub.add_parser("corpus", help="build the JSONL splits from the inline annotation sources")
    p.add_argument("--src", default="data/events/src")
    p.add_argument("--out", default="data/events")
    p.set_defaults(func=_corpus)
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "train":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    logging.basicConfig(level=os.environ.get("RASD_LOG", "INFO"), format="%(levelname)s %(name)s: %(message)s")
    from rasd.records import RecordError
    from rasd_train.base import BaseModelUnavailable
    from rasd_train.config import ConfigError

    try:
        return args.func(args, rest)
    except (ConfigError, RecordError, BaseModelUnavailable, FileNotFoundError) as exc:
        log.error("%s", exc)
        return 2


if __name__ == "__main__":
    sys.exit(main())
