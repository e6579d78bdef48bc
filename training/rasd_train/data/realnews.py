"""The real-news set: whole SaudiNewsNet articles and FIGNEWS posts, annotated, stored as references.

The texts belong to their newspapers, so the repository keeps, per sentence, the corpus, the
document id (SaudiNewsNet: the article's url; FIGNEWS: ``batch/language/id``), char offsets into the
document's text, the sentence's SHA-1, and labels and spans relative to the sentence. ``materialise``
rebuilds the records from ``../shared`` and checks every SHA-1; the dev split is the real-dev set
(:mod:`rasd_train.data.realdev`).

Annotators work on local copies (``data/real-news/src/``, gitignored) in the inline format:
``prepare`` writes them with every sentence of each chosen document pre-split, and
``build_references`` finds each annotated sentence again in its document, in order.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from rasd.records import Record, RecordError, Span, record_problems
from rasd.schema import LabelSchema
from rasd.sentences import split_sentences
from rasd_train.data.inline import summary
from rasd_train.data.realdev import REFS as REAL_DEV_REFS
from rasd_train.data.realdev import parse_source
from rasd_train.data.realdev import load_real_dev
from rasd_train.data.shared import iter_fignews, iter_saudinewsnet

REFS_DIR = Path("data/real-news")
SRC_DIR = REFS_DIR / "src"
SPLITS = ("train", "test")  # the splits annotators' files are stored into (``refs``)
STORED = ("train", "dev", "test")  # every stored reference file (dev is carved out of train: carve_dev)
CORPORA = ("saudinewsnet", "fignews")
TEST_DATES = ("2015-08-09", "2015-08-10", "2015-08-11")  # the corpus's last three days
TEST_BATCHES = ("B14", "B15")
# real-news dev: the annotated train documents of the two days before the test period and of the
# FIGNEWS batch before the test batches, a tuning set annotated like train and test are
DEV_DATES = ("2015-08-07", "2015-08-08")
DEV_BATCHES = ("B13",)


@dataclass
class Document:
    corpus: str
    doc_id: str
    text: str
    date: str | None = None  # publication date, ISO (SaudiNewsNet's date_extracted)
    outlet: str | None = None  # newspaper or FIGNEWS source language

    @property
    def key(self) -> str:
        return f"{self.corpus}:{self.doc_id}"


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def iter_documents(corpora=CORPORA):
    """Every document of the real corpora (first occurrence of a repeated url only)."""
    if "saudinewsnet" in corpora:
        seen = set()
        for art in iter_saudinewsnet():
            if art["url"] in seen:
                continue
            seen.add(art["url"])
            yield Document("saudinewsnet", art["url"], art["content"], art["date_extracted"][:10], art["source"])
    if "fignews" in corpora:
        for post in iter_fignews():
            yield Document("fignews", post["doc_id"], post["text"], None, post["language"])


def load_documents(keys: set[str]) -> dict[str, Document]:
    corpora = {k.split(":", 1)[0] for k in keys}
    return {d.key: d for d in iter_documents(tuple(corpora)) if d.key in keys}


# ---------------------------------------------------------------- choosing documents

_CUES = {
    "interception": re.compile(r"(اعترا?ض|اعترض|تصد[تى]|تصدي|أسقط|اسقط|إسقاط|باتريوت|القبة الحديدية|الدفاع(ات)? الجوي)"),
    "missile": re.compile(r"(صاروخ|سكود|طائر|قذيف|مقذوف|مسير)"),
    "denial": re.compile(r"(نفى|نفت|ينفي|تنفي|نفي|رفض التعليق|لا تعليق|لم يصدر|لم تؤكد|لم يؤكد|تنكر|أنكر)"),
    "attack": re.compile(r"(غارة|غارات|قصف|استهدف|هجوم|تفجير|مقذوفات|قذائف|اشتباك)"),
    "casualty": re.compile(r"(مقتل|قتلى|جرحى|استشهاد|مصرع|إصابة|قتل|استشهد|شهيد)"),
    "hard_negative": re.compile(r"(مناورات|تمرين|صفقة|المهاجم|الهجوم الكروي|اعتراض على|الاعتراض|نفت الشركة|تنفي الشركة)"),
    # round 4: denials phrased without «نفى» (rule 43's positives the model misses) ...
    "denial_phrase": re.compile(r"(لا صحة|عن الصحة|غير صحيح|عار من الصحة|كذب|تكذيب|دحض|فند|مزاعم|ادعاءات|ادعاء|"
                                r"شائعات|إشاعات|يرفض التعليق|ترفض التعليق|رفض التعليق|رفضت التعليق)"),
}
# ... and the plain denials of non-violent matters (its negatives), counted in _profile
_DENIAL_ANY = re.compile(f"{_CUES['denial'].pattern}|{_CUES['denial_phrase'].pattern}")
MAX_SENTENCES = 40
POOLS = ("icpt", "deny", "event", "neg", "fig", "deny_phrase", "deny_plain")  # select_documents' train pools


def _profile(doc: Document) -> dict:
    sents = [doc.text[a:b] for a, b in split_sentences(doc.text)]
    hits = {k: 0 for k in (*_CUES, "denial_plain")}
    for s in sents:
        if _CUES["interception"].search(s) and _CUES["missile"].search(s):
            hits["interception"] += 1
        violent = bool(_CUES["attack"].search(s) or _CUES["casualty"].search(s))
        if _CUES["denial"].search(s) and violent:
            hits["denial"] += 1
        if _CUES["denial_phrase"].search(s) and violent:
            hits["denial_phrase"] += 1
        hits["denial_plain"] += bool(_DENIAL_ANY.search(s)) and not violent
        for k in ("attack", "casualty", "hard_negative"):
            hits[k] += bool(_CUES[k].search(s))
    return {"n": len(sents), **hits}


def _usable(doc: Document) -> bool:
    """Inline files are line-based and use < > for tags: documents that cannot be written are left out."""
    return "<" not in doc.text and ">" not in doc.text and any("\u0600" <= c <= "\u06ff" for c in doc.text)


def _take(pool, budget, score, chosen, seen):
    used = 0
    for doc, prof in sorted(pool, key=score):
        if doc.key in seen or prof["n"] == 0 or prof["n"] > MAX_SENTENCES or used + prof["n"] > budget:
            continue
        chosen.append(doc)
        seen.add(doc.key)
        used += prof["n"]
    return used


def in_period(doc: Document, dates, batches) -> bool:
    """Whether a document is from one of these SaudiNewsNet days or FIGNEWS batches."""
    if doc.corpus == "saudinewsnet":
        return doc.date in dates
    return doc.doc_id.split("/")[0] in batches


def select_documents(seed: int = 2026, budgets: dict | None = None, exclude: set[str] = frozenset()) -> dict[str, list[Document]]:
    """The documents to annotate, per split; the rule is in the data card and is deterministic.

    Train: SaudiNewsNet before 2015-08-09 and FIGNEWS batches B01-B13; test: SaudiNewsNet's last
    three days and FIGNEWS B14-B15. Real-dev articles are never chosen, nor (since the dev split was
    carved out of train) documents of the dev period, 2015-08-07/08 and B13. Within a pool, documents
    are taken by density of cue sentences (interception first, then denial, attack and casualty,
    then hard negatives), then at random, each up to a sentence budget. Round 4's two pools come
    after them and are empty at budget 0, so the earlier rounds' choices stay as they were: denials
    of violence phrased without «نفى» (``train_deny_phrase``) and denials of anything else
    (``train_deny_plain``, the negatives of rule 43).
    """
    b = {"train_icpt": 520, "train_deny": 1450, "train_event": 250, "train_neg": 230, "train_fig": 880,
         "test_snn": 520, "test_fig": 150, "train_deny_phrase": 0, "train_deny_plain": 0, **(budgets or {})}
    rng = random.Random(seed)
    dev_urls = {json.loads(line)["url"] for line in open(REAL_DEV_REFS, encoding="utf-8") if line.strip()}
    pools = {"train_snn": [], "test_snn": [], "train_fig": [], "test_fig": []}
    for doc in iter_documents():
        if not _usable(doc) or (doc.corpus == "saudinewsnet" and doc.doc_id in dev_urls):
            continue
        if in_period(doc, DEV_DATES, DEV_BATCHES):
            continue  # later train rounds stay before the dev period
        split = "test" if in_period(doc, TEST_DATES, TEST_BATCHES) else "train"
        pools[f"{split}_{'snn' if doc.corpus == 'saudinewsnet' else 'fig'}"].append((doc, _profile(doc)))
    for pool in pools.values():
        rng.shuffle(pool)
    density = lambda k: (lambda dp: -dp[1][k] / dp[1]["n"] if dp[1]["n"] else 0)  # noqa: E731
    out = {"train": [], "test": []}
    seen: set[str] = set(exclude)
    snn = pools["train_snn"]
    _take([dp for dp in snn if dp[1]["interception"]], b["train_icpt"], density("interception"), out["train"], seen)
    _take([dp for dp in snn if dp[1]["denial"]], b["train_deny"], density("denial"), out["train"], seen)
    _take([dp for dp in snn if dp[1]["attack"] or dp[1]["casualty"]], b["train_event"],
          lambda dp: -(dp[1]["attack"] + dp[1]["casualty"]) / dp[1]["n"], out["train"], seen)
    _take([dp for dp in snn if dp[1]["hard_negative"]], b["train_neg"] // 2, density("hard_negative"), out["train"], seen)
    _take(snn, b["train_neg"] // 2, lambda dp: 0, out["train"], seen)
    _take([dp for dp in snn if dp[1]["denial_phrase"]], b["train_deny_phrase"], density("denial_phrase"),
          out["train"], seen)
    _take([dp for dp in snn if dp[1]["denial_plain"]], b["train_deny_plain"], density("denial_plain"), out["train"], seen)
    fig = pools["train_fig"]
    fig_score = lambda dp: (dp[0].outlet != "Arabic", -(dp[1]["interception"] * 3 + dp[1]["denial"] * 3  # noqa: E731
                                                         + dp[1]["attack"] + dp[1]["casualty"]) / max(dp[1]["n"], 1))
    _take(fig, b["train_fig"], fig_score, out["train"], seen)
    tsnn = pools["test_snn"]
    _take([dp for dp in tsnn if dp[1]["interception"] or dp[1]["denial"]], b["test_snn"] // 3,
          lambda dp: -(dp[1]["interception"] + dp[1]["denial"]) / dp[1]["n"], out["test"], seen)
    _take([dp for dp in tsnn if dp[1]["attack"] or dp[1]["casualty"]], b["test_snn"] // 3,
          lambda dp: -(dp[1]["attack"] + dp[1]["casualty"]) / dp[1]["n"], out["test"], seen)
    _take(tsnn, b["test_snn"] - 2 * (b["test_snn"] // 3), lambda dp: 0, out["test"], seen)
    _take(pools["test_fig"], b["test_fig"], lambda dp: (dp[0].outlet != "Arabic", 0), out["test"], seen)
    return out


def write_sources(docs: list[Document], path: Path) -> int:
    """An annotator's input: each document's sentences pre-split, each line ``- | sentence``."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(f"### doc: {doc.key}\n")
            if doc.date:
                fh.write(f"# date {doc.date}, {doc.outlet}\n")
            for a, b in split_sentences(doc.text):
                fh.write(f"- | {doc.text[a:b]}\n")
                n += 1
            fh.write("\n")
    return n


