"""An ACLED-shaped table: one row per event or per incident, with columns modelled on ACLED's.

Mapping (the README gives it as a table):

- ``event_type`` / ``sub_event_type`` from the event's labels and its weapon words (the WEAPON
  spans first, then the sentence): suicide bombing → Explosions/Remote violence: Suicide bomb;
  air strike, drone, warplane, barrel bomb → Air/drone strike; IED, car bomb, mine → Remote
  explosive/landmine/IED; shelling, missile, rocket, mortar, artillery → Shelling/artillery/missile attack;
  clashes, ambush → Battles: Armed clash; any other attack on civilians → Violence against
  civilians: Attack; any other attack → Battles: Armed clash. An interception is coded by its
  weapon, with the tag ``intercepted``; a casualty report without an attack by its weapon words,
  else Violence against civilians: Attack when civilians are its targets, else Battles: Armed clash.
  Denial-only events are not ACLED events: they have no row (an incident lists them in ``tags``).
- ``actor1`` the first canonical attacker (its text when unknown), ``assoc_actor_1`` the others;
  ``actor2`` the first target actor (an interception without an attack: the intercepting force is
  ``actor2``, the launcher, rarely spanned, ``actor1``); ``inter1``/``inter2`` ACLED's actor codes (1 state forces,
  2 rebel groups, 3 political militias, 7 civilians, 8 external/other forces), ``interaction``
  the two codes, lower first (``10``: one side only).
- ``time_precision`` 1 a day, 2 a week or less, 3 anything coarser; ``geo_precision`` 1 a place,
  2 near a place, 3 a division or country (its representative point).
- ``fatalities`` the killed count (an incident: the lowest across its reports; 0 when none is given).
- ``source`` the SOURCE spans (an incident: of all its reports), ``notes`` the sentence.
"""

from __future__ import annotations

import hashlib
import re

from rasd.events.actors import ACLED_INTER
from rasd.events.arabic import key
from rasd.events.incidents import killed_wounded

ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "country", "country_iso2", "admin1", "location", "latitude",
                 "longitude", "geo_precision", "source", "notes", "fatalities", "tags", "doc_id", "reports"]
