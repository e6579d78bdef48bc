"""Batch inference on Ray Data: a pool of model actors, for inputs past one machine.

Two ways in:

- :func:`predict_dataset` for a user's own Ray Data pipeline: any dataset with an id and a text
  column in, the same dataset with rasd's predictions added out.
- :func:`run` for ``rasd predict --engine ray``: the same input formats, output records, errors
  file and resume as the default engine. The driver reads the input with :mod:`rasd.io` (so a
  local file or stdin works against a remote cluster too), sends windows of documents through the
  actor pool and appends the results in input order, one record per append, so a killed run is
  resumed by the same command and neither loses nor duplicates a document.

Every actor loads the model once and calls the same :meth:`rasd.runtime.Model.predict_documents`
as the default engine; only the scheduling differs. Ray is an optional extra (``rasd[ray]``):
nothing else in rasd imports Ray, and the CLI imports this module only for ``--engine ray``.
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from rasd.script import LowArabicLog

if TYPE_CHECKING:  # typing only: Ray stays optional
    import ray.data

log = logging.getLogger("rasd")

MISSING_RAY = "the Ray engine needs Ray Data, which is not installed: pip install 'rasd[ray]'"
PREDICTION_COLUMN = "prediction"  # as_json=True: the output record, exactly as `rasd predict` writes it
ORDER_COLUMN = "__rasd_k"  # a document's place in its window; results are put back in this order
OPTIONAL_FIELDS = ("warning",)  # record fields only some documents have: always a column, null elsewhere


def require_ray():
    """Import Ray Data, or stop with one sentence that says how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise RuntimeError(MISSING_RAY) from None
    return ray


@dataclass(frozen=True)
class ModelSpec:
    """What every actor loads and how it runs it: a small picklable value sent to each actor."""

    model_dir: str
    backend: str = "auto"
    precision: str = "fp32"
    device: str = "cpu"
    threads: int = 1  # ONNX Runtime threads: the actor's CPUs, so actors do not oversubscribe a node
    model_batch_size: int = 32  # sentence windows per forward pass (`rasd predict --batch-size`)

    def load(self):
        import rasd

        return rasd.load(self.model_dir, backend=self.backend, device=self.device, precision=self.precision,
                         threads=self.threads)


@dataclass(frozen=True)
class Columns:
    """Which columns of a dataset hold each document's id, text and (optional) publication date."""

    id: str = "id"
    text: str = "text"
    date: str | None = "date"  # used when the dataset has it; dates must be ISO 8601 or empty

    def documents(self, batch: dict[str, Any]) -> list:
        """The batch's rows as :class:`rasd.io.InputDocument` (a null text is empty, a null or empty
        date is no date)."""
        from rasd.io import InputDocument

        n = len(batch[self.id])
        dates = batch[self.date] if self.date in batch else [None] * n
        return [InputDocument(str(i), "" if t is None else str(t), str(d) if d not in (None, "") else None)
                for i, t, d in zip(batch[self.id], batch[self.text], dates)]


@dataclass(frozen=True)
class Workers:
    """The actor pool: how many actors, and what each one holds."""

    num_workers: int = 2
    num_cpus: float = 1
    num_gpus: float = 0


def output_record(doc, pred: dict) -> dict:
    """One output record, built as the default engine (``rasd.cli.predict``) builds it: the input's
    id and date, the model's prediction, then the event layer. Keep the two in step: the Ray
    tests compare this engine's output with the default engine's, byte for byte."""
    from rasd.events import add_events

    return add_events({"id": doc.id, "date": doc.date, **pred}, doc.date)


def records_of(model, docs: list, batch_size: int) -> list[dict]:
    """The output records of some :class:`rasd.io.InputDocument`, one ``predict_documents`` call."""
    preds = model.predict_documents([d.text for d in docs], batch_size=batch_size)
    return [output_record(doc, pred) for doc, pred in zip(docs, preds)]


class Predictor:
    """The callable class behind ``map_batches``: Ray makes one per actor, so the model (tokenizer and
    two ONNX sessions) is loaded once per actor, not once per batch."""

    def __init__(self, spec: ModelSpec, columns: Columns, as_json: bool, keep: tuple[str, ...] | None):
        self.model = spec.load()
        self.batch_size = spec.model_batch_size
        self.columns, self.as_json, self.keep = columns, as_json, keep

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        records = records_of(self.model, self.columns.documents(batch), self.batch_size)
        out = {k: v for k, v in batch.items() if self.keep is None or k in self.keep}
        if self.as_json:
            out[PREDICTION_COLUMN] = [json.dumps(r, ensure_ascii=False) for r in records]
            return out
        names = dict.fromkeys([*(k for r in records for k in r), *OPTIONAL_FIELDS])
        for name in names:
            if name not in ("id", "text"):
                out[name] = [r.get(name) for r in records]
        return out


