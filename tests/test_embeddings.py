"""PPMI + SVD piece vectors: counts within a window and never across texts; pieces used alike end up close."""

import json

import numpy as np
import pytest

pytest.importorskip("scipy")
pytest.importorskip("sklearn")

from rasd_train.embeddings import cooccurrence, embedding_matrix, ppmi, svd_vectors  # noqa: E402


def test_counts_are_weighted_by_distance_symmetric_and_stop_at_the_end_of_a_text():
    counts, tokens = cooccurrence([np.array([0, 1, 2]), np.array([3, 0])], vocab_size=4, window=2)
    dense = counts.toarray()
    assert tokens == 5
    assert dense[0, 1] == dense[1, 0] == 1.0
    assert dense[0, 2] == dense[2, 0] == 0.5
    assert dense[3, 0] == dense[0, 3] == 1.0
    assert dense[2, 3] == dense[3, 2] == 0.0  # 2 ends the first text, 3 starts the second
    assert np.allclose(dense, dense.T)


def test_chunks_add_up_to_one_pass():
    rng = np.random.default_rng(0)
    seqs = [rng.integers(0, 30, size=rng.integers(1, 40)) for _ in range(60)]
    whole, _ = cooccurrence(seqs, 30, 3)
    chunked, _ = cooccurrence(seqs, 30, 3, chunk_tokens=50)
    assert np.allclose(whole.toarray(), chunked.toarray())


def test_pieces_used_in_the_same_contexts_get_close_vectors():
    rng = np.random.default_rng(1)
    # 0 and 1 occur between 10/11 and 12/13; 2 and 3 between 20/21 and 22/23
    seqs = []
    for _ in range(400):
        a, b = rng.integers(0, 2), rng.integers(2, 4)
        seqs.append(np.array([10 + rng.integers(0, 2), a, 12 + rng.integers(0, 2)]))
        seqs.append(np.array([20 + rng.integers(0, 2), b, 22 + rng.integers(0, 2)]))
    counts, _ = cooccurrence(seqs, 30, 2)
    vec = svd_vectors(ppmi(counts), 4, seed=0)
    unit = vec / np.linalg.norm(vec, axis=1, keepdims=True).clip(1e-12)
    assert unit[0] @ unit[1] > 0.9
    assert unit[2] @ unit[3] > 0.9
    assert unit[0] @ unit[2] < 0.5


def test_ppmi_keeps_only_positive_associations():
    counts, _ = cooccurrence([np.array([0, 1, 0, 1, 2, 3, 2, 3])], 4, 1)
    m = ppmi(counts)
    assert (m.data > 0).all()
    assert m[0, 1] > 0 and m[0, 3] == 0


def test_uncounted_pieces_keep_a_fresh_bert_draw_and_counted_ones_the_asked_scale():
    vectors = np.random.default_rng(2).normal(size=(6, 8))
    counts = np.array([0, 5, 5, 5, 5, 0])
    m = embedding_matrix(vectors, counts, std=0.05, seed=0)
    assert m.dtype == np.float32
    assert np.allclose(np.linalg.norm(m[1:5], axis=1), 0.05 * np.sqrt(8), atol=1e-5)
    assert np.linalg.norm(m[0]) < 0.02 * np.sqrt(8) * 3
    cos = (m[1] @ vectors[1]) / np.linalg.norm(m[1]) / np.linalg.norm(vectors[1])
    assert cos == pytest.approx(1.0, abs=1e-5)


def test_a_scratch_pretraining_starts_from_the_vectors_and_saves_that_start(tmp_path):
    pytest.importorskip("torch")
    from safetensors.numpy import load_file

    from rasd_train.pretrain import load_pretrain_config, pretrain
    from test_pretrain import write_config

    cfg_path = write_config(tmp_path, 2)
    cfg_path.write_text(cfg_path.read_text() + "embedding_init: ppmi\nembedding_window: 3\n")
    out = pretrain(load_pretrain_config(cfg_path))
    init = tmp_path / "pt" / "init"
    info = json.loads((init / "pretrain.json").read_text())["embeddings"]
    assert info["method"] == "ppmi-svd" and info["tokens"] > 0 and info["pieces_with_vectors"] > 20
    start = load_file(str(init / "model.safetensors"))["bert.embeddings.word_embeddings.weight"]
    after = load_file(str(out / "model.safetensors"))["bert.embeddings.word_embeddings.weight"]
    assert start.shape == after.shape
    assert not np.allclose(start, after)  # two MLM steps moved them
    assert np.corrcoef(start.ravel(), after.ravel())[0, 1] > 0.9  # from the vectors, not a fresh draw


def test_ppmi_needs_a_scratch_base(tmp_path):
    from rasd_train.config import ConfigError
    from rasd_train.pretrain import load_pretrain_config
    from test_pretrain import write_config

    cfg_path = write_config(tmp_path, 2)
    cfg_path.write_text(cfg_path.read_text().replace("base_model: scratch", f"base_model: {tmp_path}")
                        + "embedding_init: ppmi\n")
    with pytest.raises(ConfigError, match="scratch"):
        load_pretrain_config(cfg_path)
    cfg_path.write_text(cfg_path.read_text().replace("embedding_init: ppmi", "embedding_init: glove"))
    with pytest.raises(ConfigError, match="random or ppmi"):
        load_pretrain_config(cfg_path)


def test_the_vectors_alone_are_a_base_that_ships_with_a_true_card(tmp_path):
    pytest.importorskip("torch")
    from rasd_train.pretrain import load_pretrain_config, pretrain
    from rasd_train.ship_base import ship, verify
    from test_pretrain import write_config

    cfg_path = write_config(tmp_path, 0)
    cfg_path.write_text(cfg_path.read_text() + "embedding_init: ppmi\nembedding_window: 3\n")
    folder = pretrain(load_pretrain_config(cfg_path))
    assert folder == tmp_path / "pt" / "init" and not (tmp_path / "pt" / "checkpoints").exists()
    out = ship(folder, tmp_path / "bases" / "tiny", "tiny", rebuild="`make pretrain CONFIG=x.yaml`")
    assert verify(out)
    card = (out / "README.md").read_text()
    assert "no masked-LM step has been taken" in card and "PPMI" in card and "`make pretrain CONFIG=x.yaml`" in card
    assert not (out / "loss.png").exists()
