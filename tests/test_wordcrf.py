"""The word-feature CRF as the inference package runs it: forward-backward against brute force,
the weights file's errors, and the product with the tagger's probabilities."""

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.decode import mix_tag_probs
from rasd.text import Normalization, tokenize
from rasd.wordcrf import WordCrf, attributes

TAGS = ("O", "B-LOCATION", "I-LOCATION")


def _crf(seed: int) -> WordCrf:
    rng = np.random.default_rng(seed)
    state = {"bias": {t: float(w) for t, w in zip(TAGS, rng.normal(size=3))},
             "w:ريف": {"B-LOCATION": 2.0}, "al": {"I-LOCATION": 1.5, "O": -0.5}, "len": {"O": 0.1}}
    return WordCrf(TAGS, state, rng.normal(size=(3, 3)), Normalization())


def _brute_force(crf: WordCrf, tokens) -> np.ndarray:
    """Marginals by summing over every tag sequence: exp(sum of emissions + transitions) / Z."""
    from rasd.wordcrf import sentence_features

    e = crf.emissions(sentence_features(tokens, crf.normalization))
    out, z = np.zeros_like(e), 0.0
    for seq in itertools.product(range(len(TAGS)), repeat=len(e)):
        score = sum(e[i, t] for i, t in enumerate(seq)) + sum(crf.transitions[a, b] for a, b in zip(seq, seq[1:]))
        w = np.exp(score)
        z += w
        for i, t in enumerate(seq):
            out[i, t] += w
    return out / z


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), words=st.lists(st.sampled_from(["قصف", "ريف", "حمص", "الجيش", "2015", "،"]),
                                                   min_size=1, max_size=5))
def test_forward_backward_equals_the_sum_over_all_tag_sequences(seed, words):
    crf = _crf(seed)
    tokens = tokenize(" ".join(words))
    got = crf.marginals(tokens)
    assert np.allclose(got, _brute_force(crf, tokens), atol=1e-9)
    assert np.allclose(got.sum(axis=1), 1.0)


def test_attributes_are_named_as_crfsuite_names_them():
    assert list(attributes({"w": "قصف", "al": True, "digit": False, "len": 3})) == [
        ("w:قصف", 1.0), ("al", 1.0), ("digit", 0.0), ("len", 3.0)]


def test_a_saved_crf_loads_the_same_and_a_bad_file_names_itself(tmp_path):
    crf = _crf(1)
    path = crf.save(tmp_path / "word_crf.json")
    tokens = tokenize("قصف ريف حمص")
    assert np.allclose(WordCrf.load(path).marginals(tokens), crf.marginals(tokens), atol=1e-5)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["attributes"].append("extra")
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="word_crf.json: state weights must be a 5 x 3 table, not \\(4, 3\\)"):
        WordCrf.load(path)
    old = {"format": data["format"], "tags": data["tags"], "normalization": data["normalization"],
           "transitions": data["transitions"], "state": {"bias": {"B-WEAPON": 1.0}}}
    path.write_text(json.dumps(old), encoding="utf-8")  # stop 25's layout: {attribute: {tag: weight}}
    with pytest.raises(ValueError, match=r"word_crf.json: state weights for unknown tags \['B-WEAPON'\]"):
        WordCrf.load(path)
    old["state"] = {a: {t: float(w) for t, w in zip(crf.tags, crf.table[i]) if w} for i, a in enumerate(crf.attributes)}
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    assert np.allclose(WordCrf.load(path).marginals(tokens), crf.marginals(tokens), atol=1e-5)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="word_crf.json: cannot read a word CRF"):
        WordCrf.load(path)


def test_the_product_of_two_experts_keeps_either_alone_at_the_ends_and_sums_to_one():
    tagger = np.array([[0.6, 0.3, 0.1], [0.2, 0.2, 0.6]])
    crf = np.array([[0.1, 0.8, 0.1], [0.3, 0.1, 0.6]])
    assert mix_tag_probs(tagger, crf, 0.0) is tagger
    assert np.allclose(mix_tag_probs(tagger, crf, 1.0), crf)
    half = mix_tag_probs(tagger, crf, 0.5)
    assert np.allclose(half.sum(axis=1), 1.0)
    assert half[0].argmax() == 1  # the tagger's 0.3 and the CRF's 0.8 beat the tagger's 0.6 and 0.1


def test_columns_follow_the_schema_order():
    crf = _crf(2)
    p = crf.marginals(tokenize("ريف حمص"))
    reordered = crf.in_order(("B-LOCATION", "I-LOCATION", "O"), p)
    assert np.allclose(reordered[:, 2], p[:, 0]) and np.allclose(reordered[:, 0], p[:, 1])


def test_a_manifest_with_a_crf_weight_and_no_crf_file_is_refused(tmp_path):
    from rasd.align import SpecialTokens
    from rasd.manifest import Manifest, ModelFolderError
    from rasd.schema import LabelSchema

    m = Manifest(schema=LabelSchema(), normalization=Normalization(), max_length=64, stride=16,
                 special_tokens=SpecialTokens(cls="[CLS]", sep="[SEP]", pad="[PAD]", unk="[UNK]"),
                 thresholds={lab: 0.5 for lab in LabelSchema().labels}, word_crf_weight=0.3)
    m.save(tmp_path)
    with pytest.raises(ModelFolderError, match=r"rasd.json: word_crf_weight must be in \[0, 1\] and needs a word_crf file"):
        Manifest.load(tmp_path)
    m.word_crf = "word_crf.json"
    m.save(tmp_path)
    assert Manifest.load(tmp_path).word_crf_weight == 0.3