def map_predictions(ds: "ray.data.Dataset", spec: ModelSpec, workers: Workers, batch_size: int,
                    columns: Columns = Columns(), as_json: bool = False,
                    keep: tuple[str, ...] | None = None) -> "ray.data.Dataset":
    """``ds.map_batches`` over a fixed pool of :class:`Predictor` actors (see :func:`predict_dataset`).

    ``keep`` names the input columns to pass through (None: all). Dropping them inside the actor
    rather than with a later ``select_columns`` matters: that would be a task stage needing a CPU
    of its own, which a node whose CPUs all hold actors never has until the pool is done.
    """
    require_ray()
    from ray.data import ActorPoolStrategy

    return ds.map_batches(
        Predictor, fn_constructor_kwargs={"spec": spec, "columns": columns, "as_json": as_json, "keep": keep},
        batch_size=batch_size, batch_format="numpy", compute=ActorPoolStrategy(size=workers.num_workers),
        num_cpus=workers.num_cpus, num_gpus=workers.num_gpus or None)


def predict_dataset(ds: "ray.data.Dataset", model_dir: str, *, id_column: str = "id", text_column: str = "text",
                    date_column: str | None = "date", batch_size: int = 64, model_batch_size: int = 32, num_workers: int = 1,
                    num_cpus_per_worker: float = 1, num_gpus_per_worker: float = 0, backend: str = "auto",
                    precision: str = "fp32", device: str | None = None, as_json: bool = False) -> "ray.data.Dataset":
    """Add rasd's predictions to every row of ``ds`` (lazily, like any Ray Data transform).

    ``batch_size`` documents go to an actor at a time; each of the ``num_workers`` actors holds
    ``num_cpus_per_worker`` CPUs (its ONNX Runtime threads) and ``num_gpus_per_worker`` GPUs (above
    0 the device is CUDA, which needs onnxruntime-gpu on the workers). ``model_dir`` must be
    readable on every worker: a shared path, or a Hub id. ``date_column``, when the dataset has it,
    is each document's publication date (ISO 8601), which event dates are resolved against. The
    input columns are kept; added are the fields of the output record (``sentences``, ``spans``,
    ``events``, ...), or with ``as_json`` one string column ``prediction`` holding the record
    exactly as ``rasd predict`` writes it. Row order is Ray's to keep: set
    ``DataContext.get_current().execution_options.preserve_order`` where it matters.
    """
    device = device or ("cuda" if num_gpus_per_worker else "cpu")
    spec = ModelSpec(str(model_dir), backend, precision, device, max(1, int(num_cpus_per_worker)), model_batch_size)
    workers = Workers(num_workers, num_cpus_per_worker, num_gpus_per_worker)
    return map_predictions(ds, spec, workers, batch_size, Columns(id_column, text_column, date_column), as_json)


# -- `rasd predict --engine ray` ----------------------------------------------------------------


@dataclass
class RunResult:
    """What a run did: documents predicted now, already in the output, malformed input records."""

    output: Path
    predicted: int = 0
    already: int = 0
    errors: int = 0


@dataclass(frozen=True)
class InputSpec:
    """The input and how to read it: the arguments of :func:`rasd.io.read_documents`."""

    path: str
    id_field: str = "id"
    text_field: str = "text"
    date_field: str = "date"
    default_date: str | None = None  # ISO 8601: text files, and records without a date of their own

    def __post_init__(self):
        """A bad default date stops the run once, before any work (as ``rasd predict --date`` does)."""
        from rasd.events.dates import DocumentDateError, parse_document_date
        from rasd.io import InputError

        try:
            parse_document_date(self.default_date)
        except DocumentDateError as exc:
            raise InputError(f"default date: {exc}") from None


def pending_documents(source: InputSpec, done: set[str], errors, strict: bool, result: RunResult) -> Iterator:
    """Input documents still to predict, in input order, picked as the default engine picks them:
    malformed records to ``errors`` (raised with ``strict``), ids already done and repeats skipped."""
    from rasd.io import InputError, read_documents

    for item in read_documents(source.path, source.id_field, source.text_field, source.date_field,
                               source.default_date):
        if isinstance(item, InputError):
            if strict:
                raise item
            result.errors += 1
            errors.write(f"{item}\n")
            continue
        if item.id not in done:
            done.add(item.id)  # a repeated id in the input is predicted once
            yield item


