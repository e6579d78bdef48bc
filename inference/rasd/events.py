"""Event records: one per sentence that carries an event label, joining its arguments.

Field names follow event-data practice (PLOVER, ACLED): the ``actor`` and ``target`` of the event
are kept apart from the ``source`` that reports it, and every field carries its evidence offsets,
so an analyst can always go back to the words a value came from.
"""

from __future__ import annotations

from rasd.numbers import casualty_kind, parse_count

ROLE_OF_TYPE = {"ACTOR": "actor", "TARGET": "target", "LOCATION": "location", "WEAPON": "weapon",
                "TIME": "time", "SOURCE": "source", "CASUALTIES": "casualties"}


def build_events(doc: dict) -> list[dict]:
    """Events of one predicted document (the output record of ``Model.predict_documents``)."""
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
            if not (a <= sp["start"] and sp["end"] <= b):
                continue
            role = ROLE_OF_TYPE.get(sp["label"])
            if role is None:
                continue
            arg = {"text": sp["text"], "start": sp["start"], "end": sp["end"], "score": sp["score"]}
            if role == "casualties":
                count = parse_count(sp["text"])
                arg["count"] = count.to_dict() if count else None
                arg["kind"] = casualty_kind(sp["text"], text[a:b])
            event[role].append(arg)
        events.append(event)
    return events
