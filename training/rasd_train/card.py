"""The model card (README.md of a published model), generated from what the run recorded."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from rasd.manifest import Manifest
from rasd_train.report import HEAD, markdown, peer_rows

LABEL_DEFS = {
    "attack": "one or more attacks were carried out, attempted or are recurring (strikes, raids, shelling, bombings, missile or drone launches, armed assaults)",
    "interception": "air defences or other forces intercepted, shot down or thwarted missiles, rockets, drones or aircraft",
    "casualty_report": "people were killed, wounded or went missing (with or without a number)",
    "denial": "a party denies involvement or a report, refuses to comment, or declines to confirm",
}
TYPE_DEFS = {
    "ACTOR": "who carries out the event: the attacker, the force that intercepts, the party that denies",
    "TARGET": "what or who is targeted, other than a place name",
    "LOCATION": "where the event happens, is aimed at, or is launched from",
    "WEAPON": "the weapon or means, including a named kind of strike",
    "CASUALTIES": "the count and kind of people killed, wounded or missing",
    "TIME": "when the event happened",
    "SOURCE": "who reports or claims the information",
}
REQUIRED_FRONT_MATTER = ("language", "license", "tags", "datasets", "pipeline_tag", "metrics", "model-index")
REQUIRED_SECTIONS = ("## What it does", "## Labels and span types", "## Training", "## Evaluation",
                     "## How to use", "## Limitations and risks")


def _base_text(base: str, cfg: dict) -> str:
    """What the card says the model was fine-tuned from: a Hub model, a local base folder, or nothing."""
    if _is_hub_id(base):
        return f"fine-tuned from [`{base}`](https://huggingface.co/{base})"
    info = Path(base) / "pretrain.json"
    if base != "offline" and info.is_file():
        record = json.loads(info.read_text(encoding="utf-8"))
        how = ("its input embeddings PPMI vectors of unlabeled Arabic news, posts and NER-corpus text, its layers "
               "untrained before fine-tuning" if record.get("embeddings") and not record.get("steps") else
               f"masked-LM pretrained for {record.get('steps')} steps on unlabeled Arabic text")
        return f"fine-tuned from the rasd base `{base}` ({how}; its own card is `{base}/README.md`)"
    return ("trained from scratch offline (a WordPiece tokenizer trained on the corpus and a small BERT, "
            f"`{cfg.get('model', {}).get('bert_config')}`; the rasd quickstart base — it has never seen Arabic "
            "beyond the training corpus)")


def _is_hub_id(name: str) -> bool:
    return bool(name) and name.count("/") == 1 and not name.startswith((".", "/")) and not Path(name).exists()


def front_matter(repo_id: str, manifest: Manifest, metrics: dict, license_id: str) -> dict:
    dev = metrics.get("dev", {})
    results = []
    if "spans" in dev:
        sp = dev["spans"]["micro"]
        results.append({
            "task": {"type": "token-classification", "name": "Event-argument tagging"},
            "dataset": {"type": "rasd-events", "name": "rasd events corpus (dev)", "split": "validation"},
            "metrics": [{"type": "f1", "value": sp["f1"], "name": "strict span micro F1"},
                        {"type": "precision", "value": sp["precision"], "name": "strict span micro precision"},
                        {"type": "recall", "value": sp["recall"], "name": "strict span micro recall"},
                        {"type": "f1", "value": dev["spans"]["macro"]["f1"], "name": "strict span macro F1"}]})
    if "labels" in dev:
        lab = dev["labels"]
        results.append({
            "task": {"type": "text-classification", "name": "Event sentence classification (multi-label)"},
            "dataset": {"type": "rasd-events", "name": "rasd events corpus (dev)", "split": "validation"},
            "metrics": [{"type": "f1", "value": lab["micro"]["f1"], "name": "label micro F1"},
                        {"type": "f1", "value": lab["macro_f1"], "name": "label macro F1"},
                        {"type": "exact_match", "value": lab["exact_match"], "name": "exact match"}]})
    fm = {
        "language": ["ar"], "license": license_id, "library_name": "transformers",
        "tags": ["arabic", "event-extraction", "conflict-events", "token-classification", "text-classification",
                 "multi-label-classification", "onnx", "rasd"],
        "datasets": ["rasd-events"], "pipeline_tag": "token-classification",
        "metrics": ["f1", "precision", "recall", "exact_match"],
        "model-index": [{"name": repo_id.split("/")[-1], "results": results}],
    }
    if _is_hub_id(manifest.base_model):
        fm["base_model"] = manifest.base_model
    return fm


def _table(rows: list[list], head: list[str]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _eval_section(metrics: dict) -> str:
    parts = []
    for name in ("dev", "real-dev", "real-news-dev", "test", "real-news-test"):
        res = metrics.get(name)
        if not res:
            continue
        if "skipped" in res:
            parts.append(f"**{name}**: not evaluated ({res['skipped']}).")
            continue
        lab, sp = res["labels"], res["spans"]
        parts.append(f"**{name}** ({res['n']} sentences) — labels: micro F1 {lab['micro']['f1']:.3f}, macro F1 "
                     f"{lab['macro_f1']:.3f}, exact match {lab['exact_match']:.3f}; spans (strict): micro F1 "
                     f"{sp['micro']['f1']:.3f}, macro F1 {sp['macro']['f1']:.3f}.\n")
        parts.append(_table([[k, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}", v["support"]]
                             for k, v in lab["per_label"].items()], ["label", "P", "R", "F1", "n"]))
        parts.append("")
        parts.append(_table([[k, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}", v["support"]]
                             for k, v in sp["per_type"].items()], ["span type", "P", "R", "F1", "n"]))
        parts.append("")
    rows = peer_rows(metrics)
    if rows:
        parts.append("Against its peers, trained on exactly the same data in seconds (labels: character "
                     "2–5-gram TF-IDF + logistic regression; spans: a word-feature CRF), thresholds tuned on the "
                     "same sets; spans strict (exact bounds and type) and lenient (same type, overlapping):\n")
        parts.append(markdown(rows, HEAD))
        parts.append("")
    if metrics.get("calibration", {}).get("ece"):
        parts.append("Label calibration (expected calibration error, 10 bins) before → after per-label "
                     "temperature scaling fitted on the tuning sets: " + "; ".join(
                         f"{k} {v['before']:.3f} → {v['after']:.3f}" for k, v in metrics["calibration"]["ece"].items())
                     + ".\n")
    return "\n".join(parts)


def _onnx_section(manifest: Manifest) -> str:
    o = manifest.onnx
    if not o:
        return "No ONNX export in this repository (run `make export` before publishing to add it)."
    lines = [f"ONNX opset {o.get('opset')}: `model.onnx` (fp32) in each task folder"
             + (", and `model.int8.onnx` (dynamic int8)." if o.get("int8") else "; int8 was not kept.")]
    if "check_sentences" in o:
        lines.append(f"Checked on {o['check_sentences']} sentences of `{o.get('check_data')}`: fp32 max |logit "
                     f"difference| vs torch {o['fp32_max_abs_logit_diff']:.2e}; int8 label agreement "
                     f"{o['label_agreement']:.3f}, span agreement {o['span_agreement']:.3f}; strict span F1 torch "
                     f"{o['span_f1_torch']:.3f} vs int8 {o['span_f1_int8']:.3f}; label micro F1 torch "
                     f"{o['label_f1_torch']:.3f} vs int8 {o['label_f1_int8']:.3f} (F1 drop {o['int8_f1_drop_points']:.2f} "
                     f"points; tolerance {o['int8_tolerance']} points).")
    return "\n\n".join(lines)


def _baseline_warning(metrics: dict) -> str:
    """Say so plainly where a classical peer beats the model."""
    peers = metrics.get("peers", {})
    worse = []
    for name, r in peers.items():
        mine = metrics.get(name, {})
        if name == "thresholds" or "labels" not in mine:
            continue
        if r["labels"]["micro"]["f1"] > mine["labels"]["micro"]["f1"]:
            worse.append(f"labels on {name}")
        if r["spans"]["micro"]["f1"] > mine["spans"]["micro"]["f1"]:
            worse.append(f"strict spans on {name}")
    if not worse:
        return ""
    return (f"- **Below a classical peer** ({', '.join(worse)}): the TF-IDF label peer or the CRF span peer, "
            "trained on the same data, scores higher there. Check the table above before relying on those outputs.\n")


def recorded_metrics(model_dir: Path) -> dict:
    """metrics.json of the training run, completed by a later ``make evaluate`` (eval.json) for the
    sets the run could not score (e.g. the real-news set when ../shared was absent)."""
    metrics = json.loads((model_dir / "metrics.json").read_text(encoding="utf-8"))
    later = model_dir / "eval.json"
    if later.is_file():
        for name, res in json.loads(later.read_text(encoding="utf-8")).items():
            if "labels" in res and "labels" not in metrics.get(name, {}):
                metrics[name] = {**res, "note": "scored by make evaluate after training"}
    return metrics


def build_card(model_dir, repo_id: str, license_id: str = "apache-2.0") -> str:
    model_dir = Path(model_dir)
    manifest = Manifest.load(model_dir)
    metrics = recorded_metrics(model_dir)
    cfg = metrics.get("config", {})
    fm = front_matter(repo_id, manifest, metrics, license_id)
    base = manifest.base_model
    base_text = _base_text(base, cfg)
    thresholds = ", ".join(f"{k} {v:.2f}" for k, v in manifest.thresholds.items())
    ds = cfg.get("dataset", {})
    body = f"""