def prepare(out_dir: Path = SRC_DIR, train_parts: int = 5, seed: int = 2026) -> dict[str, int]:
    """Write the annotators' input files: ``train-K.txt`` (K = 1..parts) and ``test-1.txt``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = select_documents(seed)
    counts = {}
    for k, docs in enumerate(_balanced(chosen["train"], train_parts), 1):
        counts[f"train-{k}.txt"] = write_sources(docs, out_dir / f"input-train-{k}.txt")
    counts["test-1.txt"] = write_sources(chosen["test"], out_dir / "input-test-1.txt")
    return counts


def agreement_sample(inputs, out: Path, minimum: int = 300, seed: int = 7) -> int:
    """Whole documents drawn at random from the train inputs until ``minimum`` sentences: pass 2's input."""
    blocks = []
    for path in inputs:
        text = Path(path).read_text(encoding="utf-8")
        blocks += [b.strip() for b in re.split(r"(?m)^(?=### doc: )", text) if b.startswith("### doc: ")]
    random.Random(seed).shuffle(blocks)
    taken, n = [], 0
    for block in blocks:
        if n >= minimum:
            break
        taken.append(block)
        n += sum(line.startswith("- | ") for line in block.splitlines())
    Path(out).write_text("\n\n".join(taken) + "\n", encoding="utf-8")
    return n


