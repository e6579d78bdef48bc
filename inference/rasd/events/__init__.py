"""The event layer: event records with dates, places, actors; incidents across reports; ACLED rows.

It sits on top of the core (schema, text, records, decode, sentences, runtime) and the core never
imports it: ``rasd predict`` adds events after prediction (:func:`add_events`).
"""

from rasd.events.build import Resources, add_events, build_events, span_events

__all__ = ["Resources", "add_events", "build_events", "span_events"]