# {repo_id.split('/')[-1]}

rasd (رصد) event extraction for Arabic conflict news: a token tagger for event arguments and a
multi-label sentence classifier, {base_text}.

## What it does
For each sentence of an Arabic news text it decides which of four event labels apply and tags the
event's arguments as character spans. The two tasks are two standard transformers models in one
repository:

- `tagger/` — `AutoModelForTokenClassification`, BIO tags over words (the label sits on each word's
  first sub-token); {len(manifest.schema.tags)} tags.
- `classifier/` — `AutoModelForSequenceClassification`, `problem_type="multi_label_classification"`,
  one sigmoid per label; per-label thresholds tuned on dev: {thresholds}.
- `rasd.json` — the manifest rasd reads: normalisation, max length {manifest.max_length} sub-tokens with
  stride {manifest.stride}, label sets, thresholds, tokenizer special tokens.

## Labels and span types
Defined in the project's annotation guidelines (ANNOTATION.md).

{_table([[k, LABEL_DEFS.get(k, '')] for k in manifest.schema.labels], ['sentence label', 'the sentence says that…'])}

{_table([[k, TYPE_DEFS.get(k, '')] for k in manifest.schema.span_types], ['span type', 'what it marks'])}

Spans start and end on words (runs of letters, digits and diacritics); punctuation is never inside
a span's edge; clitics stay inside (`بريف حمص`).

