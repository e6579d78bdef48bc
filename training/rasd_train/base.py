"""The base encoder: an offline small BERT built here, or a pretrained one from a folder or the Hub."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Iterable, Iterator

from rasd.text import Normalization, normalize_word, tokenize
from rasd_train.config import ModelConfig

log = logging.getLogger(__name__)
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


class BaseModelUnavailable(RuntimeError):
    """A base model that cannot be loaded here (offline Hub, missing folder); one-sentence message."""


def normalized_lines(texts: Iterable[str], normalization: Normalization) -> Iterator[str]:
    """Text as the tokenizer will see it at training and inference: rasd words, each normalised."""
    for text in texts:
        yield " ".join(normalize_word(t.text, normalization) for t in tokenize(text))


def train_wordpiece(lines: Iterable[str], vocab_size: int, min_frequency: int):
    """A BERT WordPiece tokenizer trained on ``lines``, wrapped for transformers."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False,
                                                strip_accents=False, lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, min_frequency=min_frequency,
                                        special_tokens=SPECIALS, show_progress=False)
    tok.train_from_iterator(lines, trainer=trainer)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", mask_token="[MASK]", model_max_length=512,
    )


def extra_texts(sources: list[str], max_chars: int) -> Iterator[str]:
    """Unlabeled text for the tokenizer; ``shared:saudinewsnet`` reads ../shared, skipped if absent."""
    from rasd_train.data.shared import SharedDataMissing, iter_saudinewsnet

    for src in sources:
        used = 0
        if src == "shared:saudinewsnet":
            try:
                for art in iter_saudinewsnet():
                    yield art["content"]
                    used += len(art["content"])
                    if used >= max_chars:
                        break
            except SharedDataMissing as exc:
                log.warning("tokenizer text: skipping %s: %s", src, exc)
        elif Path(src).is_file():
            with open(src, encoding="utf-8") as fh:
                for line in fh:
                    yield line
                    used += len(line)
                    if used >= max_chars:
                        break
        else:
            raise FileNotFoundError(f"model.tokenizer_extra_text: {src} not found")


def build_offline_base(cfg: ModelConfig, texts: list[str], normalization: Normalization, out_dir, seed: int) -> Path:
    """Train a WordPiece tokenizer and save a randomly initialised small BERT: the quickstart base."""
    from transformers import BertConfig, BertModel, set_seed

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = normalized_lines(list(texts) + list(extra_texts(cfg.tokenizer_extra_text, cfg.tokenizer_extra_max_chars)),
                             normalization)
    tokenizer = train_wordpiece(lines, cfg.vocab_size, cfg.tokenizer_min_frequency)
    params = json.loads(Path(cfg.bert_config).read_text(encoding="utf-8"))
    params["vocab_size"] = len(tokenizer)
    params["pad_token_id"] = tokenizer.pad_token_id
    set_seed(seed)
    model = BertModel(BertConfig(**params), add_pooling_layer=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    log.info("offline base: vocab %d, %s, saved to %s", len(tokenizer), cfg.bert_config, out_dir)
    return out_dir


def load_tokenizer(base: str):
    """The fast tokenizer of a base model; a clear one-sentence error when it cannot be had."""
    from transformers import AutoTokenizer

    _check_reachable(base)
    if Path(base).is_dir():
        from rasd_train.ship_base import BaseChecksumError, verify

        try:
            if verify(base):
                log.info("base %s: every file matches its SHA-256", base)
        except BaseChecksumError as exc:
            raise BaseModelUnavailable(str(exc)) from None
    try:
        tok = AutoTokenizer.from_pretrained(base)
    except OSError as exc:
        raise BaseModelUnavailable(_unavailable(base)) from exc
    if not getattr(tok, "is_fast", False):
        raise BaseModelUnavailable(f"{base}: rasd needs a fast tokenizer (tokenizer.json)")
    return tok


def _check_reachable(base: str) -> None:
    if Path(base).exists() or base.startswith((".", "/")):
        if not Path(base).is_dir():
            raise BaseModelUnavailable(f"base model folder {base} does not exist")
        if not (Path(base) / "config.json").is_file():
            raise BaseModelUnavailable(f"base model folder {base} has no config.json")


def _unavailable(base: str) -> str:
    offline = os.environ.get("HF_HUB_OFFLINE") == "1"
    why = "HF_HUB_OFFLINE=1 is set" if offline else "the Hugging Face Hub cannot be reached"
    return (f"base model {base!r} is not in the local cache and {why}; train offline with "
            f"configs/quickstart.yaml, or download the model where there is network and pass its folder")
