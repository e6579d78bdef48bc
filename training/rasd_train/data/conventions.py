"""Adjudicated conventions applied to every stored annotation that missed them (never to a test set).

Why: an adjudication decides a convention for the sentences it looked at; the same construction
elsewhere keeps whatever its annotator did, and a model trained on both learns a coin toss. Rule 6
of the first real-news adjudication (``data/real-news/ADJUDICATION.md``) made bombing a weapon, as
the specification makes bare shelling one; round 2 found its annotators tagging it in about a
third of the labelled mentions (``ADJUDICATION-round2.md``, "Noticed outside the 45"). Here the rule
is written once, the way the corpus's own tagged mentions read:

- a bombing noun (``تفجير``, ``التفجير``, ``بالتفجير``, ``للتفجير``, ``تفجيرات``, ``تفجيرين``, ``تفجيره`` …)
  in a sentence with an event label is ``WEAPON``, clitics included, like ``بقصف``;
- a kind adjective right after it stays inside (``التفجير الانتحاري``, ``تفجير مزدوج``: rule 19), an
  evaluative one stays out (``التفجير الإرهابي``, ``الغاشم``: 31 of the 32 tagged mentions so written);
- a named device right after it is the weapon instead (``تفجير سيارة مفخخة``, ``بتفجير عبوات ناسفة``:
  32 of 34 tagged mentions), and so is a metaphor's object (``تفجير الوضع``: not a bombing);
- the adjective ``تفجيري`` / ``التفجيرية`` alone, a hashtag (``#تفجير_طوارئ_عسير``), and a word already
  inside a span, are left as they are.

Rule 41 (``data/real-news/ADJUDICATION-round3.md``) settled what rule 26 had left to each annotator:
a condolence, funeral, prayer for the dead or wish of recovery is ``casualty_report`` only when the
sentence itself states a death or wound (a predicate or a count), not when it names the dead only as
those the reaction is for. Rule 42: an aircraft shot down is ``interception`` (the specification's
"shot down, downed … aircraft"), also in the MH17 story, which real-news train had as ``attack``
only. Rule 43: a party's denial, refusal to comment or to confirm is ``denial`` when it concerns an
attack or another violent event, and only then (a political or economic denial is not). All three
are judgements per sentence, not patterns, so the sentences they change are stored as decisions
(``data/real-news/rule41.jsonl``, ``rule42.jsonl``, ``rule43.jsonl``: id, rule, the sentence's SHA-1,
its labels and spans as decided, and why) and applied before rule 6.

``python -m rasd_train.data.conventions [--write]`` lists or applies them to real-news train and dev
and to real-dev (each file replaced atomically; a second run finds nothing to change).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

PUNCT = "،,.:؛;!?\"'”“»«()[]{}…-–—/"
KIND = {"انتحاري", "الانتحاري", "انتحارية", "الانتحارية", "انتحاريًا", "انتحاريا", "انتحاريين", "الانتحاريين",
        "المزدوج", "مزدوج", "المزدوجين", "مزدوجين"}
METAPHOR = {"الوضع", "الأوضاع", "الاوضاع", "الموقف", "الصراع", "الأزمة", "الازمة", "الخلاف", "الخلافات", "حرب",
            "الحرب", "المنطقة", "الساحة"}
DEVICE = re.compile(r"^(ب|ل)?(ال)?(سيار|عبو|حزام|أحزم|شاحن|قنبل|قناب|مفخخ|مففخ|لغم|ألغام|صاروخ|دراج)")
ARABIC = re.compile(r"[\u0621-\u064a\u064b-\u0652]+")  # a hashtag (#تفجير_…) or a mixed token is not a word here
ADJECTIVE = re.compile(r"^(و|ف)?(ال)?تفجيري(ة|ين|ات|ا|اً|ًا)?$")


def _words(text: str):
    """(start, end, word) of each whitespace-separated word, punctuation trimmed from both ends."""
    for m in re.finditer(r"\S+", text):
        raw = m.group()
        word = raw.strip(PUNCT)
        if word:
            start = m.start() + len(raw) - len(raw.lstrip(PUNCT))
            yield start, start + len(word), word


def bombing_weapons(text: str, labels, spans: list[dict]) -> list[dict]:
    """The ``WEAPON`` spans rule 6 adds to one sentence (offsets relative to it); [] when none."""
    if not labels:
        return []
    words = list(_words(text))
    taken = [(s["start"], s["end"]) for s in spans]

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    added = []
    for i, (a, b, word) in enumerate(words):
        if "تفجير" not in word or not ARABIC.fullmatch(word) or ADJECTIVE.match(word) or not free(a, b):
            continue
        nxt = words[i + 1] if i + 1 < len(words) and text[b:words[i + 1][0]] == " " else None
        if nxt and (nxt[2] in METAPHOR or DEVICE.match(nxt[2])
                    or any(s["start"] <= nxt[0] < s["end"] and s["label"] == "WEAPON" for s in spans)):
            continue
        end = nxt[1] if nxt and nxt[2] in KIND and free(nxt[0], nxt[1]) else b
        added.append({"start": a, "end": end, "label": "WEAPON"})
        taken.append((a, end))
    return added


RULES = (41, 42, 43)
DECISIONS = tuple(Path(f"data/real-news/rule{n}.jsonl") for n in RULES)


def load_decisions(paths=DECISIONS) -> dict[str, dict]:
    """The stored per-sentence decisions (rules 41, 42 and 43) by record id; a file that is missing adds none.

    A sentence decided by two files is an error: which decision holds would depend on their order."""
    out: dict[str, dict] = {}
    for path in paths:
        if not Path(path).is_file():
            continue
        for lineno, line in enumerate(open(path, encoding="utf-8"), 1):
            if line.strip():
                row = json.loads(line)
                if row["id"] in out:
                    raise ValueError(f"{path}:{lineno}: {row['id']} is decided twice (rules {out[row['id']]['rule']} "
                                     f"and {row['rule']})")
                out[row["id"]] = row
    return out


def decided(row: dict, rec, decision: dict, path: Path) -> str | None:
    """Give ``row`` its decision's labels and spans, completed by rule 6 (so that a second pass changes
    nothing); a description of the change, or None when it has them already."""
    from rasd_train.data.realnews import sha1

    if decision["sha1"] != sha1(rec.text):
        raise ValueError(f"{path}: {row['id']} is not the sentence rule {decision['rule']} decided (SHA-1 differs)")
    labels, spans = list(decision["labels"]), [dict(s) for s in decision["spans"]]
    spans = sorted(spans + bombing_weapons(rec.text, labels, spans), key=lambda s: (s["start"], s["end"]))
    if row["labels"] == labels and row["spans"] == spans:
        return None
    change = f"rule {decision['rule']}: labels {row['labels']} -> {labels}"
    row["labels"], row["spans"] = labels, spans
    return change


def apply_to(path: Path, records, write: bool, decisions: dict | None = None) -> list[tuple[str, str]]:
    """Apply the stored ``decisions`` (rules 41, 42 and 43), then add rule 6's spans, to one reference file
    whose rebuilt ``records`` are given in file order.

    Returns (record id, change) for each change (for rule 6 the added text); with ``write`` the file
    is replaced atomically.
    """
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    if len(rows) != len(records):
        raise ValueError(f"{path}: {len(rows)} references but {len(records)} records rebuilt")
    found = []
    for row, rec in zip(rows, records):
        if row["id"] != rec.id:
            raise ValueError(f"{path}: reference {row['id']} rebuilt as {rec.id}")
        if row["id"] in (decisions or {}) and (change := decided(row, rec, decisions[row["id"]], path)):
            found.append((row["id"], change))
        add = bombing_weapons(rec.text, row["labels"], row["spans"])
        if add:
            row["spans"] = sorted(row["spans"] + add, key=lambda s: (s["start"], s["end"]))
            found += [(row["id"], rec.text[s["start"]:s["end"]]) for s in add]
    if write and found:
        from rasd_train.data.realnews import write_refs

        write_refs(path, rows)
    return found


def stored_files():
    """(path, loader) of every annotation file the rules apply to: real-news train and dev, real-dev."""
    from rasd_train.data.realdev import REFS as REAL_DEV_REFS
    from rasd_train.data.realdev import load_real_dev
    from rasd_train.data.realnews import REFS_DIR, load_refs

    files = [(REFS_DIR / f"{split}.jsonl", load_refs) for split in ("train", "dev")]
    return [(p, loader) for p, loader in files if p.is_file()] + [(REAL_DEV_REFS, load_real_dev)]


def main(argv=None) -> int:
    from rasd_train.data.shared import SharedDataMissing

    parser = argparse.ArgumentParser(
        description="Apply adjudicated conventions (rule 41: reactions to deaths; rule 42: downed aircraft; "
                    "rule 43: denials of violent events; rule 6: bombing is WEAPON).")
    parser.add_argument("--write", action="store_true", help="store the changes (default: list them)")
    args = parser.parse_args(argv)
    try:
        decisions = load_decisions()
        for path, loader in stored_files():
            found = apply_to(path, loader(path), args.write, decisions)
            per_rule = [sum(1 for _, change in found if change.startswith(f"rule {n}:")) for n in RULES]
            done = "made" if args.write else "to make"
            counts = ", ".join(f"{k} rule-{n}" for n, k in zip(RULES, per_rule))
            sys.stdout.write(f"{path}: {counts} change(s) and {len(found) - sum(per_rule)} WEAPON span(s) {done}\n")
    except (SharedDataMissing, ValueError) as exc:  # no ../shared, a changed sentence, a sentence decided twice
        sys.stderr.write(f"{exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