def prepare_extra(out: Path, inputs, budget: int = 660, seed: int = 2026) -> int:
    """One more train input of whole documents not yet chosen, the densest in interception and denial
    cues first (the labels real news carries least), then attack and casualty cues."""
    exclude = set()
    for path in inputs:
        exclude |= {line[len("### doc: "):].strip() for line in open(path, encoding="utf-8") if line.startswith("### doc: ")}
    icpt = budget // 3
    chosen = select_documents(seed, {"train_icpt": icpt, "train_deny": budget - icpt - 60, "train_event": 60,
                                     "train_neg": 0, "train_fig": 0, "test_snn": 0, "test_fig": 0}, exclude)
    return write_sources(chosen["train"], out)


def annotated_keys(refs_dir: Path | None = None) -> set[str]:
    """Every document already in the stored references (``corpus:doc_id``)."""
    refs_dir, keys = refs_dir or REFS_DIR, set()
    for split in STORED:
        path = refs_dir / f"{split}.jsonl"
        if path.is_file():
            keys |= {_doc_key(r) for r in map(json.loads, open(path, encoding="utf-8")) if r}
    return keys


def _doc_key(ref: dict) -> str:
    return f"{ref['corpus']}:{ref['doc_id']}"


def prepare_more(out_dir: Path, parts: int, budgets: dict, seed: int = 2027) -> dict[str, int]:
    """``parts`` more train inputs (``input-more-K.txt``) of documents in no stored reference file.

    For a later annotation round, when the first round's input files are gone: the exclusion comes
    from the references themselves. ``budgets`` are :func:`select_documents`'s train budgets (the
    test budgets are always 0: the test set is never grown from the same pools after the fact).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    b = {**{f"train_{k}": 0 for k in POOLS}, **budgets, "test_snn": 0, "test_fig": 0}
    chosen = select_documents(seed, b, annotated_keys())["train"]
    return {f"input-more-{k}.txt": write_sources(docs, out_dir / f"input-more-{k}.txt")
            for k, docs in enumerate(_balanced(chosen, parts), 1)}


def _balanced(docs: list[Document], parts: int) -> list[list[Document]]:
    """``docs`` dealt into ``parts`` lists of about the same sentence count (greedy; corpora mixed)."""
    per, sizes = [[] for _ in range(parts)], [0] * parts
    for doc in docs:
        k = sizes.index(min(sizes))
        per[k].append(doc)
        sizes[k] += len(split_sentences(doc.text))
    return per


# ---------------------------------------------------------------- references

def build_references(sources, split: str, schema: LabelSchema | None = None, first_id: int = 1):
    """Locate every annotated sentence in its document (in order); return refs, problems, records.

    Ids count from ``first_id`` (above the stored ones when a later round is appended)."""
    schema = schema or LabelSchema()
    errors: list[RecordError] = []
    items = [(Path(src), *it) for src in sources for it in parse_source(src, schema, errors)]
    docs = load_documents({key for _, _, key, *_ in items})
    refs, records, cursor, n = [], [], {}, first_id - 1
    for src, lineno, key, labels, text, spans in items:
        doc = docs.get(key)
        if doc is None:
            errors.append(RecordError(src, lineno, f"no document {key} in ../shared"))
            continue
        start = doc.text.find(text, cursor.get(key, 0))
        if start < 0:
            errors.append(RecordError(src, lineno, f"sentence is not in {key} verbatim (after the previous one)"))
            continue
        cursor[key] = start + len(text)
        n += 1
        rec = Record(f"realnews-{split}-{n:05d}", text, labels, spans, key)
        problems = record_problems(rec, schema)
        if spans and not labels:
            problems.append("spans in a sentence with no event label (project rule: none there)")
        errors += [RecordError(src, lineno, p) for p in problems]
        records.append(rec)
        refs.append({"id": rec.id, "corpus": doc.corpus, "doc_id": doc.doc_id, "start": start,
                     "end": start + len(text), "sha1": sha1(text), "labels": labels,
                     "spans": [s.to_dict() for s in spans]})
    errors += _incomplete(items, docs)
    return refs, errors, records


def _incomplete(items, docs) -> list[RecordError]:
    """Every sentence of a chosen document is annotated, so that the negatives look like real news."""
    counts, first = {}, {}
    for src, lineno, key, *_ in items:
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, (src, lineno))
    problems = []
    for key, n in counts.items():
        if key in docs and n != (want := len(split_sentences(docs[key].text))):
            src, lineno = first[key]
            problems.append(RecordError(src, lineno, f"{key}: {n} of its {want} sentences annotated"))
    return problems


def load_refs(path: Path) -> list[Record]:
    """Rebuild the records of one reference file; a missing or changed text is one RecordError."""
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    docs = load_documents({f"{r['corpus']}:{r['doc_id']}" for r in rows})
    records = []
    for lineno, row in enumerate(rows, 1):
        key = f"{row['corpus']}:{row['doc_id']}"
        doc = docs.get(key)
        if doc is None:
            raise RecordError(path, lineno, f"{row['id']}: document {key} is not in ../shared")
        text = doc.text[row["start"] : row["end"]]
        if sha1(text) != row["sha1"]:
            raise RecordError(path, lineno, f"{row['id']}: SHA-1 mismatch, ../shared's copy of {key} differs")
        spans = [Span(s["start"], s["end"], s["label"]) for s in row["spans"]]
        records.append(Record(row["id"], text, row["labels"], spans, key))
    return records


def load_split(split: str, refs_dir: Path = REFS_DIR) -> list[Record]:
    """``train`` / ``dev`` / ``test`` from the real-news references, ``real-dev`` from real-dev's."""
    if split == "real-dev":
        return [Record(r.id, r.text, r.labels, r.spans, f"saudinewsnet:{r.doc_id}") for r in load_real_dev()]
    return load_refs(refs_dir / f"{split}.jsonl")