## Training
- Data: the rasd events corpus — original Modern Standard Arabic wire-style articles written and
  annotated for the project (train files: {', '.join(ds.get('train', [])) or ds.get('hub_id')}), split by article —
  {_real_news_text(metrics)}
- Tuned on written dev + real-dev (SaudiNewsNet, 2015) + real-news dev (SaudiNewsNet 2015-08-07/08, FIGNEWS B13), never on a test set: per-label temperatures
  and thresholds, decoding {manifest.decoding}{f' with tag-transition weight {manifest.transition_weight}' if manifest.transition_weight else ''}{_outside(manifest.outside_penalty)},
  spans kept only in sentences with a label: {manifest.spans_need_label}.{_word_crf_note(manifest)}
- Normalisation (applied per word before sub-word tokenisation, offsets kept on the raw text):
  `{json.dumps(manifest.normalization.to_dict())}`.
- Config: seed {cfg.get('seed')}; tagger arguments `{json.dumps(cfg.get('tagger', {}))}`; classifier
  arguments `{json.dumps(cfg.get('classifier', {}))}`; classifier started from the tagger:
  {cfg.get('classifier_from_tagger', False)}; tagger loss: {cfg.get('tagger_loss', 'softmax')}{_crf_note(cfg)};
  base `{cfg.get('model', {}).get('base_model')}`{_transfer_note(cfg)}. Training took {metrics.get('train_seconds', '?')} s.

