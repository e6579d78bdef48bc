"""How well the event layer resolves dates and countries, on the gold TIME/LOCATION spans of real news.

``.venv/bin/python -m rasd_train.eval_events`` rebuilds the real-dev sentences from ``../shared``,
groups them back into their articles (so a place has its document's other places as context),
runs :func:`rasd.events.build_events` on the *gold* spans with each article's publication date
(SaudiNewsNet ``date_extracted``) and compares the result with
``data/events/gold-dates-places/realdev.jsonl`` (ids and values only, decided by hand from the
sentence and the publication date). The real-news test split is scored the same way when
``data/real-news/test.jsonl`` and its gold file (``test.jsonl`` beside realdev's) exist; without
the gold file only its coverage is reported; a missing piece is skipped with the reason.

Scores: **date** — exact (same start, precision and end) over the labelled sentences that have a
gold TIME span and a gold date, plus "contains" (the gold day lies inside the resolved interval)
and abstentions where gold has no date; **country** — the place's ISO2 against gold over the
sentences with a gold LOCATION span and a gold country (accuracy, coverage, precision), and the
first-level division where gold gives one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

from rasd.events import build_events
from rasd.records import Record

GOLD_DIR = Path("data/events/gold-dates-places")


def article_dates() -> dict[str, str]:
    """url → publication date (ISO day) for every SaudiNewsNet article."""
    from rasd_train.data.shared import iter_saudinewsnet

    return {a["url"]: a["date_extracted"][:10] for a in iter_saudinewsnet() if a.get("url")}


def as_documents(records: list[Record]) -> list[tuple[dict, list[Record]]]:
    """One pseudo-prediction per article: its annotated sentences, gold labels and spans."""
    by_doc: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        by_doc[rec.doc_id].append(rec)
    docs = []
    for doc_id, recs in by_doc.items():
        text, sentences, spans = "", [], []
        for rec in recs:
            a = len(text)
            text += rec.text + "\n"
            sentences.append({"start": a, "end": a + len(rec.text), "labels": list(rec.labels),
                              "scores": {lab: 1.0 for lab in rec.labels}})
            spans += [{"start": a + s.start, "end": a + s.end, "label": s.label, "text": rec.text[s.start:s.end],
                       "score": 1.0} for s in rec.spans]
        docs.append(({"id": doc_id, "text": text, "sentences": sentences, "spans": spans}, recs))
    return docs


def resolve(records: list[Record], dates: dict[str, str | None]) -> dict[str, dict]:
    """record id → its event (the labelled sentences only)."""
    out = {}
    for doc, recs in as_documents(records):
        events = build_events(doc, dates.get(doc["id"]))
        labelled = [r for r in recs if r.labels]
        for rec, ev in zip(labelled, events):
            out[rec.id] = ev
    return out


def _contains(ev: dict, gold_day: str) -> bool:
    if not ev.get("date"):
        return False
    end = ev["date_end"] or _implied_end(ev)
    return ev["date"] <= gold_day <= end


def _implied_end(ev: dict) -> str:
    d = date.fromisoformat(ev["date"])
    if ev["date_precision"] == "month":
        nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1).isoformat()
    if ev["date_precision"] == "year":
        return f"{d.year}-12-31"
    return ev["date"]


def score(records: list[Record], events: dict[str, dict], gold: dict[str, dict]) -> dict:
    has = lambda rec, label: any(s.label == label for s in rec.spans)  # noqa: E731
    recs = [r for r in records if r.labels and r.id in gold and r.id in events]
    dated = [r for r in recs if has(r, "TIME") and gold[r.id]["date"]]
    undated = [r for r in recs if has(r, "TIME") and not gold[r.id]["date"]]
    exact = sum(_same_date(events[r.id], gold[r.id]) for r in dated)
    contains = sum(_contains(events[r.id], gold[r.id]["date"]) for r in dated)
    abstained = sum(events[r.id]["date"] is None for r in undated)
    placed = [r for r in recs if has(r, "LOCATION") and gold[r.id]["country"]]
    pred = {r.id: (events[r.id]["place"] or {}) for r in placed}
    right = sum(pred[r.id].get("country") == gold[r.id]["country"] for r in placed)
    covered = sum(bool(pred[r.id].get("country")) for r in placed)
    with_admin1 = [r for r in placed if gold[r.id]["admin1_code"]]
    admin1_right = sum(pred[r.id].get("admin1_code") == gold[r.id]["admin1_code"] for r in with_admin1)
    no_country = [r for r in recs if has(r, "LOCATION") and not gold[r.id]["country"]]
    return {
        "events": len(recs),
        "date": {"n": len(dated), "exact": _ratio(exact, len(dated)), "contains_gold_day": _ratio(contains, len(dated)),
                 "gold_null_n": len(undated), "gold_null_abstained": _ratio(abstained, len(undated))},
        "country": {"n": len(placed), "accuracy": _ratio(right, len(placed)), "coverage": _ratio(covered, len(placed)),
                    "precision": _ratio(right, covered), "gold_null_n": len(no_country),
                    "gold_null_abstained": _ratio(sum(not (events[r.id]["place"] or {}).get("country") for r in no_country),
                                                  len(no_country))},
        "admin1": {"n": len(with_admin1), "accuracy": _ratio(admin1_right, len(with_admin1))},
    }


def coverage(records: list[Record], events: dict[str, dict]) -> dict:
    """Without gold: how often a gold TIME span gives a date and a gold LOCATION span a country."""
    timed = [r for r in records if r.id in events and any(s.label == "TIME" for s in r.spans)]
    located = [r for r in records if r.id in events and any(s.label == "LOCATION" for s in r.spans)]
    return {"events": sum(r.id in events for r in records),
            "with_time_span": len(timed), "dated": _ratio(sum(bool(events[r.id]["date"]) for r in timed), len(timed)),
            "with_location_span": len(located),
            "country": _ratio(sum(bool((events[r.id]["place"] or {}).get("country")) for r in located), len(located))}


def _same_date(ev: dict, g: dict) -> bool:
    return (ev["date"], ev["date_precision"], ev["date_end"]) == (g["date"], g["date_precision"], g["date_end"])


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def errors(records: list[Record], events: dict[str, dict], gold: dict[str, dict]) -> list[dict]:
    """The disagreements, by id and values only (no newspaper text)."""
    out = []
    for r in records:
        if r.id not in gold or r.id not in events:
            continue
        ev, g = events[r.id], gold[r.id]
        if any(s.label == "TIME" for s in r.spans) and g["date"] and not _same_date(ev, g):
            out.append({"id": r.id, "field": "date", "gold": [g["date"], g["date_precision"], g["date_end"]],
                        "got": [ev["date"], ev["date_precision"], ev["date_end"]]})
        got = (ev["place"] or {}).get("country")
        if any(s.label == "LOCATION" for s in r.spans) and g["country"] and got != g["country"]:
            out.append({"id": r.id, "field": "country", "gold": g["country"], "got": got,
                        "match": (ev["place"] or {}).get("match")})
    return out


def load_gold(path: Path) -> dict[str, dict]:
    return {row["id"]: row for row in map(json.loads, open(path, encoding="utf-8")) if row}


def real_dev() -> tuple[list[Record], dict[str, str | None]]:
    from rasd_train.data.realdev import load_real_dev

    records = load_real_dev()
    dates = article_dates()
    return records, {r.doc_id: dates.get(r.doc_id) for r in records}


def real_news_test() -> tuple[list[Record], dict[str, str | None]]:
    from rasd_train.data.realnews import iter_documents, load_split

    records = load_split("test")
    keys = {r.doc_id for r in records}
    dates = {d.key: d.date for d in iter_documents() if d.key in keys}
    return records, dates


def evaluate_split(name: str, loader, gold_path: Path, show_errors: bool) -> dict:
    from rasd_train.data.shared import SharedDataMissing

    try:
        records, dates = loader()
    except SharedDataMissing as exc:
        return {"skipped": str(exc)}
    except FileNotFoundError as exc:
        return {"skipped": f"{name}: {exc}"}
    events = resolve(records, dates)
    if not gold_path.is_file():
        return {"accuracy": f"not scored: no gold file {gold_path}", "coverage": coverage(records, events)}
    gold = load_gold(gold_path)
    result = score(records, events, gold)
    if show_errors:
        result["errors"] = errors(records, events, gold)
    return result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Score the event layer's dates and countries on real news.")
    p.add_argument("--errors", action="store_true", help="also list the disagreements (ids and values)")
    p.add_argument("--out", type=Path, default=None, help="write the JSON here too")
    args = p.parse_args(argv)
    result = {"real-dev": evaluate_split("real-dev", real_dev, GOLD_DIR / "realdev.jsonl", args.errors)}
    if Path("data/real-news/test.jsonl").is_file():
        result["real-news-test"] = evaluate_split("real-news test", real_news_test, GOLD_DIR / "test.jsonl", args.errors)
    else:
        result["real-news-test"] = {"skipped": "data/real-news/test.jsonl does not exist yet"}
    text = json.dumps(result, ensure_ascii=False, indent=1)
    sys.stdout.write(text + "\n")
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
