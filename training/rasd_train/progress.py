"""Output a person reads: one line per epoch in a log, progress bars only on a terminal.

The Trainer's own output is made for notebooks: a tqdm bar redrawn every step (thousands of lines
once written to a file) and every logged dict printed. On a non-terminal the bar is off and the
dicts are replaced by :class:`EpochLog`'s one line per epoch; on a terminal the bar stays.
Loading reports are filtered where they arise (:func:`quiet_head_report`), never globally.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time

log = logging.getLogger("rasd_train.train")


def on_terminal() -> bool:
    return sys.stderr.isatty()


def progress_args() -> dict:
    """TrainingArguments for the output: no per-step bar (nor its dict prints) in a log file."""
    return {} if on_terminal() else {"disable_tqdm": True}


def epoch_log_callback(task: str):
    from transformers import TrainerCallback

    class EpochLog(TrainerCallback):
        """``tagger epoch 3/12: loss 0.3143, lr 7.95e-04, 52 s`` at each epoch's end."""

        def on_train_begin(self, args, state, control, **kwargs):
            self.start, self.last = time.time(), {}

        def on_log(self, args, state, control, logs=None, **kwargs):
            self.last.update({k: v for k, v in (logs or {}).items() if k in ("loss", "learning_rate")})

        def on_epoch_end(self, args, state, control, **kwargs):
            loss, lr = self.last.get("loss"), self.last.get("learning_rate")
            log.info("%s epoch %d/%d: loss %s, lr %s, step %d, %.0f s", task, round(state.epoch or 0),
                     int(args.num_train_epochs), f"{loss:.4f}" if loss is not None else "-",
                     f"{lr:.2e}" if lr is not None else "-", state.global_step, time.time() - self.start)

    return EpochLog()


def drop_dict_printer(trainer) -> None:
    """Without a bar the Trainer prints every logged dict: the epoch line says what matters."""
    from transformers.trainer_callback import PrinterCallback

    if not on_terminal():
        trainer.remove_callback(PrinterCallback)


class _DropMessage(logging.Filter):
    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        return self.text not in record.getMessage()


@contextlib.contextmanager
def dropped_message(logger_name: str, text: str):
    """Drop the records of one logger that contain ``text``, only while the block runs: one known
    message filtered where it arises, never a logger or a level silenced."""
    target = logging.getLogger(logger_name)
    filt = _DropMessage(text)
    target.addFilter(filt)
    try:
        yield
    finally:
        target.removeFilter(filt)


def quiet_head_report():
    """Hide transformers' LOAD REPORT table while a base is loaded under a new task head.

    The table lists the new head as MISSING and the pooler as UNEXPECTED on every fine-tuning run:
    expected, and a dozen lines of noise in each log. Only that message, only during that load.
    """
    return dropped_message("transformers.modeling_utils", "LOAD REPORT")
