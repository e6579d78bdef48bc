"""Event records: one per sentence that carries an event label, its arguments joined and resolved.

Field names follow event-data practice (PLOVER, ACLED): the ``actor`` and ``target`` of the event
are kept apart from the ``source`` that reports it, and every field carries its evidence offsets,
so an analyst can always go back to the words a value came from. On top of the spans, each event
gets a ``date`` (:mod:`rasd.events.dates`), a ``place`` and launch ``origin``
(:mod:`rasd.events.places`) and normalised ``actors`` / ``target_actors``
(:mod:`rasd.events.actors`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from rasd.events.actors import ActorTable, actor_records, default_actor_table, resolve_actor_text
from rasd.events.dates import NULL_DATE, parse_document_date, resolve_event_date
from rasd.events.gazetteer import Gazetteer, default_gazetteer
from rasd.events.numbers import casualty_kind, parse_count
from rasd.events.places import Context, Match, best_match, choose, context_of, find_matches, is_origin, place_record

DISTRUST_BELOW = 100000  # inhabitants: a place this small must agree with the document's other places
ROLE_OF_TYPE = {"ACTOR": "actor", "TARGET": "target", "LOCATION": "location", "WEAPON": "weapon",
                "TIME": "time", "SOURCE": "source", "CASUALTIES": "casualties"}


@dataclass
class Resources:
    """The tables events are resolved against (the packaged ones unless a caller passes its own)."""

    gazetteer: Gazetteer
    actors: ActorTable

    @classmethod
    def default(cls) -> "Resources":
        return cls(default_gazetteer(), default_actor_table())


def span_events(doc: dict) -> list[dict]:
    """The events of a predicted document with their arguments by role (no resolution)."""
    text = doc["text"]
    events = []
    for k, sent in enumerate(doc["sentences"]):
        if not sent["labels"]:
            continue
        a, b = sent["start"], sent["end"]
        event = {
            "event_types": list(sent["labels"]),
            "confidence": {lab: sent["scores"][lab] for lab in sent["labels"]},
            "sentence": {"index": k, "start": a, "end": b, "text": text[a:b]},
            **{role: [] for role in ROLE_OF_TYPE.values()},
        }
        for sp in doc["spans"]:
            role = ROLE_OF_TYPE.get(sp["label"])
            if role is None or not (a <= sp["start"] and sp["end"] <= b):
                continue
            arg = {"text": sp["text"], "start": sp["start"], "end": sp["end"], "score": sp.get("score")}
            if role == "casualties":
                count = parse_count(sp["text"])
                arg["count"] = count.to_dict() if count else None
                arg["kind"] = casualty_kind(sp["text"], text[a:b], text[max(a, sp["start"] - 30) : sp["start"]])
            event[role].append(arg)
        events.append(event)
    return events


def build_events(doc: dict, doc_date: date | str | None = None, resources: Resources | None = None) -> list[dict]:
    """Events of one predicted document (the output record of ``Model.predict_documents``).

    ``doc_date`` is the publication date (a date or an ISO string; default: ``doc["date"]``);
    without one, only dates that carry their own year resolve.
    """
    res = resources or Resources.default()
    if doc_date is None or isinstance(doc_date, str):
        doc_date = parse_document_date(doc_date if doc_date is not None else doc.get("date"))
    events = span_events(doc)
    located = [_locate(ev, res.gazetteer) for ev in events]
    all_matches = [m for groups, origins, _ in located for ms in groups + origins for m in ms]
    named = _country_counts(all_matches, [ctx for _, _, ctx in located])
    doc_ctx = Context().union(*(ctx.union(context_of([m for ms in groups for m in ms])) for groups, _, ctx in located))
    for ev, (matches, origins, sent_ctx) in zip(events, located):
        actor_ctx = _actor_countries(ev, res)
        _resolve_places(ev, matches, origins, sent_ctx, doc_ctx, res.gazetteer, named, actor_ctx)
        country = (ev["place"] or {}).get("country") or _single(doc_ctx.countries)
        ev["actors"] = actor_records(ev["actor"], res.actors, res.gazetteer, country)
        ev["target_actors"] = actor_records(ev["target"], res.actors, res.gazetteer, country, civilians=True)
        _date(ev, doc_date)
    return events


def add_events(doc: dict, doc_date: date | str | None = None, resources: Resources | None = None) -> dict:
    """The document with its publication ``date`` (ISO or null) and its ``events``; the core leaves both out."""
    if doc_date is None or isinstance(doc_date, str):
        doc_date = parse_document_date(doc_date if doc_date is not None else doc.get("date"))
    doc["date"] = doc_date.isoformat() if doc_date else None
    doc["events"] = build_events(doc, doc_date, resources)
    return doc


def _single(values: set[str]) -> str | None:
    return next(iter(values)) if len(values) == 1 else None


def _locate(ev: dict, gaz: Gazetteer) -> tuple[list[list[Match]], list[list[Match]], Context]:
    """Gazetteer matches per LOCATION span, split into places and launch origins, and the countries
    the sentence names anywhere (``القوات السعودية``, ``الجنسية اليمنية``)."""
    sent = ev["sentence"]
    places, origins = [], []
    for loc in ev["location"]:
        matches = find_matches(loc["text"], gaz, loc["start"])
        (origins if is_origin(sent["text"], loc["start"] - sent["start"]) else places).append(matches)
    sent_ctx = Context()
    for m in find_matches(sent["text"], gaz, sent["start"]):
        if any(c.feature == "country" for c in m.candidates) and len({c.country for c in m.candidates}) == 1:
            sent_ctx.countries.add(m.candidates[0].country)
    return places, origins, sent_ctx


def _country_counts(matches: list[Match], sentence_contexts: list[Context]) -> Counter:
    """How many names in the document point at each country (before any choice between namesakes)."""
    counts: Counter = Counter()
    for name in {m.text: m for m in matches}.values():  # a name repeated counts once
        counts.update({c.country for c in name.candidates})
    for ctx in sentence_contexts:
        counts.update(ctx.countries)
    return counts


def _actor_countries(ev: dict, res: Resources) -> Context:
    """The home countries of the event's known actors (الحوثيون → YE): the last context for a place."""
    ctx = Context()
    for sp in ev["actor"] + ev["target"]:
        for actor in resolve_actor_text(sp["text"], res.actors, res.gazetteer, None):
            if actor.country and actor.type in ("armed_group", "militia", "state_forces", "police"):
                ctx.countries.add(actor.country)
    return ctx