def carve_dev(refs_dir: Path = REFS_DIR) -> dict[str, int]:
    """Move the train references of the dev period (``DEV_DATES``, ``DEV_BATCHES``) to ``dev.jsonl``.

    Real-dev is annotated by other hands than the real-news set, so a choice tuned on it alone can
    move real-news test the other way; dev is annotated like train and test and is the period just
    before test. Dev records are numbered ``realnews-dev-NNNNN`` in train's order. Both files are
    replaced atomically; a second call finds nothing left to move and changes nothing.
    """
    train_path, dev_path = refs_dir / "train.jsonl", refs_dir / "dev.jsonl"
    rows = [json.loads(line) for line in open(train_path, encoding="utf-8") if line.strip()]
    dev = [json.loads(line) for line in open(dev_path, encoding="utf-8") if line.strip()] if dev_path.is_file() else []
    docs = load_documents({_doc_key(r) for r in rows + dev})
    moving, kept = [], []
    for r in rows:
        (moving if _dev_period(r, docs) else kept).append(r)
    if not moving:
        return {"moved": 0, "dropped": 0, "train": len(rows), "dev": len(dev)}
    for n, r in enumerate(moving, len(dev) + 1):
        r["id"] = f"realnews-dev-{n:05d}"
    # agency copy reprinted in an earlier train article: the held-out copy wins, as in _disjoint
    held = {_ref_text(r, docs) for r in moving}
    left = [r for r in kept if _ref_text(r, docs) not in held]
    write_refs(dev_path, dev + moving)
    write_refs(train_path, left)
    return {"moved": len(moving), "dropped": len(kept) - len(left), "train": len(left), "dev": len(dev) + len(moving)}


