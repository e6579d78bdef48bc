"""Actors normalised to a canonical name and type through the curated alias table (data/actors.json).

Why a table and not a model: the names conflict reporting gives the same armed group are few and
well known (الحوثيون، جماعة أنصار الله، ميليشيا الحوثي، المتمردون الحوثيون are one actor), and an
analyst needs to see and correct the mapping. Rule, in order, on each ACTOR (or TARGET) span:

1. every alias in the span, longest first (``ميليشيات الحوثي وصالح`` names two actors);
2. a contextual alias (bare ``التحالف``) by the country the event happened in;
3. a country name or nationality adjective: the military forces of that country, its police after
   a police head (``الشرطة``, ``قوات الأمن``), its government after a government head (``وزارة``);
4. otherwise the actor is kept as its text, with no canonical name (never guessed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rasd.events.arabic import clitic_variants, key, words
from rasd.events.gazetteer import Gazetteer

ACLED_INTER = {"state_forces": 1, "police": 1, "government": 1, "armed_group": 2, "militia": 3,
               "civilians": 7, "coalition": 8, "international": 8}


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    name_ar: str
    type: str
    country: str | None

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "name_ar": self.name_ar, "type": self.type, "country": self.country}


@dataclass
class ActorTable:
    actors: dict[str, Actor]
    aliases: dict[str, str]  # alias key → actor id
    contextual: dict[str, dict[str, str]]  # alias key → {country → actor id}
    police_heads: set[str]
    government_heads: set[str]
    civilian_words: set[str]
    max_words: int

    @classmethod
    def load(cls, data: dict | None = None) -> "ActorTable":
        if data is None:
            data = json.loads(resources.files("rasd.events").joinpath("data/actors.json").read_text(encoding="utf-8"))
        actors, aliases, contextual = {}, {}, {}
        for a in data["actors"]:
            actors[a["id"]] = Actor(a["id"], a["name"], a["name_ar"], a["type"], a.get("country"))
            for alias in a["aliases"] + [a["name_ar"]]:
                aliases[key(alias)] = a["id"]
        for c in data.get("contextual", []):
            for alias in c["aliases"]:
                contextual[key(alias)] = c["by_country"]
        all_keys = list(aliases) + list(contextual)
        heads = data.get("heads", {})
        return cls(actors, aliases, contextual, {key(h) for h in heads.get("police", [])},
                   {key(h) for h in heads.get("government", [])}, {key(w) for w in data.get("civilians", [])},
                   max(k.count(" ") + 1 for k in all_keys))


@lru_cache(maxsize=1)
def default_actor_table() -> ActorTable:
    return ActorTable.load()


def _state_actor(iso: str, gaz: Gazetteer, kind: str) -> Actor:
    name = gaz.country_name(iso) or iso
    c = gaz.countries.get(iso)
    ar = c.name_ar if c else iso
    label, label_ar, typ = {"police": ("Police Forces of", "شرطة", "police"),
                            "government": ("Government of", "حكومة", "government")}.get(
        kind, ("Military Forces of", "قوات", "state_forces"))
    return Actor(f"{typ}:{iso}", f"{label} {name}", f"{label_ar} {ar}", typ, iso)


def _civilians(country: str | None, gaz: Gazetteer) -> Actor:
    name = gaz.country_name(country) if country else None
    return Actor(f"civilians:{country or ''}", f"Civilians ({name})" if name else "Civilians", "مدنيون",
                 "civilians", country)


def resolve_actor_text(text: str, table: ActorTable, gaz: Gazetteer, country: str | None,
                       civilians: bool = False) -> list[Actor]:
    """The canonical actors one span names (empty: unknown). ``country``: where the event happened."""
    ws = words(text)
    found: list[Actor] = []
    i, used = 0, [False] * len(ws)
    while i < len(ws):
        hit = _alias_at(ws, i, table, country)
        if hit:
            actor, n = hit
            if actor is not None and actor not in found:
                found.append(actor)
            for k in range(i, i + n):
                used[k] = True
            i += n
        else:
            i += 1
    if found:
        return found
    rest = [w for w, u in zip(ws, used) if not u]
    state = _country_actor(rest, table, gaz)
    if state:
        return [state]
    if civilians and any(v in table.civilian_words for w in ws for v in clitic_variants(w)):
        return [_civilians(country, gaz)]
    return []


def _alias_at(ws: list[str], i: int, table: ActorTable, country: str | None):
    for n in range(min(table.max_words, len(ws) - i), 0, -1):
        for variant in clitic_variants(ws[i]):
            phrase = " ".join([variant] + ws[i + 1 : i + n])
            if phrase in table.aliases:
                return table.actors[table.aliases[phrase]], n
            if phrase in table.contextual:
                actor_id = table.contextual[phrase].get(country or "")
                return (table.actors[actor_id] if actor_id else None), n
    return None


def _country_actor(ws: list[str], table: ActorTable, gaz: Gazetteer) -> Actor | None:
    iso = None
    for w in ws:
        for v in clitic_variants(w):
            c = gaz.country_of_adjective(v)
            hits = [e for e in gaz.lookup(v) if e.feature == "country"]
            if c or hits:
                iso = (c or hits[0]).country
                break
        if iso:
            break
    if iso is None:
        return None
    phrases = set(ws) | {f"{a} {b}" for a, b in zip(ws, ws[1:])}
    phrases |= {v for w in ws for v in clitic_variants(w)}
    kind = "police" if phrases & table.police_heads else "government" if phrases & table.government_heads else "military"
    if kind == "military":  # the table's own entry for the country's forces, when it has one
        known = next((a for a in table.actors.values() if a.type == "state_forces" and a.country == iso), None)
        if known:
            return known
    return _state_actor(iso, gaz, kind)


def actor_records(spans: list[dict], table: ActorTable, gaz: Gazetteer, country: str | None,
                  civilians: bool = False) -> list[dict]:
    """One record per (span, canonical actor); an unknown span is kept as its text with null name."""
    out = []
    for sp in spans:
        ref = {"text": sp["text"], "start": sp["start"], "end": sp["end"]}
        actors = resolve_actor_text(sp["text"], table, gaz, country, civilians)
        if not actors:
            if not civilians:
                out.append({**ref, "id": None, "name": None, "name_ar": None, "type": None, "country": None})
            continue
        out.extend({**ref, **a.to_dict()} for a in actors)
    return out