_WEAPON_CLASSES = (  # (pattern on arabic.key text, event type, sub-event type), first hit wins
    (r"انتحاري|حزام ناسف|انتحاريه", "Explosions/Remote violence", "Suicide bomb"),
    (r"غاره|غارات|طيران|طائر|مقاتلات|جوي|مسير|بدون طيار|بلا طيار|مروحي|براميل|برميل|قصف جوي", "Explosions/Remote violence",
     "Air/drone strike"),
    (r"عبوه|عبوات|ناسف|مفخخ|لغم|الغام|تفجير|متفجر", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    (r"قصف|قذائف|قذيفه|مقذوف|صاروخ|صواريخ|هاون|مدفعي|كاتيوشا|سكود|راجمات|مورتر|باليستي", "Explosions/Remote violence",
     "Shelling/artillery/missile attack"),
    (r"اشتباك|معارك|معركه|مواجهات|كمين|اقتحام|هجوم مسلح", "Battles", "Armed clash"),
)
GEO_PRECISION = {"point": 1, "near": 2, "admin1": 3, "country": 3}


_AIR_DEFENCE = re.compile(r"(منظومات |منظومه |وحدات |قوات )?(ال)?دفاع(ات)? (ال)?جوي(ه)?|سلاح الجو|مضادات (ال)?جوي(ه)?")


def classify(event_types: list[str], weapon_text: str, sentence: str, civilians: bool) -> tuple[str, str]:
    """ACLED (event_type, sub_event_type) of an event (see the module docstring). Air defences are
    the interceptor, not the weapon: they are left out before the weapon words are read."""
    for text in (_AIR_DEFENCE.sub(" ", key(weapon_text)), _AIR_DEFENCE.sub(" ", key(sentence))):
        for pattern, etype, sub in _WEAPON_CLASSES:
            if text and re.search(pattern, text):
                return etype, sub
    if civilians:
        return "Violence against civilians", "Attack"
    return "Battles", "Armed clash"


def _time_precision(ev: dict) -> str:
    p = ev.get("date_precision")
    if not p:
        return ""
    if p == "day":
        return "1"
    if p == "range" and ev.get("date_end"):
        from datetime import date

        days = (date.fromisoformat(ev["date_end"]) - date.fromisoformat(ev["date"])).days + 1
        return "2" if days <= 7 else "3"
    return "3"


def _actor_cells(actors: list[dict], n: int) -> tuple[str, str, str]:
    names = []
    for a in actors:
        name = a.get("name") or a.get("text")
        if name and name not in names:
            names.append(name)
    first = next((a for a in actors if (a.get("name") or a.get("text")) == names[0]), None) if names else None
    inter = ACLED_INTER.get(first.get("type"), "") if first and first.get("type") else ""
    return (names[0] if names else ""), "; ".join(names[1:n + 1] if n else names[1:]), str(inter)


def _interaction(a: str, b: str) -> str:
    if not a and not b:
        return ""
    codes = sorted(int(x) for x in (a, b) if x)
    return f"{codes[0]}{codes[1] if len(codes) > 1 else 0}"


def row(ev: dict, place: dict | None, sources: list[str], notes: str, fatalities: int | None, row_id: str,
        doc_id: str, reports: str, tags: list[str]) -> dict:
    """One table row from an event-like record (an event, or an incident's merged view)."""
    place = place or {}
    civilians = any(a.get("type") == "civilians" for a in ev.get("target_actors", []))
    etype, sub = classify(ev["event_types"], " ".join(w["text"] for w in ev.get("weapon", [])), notes, civilians)
    attackers, targets = ev.get("actors", []), ev.get("target_actors", [])
    if "interception" in ev["event_types"] and "attack" not in ev["event_types"]:
        attackers, targets = targets, attackers  # the ACTOR of an interception is the force that intercepts
    a1, assoc1, inter1 = _actor_cells(attackers, 0)
    a2, assoc2, inter2 = _actor_cells(targets, 0)
    if "interception" in ev["event_types"]:
        tags = tags + ["intercepted"]
    return {
        "event_id_cnty": row_id, "event_date": ev.get("date") or "", "year": (ev.get("date") or "")[:4],
        "time_precision": _time_precision(ev), "disorder_type": "Political violence", "event_type": etype,
        "sub_event_type": sub, "actor1": a1, "assoc_actor_1": assoc1, "inter1": inter1, "actor2": a2,
        "assoc_actor_2": assoc2, "inter2": inter2, "interaction": _interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting" if civilians else "", "country": place.get("country_name") or "",
        "country_iso2": place.get("country") or "", "admin1": place.get("admin1") or "",
        "location": place.get("name") or place.get("text") or "", "latitude": _coord(place.get("lat")),
        "longitude": _coord(place.get("lon")), "geo_precision": GEO_PRECISION.get(place.get("precision"), ""),
        "source": "; ".join(dict.fromkeys(s for s in sources if s)), "notes": notes,
        "fatalities": fatalities if fatalities is not None else 0, "tags": "; ".join(tags), "doc_id": doc_id,
        "reports": reports,
    }


def _coord(v) -> str:
    return "" if v is None else f"{v:.5f}"


def event_rows(doc: dict) -> list[dict]:
    """The rows of one ``rasd predict`` record: one per event that is not a denial only."""
    out = []
    for ev in doc.get("events", []):
        if not set(ev["event_types"]) - {"denial"}:
            continue
        rid = _event_id(ev.get("place"), f"{doc['id']}#{ev['sentence']['index']}")
        tags = ["denied"] if "denial" in ev["event_types"] else []
        out.append(row(ev, ev.get("place"), [s["text"] for s in ev.get("source", [])],
                       ev["sentence"]["text"], killed_wounded(ev, "killed"), rid, str(doc["id"]),
                       f"{doc['id']}#{ev['sentence']['index']}", tags))
    return out


def incident_rows(incident: dict) -> list[dict]:
    """The row of one incident record (none for an incident made of denials only)."""
    if not set(incident["event_types"]) - {"denial"}:
        return []
    killed = incident["casualties"].get("killed")
    ev = {**incident, "actors": incident["actors"], "target_actors": incident["target_actors"], "weapon": []}
    tags = [f"{len(incident['reports'])} reports"] + (["denied"] if incident["denials"] else [])
    reports = " | ".join(f"{r['doc_id']}#{r['sentence_index']}" for r in incident["reports"])
    sources = [r["source"] for r in incident["reports"] if r.get("source")]
    return [row(ev, incident["place"], sources, incident["notes"], killed["low"] if killed else None,
                incident["incident_id"], incident["reports"][0]["doc_id"], reports, tags)]


def _event_id(place: dict | None, ref: str) -> str:
    cc = (place or {}).get("country") or "XX"
    return f"{cc}-rasd-{hashlib.sha1(ref.encode('utf-8')).hexdigest()[:10]}"

