"""Character n-gram label scores as the inference package runs them: the analyzer, the arithmetic,
the weights file's errors."""

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rasd.charngrams import CharNgramLabels, char_wb_ngrams
from rasd.decode import mix_label_probs
from rasd.text import Normalization


def test_ngrams_stay_inside_space_padded_words_and_short_words_count_once():
    assert char_wb_ngrams("قصف", 2, 3) == [" ق", "قص", "صف", "ف ", " قص", "قصف", "صف "]
    assert char_wb_ngrams("a  b", 2, 5) == [" a", "a ", " a ", " b", "b ", " b "]


@given(st.text(alphabet="قصفالو 1", max_size=30), st.integers(1, 3), st.integers(0, 3))
def test_every_ngram_has_a_length_in_range_or_is_a_whole_padded_word(text, low, extra):
    high = low + extra
    words = {f" {w} " for w in text.lower().split()}
    for gram in char_wb_ngrams(text, low, high):
        assert low <= len(gram) <= high or gram in words


def _model():
    vocab = {" ق": [1.5, 2.0, 0.0], "قص": [1.0, 1.0, -1.0], "ف ": [2.0, 0.0, 3.0]}
    return CharNgramLabels(["attack", "denial"], vocab, [-1.0, 0.5], (2, 2), Normalization())


def test_probabilities_are_the_sigmoid_of_unit_length_tfidf_times_the_weights():
    x = np.array([(1 + math.log(2)) * 1.5, (1 + math.log(2)) * 1.0, 0.0, (1 + math.log(1)) * 2.0])
    # "قصف قص": " ق" twice, "قص" twice, "صف" (not in the vocabulary), "ف " once, "ص " ignored
    grams = {" ق": x[0], "قص": x[1], "ف ": x[3]}
    norm = math.sqrt(sum(v * v for v in grams.values()))
    z_attack = -1.0 + (grams[" ق"] * 2.0 + grams["قص"] * 1.0) / norm
    z_denial = 0.5 + (grams["قص"] * -1.0 + grams["ف "] * 3.0) / norm
    got = _model().probs("قصف قص")
    assert np.allclose(got, [1 / (1 + math.exp(-z_attack)), 1 / (1 + math.exp(-z_denial))])
    assert np.allclose(_model().probs("xyz"), [1 / (1 + math.exp(1.0)), 1 / (1 + math.exp(-0.5))])


def test_a_bad_weights_file_names_itself(tmp_path):
    path = _model().save(tmp_path / "label_ngrams.json")
    assert np.allclose(CharNgramLabels.load(path).probs("قصف"), _model().probs("قصف"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["grams"].append("xy")
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="label_ngrams.json: every n-gram needs an idf and 2 weights"):
        CharNgramLabels.load(path)
    data["table"]["base64"] = "not base64!"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="label_ngrams.json: the n-gram table: not a packed float array"):
        CharNgramLabels.load(path)


def test_a_file_in_the_earlier_layout_still_loads(tmp_path):
    """Stop 25's model folders hold the vocabulary as {n-gram: [idf, weights...]}."""
    m = _model()
    data = {**m.to_dict(), "vocabulary": {g: m.table[i].tolist() for i, g in enumerate(m.grams)}}
    del data["grams"], data["table"]
    path = tmp_path / "label_ngrams.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert np.allclose(CharNgramLabels.load(path).probs("قصف قص"), m.probs("قصف قص"))


def test_the_average_keeps_the_classifier_alone_at_weight_0():
    c, q = np.array([0.9, 0.1]), np.array([0.5, 0.7])
    assert mix_label_probs(c, q, 0.0) is c
    assert np.allclose(mix_label_probs(c, q, 0.25), [0.8, 0.25])


def test_the_logits_are_what_the_probabilities_are_the_sigmoid_of():
    z = _model().logits("قصف قص")
    assert np.allclose(_model().probs("قصف قص"), 1 / (1 + np.exp(-z)))


def test_a_manifest_refuses_a_temperature_that_is_not_positive_or_not_a_label(tmp_path):
    from rasd.align import SpecialTokens
    from rasd.manifest import Manifest, ModelFolderError
    from rasd.schema import LabelSchema

    labels = LabelSchema().labels
    m = Manifest(schema=LabelSchema(), normalization=Normalization(), max_length=64, stride=16,
                 special_tokens=SpecialTokens(cls="[CLS]", sep="[SEP]", pad="[PAD]", unk="[UNK]"),
                 thresholds={lab: 0.5 for lab in labels}, label_ngrams_temperatures={labels[0]: 0.8})
    m.save(tmp_path)
    assert Manifest.load(tmp_path).label_ngrams_temperatures == {labels[0]: 0.8}
    for bad in ({labels[0]: 0.0}, {"no-such-label": 1.0}):
        m.label_ngrams_temperatures = bad
        m.save(tmp_path)
        with pytest.raises(ModelFolderError, match="rasd.json: label_ngrams_temperatures must map labels"):
            Manifest.load(tmp_path)
