"""A linear-chain CRF on the tagger's word-level logits, trained with the encoder (``tagger_loss: crf``).

With a softmax head every word's tag is learnt on its own, and the transitions that Viterbi adds
at decoding are counted from the data afterwards; the tagger's errors were mostly spans cut short
(``تسعة`` for ``تسعة مسلحين``), the kind a CRF's transition scores, learnt together with the
emissions, are there to fix. The saved tagger stays a standard ``AutoModelForTokenClassification``
(its logits are the emissions); the learnt transitions go to ``crf.json`` beside it and then to the
manifest, where ``rasd.decode.viterbi_tags`` at weight 1 is exactly the CRF's decoding: Viterbi over
log-softmax(logits) + transitions has the same best path as over logits + transitions.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

from rasd.decode import transition_mask

CRF_FILE = "crf.json"
ILLEGAL = -1e4  # a finite stand-in for -inf, so that log-sum-exp stays finite


class Transitions(nn.Module):
    """Learnt tag-to-tag scores; moves that IOB2 forbids (O -> I-X, B-X -> I-Y) are fixed at ILLEGAL."""

    def __init__(self, tags):
        super().__init__()
        self.tags = list(tags)
        self.scores = nn.Parameter(torch.zeros(len(tags), len(tags)))
        _, move = transition_mask(self.tags)
        self.register_buffer("illegal", torch.as_tensor(move, dtype=torch.float32).clamp(min=ILLEGAL), persistent=False)

    def forward(self) -> torch.Tensor:
        return self.scores + self.illegal


def word_positions(labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """For each window, the positions of the sub-tokens that carry a word's tag, in order, and a mask."""
    has = labels != -100
    count = has.sum(dim=1)
    width = max(int(count.max()), 1)
    order = torch.argsort((~has).to(torch.int8), dim=1, stable=True)[:, :width]
    mask = torch.arange(width, device=labels.device)[None, :] < count[:, None]
    return order, mask


def nll(logits: torch.Tensor, labels: torch.Tensor, transitions: torch.Tensor) -> torch.Tensor:
    """Mean negative log-likelihood per word of the gold tag sequences under the CRF.

    ``logits`` (batch, sub-tokens, tags); ``labels`` the tag ids on first sub-tokens, -100 elsewhere.
    A window may start inside a span (windows overlap), so no start constraint is applied here.
    """
    pos, mask = word_positions(labels)
    em = logits.float().gather(1, pos[..., None].expand(-1, -1, logits.size(-1)))
    gold = labels.gather(1, pos).clamp(min=0)
    b = torch.arange(len(gold), device=gold.device)
    score = em[b, 0, gold[:, 0]]
    alpha = em[:, 0]
    for t in range(1, em.size(1)):
        step = mask[:, t]
        score = score + step * (transitions[gold[:, t - 1], gold[:, t]] + em[b, t, gold[:, t]])
        nxt = torch.logsumexp(alpha[:, :, None] + transitions[None], dim=1) + em[:, t]
        alpha = torch.where(step[:, None], nxt, alpha)
    log_z = torch.logsumexp(alpha, dim=1)
    words = mask.sum().clamp(min=1)
    return ((log_z - score) * mask[:, 0]).sum() / words


def crf_trainer():
    """A Trainer whose tagger loss is the CRF's; the model carries its ``Transitions`` as ``model.crf``."""
    from transformers import Trainer

    class CrfTrainer(Trainer):
        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            loss = nll(outputs.logits, labels, _unwrap(model).crf())
            return (loss, outputs) if return_outputs else loss

    return CrfTrainer


def _unwrap(model):
    return getattr(model, "module", model)


def attach(model, tags) -> None:
    """Give a token-classification model its CRF transitions (trained, checkpointed and resumed with it)."""
    model.crf = Transitions(tags)


def save(model, folder: Path) -> None:
    """Write the learnt transitions to ``crf.json`` and leave the model folder a standard one."""
    crf = _unwrap(model).crf
    (Path(folder) / CRF_FILE).write_text(json.dumps({
        "tags": crf.tags, "transitions": [[round(float(x), 4) for x in row] for row in crf().detach().cpu()]},
        indent=1) + "\n", encoding="utf-8")


def load(folder) -> list[list[float]] | None:
    """The transitions a CRF tagger learnt, or None for a softmax tagger."""
    path = Path(folder) / CRF_FILE
    return json.loads(path.read_text(encoding="utf-8"))["transitions"] if path.is_file() else None
