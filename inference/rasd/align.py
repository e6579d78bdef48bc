"""Between words and sub-tokens: BIO tags for words, sub-token encoding in windows, label alignment.

Training and inference both call :func:`encode_words`, with the same tokenizer file and settings
from the model's manifest, so the ids a model was trained on are the ids it is served.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rasd.records import Span
from rasd.text import Normalization, Token, normalize_word, tokenize

IGNORE_INDEX = -100


def word_tags(tokens: Sequence[Token], spans: Sequence[Span]) -> list[str]:
    """IOB2 tags for ``tokens`` (words and punctuation) from char spans that sit on word edges."""
    tags = ["O"] * len(tokens)
    for span in sorted(spans, key=lambda s: s.start):
        inside = [i for i, t in enumerate(tokens) if t.start >= span.start and t.end <= span.end]
        if not inside or tokens[inside[0]].start != span.start or tokens[inside[-1]].end != span.end:
            raise ValueError(f"span [{span.start}, {span.end}) {span.label} is not on token boundaries")
        tags[inside[0]] = f"B-{span.label}"
        for i in inside[1:]:
            tags[i] = f"I-{span.label}"
    return tags


@dataclass(frozen=True)
class SpecialTokens:
    """The tokens a BERT-style encoder wraps each window in; read from the model, never assumed."""

    cls: str = "[CLS]"
    sep: str = "[SEP]"
    pad: str = "[PAD]"
    unk: str = "[UNK]"

    def to_dict(self) -> dict:
        return {"cls": self.cls, "sep": self.sep, "pad": self.pad, "unk": self.unk}


@dataclass
class Window:
    """One model input: sub-token ids for a run of words, and which of those words it owns.

    ``word_ids[k]`` is the index (into the sentence's tokens) of sub-token ``k``'s word, or
    ``None`` for special tokens. ``owned`` is the half-open word range whose predictions this
    window supplies when overlapping windows are merged: each word is owned by exactly one window.
    """

    input_ids: list[int]
    word_ids: list[int | None]
    owned: tuple[int, int]

    @property
    def first_subtokens(self) -> list[int]:
        """Positions of each word's first sub-token (the position that carries its tag)."""
        seen, out = set(), []
        for pos, w in enumerate(self.word_ids):
            if w is not None and w not in seen:
                seen.add(w)
                out.append(pos)
        return out


def encode_words(
    tokenizer,
    words: Sequence[str],
    normalization: Normalization,
    max_length: int,
    stride: int = 32,
    special: SpecialTokens = SpecialTokens(),
) -> list[Window]:
    """Encode pre-split words into windows of at most ``max_length`` sub-tokens.

    ``tokenizer`` is a ``tokenizers.Tokenizer`` (transformers' fast tokenizers expose theirs as
    ``backend_tokenizer``). Windows break only between words and overlap by about ``stride``
    sub-tokens; a single word longer than a window is cut to fit (its first sub-token, which
    carries the tag, survives).
    """
    if max_length < 4:
        raise ValueError("max_length must be at least 4")
    budget = max_length - 2
    stride = max(0, min(stride, budget // 2))
    cls_id, sep_id = _token_id(tokenizer, special.cls), _token_id(tokenizer, special.sep)
    if not words:
        return [Window([cls_id, sep_id], [None, None], (0, 0))]
    normed = [normalize_word(w, normalization) for w in words]
    enc = tokenizer.encode(normed, is_pretokenized=True, add_special_tokens=False)
    ids, wids = list(enc.ids), list(enc.word_ids)
    pieces: list[list[int]] = [[] for _ in words]
    for tid, w in zip(ids, wids):
        if w is not None:
            pieces[w].append(tid)
    unk_id = _token_id(tokenizer, special.unk)
    for i, p in enumerate(pieces):
        if not p:  # a word the tokenizer dropped entirely (e.g. a lone control character)
            pieces[i] = [unk_id]
        elif len(p) > budget:
            pieces[i] = p[:budget]
    ranges = _word_ranges([len(p) for p in pieces], budget, stride)
    windows = []
    for k, (a, b) in enumerate(ranges):
        own_a = 0 if k == 0 else (ranges[k - 1][1] + a + 1) // 2
        own_b = len(words) if k == len(ranges) - 1 else (b + ranges[k + 1][0] + 1) // 2
        input_ids, word_ids = [cls_id], [None]
        for w in range(a, b):
            input_ids += pieces[w]
            word_ids += [w] * len(pieces[w])
        input_ids.append(sep_id)
        word_ids.append(None)
        windows.append(Window(input_ids, word_ids, (max(own_a, a), min(own_b, b))))
    return windows


def encode_text(tokenizer, text: str, normalization: Normalization, max_length: int, stride: int,
                special: SpecialTokens) -> tuple[list[Token], list[Window]]:
    """Raw text to its tokens (offsets into the text) and model windows: what training and serving
    both call, so they cannot tokenise differently."""
    tokens = tokenize(text)
    return tokens, encode_words(tokenizer, [t.text for t in tokens], normalization, max_length, stride, special)


def _word_ranges(lengths: list[int], budget: int, stride: int) -> list[tuple[int, int]]:
    """Greedy word ranges whose sub-token counts fit ``budget``, overlapping by ~``stride``."""
    ranges, start, n = [], 0, len(lengths)
    while True:
        end, used = start, 0
        while end < n and used + lengths[end] <= budget:
            used += lengths[end]
            end += 1
        ranges.append((start, end))
        if end >= n:
            return ranges
        back, overlap = end, 0
        while back - 1 > start and overlap + lengths[back - 1] <= stride:
            back -= 1
            overlap += lengths[back]
        start = back if back > start else end


def _token_id(tokenizer, token: str) -> int:
    tid = tokenizer.token_to_id(token)
    if tid is None:
        raise ValueError(f"the tokenizer has no {token!r} token; check special_tokens in the manifest")
    return tid


def align_labels(window: Window, word_labels: Sequence[int]) -> list[int]:
    """Per-sub-token labels: the word's label on its first sub-token, -100 elsewhere."""
    out, seen = [], set()
    for w in window.word_ids:
        if w is None or w in seen:
            out.append(IGNORE_INDEX)
        else:
            seen.add(w)
            out.append(word_labels[w])
    return out
