"""``rasd`` command line: batch prediction over files of articles."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

log = logging.getLogger("rasd")


def predict(args) -> int:
    from rasd.events import add_events
    from rasd.io import WRITERS, InputError, output_format, read_documents
    from rasd.runtime import iter_batches, load
    from rasd.script import LowArabicLog

    if args.engine == "ray":
        return predict_on_ray(args)
    default_date = _default_date(args.date)
    shard, shards = parse_shard(args.shard)
    output = shard_path(Path(args.output), shard, shards)
    fmt = output_format(output, args.format)
    if shards > 1 and fmt != "jsonl":
        raise InputError("sharded runs write JSONL shards; `rasd merge` then writes csv or html")
    writer = WRITERS[fmt](output)
    output.parent.mkdir(parents=True, exist_ok=True)
    done = writer.done_ids()
    already = len(done)
    model = load(args.model, backend=args.backend, device=args.device, precision=args.precision,
                 threads=args.threads)
    errors_path = output.with_name(output.name + ".errors")
    n_errors = 0

    def docs():
        nonlocal n_errors
        with open(errors_path, "a", encoding="utf-8") as errors:
            for k, item in enumerate(read_documents(args.input, args.id_field, args.text_field, args.date_field,
                                                    default_date)):
                if k % shards != shard:
                    continue
                if isinstance(item, InputError):
                    if args.strict:
                        raise item
                    n_errors += 1
                    errors.write(f"{item}\n")
                    continue
                if item[0] not in done:
                    done.add(item[0])  # a repeated id in the input is predicted once
                    yield item

    n, started = 0, time.time()
    progress = _progress(args.quiet)
    flagged = LowArabicLog(log)
    writer.open()
    try:
        for chunk in iter_batches(docs(), args.chunk):
            preds = model.predict_documents([d.text for d in chunk], batch_size=args.batch_size)
            for doc, pred in zip(chunk, preds):
                record = add_events({"id": doc.id, "date": doc.date, **pred}, doc.date)
                writer.write(record)
                flagged.see(record)
            writer.flush()
            n += len(chunk)
            progress(n, time.time() - started)
    finally:
        writer.close()
    if errors_path.exists() and errors_path.stat().st_size == 0:
        errors_path.unlink()
    if n_errors:
        log.warning("%d malformed input record(s) skipped: see %s", n_errors, errors_path)
    flagged.close()
    log.info("%d documents predicted, %d were already in %s", n, already, output)
    return 0


def predict_on_ray(args) -> int:
    """``--engine ray``: the same input, output records, errors file and resume, on a pool of model
    actors on Ray Data (rasd.ray_engine); Ray spreads the work, so ``--shard`` does not apply."""
    from rasd import ray_engine
    from rasd.io import InputError

    if args.shard:
        raise InputError("--shard is for the default engine: with --engine ray, Ray spreads the work")
    source = ray_engine.InputSpec(args.input, args.id_field, args.text_field, args.date_field,
                                  _default_date(args.date))
    ray_engine.run(source, args.output, args.model, address=args.ray_address, num_workers=args.num_workers,
                   num_cpus_per_worker=args.threads or 1, num_gpus_per_worker=1 if args.device == "cuda" else 0,
                   fmt=args.format, strict=args.strict, batch_size=args.chunk, model_batch_size=args.batch_size,
                   backend=args.backend, precision=args.precision, device=args.device,
                   progress=_progress(args.quiet))
    return 0


def _default_date(value: str | None) -> str | None:
    """``--date``: checked once, before any work (a bad one stops the run with one line)."""
    from rasd.events.dates import DocumentDateError, parse_document_date
    from rasd.io import InputError

    try:
        day = parse_document_date(value)
    except DocumentDateError as exc:
        raise InputError(f"--date: {exc}") from None
    return day.isoformat() if day else None


def incidents(args) -> int:
    """Merge the events of a ``rasd predict`` JSONL output into incidents (rasd.events.incidents)."""
    from rasd.events.incidents import merge_incidents
    from rasd.io import InputError, output_format, read_predictions, write_incidents

    output = Path(args.output)
    fmt = output_format(output, args.format)
    if fmt == "html":
        raise InputError("incidents are written as jsonl, csv or acled, not html")
    records = merge_incidents(read_predictions(args.input), window_days=args.window_days)
    write_incidents(records, output, fmt)
    merged = sum(len(r["reports"]) > 1 for r in records)
    log.info("%d incidents (%d from more than one report) written to %s", len(records), merged, output)
    return 0


def parse_shard(spec: str | None) -> tuple[int, int]:
    """``K/N`` (0-based), ``auto`` (RANK and WORLD_SIZE from torchrun or accelerate), or none."""
    import os

    if not spec:
        return 0, 1
    if spec == "auto":
        return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    try:
        k, n = (int(x) for x in spec.split("/"))
    except ValueError:
        raise SystemExit(f"--shard must be K/N or auto, got {spec!r}") from None
    if not 0 <= k < n:
        raise SystemExit(f"--shard {spec}: K must be in 0..N-1")
    return k, n


def shard_path(output: Path, shard: int, shards: int) -> Path:
    return output if shards == 1 else output.with_name(f"{output.stem}.shard-{shard:03d}-of-{shards:03d}{output.suffix}")


def merge(args) -> int:
    """Interleave JSONL shards back into input order (streaming), in any output format."""
    import json

    from rasd.io import WRITERS, InputError, output_format, read_documents

    output = Path(args.output)
    fmt = output_format(output, args.format)
    shard_out = Path(args.shards_of or args.output)
    if shard_out.suffix != ".jsonl":
        shard_out = shard_out.with_suffix(".jsonl")
    files = [shard_path(shard_out, k, args.shards) for k in range(args.shards)]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise InputError(f"missing shard outputs: {', '.join(missing)}")
    handles = [open(f, encoding="utf-8") for f in files]
    if output.exists():
        output.unlink()
    writer = WRITERS[fmt](output)
    writer.open()
    n = 0
    try:
        for k, item in enumerate(read_documents(args.input, args.id_field, args.text_field)):
            if isinstance(item, InputError):
                continue
            line = handles[k % args.shards].readline()
            doc = json.loads(line) if line.strip() else None
            if doc is None or doc["id"] != item[0]:
                raise InputError(f"{files[k % args.shards]}: expected document {item[0]!r} next; "
                                 "the shard is incomplete or from another input: rerun that shard")
            writer.write(doc)
            n += 1
    finally:
        writer.close()
        for h in handles:
            h.close()
    log.info("merged %d documents from %d shards into %s", n, args.shards, output)
    return 0


def _progress(quiet: bool):
    try:
        from tqdm import tqdm
    except ImportError:
        tqdm = None
    if quiet or tqdm is None:
        return lambda n, s: None
    bar = tqdm(unit="doc", desc="rasd predict")

    def update(n, seconds):
        bar.update(n - bar.n)
        bar.set_postfix_str(f"{n / max(seconds, 1e-9):.1f} docs/s")

    return update


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="rasd", description="Arabic conflict-news event extraction.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("predict", help="predict labels and spans for a JSONL file of documents")
    p.add_argument("--model", required=True, help="model folder or Hub id")
    p.add_argument("--input", required=True,
                   help="JSONL (id, text, date), CSV with a header, a .txt file, a folder of .txt files, or - (JSONL on stdin)")
    p.add_argument("--output", required=True, help="file to write; an existing one is resumed, finished ids skipped")
    p.add_argument("--format", choices=["jsonl", "csv", "html", "acled"], default=None,
                   help="output format (default: from the output's extension, else jsonl); acled: the ACLED-shaped "
                        "table, one row per event")
    p.add_argument("--chunk", type=int, default=64, help="documents read and predicted together")
    p.add_argument("--id-field", default="id")
    p.add_argument("--text-field", default="text")
    p.add_argument("--date-field", default="date",
                   help="the publication date field / CSV column (ISO 8601); event dates are resolved against it")
    p.add_argument("--date", default=None,
                   help="publication date (ISO 8601) of text-file input, and of any record without its own")
    p.add_argument("--batch-size", type=int, default=32, help="model inputs (sentence windows) per batch")
    p.add_argument("--backend", choices=["auto", "onnx", "torch"], default="auto")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--precision", choices=["fp32", "int8"], default="fp32")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--strict", action="store_true", help="stop at the first malformed input line")
    p.add_argument("--shard", default=None,
                   help="K/N: predict every N-th input record from the K-th (0-based) into OUTPUT.shard-K-of-N; "
                        "'auto' reads RANK/WORLD_SIZE (torchrun, accelerate launch)")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--engine", choices=["default", "ray"], default="default",
                   help="default: this process; ray: a pool of model actors on Ray Data (pip install 'rasd[ray]')")
    p.add_argument("--ray-address", default=None,
                   help="--engine ray: the Ray cluster (HOST:PORT or ray://HOST:10001; default: RAY_ADDRESS, "
                        "else a local Ray started for the run)")
    p.add_argument("--num-workers", type=int, default=2,
                   help="--engine ray: model actors, each with --threads CPUs (default 1) and, with --device cuda, one GPU")
    m = sub.add_parser("merge", help="merge the JSONL shards of a sharded run back into input order")
    m.add_argument("--input", required=True, help="the input the shards were predicted from")
    m.add_argument("--output", required=True, help="merged output (.jsonl, .csv or .html)")
    m.add_argument("--shards", type=int, required=True)
    m.add_argument("--shards-of", default=None, help="the --output the shards were written for (default: --output)")
    m.add_argument("--format", choices=["jsonl", "csv", "html", "acled"], default=None)
    m.add_argument("--id-field", default="id")
    m.add_argument("--text-field", default="text")
    n = sub.add_parser("incidents", help="merge the events of a predict output into incidents across documents")
    n.add_argument("--input", required=True, help="a rasd predict JSONL output (- for stdin)")
    n.add_argument("--output", required=True, help="INCIDENTS.jsonl, .csv, or any name with --format acled")
    n.add_argument("--format", choices=["jsonl", "csv", "acled"], default=None,
                   help="default: from the output's extension (.csv), else jsonl; acled: one ACLED row per incident")
    n.add_argument("--window-days", type=int, default=1, help="reports at most this many days apart can merge")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    from rasd.io import InputError

    try:
        return {"merge": merge, "incidents": incidents}.get(args.command, predict)(args)
    except (FileNotFoundError, RuntimeError, InputError) as exc:
        log.error("%s", exc)
        return 2


if __name__ == "__main__":
    sys.exit(main())
