"""Word-piece vectors from co-occurrence counts (PPMI + truncated SVD) to start a base's embeddings.

Masked-LM pretraining of even a small BERT needs far more tokens than two CPU cores read in a
session; counting which pieces occur near which others over the same text takes minutes and gives
every piece of the vocabulary (a place name met only in unlabeled news, say) a vector near the
pieces used like it. A base whose input embeddings start there, and whose layers start random,
lets fine-tuning generalise from the names it was trained on to the names it only read about.

The method is Levy, Goldberg & Dagan (2015): window counts weighted 1/distance, positive PMI with
context probabilities smoothed by ``alpha`` = 0.75, and the SVD's left vectors scaled by the square
root of the singular values; randomized SVD (Halko et al.) keeps it to a few minutes on 2 cores.
"""

from __future__ import annotations

import logging
from typing import Iterable, Iterator

import numpy as np

from rasd.text import Normalization, normalize_word, tokenize

log = logging.getLogger(__name__)


def piece_ids(texts: Iterable[str], tokenizer, normalization: Normalization, max_chars: int) -> Iterator[np.ndarray]:
    """Each text as its word-piece ids, split and normalised into words exactly as fine-tuning does."""
    backend, used = tokenizer.backend_tokenizer, 0
    for text in texts:
        words = [normalize_word(t.text, normalization) for t in tokenize(text)]
        if words:
            yield np.asarray(backend.encode(words, is_pretokenized=True, add_special_tokens=False).ids, dtype=np.int64)
        used += len(text)
        if used >= max_chars:
            return


def cooccurrence(sequences: Iterable[np.ndarray], vocab_size: int, window: int, chunk_tokens: int = 4_000_000):
    """Symmetric piece-by-piece counts within ``window`` positions (weight 1/distance), never across texts.

    Returns the sparse matrix and the number of tokens counted.
    """
    from scipy import sparse

    total = sparse.csr_matrix((vocab_size + 1, vocab_size + 1), dtype=np.float64)
    gap = np.full(window, vocab_size, dtype=np.int64)  # an extra row/column that is dropped at the end
    buf, size, seen = [], 0, 0
    for seq in sequences:
        buf += [seq, gap]
        size += len(seq) + window
        seen += len(seq)
        if size >= chunk_tokens:
            total = total + _window_counts(np.concatenate(buf), vocab_size, window)
            buf, size = [], 0
    if buf:
        total = total + _window_counts(np.concatenate(buf), vocab_size, window)
    return total[:vocab_size, :vocab_size].tocsr(), seen


def _window_counts(ids: np.ndarray, vocab_size: int, window: int):
    from scipy import sparse

    rows, cols, vals = [], [], []
    for d in range(1, window + 1):
        a, b = ids[:-d], ids[d:]
        w = np.full(len(a), 1.0 / d)
        rows += [a, b]
        cols += [b, a]
        vals += [w, w]
    n = vocab_size + 1
    return sparse.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)).tocsr()


def ppmi(counts, alpha: float = 0.75):
    """Positive pointwise mutual information with context-distribution smoothing."""
    from scipy import sparse

    counts = counts.tocoo()
    row = np.asarray(counts.sum(axis=1)).ravel()
    col = np.asarray(counts.sum(axis=0)).ravel() ** alpha
    p_ctx = col / col.sum()
    p_row = row / row.sum()
    pmi = np.log(counts.data / row.sum()) - np.log(p_row[counts.row]) - np.log(p_ctx[counts.col])
    keep = pmi > 0
    return sparse.csr_matrix((pmi[keep], (counts.row[keep], counts.col[keep])), shape=counts.shape)


def svd_vectors(matrix, dim: int, seed: int) -> np.ndarray:
    """Rows of U * sqrt(S) of a rank-``dim`` randomized SVD."""
    from sklearn.utils.extmath import randomized_svd

    u, s, _ = randomized_svd(matrix, n_components=dim, n_iter=5, random_state=seed)
    return u * np.sqrt(s)


def embedding_matrix(vectors: np.ndarray, counts_per_piece: np.ndarray, std: float, seed: int) -> np.ndarray:
    """Vectors scaled to ``std`` per element (BERT's embedding scale); pieces never counted get
    N(0, 0.02), the initialiser's own draw, so special tokens and unseen pieces stay as a fresh BERT has them."""
    rng = np.random.default_rng(seed)
    out = rng.normal(0.0, 0.02, size=vectors.shape)
    seen = counts_per_piece > 0
    v = vectors[seen]
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    out[seen] = v * std * np.sqrt(vectors.shape[1])
    return out.astype(np.float32)


def piece_vectors(texts: Iterable[str], tokenizer, normalization: Normalization, dim: int, window: int,
                  max_chars: int, std: float, seed: int, special_ids: Iterable[int] = ()) -> tuple[np.ndarray, dict]:
    """The embedding matrix for ``tokenizer``'s vocabulary and a record of how it was made."""
    vocab = len(tokenizer)
    counts, tokens = cooccurrence(piece_ids(texts, tokenizer, normalization, max_chars), vocab, window)
    log.info("embeddings: %d tokens counted, %d piece pairs", tokens, counts.nnz)
    per_piece = np.asarray(counts.sum(axis=1)).ravel()
    per_piece[list(special_ids)] = 0
    vectors = svd_vectors(ppmi(counts), dim, seed)
    matrix = embedding_matrix(vectors, per_piece, std, seed)
    info = {"method": "ppmi-svd", "tokens": int(tokens), "window": window, "dim": dim, "alpha": 0.75,
            "pieces_with_vectors": int((per_piece > 0).sum()), "vocab_size": vocab, "std": std}
    return matrix, info
