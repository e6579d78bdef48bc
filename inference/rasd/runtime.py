"""Loading a model folder and running both tasks over sentences and documents."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from rasd.align import Window, encode_text
from rasd.backends import make_backend, resolve_backend
from rasd.decode import decide_labels, decode_spans, favour_spans, mix_label_probs, mix_tag_probs, viterbi_tags
from rasd.manifest import Manifest, ModelFolderError
from rasd.script import script_fields
from rasd.sentences import split_sentences


@dataclass
class SentencePrediction:
    start: int
    end: int
    labels: list[str]
    scores: dict[str, float]
    spans: list[dict] = field(default_factory=list)  # offsets relative to the sentence


def resolve_model_path(path_or_repo_id: str, revision: str | None = None) -> Path:
    """A local folder as is; otherwise a Hub repository through the local Hub cache."""
    path = Path(path_or_repo_id)
    if path.is_dir():
        return path
    if path_or_repo_id.startswith((".", "/")) or path_or_repo_id.count("/") != 1:
        raise ModelFolderError(f"model folder not found: {path_or_repo_id}")
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(path_or_repo_id, revision=revision,
                                      allow_patterns=["*.json", "*.onnx", "*.onnx.data", "*.safetensors", "*.txt"]))
    except Exception as exc:  # network errors, missing repo, offline mode with an empty cache
        raise ModelFolderError(
            f"could not get model {path_or_repo_id!r} from the Hugging Face Hub or its local cache "
            f"({type(exc).__name__}); pass a local model folder instead"
        ) from None


class Model:
    """A loaded rasd model: tokenizer, manifest, and one backend per task."""

    def __init__(self, folder, backend: str = "auto", device: str = "cpu", precision: str = "fp32",
                 threads: int | None = None):
        from tokenizers import Tokenizer

        self.folder = Path(folder)
        self.manifest = Manifest.load(self.folder)
        tagger_dir = self.folder / self.manifest.tasks["tagger"]
        cls_dir = self.folder / self.manifest.tasks["classifier"]
        tok_path = tagger_dir / "tokenizer.json"
        if not tok_path.is_file():
            raise ModelFolderError(f"{tok_path} not found")
        self.tokenizer = Tokenizer.from_file(str(tok_path))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        threads = threads or os.cpu_count() or 1
        kind = resolve_backend(backend, tagger_dir, precision)
        # ONNX on 2+ CPU threads: the two tasks run side by side on half the threads each (_both).
        # Not torch, whose thread count is one setting for the whole process.
        self.side_by_side = kind == "onnx" and device == "cpu" and threads >= 2
        split = ((threads + 1) // 2, threads // 2) if self.side_by_side else (threads, threads)
        self.pad_id = self.tokenizer.token_to_id(self.manifest.special_tokens.pad) or 0
        from rasd.charngrams import CharNgramLabels
        from rasd.wordcrf import WordCrf

        schema = self.manifest.schema
        # the two sessions are built while the peers' weights are read: ONNX Runtime builds a session
        # without holding the GIL (cold start 50-90 ms shorter on 2 cores; README, Benchmark)
        with ThreadPoolExecutor(max_workers=1) as pool:
            built = pool.submit(lambda: (make_backend(kind, tagger_dir, "tagger", device, precision, split[0]),
                                         make_backend(kind, cls_dir, "classifier", device, precision, split[1])))
            self.word_crf = self._companion("word_crf", WordCrf, "tags", schema.tags)
            self.label_ngrams = self._companion("label_ngrams", CharNgramLabels, "labels", schema.labels)
            self.tagger, self.classifier = built.result()

    def _companion(self, key: str, kind, names: str, want):
        """The peer the manifest's ``key`` names, loaded as ``kind``, whose ``names`` (its tags or
        labels) must be the schema's ``want``; None when the manifest names none."""
        if not getattr(self.manifest, key):
            return None
        path = self.folder / getattr(self.manifest, key)
        if not path.is_file():
            raise ModelFolderError(f"{path} not found (the manifest's {key})")
        try:
            companion = kind.load(path)
        except ValueError as exc:
            raise ModelFolderError(str(exc)) from None
        if set(getattr(companion, names)) != set(want):
            raise ModelFolderError(f"{path}: its {names} are not the schema's {list(want)}")
        return companion

    # -- encoding --------------------------------------------------------------------------
    def encode(self, text: str):
        m = self.manifest
        return encode_text(self.tokenizer, text, m.normalization, m.max_length, m.stride, m.special_tokens)

    def _batches(self, windows: Sequence[Window], batch_size: int) -> list[tuple]:
        """(window indices, ids, mask) per batch, windows sorted by length so little compute goes to
        padding; built once and shared by both tasks."""
        order = sorted(range(len(windows)), key=lambda k: len(windows[k].input_ids))
        batches = []
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            width = max(len(windows[k].input_ids) for k in idx)
            ids = np.full((len(idx), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for r, k in enumerate(idx):
                n = len(windows[k].input_ids)
                ids[r, :n] = windows[k].input_ids
                mask[r, :n] = 1
            batches.append((idx, ids, mask))
        return batches

    def _logits(self, backend, windows: Sequence[Window], batches: list[tuple]) -> list[np.ndarray]:
        """One task's logits per window (per sub-token for the tagger), in the windows' order."""
        out: list[np.ndarray | None] = [None] * len(windows)
        for idx, ids, mask in batches:
            logits = backend(ids, mask)
            for r, k in enumerate(idx):
                out[k] = logits[r, : len(windows[k].input_ids)] if logits.ndim == 3 else logits[r]
        return out

    def _run(self, backend, windows: Sequence[Window], batch_size: int) -> list[np.ndarray]:
        """Logits per window for one task (export compares backends with it)."""
        return self._logits(backend, windows, self._batches(windows, batch_size))

    def _both(self, windows: Sequence[Window], batch_size: int) -> tuple[list, list]:
        """Tagger and classifier logits. With ONNX on 2+ threads the two run side by side, each on
        half the threads: ONNX Runtime releases the GIL while it computes, and the small model's
        matrices keep two threads of one session less busy than one thread each of two sessions
        (measured in ``make bench``; README, Benchmark)."""
        batches = self._batches(windows, batch_size)
        if not self.side_by_side:
            return self._logits(self.tagger, windows, batches), self._logits(self.classifier, windows, batches)
        with ThreadPoolExecutor(max_workers=1) as pool:
            tagged = pool.submit(self._logits, self.tagger, windows, batches)
            classified = self._logits(self.classifier, windows, batches)
            return tagged.result(), classified

    # -- prediction ------------------------------------------------------------------------
    def sentence_probabilities(self, texts: Sequence[str], batch_size: int = 32) -> list[tuple]:
        """Per sentence: its tokens, the (tokens x tags) tag probabilities, and the label probabilities
        (temperature-scaled; a label anywhere in a long sentence's windows is a label of the sentence)."""
        m = self.manifest
        encoded = [self.encode(t) for t in texts]
        windows = [w for _, wins in encoded for w in wins]
        tag_logits, cls_logits = self._both(windows, batch_size)
        tags = m.schema.tags
        temps = np.array([m.temperatures.get(lab, 1.0) for lab in m.schema.labels])
        out, k0 = [], 0
        for text, (tokens, wins) in zip(texts, encoded):
            word_probs = np.zeros((len(tokens), len(tags)))
            word_probs[:, tags.index("O")] = 1.0
            probs = np.zeros(len(m.schema.labels))
            for k, win in enumerate(wins, k0):
                p = _softmax(tag_logits[k])
                for pos in win.first_subtokens:
                    w = win.word_ids[pos]
                    if win.owned[0] <= w < win.owned[1]:
                        word_probs[w] = p[pos]
                probs = np.maximum(probs, 1.0 / (1.0 + np.exp(-cls_logits[k] / temps)))
            k0 += len(wins)
            if m.word_crf_weight:
                word_probs = mix_tag_probs(word_probs, self.crf_probs(tokens), m.word_crf_weight)
            if m.label_ngrams_weight:
                probs = mix_label_probs(probs, self.ngram_probs(text), m.label_ngrams_weight)
            out.append((tokens, word_probs, probs))
        return out

    def ngram_probs(self, text: str) -> np.ndarray:
        """The character n-gram model's label probabilities in the schema's label order, each label's
        logit divided by its temperature from the manifest."""
        m = self.manifest
        temps = np.array([m.label_ngrams_temperatures.get(lab, 1.0) for lab in m.schema.labels])
        z = self.label_ngrams.in_order(m.schema.labels, self.label_ngrams.logits(text))
        return 1.0 / (1.0 + np.exp(-z / temps))

    def crf_probs(self, tokens) -> np.ndarray:
        """The word CRF's (tokens x tags) posteriors in the schema's tag order."""
        return self.word_crf.in_order(self.manifest.schema.tags, self.word_crf.marginals(tokens))

    def decide(self, text: str, tokens, word_probs: np.ndarray, probs: np.ndarray) -> SentencePrediction:
        """Labels by threshold, tags by the manifest's decoding, spans (dropped without a label when
        the manifest says so): the one decision step of evaluation and serving."""
        m = self.manifest
        tags = m.schema.tags
        labels = decide_labels(probs, m.schema.labels, m.thresholds)
        scores = favour_spans(word_probs, tags, m.outside_penalty)
        if m.decoding == "viterbi":
            word_tag = viterbi_tags(scores, tags, m.transitions or None, m.transition_weight)
        else:
            word_tag = [tags[j] for j in scores.argmax(axis=1)]
        word_score = [float(word_probs[w, tags.index(t)]) for w, t in enumerate(word_tag)]
        spans = [] if m.spans_need_label and not labels else [
            {"start": sp.start, "end": sp.end, "label": sp.label, "text": text[sp.start : sp.end],
             "score": round(score, 4)}
            for sp, score in decode_spans(tokens, word_tag, word_score)
        ]
        return SentencePrediction(0, len(text), labels,
                                  {lab: round(float(p), 4) for lab, p in zip(m.schema.labels, probs)}, spans)

    def predict_sentences(self, texts: Sequence[str], batch_size: int = 32) -> list[SentencePrediction]:
        """Labels with scores and spans (offsets into each sentence) for each sentence."""
        return [self.decide(t, *rest) for t, rest in zip(texts, self.sentence_probabilities(texts, batch_size))]

    def predict_documents(self, texts: Sequence[str], batch_size: int = 32) -> list[dict]:
        """Split each document into sentences: labels, scores and spans (events: :func:`rasd.events.add_events`)."""
        bounds = [split_sentences(t) for t in texts]
        flat = [(d, a, b) for d, bs in enumerate(bounds) for a, b in bs]
        preds = self.predict_sentences([texts[d][a:b] for d, a, b in flat], batch_size)
        docs = [{"text": t, **script_fields(t), "sentences": [], "spans": []} for t in texts]
        for (d, a, b), p in zip(flat, preds):
            docs[d]["sentences"].append({"start": a, "end": b, "labels": p.labels, "scores": p.scores})
            for sp in p.spans:
                docs[d]["spans"].append({**sp, "start": sp["start"] + a, "end": sp["end"] + a})
        return docs


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def load(path_or_repo_id, backend: str = "auto", device: str = "cpu", precision: str = "fp32",
         threads: int | None = None, revision: str | None = None) -> Model:
    """Load a model folder or Hub id; see the README for the folder layout."""
    return Model(resolve_model_path(str(path_or_repo_id), revision), backend, device, precision, threads)


def iter_batches(items: Iterable, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
