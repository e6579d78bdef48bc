"""The tagger's CRF loss: exact against enumeration; a CRF-trained tagger learns, saves a standard
folder, and serves with the transitions it learnt."""

import itertools
import json

import pytest

torch = pytest.importorskip("torch")

from rasd_train.crf import Transitions, nll, word_positions  # noqa: E402

from conftest import tiny_config  # noqa: E402

MINI_TEXT = "قصفت طائرات حربية إسرائيلية مواقع في ريف حمص فجر الخميس."

TAGS = ["O", "B-A", "I-A", "B-B", "I-B"]


def _brute_nll(em, gold, trans):
    """-log p(gold) by summing over every tag sequence."""
    def score(seq):
        s = em[0, seq[0]]
        for t in range(1, len(seq)):
            s = s + trans[seq[t - 1], seq[t]] + em[t, seq[t]]
        return s
    all_scores = torch.stack([score(seq) for seq in itertools.product(range(len(TAGS)), repeat=len(gold))])
    return torch.logsumexp(all_scores, 0) - score(gold)


def test_the_loss_is_the_exact_negative_log_likelihood_per_word():
    g = torch.Generator().manual_seed(0)
    trans_mod = Transitions(TAGS)
    with torch.no_grad():
        trans_mod.scores.copy_(torch.randn(5, 5, generator=g))
    trans = trans_mod()
    logits = torch.randn(2, 7, 5, generator=g)
    # window 1: words on sub-tokens 1, 2, 4 (3 is a continuation piece); window 2: one word, then padding
    labels = torch.tensor([[-100, 1, 2, -100, 0, -100, -100], [-100, 3, -100, -100, -100, -100, -100]])
    got = nll(logits, labels, trans)
    want = (_brute_nll(logits[0, [1, 2, 4]], (1, 2, 0), trans) + _brute_nll(logits[1, [1]], (3,), trans)) / 4
    assert got.item() == pytest.approx(want.item(), rel=1e-5)


def test_word_positions_keep_order_and_mask_padding():
    labels = torch.tensor([[-100, 4, -100, 0, 2], [-100, 1, -100, -100, -100]])
    pos, mask = word_positions(labels)
    assert pos[0].tolist() == [1, 3, 4] and mask[0].tolist() == [True, True, True]
    assert pos[1, 0].item() == 1 and mask[1].tolist() == [True, False, False]


def test_illegal_moves_cannot_be_learnt_legal():
    t = Transitions(TAGS)
    with torch.no_grad():
        t.scores.fill_(50.0)
    m = t()
    assert m[0, 2] < -1000 and m[1, 4] < -1000  # O -> I-A, B-A -> I-B
    assert m[1, 2] == 50.0


def test_a_crf_tagger_learns_keeps_a_standard_folder_and_serves_its_transitions(tmp_path):
    import numpy as np
    from safetensors import safe_open

    from rasd.decode import mix_tag_probs

    import rasd
    from rasd_train.config import TrainConfig, from_dict
    from rasd_train.train import train

    cfg = tiny_config(tmp_path, epochs=30)
    cfg["tagger_loss"] = "crf"
    cfg["word_crf_weights"] = [0.6]  # and the word-feature CRF beside it, always on here,
    cfg["label_ngrams_weights"] = [0.0, 0.5]  # the n-gram label model measured, kept if it helps
    metrics = train(from_dict(TrainConfig, cfg))
    assert metrics["dev"]["spans"]["micro"]["f1"] >= 0.8, metrics["dev"]["spans"]["micro"]
    folder = tmp_path / "run" / "model"
    with safe_open(str(folder / "tagger" / "model.safetensors"), "pt") as fh:
        assert not [k for k in fh.keys() if k.startswith("crf")]
    learnt = json.loads((folder / "tagger" / "crf.json").read_text())["transitions"]
    assert metrics["decisions"]["transitions"].startswith("learnt")
    model = rasd.load(folder, backend="torch")
    assert model.manifest.word_crf == "word_crf.json" and model.manifest.word_crf_weight == 0.6
    assert model.word_crf is not None and set(metrics["decisions"]["span_f1_by_word_crf_weight"]) == {"0.6", "0.6+gate"}
    tokens, mixed, _ = model.sentence_probabilities([MINI_TEXT])[0]
    model.manifest.word_crf_weight = 0.0
    _, alone, _ = model.sentence_probabilities([MINI_TEXT])[0]
    assert np.allclose(mixed, mix_tag_probs(alone, model.crf_probs(tokens), 0.6))
    model.manifest.word_crf_weight = 0.6
    by_weight = metrics["decisions"]["label_f1_by_ngram_weight"]
    assert set(by_weight) == {"0.0", "0.5"}
    kept = model.manifest.label_ngrams_weight
    assert kept == max((0.0, 0.5), key=lambda w: by_weight[str(w)])
    assert (folder / "label_ngrams.json").is_file() == bool(kept) and (model.label_ngrams is not None) == bool(kept)
    temps = model.manifest.label_ngrams_temperatures
    assert bool(temps) == bool(kept) and temps == metrics["decisions"].get("label_ngrams_temperatures", {})
    if kept:  # the n-gram model's own temperatures are applied to its logits in serving
        labels = model.manifest.schema.labels
        z = model.label_ngrams.in_order(labels, model.label_ngrams.logits(MINI_TEXT))
        want = 1 / (1 + np.exp(-z / np.array([temps[lab] for lab in labels])))
        assert np.allclose(model.ngram_probs(MINI_TEXT), want)
    if model.manifest.transition_weight:  # tuning may also find that emissions alone decode best
        assert model.manifest.transitions == learnt
    from transformers import AutoModelForTokenClassification

    AutoModelForTokenClassification.from_pretrained(str(folder / "tagger"))  # a plain token classifier
