"""Incidents: the events of different documents that report the same thing, merged into one record.

Merge rule (deterministic, documented in the README):

- Only violent events merge (``attack``, ``interception``, ``casualty_report``), and only those with
  a day-precision date and a place with a first-level division (or a GeoNames id). Anything else
  is an incident of its own: a merge on a country or a month would be a guess.
- Two reports can be one incident when they come from **different documents**, their dates are at
  most ``window_days`` apart, their places share a GeoNames id or a first-level division, their
  types are compatible (an interception and a casualty report with no attack between them are not),
  and their known actors are compatible (when both name canonical attackers, one must be shared).
- Events are sorted by (country, date, document, sentence) and compared only with the open
  incidents of their own country whose latest date is within the window: blocking by country and
  date, never all pairs. An event joins the best compatible incident (same GeoNames id before same
  division, then the nearest date, then the oldest), which holds no other report of its document.
- A denial answers an incident when it is in the same document as one of its reports, or when it
  is in the same country and window, has a compatible place or none, and its denying actor is one
  of the incident's actors. A denial that answers nothing is an incident of its own.
- ``incident_id`` is ``inc-`` and the first 12 hex digits of the SHA-1 of its sorted report keys.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from rasd.schema import EVENT_LABELS

VIOLENT = {"attack", "interception", "casualty_report"}
SPECIFIC = {"point": 3, "near": 3, "admin1": 2, "country": 1}


@dataclass
class Report:
    """One event of one document, as it takes part in merging."""

    doc_id: str
    index: int  # sentence index in its document
    event: dict
    doc_date: str | None

    @property
    def key(self) -> str:
        return f"{self.doc_id}#{self.index}"

    @property
    def day(self) -> date | None:
        ev = self.event
        return date.fromisoformat(ev["date"]) if ev.get("date") and ev.get("date_precision") == "day" else None

    @property
    def place(self) -> dict:
        return self.event.get("place") or {}

    @property
    def attackers(self) -> set[str]:
        return {a["id"] for a in self.event.get("actors", []) if a.get("id")}

    @property
    def types(self) -> set[str]:
        return set(self.event["event_types"])


@dataclass
class Incident:
    reports: list[Report] = field(default_factory=list)
    denials: list[Report] = field(default_factory=list)

    @property
    def docs(self) -> set[str]:
        return {r.doc_id for r in self.reports}

    @property
    def last_day(self) -> date:
        return max(r.day for r in self.reports)

    def days(self) -> list[date]:
        return [r.day for r in self.reports if r.day]


def reports_of(docs: Iterable[dict]) -> Iterable[Report]:
    """Every event of a stream of ``rasd predict`` records."""
    for doc in docs:
        for ev in doc.get("events", []):
            yield Report(str(doc["id"]), ev["sentence"]["index"], ev, doc.get("date"))


def mergeable(r: Report) -> bool:
    p = r.place
    return bool(r.types & VIOLENT) and r.day is not None and bool(p.get("country")) and bool(
        p.get("admin1_code") or p.get("geonameid"))


def types_compatible(a: set[str], b: set[str]) -> bool:
    """Any two violent reports, except an interception and a casualty report with no attack in either."""
    if "attack" in a or "attack" in b:
        return bool(a & VIOLENT and b & VIOLENT)
    return bool(a & b & VIOLENT)


def places_compatible(a: dict, b: dict) -> bool:
    if a.get("geonameid") and a.get("geonameid") == b.get("geonameid"):
        return True
    return bool(a.get("admin1_code")) and a.get("admin1_code") == b.get("admin1_code")


def compatible(r: Report, inc: Incident, window_days: int) -> bool:
    if r.doc_id in inc.docs:
        return False
    if any(abs((r.day - d).days) > window_days for d in inc.days()):
        return False
    if not all(types_compatible(r.types, o.types) and places_compatible(r.place, o.place) for o in inc.reports):
        return False
    theirs = set().union(*(o.attackers for o in inc.reports))
    return not (r.attackers and theirs and not r.attackers & theirs)


def _fit(r: Report, inc: Incident) -> tuple:
    same_point = any(r.place.get("geonameid") and r.place.get("geonameid") == o.place.get("geonameid") for o in inc.reports)
    return (not same_point, min(abs((r.day - d).days) for d in inc.days()))


def cluster(reports: list[Report], window_days: int = 1) -> list[Incident]:
    """Mergeable reports into incidents, blocked by country and a sliding date window."""
    order = sorted(reports, key=lambda r: (r.place["country"], r.day, r.doc_id, r.index))
    incidents: list[Incident] = []
    open_: list[Incident] = []
    country = None
    for r in order:
        if r.place["country"] != country:
            country, open_ = r.place["country"], []
        open_ = [inc for inc in open_ if (r.day - inc.last_day).days <= window_days]
        fits = [(k, inc) for k, inc in enumerate(open_) if compatible(r, inc, window_days)]
        if fits:
            _, best = min(fits, key=lambda ki: (_fit(r, ki[1]), ki[0]))
            best.reports.append(r)
        else:
            inc = Incident([r])
            incidents.append(inc)
            open_.append(inc)
    return incidents


def attach_denials(denials: list[Report], incidents: list[Incident], window_days: int) -> list[Report]:
    """Attach each denial to the incident it answers; return the denials that answer none."""
    by_doc: dict[str, list[Incident]] = {}
    for inc in incidents:
        for r in inc.reports:
            by_doc.setdefault(r.doc_id, []).append(inc)
    left = []
    for d in denials:
        target = next((inc for inc in by_doc.get(d.doc_id, []) if not d.place or _place_fits(d, inc)), None)
        target = target or next((inc for inc in incidents if _answers(d, inc, window_days)), None)
        if target is None:
            left.append(d)
        else:
            target.denials.append(d)
    return left


def _place_fits(d: Report, inc: Incident) -> bool:
    return any(places_compatible(d.place, r.place) or d.place.get("country") == r.place.get("country") and
               not d.place.get("admin1_code") for r in inc.reports)


def _answers(d: Report, inc: Incident, window_days: int) -> bool:
    day = d.day or (date.fromisoformat(d.doc_date) if d.doc_date else None)
    if day is None or not inc.reports or not d.attackers:
        return False
    if d.place and not _place_fits(d, inc):
        return False
    if d.place.get("country") and d.place["country"] != inc.reports[0].place.get("country"):
        return False
    near = any(abs((day - x).days) <= window_days for x in inc.days())
    return near and bool(d.attackers & set().union(*(r.attackers for r in inc.reports)))


def merge_incidents(docs: Iterable[dict], window_days: int = 1) -> list[dict]:
    """Incident records from a stream of ``rasd predict`` records (see the module docstring)."""
    reports = list(reports_of(docs))
    merge = [r for r in reports if mergeable(r)]
    denials = [r for r in reports if not r.types & VIOLENT]
    alone = [r for r in reports if r.types & VIOLENT and not mergeable(r)]
    incidents = cluster(merge, window_days)
    incidents += [Incident([r]) for r in alone]
    left = attach_denials(denials, incidents, window_days)
    incidents += [Incident([d]) for d in left]
    records = [incident_record(inc) for inc in incidents]
    return sorted(records, key=lambda r: (r["date"] or "9999", r["place"]["country"] if r["place"] else "~", r["incident_id"]))


# -- the record ------------------------------------------------------------------------------------


def incident_id(reports: list[Report]) -> str:
    keys = "\n".join(sorted(r.key for r in reports))
    return "inc-" + hashlib.sha1(keys.encode("utf-8")).hexdigest()[:12]


def incident_record(inc: Incident) -> dict:
    reps = sorted(inc.reports, key=lambda r: (r.doc_id, r.index))
    date_rep = _date_report(reps)
    types = set().union(*(r.types for r in reps))
    return {
        "incident_id": incident_id(reps),
        "event_types": [lab for lab in EVENT_LABELS if lab in types] + sorted(types - set(EVENT_LABELS)),
        "date": date_rep.event.get("date") if date_rep else None,
        "date_precision": date_rep.event.get("date_precision") if date_rep else None,
        "date_end": date_rep.event.get("date_end") if date_rep else None,
        "place": _place(reps),
        "actors": _actors(reps, "actors"),
        "target_actors": _actors(reps, "target_actors"),
        "casualties": {kind: _range(reps, kind) for kind in ("killed", "wounded")},
        "reports": [{"doc_id": r.doc_id, "sentence_index": r.index, "document_date": r.doc_date,
                     "source": "; ".join(s["text"] for s in r.event.get("source", [])) or None} for r in reps],
        "denials": [{"doc_id": d.doc_id, "sentence_index": d.index,
                     "actors": [a.get("name") or a["text"] for a in d.event.get("actors", [])],
                     "text": d.event["sentence"]["text"]} for d in sorted(inc.denials, key=lambda d: (d.doc_id, d.index))],
        "notes": reps[0].event["sentence"]["text"],
    }


def _date_report(reps: list[Report]) -> Report | None:
    """The report whose date most reports give (ties: the earliest date)."""
    dated = [r for r in reps if r.event.get("date")]
    if not dated:
        return None
    counts = Counter((r.event["date"], r.event["date_precision"]) for r in dated)
    best = min(counts, key=lambda k: (-counts[k], k[0]))
    return next(r for r in dated if (r.event["date"], r.event["date_precision"]) == best)


def _place(reps: list[Report]) -> dict | None:
    places = [r.place for r in reps if r.place.get("country")]
    if not places:
        return next((r.place for r in reps if r.place), None)
    counts = Counter(p.get("geonameid") or p.get("admin1_code") or p["country"] for p in places)
    return max(places, key=lambda p: (SPECIFIC.get(p.get("precision"), 0),
                                      counts[p.get("geonameid") or p.get("admin1_code") or p["country"]]))


def _actors(reps: list[Report], field_name: str) -> list[dict]:
    out, seen = [], set()
    for r in reps:
        for a in r.event.get(field_name, []):
            k = a.get("id") or a["text"]
            if k not in seen:
                seen.add(k)
                out.append({"id": a.get("id"), "name": a.get("name"), "type": a.get("type"),
                            "country": a.get("country"), "text": a["text"]})
    return out


def killed_wounded(event: dict, kind: str) -> int | None:
    """The count one report gives for ``kind`` (the sum of its spans of that kind), or None."""
    values = [c["count"]["value"] for c in event.get("casualties", [])
              if c.get("kind") == kind and c.get("count") and c["count"]["value"] is not None]
    return sum(values) if values else None


def _range(reps: list[Report], kind: str) -> dict | None:
    values = [v for v in (killed_wounded(r.event, kind) for r in reps) if v is not None]
    return {"low": min(values), "high": max(values)} if values else None