def run(input_path: str | InputSpec, output_path, model_dir: str, address: str | None = None, num_workers: int = 2,
        *, num_cpus_per_worker: float = 1, num_gpus_per_worker: float = 0, fmt: str | None = None,
        strict: bool = False, batch_size: int = 64, model_batch_size: int = 32, backend: str = "auto", precision: str = "fp32", device: str | None = None,
        window: int = 8192, progress: Callable[[int, float], None] | None = None) -> RunResult:
    """Predict ``input_path`` (a path, ``-``, or an :class:`InputSpec` naming the fields) into
    ``output_path`` on Ray, resuming an existing output.

    ``address``: a Ray cluster (``ray://...`` or ``HOST:PORT``); None: ``RAY_ADDRESS`` if set, else a
    local Ray for this run; an already initialised Ray is used as it is. ``batch_size`` is
    ``rasd predict --chunk`` (documents per actor call), ``model_batch_size`` its ``--batch-size``.
    The input goes to Ray ``window`` documents at a time, so memory stays flat on any input; each
    window gets a fresh actor pool (one model load per actor per window).
    """
    from rasd.io import WRITERS, output_format
    from rasd.manifest import Manifest
    from rasd.runtime import iter_batches, resolve_model_path

    source = input_path if isinstance(input_path, InputSpec) else InputSpec(str(input_path))
    output = Path(output_path)
    writer = WRITERS[output_format(output, fmt)](output)
    output.parent.mkdir(parents=True, exist_ok=True)
    done = writer.done_ids()
    result = RunResult(output, already=len(done))
    Manifest.load(resolve_model_path(str(model_dir)))  # a wrong folder fails here, once, not in each actor
    require_ray()
    device = device or ("cuda" if num_gpus_per_worker else "cpu")
    spec = ModelSpec(str(model_dir), backend, precision, device, max(1, int(num_cpus_per_worker)), model_batch_size)
    workers = Workers(num_workers, num_cpus_per_worker, num_gpus_per_worker)
    window = batch_size * max(1, math.ceil(window / batch_size))  # windows end on chunk boundaries
    errors_path = output.with_name(output.name + ".errors")
    flagged, session, started = LowArabicLog(log), _Session(address), time.time()
    writer.open()
    try:
        with open(errors_path, "a", encoding="utf-8") as errors:
            docs = pending_documents(source, done, errors, strict, result)
            for part in iter_batches(docs, window):
                session.start()
                for doc in predict_window(part, spec, workers, batch_size):
                    writer.write(doc)
                    flagged.see(doc)
                    result.predicted += 1
                    if result.predicted % batch_size == 0:
                        _flush(writer, progress, result.predicted, started)
                _flush(writer, progress, result.predicted, started)
    finally:
        writer.close()
        session.stop()
    _finish(errors_path, result, flagged)
    return result


def predict_window(part: list, spec: ModelSpec, workers: Workers, batch_size: int) -> Iterator[dict]:
    """The output records of one window of input documents, in input order, each as soon as its turn comes."""
    import pyarrow as pa
    import ray.data

    # One block per chunk of `batch_size`: each actor call then gets exactly the documents that the
    # default engine predicts together, so both engines pad the same batches the same way.
    blocks = [pa.table({ORDER_COLUMN: list(range(k, k + len(chunk))), "id": [d.id for d in chunk],
                        "text": [d.text for d in chunk], "date": pa.array([d.date for d in chunk], pa.string())})
              for k, chunk in ((k, part[k : k + batch_size]) for k in range(0, len(part), batch_size))]
    pool = replace(workers, num_workers=max(1, min(workers.num_workers, len(blocks))))
    out = map_predictions(ray.data.from_arrow(blocks), spec, pool, batch_size, as_json=True, keep=(ORDER_COLUMN,))
    yield from in_order(out.iter_batches(batch_size=None, batch_format="numpy"), len(part))


def in_order(batches: Iterable[dict], expected: int) -> Iterator[dict]:
    """Put actor results back in input order: hold early ones until every earlier one has come."""
    held: dict[int, str] = {}
    nxt = 0
    for batch in batches:
        held.update(zip(batch[ORDER_COLUMN].tolist(), batch[PREDICTION_COLUMN].tolist()))
        while nxt in held:
            yield json.loads(held.pop(nxt))
            nxt += 1
    if nxt != expected:
        raise RuntimeError(f"Ray returned {nxt} of the {expected} documents of a window; run again to resume")


def _flush(writer, progress: Callable[[int, float], None] | None, n: int, started: float) -> None:
    writer.flush()
    if progress:
        progress(n, time.time() - started)


def _finish(errors_path: Path, result: RunResult, flagged: LowArabicLog) -> None:
    if errors_path.exists() and errors_path.stat().st_size == 0:
        errors_path.unlink()
    if result.errors:
        log.warning("%d malformed input record(s) skipped: see %s", result.errors, errors_path)
    flagged.close()
    log.info("%d documents predicted on Ray, %d were already in %s", result.predicted, result.already,
             result.output)


class _Session:
    """Ray for one run: started on first use (an output that is already complete needs no cluster),
    shut down at the end only if this run started it (a caller's own ``ray.init`` is left alone)."""

    def __init__(self, address: str | None):
        self.address, self.owned, self.saved = address, False, None

    def start(self) -> None:
        ray = require_ray()
        if self.owned or ray.is_initialized():
            return
        ray.init(address=self.address, logging_level=logging.WARNING, include_dashboard=False)
        self.owned = True
        # rasd's own progress bar counts documents; Ray Data's bars and its per-window INFO lines
        # ("Starting execution", progress every 10 s off a terminal) would bury it
        data_log = logging.getLogger("ray.data")
        ctx = ray.data.DataContext.get_current()
        self.saved = (data_log.level, ctx.enable_progress_bars)
        data_log.setLevel(logging.WARNING)
        ctx.enable_progress_bars = False

    def stop(self) -> None:
        if not self.owned:
            return
        ray = require_ray()
        logging.getLogger("ray.data").setLevel(self.saved[0])
        ray.data.DataContext.get_current().enable_progress_bars = self.saved[1]
        ray.shutdown()
        self.owned = False