## Evaluation
Spans: strict entity-level scores (seqeval, IOB2, strict mode): a span counts only with exact
bounds and type; lenient: same type and overlapping. Labels: per-label precision/recall/F1, micro
and macro F1, exact match. Real-news test (SaudiNewsNet's last three days and FIGNEWS batches
B14–B15, documents never trained or tuned on) is the figure to read for real reporting.

{_eval_section(metrics)}
### fp32 and int8
{_onnx_section(manifest)}

## How to use
With rasd (no torch needed: ONNX Runtime):

```bash
pip install rasd            # or, from the rasd repository: pip install ./inference
rasd predict --model {repo_id} --input articles.jsonl --output events.jsonl
```

```python
import rasd
from rasd.events import add_events
model = rasd.load("{repo_id}")
doc = model.predict_documents(["قالت وكالة الأنباء السورية إن إسرائيل شنت غارات على ريف حمص فجر الخميس."])[0]
print(add_events(doc, doc_date="2024-03-07")["events"])  # dates, places, actors
```

With transformers (normalise each word as rasd does first — strip diacritics and tatweel, unify
alef forms — or use rasd, which does it for you):

```python
from transformers import AutoModelForTokenClassification, AutoModelForSequenceClassification, AutoTokenizer, pipeline
tok = AutoTokenizer.from_pretrained("{repo_id}", subfolder="tagger")
tagger = AutoModelForTokenClassification.from_pretrained("{repo_id}", subfolder="tagger")
classifier = AutoModelForSequenceClassification.from_pretrained("{repo_id}", subfolder="classifier")
ner = pipeline("token-classification", model=tagger, tokenizer=tok, aggregation_strategy="first")
```
{_pipeline_caveat(manifest)}
## Limitations and risks
- **Small training data.** The written corpus was composed for the project ({'and the base model knows no Arabic beyond it' if not _is_hub_id(base) else 'on top of a pretrained Arabic encoder'}); it is cleaner and more explicit than real reporting. Expect lower scores on real news: compare the real-dev figures above with dev.
{'- **Quickstart base, not AraBERT.** This model was trained from scratch for a CPU quickstart; a model fine-tuned from `aubmindlab/bert-base-arabertv02` (configs/arabert.yaml) is the serious option.' if not _is_hub_id(base) else '- **Base model.** Inherits the coverage and biases of its pretrained base.'}
{_baseline_warning(metrics)}- **Dialect and domain shift.** Trained on Modern Standard Arabic wire style; dialectal posts, social
  media, transcripts and non-conflict domains are out of scope and will be tagged poorly.
- **Outputs are claims, not facts.** A casualty count or an actor is what a report says, attributed
  to its SOURCE; sources in conflicts contradict each other and themselves. Do not use the output as
  verified fact, for targeting, or to decide about individuals without human review.
