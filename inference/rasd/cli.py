"""``rasd`` command line: batch prediction over files of articles."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

log = logging.getLogger("rasd")


def _finished_ids(output: Path) -> set[str]:
    """Ids already written by an earlier run; a torn last line (killed mid-write) is cut off."""
    if not output.exists():
        return set()
    data = output.read_bytes()
    keep = data.rfind(b"\n") + 1
    if keep < len(data):
        with open(output, "r+b") as fh:
            fh.truncate(keep)
        log.warning("%s: dropped a partial last line left by an interrupted run", output)
    done = set()
    for line in data[:keep].decode("utf-8").splitlines():
        if line.strip():
            done.add(json.loads(line)["id"])
    return done


def _read_inputs(path: Path, id_field: str, text_field: str, errors, strict: bool):
    fh = sys.stdin if str(path) == "-" else open(path, encoding="utf-8")
    with fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                doc_id, text = obj[id_field], obj[text_field]
                if not isinstance(text, str):
                    raise TypeError(f"{text_field!r} is not a string")
                yield str(doc_id), text
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                problem = f"{path}:{lineno}: {type(exc).__name__}: {exc}"
                if strict:
                    raise SystemExit(f"error: {problem}")
                errors.write(problem + "\n")
                errors.flush()


def predict(args) -> int:
    from rasd.runtime import iter_batches, load

    model = load(args.model, backend=args.backend, device=args.device, precision=args.precision,
                 threads=args.threads)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    done = _finished_ids(output)
    errors_path = output.with_suffix(output.suffix + ".errors")
    n, started = 0, time.time()
    with open(output, "a", encoding="utf-8") as out, open(errors_path, "a", encoding="utf-8") as errors:
        docs = ((i, t) for i, t in _read_inputs(Path(args.input), args.id_field, args.text_field, errors, args.strict)
                if i not in done)
        progress = _progress(args.quiet)
        for batch in iter_batches(docs, args.batch_size):
            preds = model.predict_documents([t for _, t in batch], batch_size=args.batch_size)
            for (doc_id, _), pred in zip(batch, preds):
                out.write(json.dumps({"id": doc_id, **pred}, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
            n += len(batch)
            progress(n, time.time() - started)
    if errors_path.stat().st_size == 0:
        errors_path.unlink()
    else:
        log.warning("some input lines were skipped: see %s", errors_path)
    log.info("%d documents predicted (%d already done) -> %s", n, len(done), output)
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
    p.add_argument("--input", required=True, help="JSONL with id and text per line, or - for stdin")
    p.add_argument("--output", required=True, help="JSONL to write (appended to and resumed if it exists)")
    p.add_argument("--id-field", default="id")
    p.add_argument("--text-field", default="text")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--backend", choices=["auto", "onnx", "torch"], default="auto")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--precision", choices=["fp32", "int8"], default="fp32")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--strict", action="store_true", help="stop at the first malformed input line")
    p.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from rasd.manifest import ModelFolderError

    try:
        return predict(args)
    except (ModelFolderError, FileNotFoundError, RuntimeError) as exc:
        log.error("%s", exc)
        return 2


if __name__ == "__main__":
    sys.exit(main())
