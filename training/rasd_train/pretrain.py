"""``make pretrain``: continued masked-language-model pretraining, or a small BERT from scratch.

Text streams from the sources (memory stays flat in corpus size), is split into words by the
shared rasd tokeniser and normalised per word exactly as fine-tuning and inference do, and is
packed into fixed-length sequences. Masking is whole-word over Arabic words: a word is masked
with all its sub-tokens. The Trainer checkpoints every ``save_steps``; started again with the same
command, a killed run resumes from the last checkpoint. ``max_seconds`` bounds the wall time.
"""

from __future__ import annotations

import json
import logging
import lzma
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from rasd.text import Normalization, normalize_word, tokenize
from rasd_train.config import ConfigError, from_dict, yaml_load

log = logging.getLogger(__name__)


@dataclass
class PretrainConfig:
    base_model: str = "scratch"  # a Hub id or folder to continue from, or "scratch"
    bert_config: str | None = "configs/base/bert-small.json"
    vocab_size: int = 8000
    tokenizer_min_frequency: int = 2
    tokenizer_max_chars: int = 20_000_000
    # Sources: files or folders (.txt, .jsonl with a "text" field, either .xz-compressed), the corpus
    # records ("data/events/train.jsonl"), or "shared:saudinewsnet", "shared:fignews", "shared:idrisi",
    # "shared:ner" (ANERcorp train, AQMAR, Wojood train, WikiFANE; NewsFANE is ANERcorp's text).
    # The real-news test documents (SaudiNewsNet's last three days, FIGNEWS B14-B15) are never read.
    text: list[str] = field(default_factory=lambda: ["data/events/train.jsonl"])
    normalization: dict[str, Any] = field(default_factory=dict)
    max_length: int = 128
    mlm_probability: float = 0.15
    max_seconds: float = 0  # 0: no time limit
    # "ppmi": a scratch base's input embeddings start from co-occurrence vectors over the same text
    # (rasd_train.embeddings); the starting point is saved as OUTPUT_DIR/init, itself a usable base.
    embedding_init: str = "random"
    embedding_window: int = 5
    embedding_max_chars: int = 60_000_000
    embedding_std: float = 0.05
    seed: int = 42
    output_dir: str = "runs/pretrain"
    training: dict[str, Any] = field(default_factory=dict)  # transformers.TrainingArguments


def load_pretrain_config(path, overrides=()) -> PretrainConfig:
    from rasd_train.config import _apply_override

    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"config file not found: {p}")
    data = yaml_load(p.read_text(encoding="utf-8")) or {}
    for k, v in overrides:
        _apply_override(data, k, v)
    cfg = from_dict(PretrainConfig, data)
    if cfg.base_model == "scratch" and cfg.bert_config and not Path(cfg.bert_config).is_file():
        raise ConfigError(f"bert_config: file not found: {cfg.bert_config}")
    if cfg.embedding_init not in ("random", "ppmi"):
        raise ConfigError(f"embedding_init: expected random or ppmi, got {cfg.embedding_init!r}")
    if cfg.embedding_init == "ppmi" and cfg.base_model != "scratch":
        raise ConfigError("embedding_init: ppmi starts a base from scratch; base_model must be scratch")
    return cfg


# -- text sources -------------------------------------------------------------------------------


def _open(path: Path):
    return lzma.open(path, "rt", encoding="utf-8") if path.suffix == ".xz" else open(path, encoding="utf-8")


def _file_texts(path: Path) -> Iterator[str]:
    jsonl = ".jsonl" in path.suffixes or ".json" in path.suffixes
    with _open(path) as fh:
        for line in fh:
            if not line.strip():
                continue
            if jsonl:
                obj = json.loads(line)
                text = obj.get("text") or obj.get("content") or ""
                if text:
                    yield text
            else:
                yield line


def iter_texts(sources: list[str]) -> Iterator[str]:
    """The sources' texts interleaved, one document (or line) from each in turn.

    Interleaving keeps every stretch of the stream a mix of newspapers, posts and NER text: read
    one source after another, a run stopped by its time limit would have seen SaudiNewsNet only.
    """
    streams = [_source_texts(src) for src in sources]
    while streams:
        for stream in list(streams):
            text = next(stream, None)
            if text is None:
                streams.remove(stream)
            else:
                yield text


