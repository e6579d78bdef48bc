"""The label schema of ../shared/ANNOTATION.md: four sentence labels, seven span types, BIO tags.

A schema travels with every saved model (in its manifest), so a model trained on a subset or an
extension of the labels is decoded with its own schema, not with the defaults below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EVENT_LABELS: tuple[str, ...] = ("attack", "interception", "casualty_report", "denial")
SPAN_TYPES: tuple[str, ...] = ("ACTOR", "TARGET", "LOCATION", "WEAPON", "CASUALTIES", "TIME", "SOURCE")
OUTSIDE = "O"


@dataclass(frozen=True)
class LabelSchema:
    """Sentence labels and span types of one model; tag ids follow the order of ``tags``."""

    labels: tuple[str, ...] = EVENT_LABELS
    span_types: tuple[str, ...] = SPAN_TYPES
    _tag_index: dict = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        for name, values in (("labels", self.labels), ("span_types", self.span_types)):
            if len(set(values)) != len(values):
                raise ValueError(f"duplicate entries in {name}: {list(values)}")
        object.__setattr__(self, "labels", tuple(self.labels))
        object.__setattr__(self, "span_types", tuple(self.span_types))
        object.__setattr__(self, "_tag_index", {t: i for i, t in enumerate(self.tags)})

    @property
    def tags(self) -> tuple[str, ...]:
        """``O`` first, then ``B-X``, ``I-X`` for each span type, in schema order."""
        out = [OUTSIDE]
        for t in self.span_types:
            out += [f"B-{t}", f"I-{t}"]
        return tuple(out)

    def tag_id(self, tag: str) -> int:
        return self._tag_index[tag]

    @property
    def label2id(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.labels)}

    @property
    def tag2id(self) -> dict[str, int]:
        return dict(self._tag_index)

    def to_dict(self) -> dict:
        return {"labels": list(self.labels), "span_types": list(self.span_types)}

    @classmethod
    def from_dict(cls, data: dict) -> "LabelSchema":
        unknown = set(data) - {"labels", "span_types"}
        if unknown:
            raise ValueError(f"unknown schema keys: {sorted(unknown)}")
        return cls(tuple(data.get("labels", EVENT_LABELS)), tuple(data.get("span_types", SPAN_TYPES)))
