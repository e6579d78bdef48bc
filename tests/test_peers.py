"""The classical peers: a CRF that learns spans, lenient span scores, calibration by temperature."""

import math
import random

from rasd.records import Record, Span
from rasd.text import Normalization


def test_crf_peer_learns_the_spans_of_its_training_data(mini_records):
    from rasd_train.metrics import span_scores
    from rasd_train.peers import CrfSpans

    crf = CrfSpans(Normalization()).fit(mini_records)
    pred = crf.predict([r.text for r in mini_records])
    types = sorted({s.label for r in mini_records for s in r.spans})
    assert span_scores(mini_records, pred, types)["micro"]["f1"] > 0.8
    # every predicted span sits on word edges of its own sentence
    for rec, spans in zip(mini_records, pred):
        for sp in spans:
            assert rec.text[sp.start:sp.end] == rec.text[sp.start:sp.end].strip()


def test_word_features_see_clitics_and_neighbours():
    from rasd.wordcrf import word_features

    f = word_features(["قصف", "والطيران", "2015"], 1)
    assert f["wal"] and f["al"] is False and f["w-1"] == "قصف" and f["w+2"] == "</s>"
    assert word_features(["قصف", "والطيران", "2015"], 2)["digit"]


def test_lenient_scores_forgive_a_boundary_but_not_a_type():
    from rasd_train.metrics import span_scores

    text = "قصفت طائرات التحالف مواقع في مدينة صعدة"
    gold = [Record("a", text, ["attack"], [Span(12, 19, "ACTOR"), Span(29, 39, "LOCATION")])]
    pred = [[Span(5, 19, "ACTOR"), Span(35, 39, "TARGET")]]  # actor too long, place with the wrong type
    s = span_scores(gold, pred, ["ACTOR", "LOCATION", "TARGET"])
    assert s["micro"]["f1"] == 0.0
    assert s["lenient"]["micro"]["precision"] == 0.5 and s["lenient"]["micro"]["recall"] == 0.5
    assert s["lenient"]["per_type"]["ACTOR"]["f1"] == 1.0 and s["lenient"]["per_type"]["LOCATION"]["f1"] == 0.0


def test_temperature_fixes_an_over_confident_model_and_lowers_ece():
    from rasd_train.calibration import fit_temperatures, rescale
    from rasd_train.metrics import expected_calibration_error

    rng = random.Random(3)
    gold, probs = [], []
    for _ in range(600):  # true logit z, the model reports 4 z: over-confident
        z = rng.gauss(0, 1.5)
        y = rng.random() < 1 / (1 + math.exp(-z))
        gold.append(["attack"] if y else [])
        probs.append([1 / (1 + math.exp(-4 * z))])
    temps = fit_temperatures(gold, probs, ["attack"])
    assert 3.0 < temps["attack"] < 5.5
    before = expected_calibration_error(gold, probs, ["attack"])["ece"]
    after = expected_calibration_error(gold, rescale(probs, temps, ["attack"]), ["attack"])["ece"]
    assert after < before / 2


def test_reliability_plot_is_a_png(tmp_path):
    from rasd_train.calibration import reliability_plot
    from rasd_train.metrics import expected_calibration_error

    res = expected_calibration_error([["attack"], []], [[0.9], [0.2]], ["attack"])
    path = reliability_plot({"dev": res}, tmp_path / "r.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_exported_word_crf_gives_crfsuites_own_marginals(mini_records, tmp_path):
    """The model folder's word CRF (numpy, rasd.wordcrf) is the fitted span peer, number for number."""
    import numpy as np

    from rasd.text import tokenize
    from rasd.wordcrf import WordCrf
    from rasd_train.peers import CrfSpans

    peer = CrfSpans(Normalization()).fit(mini_records)
    crf = WordCrf.load(peer.word_crf().save(tmp_path / "word_crf.json"))
    for rec in mini_records:
        _, feats = peer._features(rec.text)
        theirs = [[d[t] for t in crf.tags] for d in peer.crf.predict_marginals_single(feats)]
        assert np.allclose(crf.marginals(tokenize(rec.text)), theirs, atol=1e-5), rec.id


def test_the_exported_ngram_model_gives_scikit_learns_own_probabilities(mini_records, tmp_path):
    """The model folder's label n-grams (numpy, rasd.charngrams) are the fitted label peer."""
    import numpy as np

    from rasd.charngrams import CharNgramLabels
    from rasd_train.peers import TfidfLabels

    labels = ["attack", "interception", "casualty_report", "denial"]
    peer = TfidfLabels(labels, Normalization(), seed=3).fit(mini_records)
    theirs = peer.probs(mini_records)
    ours = peer.char_ngrams()
    assert np.allclose([ours.probs(r.text) for r in mini_records], theirs, atol=1e-9)
    loaded = CharNgramLabels.load(ours.save(tmp_path / "label_ngrams.json"))
    assert np.allclose([loaded.probs(r.text) for r in mini_records], theirs, atol=1e-4)