def _source_texts(src: str) -> Iterator[str]:
    """One source's text; a missing ../shared is skipped with a reason."""
    from rasd_train.data.realnews import TEST_BATCHES, TEST_DATES
    from rasd_train.data.shared import SharedDataMissing, iter_fignews, iter_saudinewsnet, shared_file

    try:
        if src == "shared:saudinewsnet":
            for art in iter_saudinewsnet():
                if art["date_extracted"][:10] not in TEST_DATES:  # the real-news test days stay unseen
                    yield art["content"]
        elif src == "shared:fignews":
            for post in iter_fignews():
                if post["batch"] not in TEST_BATCHES:
                    yield post["text"]
        elif src == "shared:idrisi":
            for path in sorted(shared_file("idrisi_r_ar_gold", "gold-random-json").rglob("*.jsonl")):
                for line in open(path, encoding="utf-8"):
                    if line.strip():
                        yield json.loads(line)["text"]
        elif src == "shared:ner":
            yield from _ner_sentences()
        else:
            path = Path(src)
            if path.is_dir():
                for f in sorted(p for p in path.rglob("*") if p.is_file() and {".txt", ".jsonl", ".xz"} & set(p.suffixes)):
                    yield from _file_texts(f)
            elif path.is_file():
                yield from _file_texts(path)
            else:
                raise FileNotFoundError(f"pretraining text source not found: {src}")
    except SharedDataMissing as exc:
        log.warning("skipping %s: %s", src, exc)


def _ner_sentences() -> Iterator[str]:
    """The raw text of the NER corpora in ../shared (CoNLL-style: first column, blank line between)."""
    from rasd_train.data.shared import shared_file

    files = [shared_file("anercorp_camel", "ANERCorp_CamelLab_train.txt"), *sorted(shared_file("aqmar").glob("*.txt")),
             shared_file("wojood_sample", "train.txt"), shared_file("fane_gold_2014", "WikiFANE_Gold_2014_500K.txt")]
    for path in files:
        words = []
        for line in open(path, encoding="utf-8-sig", errors="replace"):
            parts = line.replace("\u200e", "").split()  # WikiFANE marks every word with an LRM
            if not parts:
                if words:
                    yield " ".join(words)
                    words = []
            elif not line.startswith("-DOCSTART-"):
                words.append(parts[0])
        if words:
            yield " ".join(words)


# -- packing and whole-word masking ------------------------------------------------------------


class PackedText:
    """An iterable of fixed-length examples; each re-iteration streams the sources again."""

    def __init__(self, sources, tokenizer, normalization: Normalization, max_length: int):
        self.sources, self.tok, self.norm, self.max_length = sources, tokenizer, normalization, max_length

    def __iter__(self):
        backend = self.tok.backend_tokenizer
        body = self.max_length - 2
        ids, words, next_word = [], [], 0
        for text in iter_texts(self.sources):
            toks = [normalize_word(t.text, self.norm) for t in tokenize(text)]
            if not toks:
                continue
            enc = backend.encode(toks, is_pretokenized=True, add_special_tokens=False)
            for tid, w in zip(enc.ids, enc.word_ids):
                ids.append(tid)
                words.append(next_word + (w or 0))
            next_word += len(toks)
            ids.append(self.tok.sep_token_id)  # document boundary
            words.append(-1)
            next_word += 1
            while len(ids) >= body:
                chunk, wchunk = ids[:body], words[:body]
                ids, words = ids[body:], words[body:]
                yield {"input_ids": [self.tok.cls_token_id, *chunk, self.tok.sep_token_id],
                       "word_ids": [-1, *wchunk, -1]}


class WholeWordMasker:
    """Collator: masks ``probability`` of the words (all their sub-tokens): 80% [MASK], 10% random, 10% kept."""

    def __init__(self, tokenizer, probability: float, seed: int):
        self.tok, self.p, self.rng = tokenizer, probability, random.Random(seed)

    def __call__(self, examples):
        import torch

        input_ids, labels = [], []
        for ex in examples:
            ids, wids = list(ex["input_ids"]), ex["word_ids"]
            words = sorted({w for w in wids if w >= 0})
            chosen = set(self.rng.sample(words, max(1, round(len(words) * self.p)))) if words else set()
            lab = [-100] * len(ids)
            for pos, w in enumerate(wids):
                if w in chosen:
                    lab[pos] = ids[pos]
                    r = self.rng.random()
                    if r < 0.8:
                        ids[pos] = self.tok.mask_token_id
                    elif r < 0.9:
                        ids[pos] = self.rng.randrange(len(self.tok))
            input_ids.append(ids)
            labels.append(lab)
        t = torch.tensor(input_ids)
        return {"input_ids": t, "attention_mask": torch.ones_like(t), "labels": torch.tensor(labels)}