def _ref_text(ref: dict, docs: dict) -> str:
    from rasd.text import collapse_whitespace

    return collapse_whitespace(docs[_doc_key(ref)].text[ref["start"]:ref["end"]])


def _dev_period(ref: dict, docs: dict) -> bool:
    doc = docs.get(_doc_key(ref))
    return doc is not None and in_period(doc, DEV_DATES, DEV_BATCHES)


def write_refs(path: Path, refs: list[dict]) -> None:
    """Reference rows to ``path``, atomically: a crash while writing leaves the stored file whole."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for r in refs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(path)


def materialise(out_dir: Path, refs_dir: Path = REFS_DIR) -> dict[str, int]:
    """Write ``train/dev/test/real-dev.jsonl`` in the record format, each record with ``doc_id`` and ``corpus``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for split in ("train", "dev", "test", "real-dev"):
        records = load_split(split, refs_dir)
        tmp = out_dir / f".{split}.jsonl.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            for rec in records:
                row = rec.to_dict()
                corpus, doc_id = rec.doc_id.split(":", 1)
                row["doc_id"], row["corpus"] = doc_id, corpus
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        tmp.replace(out_dir / f"{split}.jsonl")
        counts[split] = len(records)
    return counts


def agreement(pass1_sources, pass2_source, schema: LabelSchema | None = None) -> tuple[dict, list[dict]]:
    """Pass 2 against pass 1 on the sentences both annotated (matched by document and offset).

    Returns the figures (no text: they are committed) and the disagreements (with text: they stay
    in the gitignored src folder, for the adjudicator).
    """
    from rasd_train.data.agreement import _inline
    from rasd_train.metrics import label_scores, span_scores

    schema = schema or LabelSchema()
    keyed = []
    for sources in (pass1_sources, [pass2_source]):
        refs, errors, records = build_references(sources, "train", schema)
        if errors:
            raise RecordError(errors[0].path, errors[0].line, f"{errors[0].problem} (and {len(errors) - 1} more)")
        keyed.append({(r["corpus"], r["doc_id"], r["start"]): rec for r, rec in zip(refs, records)})
    first, second = keyed
    keys = sorted(k for k in second if k in first)
    gold, other = [first[k] for k in keys], [second[k] for k in keys]
    figures = {"sentences": len(keys), "documents": len({k[:2] for k in keys}),
               "labels": label_scores([r.labels for r in gold], [r.labels for r in other], schema.labels),
               "spans": span_scores(gold, [r.spans for r in other], schema.span_types)}
    diffs = []
    for k, a, b in zip(keys, gold, other):
        if set(a.labels) != set(b.labels) or {(x.start, x.end, x.label) for x in a.spans} != {
                (x.start, x.end, x.label) for x in b.spans}:
            diffs.append({"doc": f"{k[0]}:{k[1]}", "start": k[2], "pass1": _inline(a), "pass2": _inline(b)})
    return figures, diffs