- Thresholds were tuned on a dev set whose label rates are far above those of real news.
"""
    return "---\n" + yaml.safe_dump(fm, allow_unicode=True, sort_keys=False) + "---\n" + body


def _real_news_text(metrics: dict) -> str:
    counts = metrics.get("training_data", {})
    n = counts.get("real_news_train", 0)
    if not n:
        return "no real-news training data was used (`../shared` absent or `real_news_repeat: 0`)."
    return (f"plus {n} real-news sentences (whole SaudiNewsNet 2015 articles and FIGNEWS-2024 posts, "
            f"x{counts.get('real_news_repeat', 1)}; SaudiNewsNet is CC BY-NC-SA 4.0, research use only).")


def parse_card(text: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        raise ValueError("the model card has no YAML front matter")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def card_problems(text: str, metrics: dict, manifest: Manifest) -> list[str]:
    """What a complete card must have: the front matter keys, the sections, the saved metrics."""
    try:
        fm, body = parse_card(text)
    except (ValueError, yaml.YAMLError) as exc:
        return [f"front matter does not parse: {exc}"]
    problems = [f"front matter lacks {k!r}" for k in REQUIRED_FRONT_MATTER if k not in fm]
    if _is_hub_id(manifest.base_model) and fm.get("base_model") != manifest.base_model:
        problems.append("front matter base_model does not name the Hub base model")
    problems += [f"card lacks the section {s!r}" for s in REQUIRED_SECTIONS if s not in body]
    values = {(m["name"], m["value"]) for r in fm.get("model-index", [{}])[0].get("results", []) for m in r["metrics"]}
    dev = metrics.get("dev", {})
    if "spans" in dev and ("strict span micro F1", dev["spans"]["micro"]["f1"]) not in values:
        problems.append("model-index does not carry the saved dev span F1")
    if "labels" in dev and ("label micro F1", dev["labels"]["micro"]["f1"]) not in values:
        problems.append("model-index does not carry the saved dev label F1")
    return problems


def _outside(penalty: float) -> str:
    if not penalty:
        return ""
    return f", O {'lowered' if penalty > 0 else 'raised'} by {abs(penalty)} log-units"


def _word_crf_note(manifest) -> str:
    out = ""
    if manifest.word_crf_weight:
        out += (f"\n- Spans: the tagger's tag probabilities are multiplied with those of a word-feature CRF "
                f"(`{manifest.word_crf}`, the span peer fitted on the same data; weight {manifest.word_crf_weight}) "
                "before decoding.")
    if manifest.label_ngrams_weight:
        out += (f"\n- Labels: the classifier's calibrated probabilities are averaged with those of a character "
                f"2-5-gram logistic regression (`{manifest.label_ngrams}`, the label peer fitted on the same data; "
                f"weight {manifest.label_ngrams_weight}{', its logits temperature-scaled on dev first' if manifest.label_ngrams_temperatures else ''}) "
                "before the thresholds.")
    return out


def _pipeline_caveat(manifest) -> str:
    parts = [f"`{name}`" for name, w in ((manifest.word_crf, manifest.word_crf_weight),
                                         (manifest.label_ngrams, manifest.label_ngrams_weight)) if w]
    if not parts:
        return ""
    return (f"\nThe pipelines run the two transformers alone; rasd also uses {' and '.join(parts)} "
            "(the figures above are rasd's).\n")


def _crf_note(cfg: dict) -> str:
    if cfg.get("tagger_loss") != "crf":
        return ""
    return " (a linear-chain CRF on the logits; the manifest's transitions are the ones it learnt)"


def _transfer_note(cfg: dict) -> str:
    """What the encoder was trained through before the tasks: NER corpora, peer-tagged silver news."""
    steps = cfg.get("transfer") or []
    if not steps:
        return ""
    named = [f"silver data ({cfg.get('silver_sentences')} unannotated SaudiNewsNet / FIGNEWS sentences, none "
             "from the test period or an annotated document, tagged by the TF-IDF and CRF peers fitted on the "
             "same training data)" if c == "silver" else c for c in steps]
    return "; encoder first trained through " + ", then ".join(named)
