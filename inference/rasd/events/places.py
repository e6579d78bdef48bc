"""Where an event happened: LOCATION spans resolved against the gazetteer.

Rule, in order:

1. Each LOCATION span is scanned for gazetteer names, longest first (a span may chain several
   places: ``قرية الخوجرة التابعة لمحافظة الطوال ... جنوب منطقة جازان``), a proclitic of the first
   word removed where needed (``بمحافظة``, ``لمحافظة``); nationality adjectives name their
   country (``الأراضي اليمنية`` → YE).
2. A span that the sentence gives as a launch origin (``من``, ``انطلاقا من`` before it, and a
   launch or projectile word in the sentence) is the event's ``origin``, never its ``place``.
3. A name with several candidates: namesakes in one division collapse (the city, or the division
   after an administrative head noun such as محافظة / منطقة or after ريف); a country and its own
   cities collapse to the country; after an administrative head noun a single division wins. What
   is still ambiguous is decided by context — the span's other
   places, then the sentence's, then the document's — and else by prominence (one candidate with
   twenty times the population of every other). Otherwise the place is reported with
   ``match: ambiguous`` and its candidates, and no coordinates: never a guess.
4. The event's place is the most specific resolved place of its non-origin spans (a place before
   a division before a country; ties: the first). Unknown → null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rasd.events.arabic import clitic_variants, key, words
from rasd.events.gazetteer import Entry, Gazetteer

ADMIN_HEADS = {"منطقه", "محافظه", "ولايه", "اقليم", "مقاطعه", "امانه", "محافظات", "محافظتي", "ريف"}
PLACE_HEADS = {"مدينه", "قريه", "بلده", "حي", "مخيم", "مديريه", "قضاء", "ناحيه", "قريتي", "بلدتي", "مدن",
               "قري", "العاصمه", "جزيره", "ميناء", "مطار", "مركز", "قطاع"}
NEAR_WORDS = {"قرب", "بالقرب", "مقربه", "محيط", "اطراف", "ضواحي", "شمال", "جنوب", "شرق", "غرب", "شمالي",
              "جنوبي", "شرقي", "غربي", "حول", "مشارف", "ريف", "جنوب شرق", "شمال شرق", "جنوب غرب",
              "شمال غرب", "خارج"}
_NOT_ORIGIN_BEFORE = {"قرب", "بالقرب", "مقربه", "قريبا", "قريب", "بعيدا", "بعيد", "كيلومتر", "كيلومترا", "كلم"}
_INSIDE = {"داخل", "عمق", "جهه", "ناحيه", "مواقع", "منطقه", "اتجاه"}
_LAUNCH = re.compile(r"اطلق|انطلق|اطلاق|قادم|مصدر|صاروخ|صواريخ|مقذوف|قذيف|قذائف|مسيره|باليستي|هاون|كاتيوشا|سكود|نيران|النار")
PROMINENCE = 20  # a candidate wins on population alone when it has this many times every other's


@dataclass
class Match:
    """A gazetteer name found in a LOCATION span."""

    candidates: list[Entry]
    text: str  # the matched words as written
    start: int  # char offsets into the document
    end: int
    exact: bool  # the whole span is the name (up to spelling normalisation)
    admin_head: bool = False
    place_head: bool = False
    near: bool = False
    adjective: bool = False
    neighbour: bool = False  # ``الحدودية مع سوريا``: a place named as a neighbour, not as where
    chosen: Entry | None = None
    resolved_by: str | None = None  # unique | head noun | context | prominence; None while ambiguous


@dataclass
class Context:
    """Countries and divisions named elsewhere, used to choose between namesakes."""

    countries: set[str] = field(default_factory=set)
    divisions: set[tuple[str, str]] = field(default_factory=set)

    def add(self, entry: Entry) -> None:
        self.countries.add(entry.country)
        if entry.division:
            self.divisions.add(entry.division)

    def union(self, *others: "Context") -> "Context":
        out = Context(set(self.countries), set(self.divisions))
        for o in others:
            out.countries |= o.countries
            out.divisions |= o.divisions
        return out


# -- finding names ---------------------------------------------------------------------------------


def _word_tokens(text: str, offset: int) -> list[tuple[str, int, int]]:
    from rasd.text import tokenize

    out = []
    for tok in tokenize(text):
        if tok.is_word:
            k = key(tok.text)
            if k:
                out.append((k, offset + tok.start, offset + tok.end))
    return out


def find_matches(text: str, gaz: Gazetteer, offset: int = 0) -> list[Match]:
    """Gazetteer names and nationality adjectives in ``text``, longest first, left to right."""
    toks = _word_tokens(text, offset)
    span_key = " ".join(t[0] for t in toks)
    out, i = [], 0
    while i < len(toks):
        m = _longest_at(toks, i, gaz, text, offset, span_key)
        if m is None:
            i += 1
            continue
        out.append(m)
        i = next(k for k, t in enumerate(toks) if t[2] == m.end) + 1
    return out


def _longest_at(toks, i: int, gaz: Gazetteer, text: str, offset: int, span_key: str) -> Match | None:
    for n in range(min(gaz.max_words, len(toks) - i), 0, -1):
        rest = [t[0] for t in toks[i + 1 : i + n]]
        for variant in clitic_variants(toks[i][0], min_rest=3):
            phrase = " ".join([variant] + rest)
            cands = _dedupe(gaz.lookup(phrase))
            adjective = False
            if not cands and n == 1 and (country := gaz.country_of_adjective(variant)):
                cands, adjective = [country], True
            if cands:
                a, b = toks[i][1], toks[i + n - 1][2]
                prev = _previous_words(toks, i)
                return Match(cands, text[a - offset : b - offset], a, b,
                             exact=phrase == span_key and variant == toks[i][0],
                             admin_head=bool(prev & ADMIN_HEADS),
                             place_head=bool(prev & PLACE_HEADS), near=bool(prev & NEAR_WORDS), adjective=adjective,
                             neighbour="مع" in prev)
    return None


def _previous_words(toks, i: int) -> set[str]:
    """The word before a name (its clitic forms too), and the two before it as one phrase."""
    if i == 0:
        return set()
    prev = set(clitic_variants(toks[i - 1][0]))
    if i >= 2:
        prev.add(f"{toks[i - 2][0]} {toks[i - 1][0]}")
        prev |= set(clitic_variants(toks[i - 2][0])) & NEAR_WORDS
    return prev


def _dedupe(entries: list[Entry]) -> list[Entry]:
    seen, out = set(), []
    for e in entries:
        k = (e.feature, e.geonameid, e.country, e.admin1_code, e.name)
        if k not in seen:
            seen.add(k)
            out.append(e)
    return out


# -- choosing between candidates -------------------------------------------------------------------


def collapse(m: Match) -> list[Entry]:
    """Namesakes that are one place for an analyst: a city and its division, a country and its cities."""
    cands = m.candidates
    countries = [c for c in cands if c.feature == "country"]
    if countries and all(c.country == countries[0].country for c in cands):
        cities = [c for c in cands if c.feature == "place"]
        if m.place_head and cities:
            return [max(cities, key=lambda c: c.population)]
        return [countries[0]]
    groups: dict[tuple, list[Entry]] = {}
    for c in cands:
        groups.setdefault((c.country, c.admin1_code if c.feature != "country" else "*"), []).append(c)
    out = []
    for members in groups.values():
        divisions = [c for c in members if c.feature == "admin1"]
        places = [c for c in members if c.feature == "place"]
        if divisions and (m.admin_head or not places):
            out.append(divisions[0])
        elif places:
            out.append(max(places, key=lambda c: (c.population, not c.curated)))
        else:
            out.append(members[0])
    return out


def choose(m: Match, contexts: list[Context]) -> None:
    """Set ``m.chosen`` and ``m.resolved_by`` (contexts are tried nearest first), or leave it ambiguous."""
    cands = collapse(m)
    m.candidates = cands
    if len(cands) == 1:
        m.chosen, m.resolved_by = cands[0], "unique"
        return
    divisions = [c for c in cands if c.feature == "admin1"]
    if m.admin_head and len(divisions) == 1:  # ``محافظة حجة`` names a governorate, not a village
        m.chosen, m.resolved_by = divisions[0], "head noun"
        return
    for context in contexts:
        scores = [2 * (c.division in context.divisions) + (c.country in context.countries) for c in cands]
        best = max(scores)
        if best > 0 and scores.count(best) == 1:
            m.chosen, m.resolved_by = cands[scores.index(best)], "context"
            return
    top = prominent(cands)
    if top is not None:
        m.chosen, m.resolved_by = top, "prominence"


def prominent(cands: list[Entry]) -> Entry | None:
    """The candidate with ``PROMINENCE`` times the people of every other (a division counts the
    people of its places), if there is one."""
    ranked = sorted(cands, key=lambda c: -c.population)
    if ranked[0].population >= 10000 and ranked[0].population >= PROMINENCE * max(ranked[1].population, 1):
        return ranked[0]
    return None


def unique(m: Match) -> Entry | None:
    """What a name means without any context: the one candidate left after collapsing namesakes,
    or the prominent one."""
    cands = collapse(m)
    return cands[0] if len(cands) == 1 else prominent(cands)


# -- origins and the event's place -----------------------------------------------------------------


def is_origin(sentence: str, span_start: int) -> bool:
    """True when the sentence gives the span as where something was launched from (``من`` before it)."""
    before = words(sentence[:span_start])
    if len(before) >= 2 and before[-1] in _INSIDE and before[-2] == "من":  # من داخل / من عمق الأراضي
        before = before[:-1]
    if not before or before[-1] != "من":
        return False
    if len(before) >= 2 and before[-2] in _NOT_ORIGIN_BEFORE:
        return False
    return bool(_LAUNCH.search(key(sentence)))


def context_of(matches: list[Match]) -> Context:
    """The countries and divisions that matches name without needing any context."""
    ctx = Context()
    for m in matches:
        e = m.chosen or unique(m)
        if e is not None:
            ctx.add(e)
    return ctx


def place_record(m: Match, gaz: Gazetteer) -> dict:
    """The ``place`` (or ``origin``) of an event, as written to the output."""
    e = m.chosen
    if e is None:
        shared = {c.country for c in m.candidates} if len(m.candidates) > 1 else set()
        country = shared.pop() if len(shared) == 1 else None
        return {"name": None, "text": m.text, "start": m.start, "end": m.end, "country": country,
                "country_name": gaz.country_name(country) if country else None, "admin1": None, "admin1_code": None,
                "lat": None, "lon": None, "geonameid": None, "feature": None, "precision": None,
                "match": "ambiguous", "resolved_by": None,
                "candidates": [_candidate(c, gaz) for c in sorted(m.candidates, key=lambda c: -c.population)[:5]]}
    precision = ("country" if e.feature == "country" else "admin1" if e.feature == "admin1" or e.curated
                 else "near" if m.near else "point")
    return {"name": e.name, "text": m.text, "start": m.start, "end": m.end, "country": e.country,
            "country_name": gaz.country_name(e.country), "admin1": gaz.admin1_name(e) if e.feature != "country" else None,
            "admin1_code": f"{e.country}.{e.admin1_code}" if e.admin1_code else None,
            "lat": e.lat, "lon": e.lon, "geonameid": e.geonameid, "feature": e.feature, "precision": precision,
            "match": "exact" if m.exact else "normalised", "resolved_by": m.resolved_by}


def _candidate(e: Entry, gaz: Gazetteer) -> dict:
    return {"name": e.name, "country": e.country, "admin1": gaz.admin1_name(e),
            "admin1_code": f"{e.country}.{e.admin1_code}" if e.admin1_code else None, "lat": e.lat, "lon": e.lon,
            "geonameid": e.geonameid, "feature": e.feature, "population": e.population}


def best_match(matches: list[Match]) -> Match | None:
    """The most specific resolved match (ties: the first); else the first ambiguous one; else None."""
    resolved = [m for m in matches if m.chosen is not None]
    if resolved:
        return max(resolved, key=lambda m: (m.chosen.specificity, -m.start))
    return next((m for m in matches if not m.adjective), None)