def store_agreement(pass1_sources, pass2_source, round_name: str, refs_dir: Path | None = None) -> dict:
    """A round's agreement, measured before adjudication, written where each part belongs.

    Committed (no text): ``REFS_DIR/ROUND/agreement.json`` (the figures) and ``pass2.jsonl`` (the
    second pass as references, ids ``realnews-ROUND-pass2-NNNNN``). Beside the pass-2 file, in the
    gitignored src folder (with text, for the adjudicator): ``disagreements-ROUND.txt``, numbered.
    """
    figures, diffs = agreement(pass1_sources, pass2_source)
    refs, _, _ = build_references([pass2_source], "train")
    for i, ref in enumerate(refs, 1):
        ref["id"] = f"realnews-{round_name}-pass2-{i:05d}"
    out = Path(refs_dir or REFS_DIR) / round_name
    out.mkdir(parents=True, exist_ok=True)
    write_refs(out / "pass2.jsonl", refs)
    summary = {"pass1": [Path(p).name for p in pass1_sources], "pass2": Path(pass2_source).name,
               "disagreeing_sentences": len(diffs), **figures}
    (out / "agreement.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with open(Path(pass2_source).parent / f"disagreements-{round_name}.txt", "w", encoding="utf-8") as fh:
        for i, d in enumerate(diffs, 1):
            fh.write(f"#{i} {d['doc']} @{d['start']}\np1: {d['pass1']}\np2: {d['pass2']}\n\n")
    return summary


def _disjoint(refs: list[dict], records: list[Record], split: str) -> list[dict]:
    """Leave out sentences that are also in a held-out split (real-dev; and dev and test, for train).

    Newspapers reprint agency copy, so the same sentence turns up in different articles; the
    splits must share no sentence (ANNOTATION.md), so the held-out copy wins.
    """
    from rasd.text import collapse_whitespace

    held = {collapse_whitespace(r.text) for r in load_real_dev()}
    for other in ("dev", "test") if split == "train" else ():
        if (REFS_DIR / f"{other}.jsonl").is_file():
            held |= {collapse_whitespace(r.text) for r in load_refs(REFS_DIR / f"{other}.jsonl")}
    kept = [ref for ref, rec in zip(refs, records) if collapse_whitespace(rec.text) not in held]
    if len(kept) < len(refs):
        sys.stdout.write(f"left out {len(refs) - len(kept)} sentence(s) that are also in a held-out split\n")
    return kept


def validate(refs_dir: Path = REFS_DIR, schema: LabelSchema | None = None) -> list[RecordError]:
    """Every real-news record valid; splits disjoint by document and by sentence (whitespace collapsed)."""
    from rasd.text import collapse_whitespace

    schema = schema or LabelSchema()
    errors, seen_docs, seen_text = [], {}, {}
    for split in (*STORED, "real-dev"):
        path = Path(refs_dir) / f"{split}.jsonl" if split != "real-dev" else REAL_DEV_REFS
        if split != "real-dev" and not path.is_file():
            continue
        try:
            records = load_split(split, Path(refs_dir))
        except RecordError as err:
            errors.append(err)
            continue
        for n, rec in enumerate(records, 1):
            errors += [RecordError(path, n, f"record {rec.id!r}: {p}") for p in record_problems(rec, schema)]
            if rec.spans and not rec.labels:
                errors.append(RecordError(path, n, f"record {rec.id!r}: spans in a sentence with no event label"))
            other = seen_docs.setdefault(rec.doc_id, split)
            if other != split:
                errors.append(RecordError(path, n, f"record {rec.id!r}: document {rec.doc_id} is also in {other}"))
            key = collapse_whitespace(rec.text)
            first = seen_text.setdefault(key, split)
            if first != split:
                errors.append(RecordError(path, n, f"record {rec.id!r}: the same sentence is also in {first}"))
    return errors


def main(argv=None) -> int:
    """The command line; without ../shared, one line that says where it was looked for."""
    from rasd_train.data.shared import SharedDataMissing

    try:
        return _main(argv)
    except SharedDataMissing as exc:
        sys.stderr.write(f"{exc}\n")
        return 2


def _main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Real-news set: prepare inputs, store references, materialise.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="write the annotators' input files (needs ../shared)")
    p.add_argument("--out", type=Path, default=SRC_DIR)
    p = sub.add_parser("prepare-extra", help="one more train input of documents not in INPUTS")
    p.add_argument("out", type=Path)
    p.add_argument("inputs", nargs="+", type=Path)
    p = sub.add_parser("prepare-more", help="more train inputs of documents in no stored reference file")
    p.add_argument("--out", type=Path, default=SRC_DIR)
    p.add_argument("--parts", type=int, default=4)
    for name in POOLS:
        p.add_argument(f"--{name.replace('_', '-')}", type=int, default=0, help=f"sentence budget of the train_{name} pool")
    p = sub.add_parser("sample-agreement", help="draw whole train documents for the second pass")
    p.add_argument("inputs", nargs="+", type=Path)
    p.add_argument("--out", type=Path, default=SRC_DIR / "input-pass2.txt")
    p = sub.add_parser("agreement", help="a second pass against pass 1: figures and pass-2 references "
                       "(REFS_DIR/ROUND), disagreements beside the pass-2 file")
    p.add_argument("pass1", nargs="+", type=Path)
    p.add_argument("--pass2", type=Path, required=True)
    p.add_argument("--round", dest="round_name", required=True, help="folder and id prefix, e.g. round3")
    p = sub.add_parser("refs", help="check annotated files and (with --write) store the references")
    p.add_argument("split", choices=SPLITS)
    p.add_argument("sources", nargs="+", type=Path)
    p.add_argument("--write", action="store_true")
    p.add_argument("--append", action="store_true",
                   help="with --write: add to the stored references (ids go on from the last one)")
    p = sub.add_parser("materialise", help="write OUT/train.jsonl, dev.jsonl, test.jsonl, real-dev.jsonl (needs ../shared)")
    p.add_argument("out", type=Path)
    sub.add_parser("carve-dev", help="move the train references of the dev period to dev.jsonl (needs ../shared)")
    args = parser.parse_args(argv)
    if args.cmd == "prepare":
        for name, n in prepare(args.out).items():
            sys.stdout.write(f"{args.out / ('input-' + name)}: {n} sentences\n")
        return 0
    if args.cmd == "prepare-extra":
        sys.stdout.write(f"{args.out}: {prepare_extra(args.out, args.inputs)} sentences\n")
        return 0
    if args.cmd == "prepare-more":
        budgets = {f"train_{k}": getattr(args, k) for k in POOLS}
        for name, n in prepare_more(args.out, args.parts, budgets).items():
            sys.stdout.write(f"{args.out / name}: {n} sentences\n")
        return 0
    if args.cmd == "sample-agreement":
        sys.stdout.write(f"{args.out}: {agreement_sample(args.inputs, args.out)} sentences\n")
        return 0
    if args.cmd == "agreement":
        got = store_agreement(args.pass1, args.pass2, args.round_name)
        sys.stdout.write(f"{got['sentences']} sentences in {got['documents']} documents: labels "
                         f"{got['labels']['micro']['f1']:.3f}, strict spans {got['spans']['micro']['f1']:.3f}; "
                         f"{got['disagreeing_sentences']} disagreeing\n")
        return 0
    if args.cmd == "carve-dev":
        counts = carve_dev()
        sys.stdout.write(f"moved {counts['moved']} references to {REFS_DIR / 'dev.jsonl'} ({counts['dev']} there), "
                         f"left out {counts['dropped']} train copies of their sentences; train {counts['train']}\n")
        return 0
    if args.cmd == "materialise":
        for split, n in materialise(args.out).items():
            sys.stdout.write(f"{args.out / (split + '.jsonl')}: {n} records\n")
        return 0
    schema = LabelSchema()
    path = REFS_DIR / f"{args.split}.jsonl"
    stored = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()] if args.append else []
    # ids go on from the highest stored one: sentences left out by _disjoint leave gaps in the numbering
    first_id = max((int(r["id"].rsplit("-", 1)[1]) for r in stored), default=0) + 1
    refs, errors, records = build_references(args.sources, args.split, schema, first_id=first_id)
    if stored:
        again = set(map(_doc_key, stored)) & set(map(_doc_key, refs))
        errors += [RecordError(path, 0, f"{key} is already in the stored references") for key in sorted(again)]
    for err in errors:
        sys.stdout.write(f"{err}\n")
    sys.stdout.write(summary(records, schema) + f"\n{len(errors)} error(s)\n")
    if args.write and not errors:
        refs = _disjoint(refs, records, args.split)
        write_refs(path, stored + refs)
        sys.stdout.write(f"wrote {len(stored) + len(refs)} references to {path} ({len(refs)} new)\n")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
