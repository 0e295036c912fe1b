"""lawie's one data model: entities, records and documents.

Every engine (rules, tagger) and every layer (linker, exporters) produces and
consumes these types. Offsets are always into the caller's own string.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Label = Literal["ORG", "YEAR", "COUNT", "METRIC", "INITIATIVE"]
LABELS: tuple[str, ...] = ("ORG", "YEAR", "COUNT", "METRIC", "INITIATIVE")
TARGET_LABELS = ("METRIC", "INITIATIVE")
QUALIFIERS = ("more_than", "nearly", "about", "over", "at_least", "at_most")


@dataclass(frozen=True)
class Entity:
    """A labelled span ``text[start:end]`` of the caller's string."""

    label: str
    start: int
    end: int
    text: str
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Quantity:
    """The normalized reading of a COUNT span (see ``lawie.quantity``)."""

    value: float
    unit: str
    qualifier: str | None = None


@dataclass
class Record:
    """One COUNT with what it measures, who reported it and when."""

    count: Entity
    target: Entity | None
    value: float
    unit: str
    qualifier: str | None = None
    change: bool = False
    direction: str | None = None  # "up" | "down" for changes
    action: str | None = None
    metric_key: str | None = None  # groups the same measure across reports (lawie.metric_key)
    org: str | None = None
    year: int | None = None
    sentence: tuple[int, int] = (0, 0)  # evidence sentence offsets

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["count"] = self.count.to_dict()
        out["target"] = self.target.to_dict() if self.target else None
        out["sentence"] = list(self.sentence)
        return out


@dataclass
class Document:
    """The result of ``lawie.extract``: the caller's text, its entities and records."""

    text: str
    entities: list[Entity] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    title: str | None = None
    author_org: str | None = None
    report_year: int | None = None
    engine: str = ""
    id: str | None = None

    def spans(self, label: str) -> list[Entity]:
        return [e for e in self.entities if e.label == label]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "engine": self.engine,
            "title": self.title,
            "author_org": self.author_org,
            "report_year": self.report_year,
            "text": self.text,
            "entities": [e.to_dict() for e in self.entities],
            "records": [r.to_dict() for r in self.records],
        }
