"""The one comparison every report shows: rasd against its two peers, set by set.

Used by the training log and ``metrics.md``, the model card and the README's tables, so that the
figures a user reads anywhere come from one place.
"""

from __future__ import annotations

SETS = ("dev", "real-dev", "real-news-dev", "test", "real-news-test")
HEAD = ["set", "sentences", "labels rasd", "labels TF-IDF", "spans strict rasd", "spans strict CRF",
        "spans lenient rasd", "spans lenient CRF"]


def peer_rows(metrics: dict) -> list[list[str]]:
    """One row per evaluated set: label micro F1, strict and lenient span micro F1, rasd vs peers."""
    peers = metrics.get("peers", {})
    rows = []
    for name in SETS:
        res, peer = metrics.get(name), peers.get(name)
        if not res or "labels" not in res or not peer:
            continue
        sp, psp = res["spans"], peer["spans"]
        rows.append([name, str(res["n"]), f"{res['labels']['micro']['f1']:.3f}", f"{peer['labels']['micro']['f1']:.3f}",
                     f"{sp['micro']['f1']:.3f}", f"{psp['micro']['f1']:.3f}",
                     f"{sp['lenient']['micro']['f1']:.3f}", f"{psp['lenient']['micro']['f1']:.3f}"])
    return rows


def per_type_rows(metrics: dict, name: str) -> list[list[str]]:
    """Strict and lenient F1 per span type on one set, rasd and the CRF."""
    res, peer = metrics.get(name, {}), metrics.get("peers", {}).get(name, {})
    if "spans" not in res or "spans" not in peer:
        return []
    rows = []
    for t, r in res["spans"]["per_type"].items():
        p = peer["spans"]["per_type"][t]
        rows.append([t, str(r["support"]), f"{r['f1']:.3f}", f"{p['f1']:.3f}",
                     f"{res['spans']['lenient']['per_type'][t]['f1']:.3f}",
                     f"{peer['spans']['lenient']['per_type'][t]['f1']:.3f}"])
    return rows


def markdown(rows: list[list[str]], head: list[str]) -> str:
    out = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    return "\n".join(out + ["| " + " | ".join(r) + " |" for r in rows])


def plain(rows: list[list[str]], head: list[str]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    fmt = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    return "\n".join([fmt(head), *(fmt(r) for r in rows)])


def evaluation_lines(metrics: dict) -> list[str]:
    """One line per evaluated set with its figures beside the peers': what the training log says."""
    return [f"{r[0]} ({r[1]} sentences): labels {r[2]} (TF-IDF {r[3]}), spans strict {r[4]} (CRF {r[5]}), "
            f"lenient {r[6]} (CRF {r[7]})" for r in peer_rows(metrics)]


def summary_text(metrics: dict, full_report: str) -> str:
    """What ``rasd-train train`` prints at the end: the comparison table and where the rest is."""
    rows = peer_rows(metrics)
    table = plain(rows, HEAD) if rows else "no set to compare"
    return f"{table}\nper-label, per-type and calibration tables: {full_report}\n"


def peers_text(metrics: dict) -> str:
    """The comparison as the training log and metrics.md print it."""
    rows = peer_rows(metrics)
    if not rows:
        return "== rasd vs peers: no set to compare"
    lines = ["== rasd vs peers (TF-IDF labels, CRF spans; same training data, thresholds tuned on the same sets)",
             plain(rows, HEAD)]
    for name in SETS:
        t = per_type_rows(metrics, name)
        if t:
            lines += [f"-- {name}, span F1 per type", plain(t, ["type", "n", "strict rasd", "strict CRF",
                                                                 "lenient rasd", "lenient CRF"])]
    cal = metrics.get("calibration")
    if cal:
        lines.append("-- calibration (label ECE, 10 bins): " + "; ".join(
            f"{k} {v['before']:.3f} -> {v['after']:.3f}" for k, v in cal.get("ece", {}).items()))
    return "\n".join(lines)
