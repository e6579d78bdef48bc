"""``rasd-train``: train, evaluate, and the corpus tools, each a sub-command behind a make target."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from rasd.records import RecordError

log = logging.getLogger("rasd_train")


def _train(args, rest) -> int:
    from rasd_train.config import load_config, parse_overrides
    from rasd_train.train import train

    cfg = load_config(args.config, parse_overrides(rest))
    results = train(cfg)
    if results:
        from pathlib import Path

        from rasd_train.report import summary_text

        sys.stdout.write(summary_text(results, str(Path(cfg.output_dir, "model", "metrics.md"))))
    return 0


def _evaluate(args, rest) -> int:
    from rasd_train.evaluation import evaluate_command

    res = evaluate_command(args.model, args.data, args.real_dev, args.out, args.backend, args.real_news)
    sys.stdout.write(res["text"] + "\n")
    return 0


def _corpus(args, rest) -> int:
    from rasd_train.data.build import build

    counts = build(args.src, args.out)
    sys.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()) + f" sentences written to {args.out}\n")
    return 0


def _validate(args, rest) -> int:
    from rasd_train.data.validate import count_by_split, validate_corpus, validate_inline_sources, validate_real_dev

    problems = validate_inline_sources(args.src) + validate_corpus(args.data, src_dir=args.src)
    if args.real_dev:
        problems += validate_real_dev(args.real_dev)
    if args.real_news:
        problems += _validate_real_news(args.real_news)
    for p in problems:
        sys.stdout.write(f"{p}\n")
    counts = count_by_split(args.data)
    sys.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()) + f" sentences; {len(problems)} problem(s)\n")
    return 1 if problems else 0


def _validate_real_news(refs_dir) -> list:
    from rasd_train.data.realnews import validate
    from rasd_train.data.shared import SharedDataMissing

    try:
        return validate(Path(refs_dir))
    except SharedDataMissing as exc:
        log.warning("real-news set not checked: %s", exc)
        return []


def _stats(args, rest) -> int:
    from rasd_train.data.shared import SharedDataMissing
    from rasd_train.data.stats import REAL_END, REAL_START, corpus_stats, real_news_stats, update_card

    text = corpus_stats(args.data)
    sys.stdout.write(text + "\n")
    if args.card and update_card(args.card, text):
        log.info("updated %s", args.card)
    if args.real_news:
        try:
            real = real_news_stats(args.real_news)
        except SharedDataMissing as exc:
            log.warning("real-news counts not regenerated: %s", exc)
            return 0
        sys.stdout.write("\n== real-news set\n" + real + "\n")
        if args.card and update_card(args.card, real, REAL_START, REAL_END):
            log.info("updated the real-news block of %s", args.card)
    return 0


def _real_news(args, rest) -> int:
    from rasd_train.data.realnews import materialise
    from rasd_train.data.shared import SharedDataMissing

    try:
        counts = materialise(Path(args.out))
    except SharedDataMissing as exc:
        sys.stdout.write(f"real-news set skipped: {exc}\n")
        return 0
    except RecordError as err:
        sys.stdout.write(f"{err}\n")
        return 1
    for split, n in counts.items():
        sys.stdout.write(f"{Path(args.out) / (split + '.jsonl')}: {n} records\n")
    return 0


def _convert(args, rest) -> int:
    from rasd_train.data.convert import CONVERTERS

    fn = CONVERTERS.get((args.source_format, args.target_format))
    if fn is None:
        raise SystemExit(f"no converter from {args.source_format} to {args.target_format}; "
                         f"available: {', '.join(f'{a}->{b}' for a, b in CONVERTERS)}")
    n = fn(args.input, args.output)
    sys.stdout.write(f"{n} sentences written to {args.output}\n")
    return 0


def _real_dev(args, rest) -> int:
    from rasd_train.data.realdev import main as realdev_main

    return realdev_main([args.src, "--write", args.out])


def _export(args, rest) -> int:
    import json

    from rasd_train.export import export

    report = export(args.model, args.check_data or None, args.tolerance)
    sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


def _publish(args, rest) -> int:
    from rasd_train.publish import PublishError, publish

    try:
        res = publish(args.model, args.repo_id, private=args.private, revision=args.revision or None,
                      tag=args.tag or None, dry_run=args.dry_run)
    except PublishError as exc:
        log.error("%s", exc)
        return 2
    sys.stdout.write(f"{'dry run: would push' if args.dry_run else 'pushed'} {res['folder']}\n{res['files']}\n")
    if "commit" in res:
        sys.stdout.write(f"commit: {res['commit']}\n")
    return 0


def _pretrain(args, rest) -> int:
    from rasd_train.config import parse_overrides
    from rasd_train.pretrain import load_pretrain_config, pretrain

    pretrain(load_pretrain_config(args.config, parse_overrides(rest)))
    return 0


def _agreement(args, rest) -> int:
    import json

    from rasd_train.data.agreement import agreement

    res = agreement(args.data, args.pass2)
    lab, sp = res["labels"], res["spans"]
    lines = [f"{res['n']} sentences compared ({len(res['changed_since_sampling'])} edited since sampling left out)",
             f"labels: micro F1 {lab['micro']['f1']:.3f}, macro F1 {lab['macro_f1']:.3f}, exact match {lab['exact_match']:.3f}",
             "  " + ", ".join(f"{k} {v['f1']:.3f}" for k, v in lab["per_label"].items()),
             f"spans (strict): micro F1 {sp['micro']['f1']:.3f} (P {sp['micro']['precision']:.3f}, "
             f"R {sp['micro']['recall']:.3f}), macro F1 {sp['macro']['f1']:.3f}",
             "  " + ", ".join(f"{k} {v['f1']:.3f}" for k, v in sp["per_type"].items()),
             f"{len(res['disagreements'])} sentences disagree"]
    sys.stdout.write("\n".join(lines) + "\n")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(res, fh, ensure_ascii=False, indent=1)
    return 0


def _compare(args, rest) -> int:
    from rasd_train.compare import compare, table
    from rasd_train.config import parse_overrides

    summary = compare(args.config, args.bases, args.seeds, parse_overrides(rest), args.out)
    sys.stdout.write(table(summary) + "\n")
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
    p.add_argument("--real-news", default="data/real-news",
                   help="real-news set whose test split is scored (rebuilt from ../shared); '' to leave out")
    p.add_argument("--out", default=None, help="write the scores here as JSON (and a .md table beside)")
    p.add_argument("--backend", default="auto", choices=["auto", "onnx", "torch"])
    p.set_defaults(func=_evaluate)
    p = sub.add_parser("corpus", help="build the JSONL splits from the inline annotation sources")
    p.add_argument("--src", default="data/events/src")
    p.add_argument("--out", default="data/events")
    p.set_defaults(func=_corpus)
    p = sub.add_parser("validate-data", help="check the corpus against every rule; non-zero exit on problems")
    p.add_argument("--data", default="data/events")
    p.add_argument("--src", default="data/events/src")
    p.add_argument("--real-dev", default="data/real-dev/saudinewsnet.jsonl")
    p.add_argument("--real-news", default="data/real-news", help="real-news references; '' to leave out")
    p.set_defaults(func=_validate)
    p = sub.add_parser("data-stats", help="corpus counts; rewrites the stats blocks of the data card")
    p.add_argument("--data", default="data/events")
    p.add_argument("--card", default="data/README.md")
    p.add_argument("--real-news", default="data/real-news", help="real-news references; '' to leave out")
    p.set_defaults(func=_stats)
    p = sub.add_parser("real-news", help="materialise the real-news set: OUT/train.jsonl, dev.jsonl, test.jsonl, real-dev.jsonl")
    p.add_argument("--out", required=True)
    p.set_defaults(func=_real_news)
    p = sub.add_parser("convert", help="convert between CoNLL/BIO, records (JSONL) and Label Studio exports")
    p.add_argument("--from", dest="source_format", required=True, choices=["conll", "jsonl", "labelstudio"])
    p.add_argument("--to", dest="target_format", required=True, choices=["conll", "jsonl"])
    p.add_argument("input")
    p.add_argument("output")
    p.set_defaults(func=_convert)
    p = sub.add_parser("real-dev", help="store the real-news dev set references (needs ../shared)")
    p.add_argument("--src", default="data/real-dev/src/saudinewsnet.txt")
    p.add_argument("--out", default="data/real-dev/saudinewsnet.jsonl")
    p.set_defaults(func=_real_dev)
    p = sub.add_parser("export", help="write ONNX fp32 + int8 for both tasks and check them against torch")
    p.add_argument("--model", required=True)
    p.add_argument("--check-data", default="data/events/dev.jsonl")
    p.add_argument("--tolerance", type=float, default=None, help="max int8 F1 drop in points (default 0.5)")
    p.set_defaults(func=_export)
    p = sub.add_parser("publish", help="push a model folder to the Hugging Face Hub (HF_TOKEN from the environment)")
    p.add_argument("--model", required=True)
    p.add_argument("--repo-id", required=True)
    p.add_argument("--private", action="store_true")
    p.add_argument("--revision", default="", help="branch to push to (default: main)")
    p.add_argument("--tag", default="", help="release tag (default: v<rasd version>)")
    p.add_argument("--dry-run", action="store_true", help="build and check the folder, list it, push nothing")
    p.set_defaults(func=_publish)
    p = sub.add_parser("agreement", help="agreement between the corpus and the second annotation pass")
    p.add_argument("--data", default="data/events")
    p.add_argument("--pass2", default="data/events/agreement/pass2.txt")
    p.add_argument("--out", default=None)
    p.set_defaults(func=_agreement)
    p = sub.add_parser("compare-bases", help="fine-tune from several bases with the same budget and seeds")
    p.add_argument("--config", default="configs/quickstart.yaml")
    p.add_argument("--bases", nargs="+", required=True, help="'offline' (random init) and/or base model folders")
    p.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    p.add_argument("--out", default="runs/compare")
    p.set_defaults(func=_compare)
    p = sub.add_parser("pretrain", help="masked-LM pretraining from a YAML config; --key value overrides")
    p.add_argument("config")
    p.set_defaults(func=_pretrain)
    args, rest = parser.parse_known_args(argv)
    if rest and args.command not in ("train", "pretrain", "compare-bases"):
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not sys.stderr.isatty():
        # transformers draws a bar for every weight load and save ("Loading weights", "Writing model
        # shards"): dozens a run, each a line in a log file. Bars stay on a terminal.
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    for name in ("rasd", "rasd_train"):
        logging.getLogger(name).setLevel(os.environ.get("RASD_LOG", "INFO"))
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