def _time_limit_callback(max_seconds: float, tokens_per_step: int):
    from transformers import TrainerCallback

    class Limit(TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            self.start, self.start_step = time.time(), state.global_step

        def on_step_end(self, args, state, control, **kwargs):
            if max_seconds and time.time() - self.start > max_seconds:
                log.info("time limit of %.0f s reached at step %d: saving and stopping", max_seconds, state.global_step)
                control.should_save = True
                control.should_training_stop = True

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs is not None and "loss" in logs:
                steps = state.global_step - self.start_step
                logs["tokens_per_s"] = round(steps * tokens_per_step / max(time.time() - self.start, 1e-9), 1)
                log.info("pretrain step %d/%d: loss %.4f, lr %.2e, %.0f tokens/s", state.global_step,
                         state.max_steps, logs["loss"], logs.get("learning_rate", 0.0), logs["tokens_per_s"])

    return Limit()


def _masked_only_trainer():
    """A Trainer whose MLM loss runs the output layer on the masked positions only.

    BERT's MLM head projects every position onto the vocabulary; with 15% of the words masked,
    85% of that work (the largest matrix product of a small model with a 16k vocabulary) feeds
    positions whose labels are -100. The loss is the same mean cross-entropy over masked tokens.
    Only for a single process with a BERT-style model (``.bert`` and ``.cls``); otherwise the
    model's own forward is used, so DDP keeps its hooks.
    """
    import torch.nn.functional as F
    from transformers import Trainer

    class MaskedOnlyTrainer(Trainer):
        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            if self.args.world_size > 1 or not (hasattr(model, "bert") and hasattr(model, "cls")):
                return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
            labels = inputs["labels"]
            hidden = model.bert(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"]).last_hidden_state
            chosen = labels != -100
            loss = F.cross_entropy(model.cls(hidden[chosen]), labels[chosen])
            return (loss, None) if return_outputs else loss

    return MaskedOnlyTrainer


def start_from_vectors(model, tokenizer, cfg: PretrainConfig, norm: Normalization, folder: Path) -> None:
    """Set the input (and tied output) embeddings from PPMI vectors; saved once to ``folder``, read back after."""
    import torch
    from transformers import BertForMaskedLM

    if not (folder / "pretrain.json").is_file():  # written last: a start cut short is made again
        from rasd_train.embeddings import piece_vectors

        started = time.time()
        matrix, info = piece_vectors(iter_texts(cfg.text), tokenizer, norm, model.config.hidden_size,
                                     cfg.embedding_window, cfg.embedding_max_chars, cfg.embedding_std, cfg.seed,
                                     special_ids=tokenizer.all_special_ids)
        with torch.no_grad():
            model.get_input_embeddings().weight.copy_(torch.from_numpy(matrix))
        model.save_pretrained(str(folder), safe_serialization=True)
        tokenizer.save_pretrained(str(folder))
        info["seconds"] = round(time.time() - started, 1)
        (folder / "pretrain.json").write_text(json.dumps({
            "steps": 0, "tokens_seen": 0, "sources": cfg.text, "normalization": norm.to_dict(),
            "max_length": cfg.max_length, "loss_curve": [], "embeddings": info}, indent=2) + "\n", encoding="utf-8")
        log.info("embeddings: PPMI vectors for %d of %d pieces in %.0f s, saved to %s",
                 info["pieces_with_vectors"], info["vocab_size"], info["seconds"], folder)
    start = BertForMaskedLM.from_pretrained(str(folder))
    model.load_state_dict(start.state_dict())


def _embeddings_info(init: Path) -> dict:
    """How the embeddings were started, when a PPMI start was made (it goes on every model's record)."""
    path = init / "pretrain.json"
    return {"embeddings": json.loads(path.read_text(encoding="utf-8"))["embeddings"]} if path.is_file() else {}


def pretrain(cfg: PretrainConfig) -> Path:
    from datasets import IterableDataset
    from transformers import AutoTokenizer, BertConfig, BertForMaskedLM, AutoModelForMaskedLM, \
        TrainingArguments, set_seed
    from transformers.trainer_utils import get_last_checkpoint

    from rasd_train.base import _check_reachable, normalized_lines, train_wordpiece
    from rasd_train.config import check_training_args

    check_training_args("training", cfg.training)
    norm = Normalization.from_dict(cfg.normalization)
    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    set_seed(cfg.seed)
    if cfg.base_model == "scratch":
        tok_dir = out / "tokenizer"
        if not (tok_dir / "tokenizer.json").is_file():
            texts, used = [], 0
            for t in iter_texts(cfg.text):
                texts.append(t)
                used += len(t)
                if used >= cfg.tokenizer_max_chars:
                    break
            tokenizer = train_wordpiece(normalized_lines(texts, norm), cfg.vocab_size, cfg.tokenizer_min_frequency)
            tokenizer.save_pretrained(tok_dir)
        tokenizer = AutoTokenizer.from_pretrained(str(tok_dir))
        params = json.loads(Path(cfg.bert_config).read_text(encoding="utf-8"))
        params.update(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id)
        model = BertForMaskedLM(BertConfig(**params))
        if cfg.embedding_init == "ppmi":
            start_from_vectors(model, tokenizer, cfg, norm, out / "init")
            if cfg.training.get("max_steps") == 0:  # the vectors alone: the start is the base
                log.info("max_steps 0: the base is %s (PPMI embeddings, layers at their initialisation)", out / "init")
                return out / "init"
    else:
        from rasd_train.base import load_tokenizer

        _check_reachable(cfg.base_model)
        tokenizer = load_tokenizer(cfg.base_model)
        model = AutoModelForMaskedLM.from_pretrained(cfg.base_model)
    examples = PackedText(cfg.text, tokenizer, norm, cfg.max_length)
    dataset = IterableDataset.from_generator(lambda: iter(examples))
    defaults = {"report_to": "none", "save_steps": 200, "save_total_limit": 2, "logging_steps": 20,
                "dataloader_num_workers": 0, "dataloader_pin_memory": False, "ddp_find_unused_parameters": False,
                "remove_unused_columns": False,
                "per_device_train_batch_size": 32, "max_steps": 1000, "learning_rate": 5e-4, "warmup_steps": 100}
    from rasd_train.progress import drop_dict_printer, progress_args
    from rasd_train.train import cpu_only, resolve_auto

    args = TrainingArguments(output_dir=str(out / "checkpoints"), seed=cfg.seed,
                             **{**defaults, **progress_args(), "use_cpu": cpu_only(), **resolve_auto(cfg.training)})
    tokens_per_step = args.per_device_train_batch_size * cfg.max_length * max(1, args.world_size)
    trainer = _masked_only_trainer()(model=model, args=args, train_dataset=dataset,
                      data_collator=WholeWordMasker(tokenizer, cfg.mlm_probability, cfg.seed + args.process_index),
                      callbacks=[_time_limit_callback(cfg.max_seconds, tokens_per_step)])
    drop_dict_printer(trainer)  # on a non-terminal the step line above says what the dicts said
    ckpt = out / "checkpoints"
    last = get_last_checkpoint(str(ckpt)) if ckpt.is_dir() else None
    if last:
        log.info("resuming from %s", last)
    result = trainer.train(resume_from_checkpoint=last)
    final = out / "model"
    if trainer.is_world_process_zero():
        trainer.model.save_pretrained(str(final), safe_serialization=True)
        tokenizer.save_pretrained(str(final))
        (final / "pretrain.json").write_text(json.dumps({
            "steps": trainer.state.global_step, "train_loss": result.training_loss,
            "tokens_seen": trainer.state.global_step * tokens_per_step, "sources": cfg.text,
            "normalization": norm.to_dict(), "max_length": cfg.max_length, **_embeddings_info(out / "init"),
            "loss_curve": [{"step": h["step"], "loss": h["loss"]} for h in trainer.state.log_history if "loss" in h]},
            indent=2) + "\n", encoding="utf-8")
        log.info("pretrained base written to %s (%d steps)", final, trainer.state.global_step)
    return final