def _resolve_places(ev: dict, places: list[list[Match]], origins: list[list[Match]], sent_ctx: Context,
                    doc_ctx: Context, gaz: Gazetteer, named: Counter, actor_ctx: Context) -> None:
    """Choose each match's candidate, nearest context first: its span, the event, the sentence, the
    document, the actors' home countries."""
    event_ctx = Context().union(*(context_of(ms) for ms in places))
    for group in places + origins:
        span_ctx = context_of(group)
        for m in group:
            choose(m, [span_ctx, event_ctx, sent_ctx, doc_ctx, actor_ctx])
            _distrust_out_of_context(m, named)
    place = best_match([m for ms in places for m in ms if not m.neighbour])
    origin = best_match([m for ms in origins for m in ms if not m.neighbour])
    ev["place"] = place_record(place, gaz) if place else None
    ev["origin"] = place_record(origin, gaz) if origin else None


def _distrust_out_of_context(m: Match, named: Counter) -> None:
    """A small place in a country nothing else in the document names is a namesake, not a finding:
    it is reported as ambiguous (``باب`` is not Aub in Bavaria, ``عقبة ثرة`` in Yemen is not Aqaba)."""
    e = m.chosen
    if e is None or e.feature != "place" or m.exact or e.population >= DISTRUST_BELOW:
        return
    own = {c.country for c in m.candidates}
    others = {c for c, n in named.items() if n - (c in own) > 0}
    if others and e.country not in others:
        m.chosen, m.resolved_by = None, None


def _date(ev: dict, doc_date: date | None) -> None:
    value, k = resolve_event_date([t["text"] for t in ev["time"]], doc_date)
    ev.update(value.to_dict() if value else NULL_DATE)
    ev["date_text"] = ev["time"][k]["text"] if value else None
