"""Records to model inputs, through the same encoder the runtime uses (rasd.align)."""

from __future__ import annotations

from typing import Sequence

from rasd.align import SpecialTokens, align_labels, encode_text, word_tags
from rasd.records import Record
from rasd.schema import LabelSchema
from rasd.text import Normalization


class Encoder:
    """Holds what shapes the inputs (tokenizer, normalisation, window) so both tasks share it."""

    def __init__(self, tokenizer, normalization: Normalization, max_length: int, stride: int):
        self.backend = tokenizer.backend_tokenizer
        self.special = SpecialTokens(cls=tokenizer.cls_token, sep=tokenizer.sep_token,
                                     pad=tokenizer.pad_token, unk=tokenizer.unk_token)
        self.normalization, self.max_length, self.stride = normalization, max_length, stride

    def windows(self, text: str):
        return encode_text(self.backend, text, self.normalization, self.max_length, self.stride, self.special)


def tagger_examples(records: Sequence[Record], encoder: Encoder, schema: LabelSchema) -> list[dict]:
    """One example per window; each word's tag on its first sub-token, -100 elsewhere."""
    out = []
    for rec in records:
        tokens, windows = encoder.windows(rec.text)
        ids = [schema.tag_id(t) for t in word_tags(tokens, rec.spans)]
        for w in windows:
            out.append({"input_ids": w.input_ids, "attention_mask": [1] * len(w.input_ids),
                        "labels": align_labels(w, ids)})
    return out


def classifier_examples(records: Sequence[Record], encoder: Encoder, schema: LabelSchema) -> list[dict]:
    """One example per window, each carrying the sentence's labels as a multi-hot float vector."""
    out = []
    for rec in records:
        target = [1.0 if lab in rec.labels else 0.0 for lab in schema.labels]
        for w in encoder.windows(rec.text)[1]:
            out.append({"input_ids": w.input_ids, "attention_mask": [1] * len(w.input_ids), "labels": target})
    return out
