"""Strict span, relation and record scores of lawie documents against gold units.

Gold units carry ``source`` offsets into a whole report; units of one report
are lifted to report offsets and compared with ``lawie.extract`` on that report.
A span is right only when label, start and end are all right (seqeval's strict
mode, on characters).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lawie.records import LABELS, Document


@dataclass
class GoldReport:
    """All gold units of one report, in report offsets."""

    path: str
    split: str
    entities: set[tuple[int, int, str]] = field(default_factory=set)
    relations: set[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=set)
    records: dict[tuple[int, int], dict] = field(default_factory=dict)
    covered: list[tuple[int, int]] = field(default_factory=list)  # annotated units

    def covers(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.covered)


def gold_reports(units: Iterable[dict]) -> dict[str, GoldReport]:
    """Group gold units by their source report and lift offsets to it."""
    reports: dict[str, GoldReport] = {}
    for unit in units:
        path, base = unit["source"]["file"], unit["source"]["start"]
        report = reports.setdefault(path, GoldReport(path, unit["split"]))
        report.covered.append((base, unit["source"]["end"]))
        spans = {}
        for ent in unit["entities"]:
            span = (base + ent["start"], base + ent["end"])
            spans[ent["id"]] = span
            report.entities.add((*span, ent["label"]))
            if ent["label"] == "COUNT":
                report.records[span] = ent
        for rel in unit["relations"]:
            report.relations.add((spans[rel["head"]], spans[rel["tail"]]))
    return reports


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set, gold: set) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> dict[str, float | int]:
        return {"P": self.precision, "R": self.recall, "F1": self.f1, "support": self.tp + self.fn}


def score(pairs: Iterable[tuple[Document, GoldReport]]) -> dict[str, dict[str, float | int]]:
    """Per-label, micro, relation and record scores over (prediction, gold) report pairs.

    Only predictions inside annotated units count (govwork reports are annotated in part).
    A record is right when its count span, target span, value and unit all are.
    """
    tallies: dict[str, Tally] = defaultdict(Tally)
    for doc, gold in pairs:
        predicted = {(e.start, e.end, e.label) for e in doc.entities if gold.covers(e.start, e.end)}
        for label in LABELS:
            tallies[label].add({p for p in predicted if p[2] == label}, {g for g in gold.entities if g[2] == label})
        tallies["micro"].add(predicted, gold.entities)
        tallies["relation"].add({r for r in _relations(doc) if gold.covers(*r[0])}, gold.relations)
        tallies["record"].add({r for r in _records(doc) if gold.covers(*r[0])}, _gold_records(gold))
    return {name: tally.row() for name, tally in tallies.items()}


def _relations(doc: Document) -> set:
    return {((r.count.start, r.count.end), (r.target.start, r.target.end)) for r in doc.records if r.target}


def _records(doc: Document) -> set:
    return {
        ((r.count.start, r.count.end), (r.target.start, r.target.end) if r.target else None, float(r.value), r.unit)
        for r in doc.records
    }


def _gold_records(gold: GoldReport) -> set:
    targets = dict(gold.relations)
    return {(span, targets.get(span), float(ent["value"]), ent["unit"]) for span, ent in gold.records.items()}


def attribution(pairs: Iterable[tuple[Document, GoldReport]]) -> dict[str, float | int]:
    """Org and year accuracy over the records whose count span is a gold COUNT."""
    right = {"org": 0, "year": 0}
    n = 0
    for doc, gold in pairs:
        for record in doc.records:
            ent = gold.records.get((record.count.start, record.count.end))
            if ent is None:
                continue
            n += 1
            right["org"] += record.org == ent["org"]
            right["year"] += record.year == ent["year"]
    return {"org": right["org"] / n if n else 0.0, "year": right["year"] / n if n else 0.0, "records": n}


class GoldSpans:
    """An engine that returns the gold spans of known texts inside their annotated units, and
    ``outside``'s spans elsewhere (report titles, openings), to score the linker on its own."""

    name = "gold"

    def __init__(self, pairs: Iterable[tuple[str, GoldReport]], outside=None):
        from lawie.clean import clean

        self.outside = outside
        self.spans: dict[str, list[tuple[int, int, str, float]]] = {}
        self.covered: dict[str, list[tuple[int, int]]] = {}
        for text, gold in pairs:
            cleaned = clean(text)
            mapped = [(cleaned.offsets.from_original(s, e), label) for s, e, label in sorted(gold.entities)]
            self.spans[cleaned.text] = [(*span, label, 1.0) for span, label in mapped if span]
            units = [cleaned.offsets.from_original(s, e) for s, e in gold.covered]
            self.covered[cleaned.text] = [u for u in units if u]

    def tag(self, texts: list[str]) -> list[list[tuple[int, int, str, float]]]:
        from lawie.pipeline import get_engine

        predicted = get_engine(self.outside).tag(texts) if self.outside else [[] for _ in texts]
        out = []
        for text, others in zip(texts, predicted):
            covered = self.covered.get(text, [])
            kept = [s for s in others if not any(lo < s[1] and s[0] < hi for lo, hi in covered)]
            out.append(sorted(self.spans.get(text, []) + kept))
        return out


def format_table(scores: dict[str, dict[str, float | int]], title: str) -> str:
    rows = [f"| {title} | P | R | F1 | support |", "|---|---|---|---|---|"]
    for name in (*LABELS, "micro", "relation", "record"):
        if name in scores:
            s = scores[name]
            rows.append(f"| {name} | {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} | {s['support']} |")
    return "\n".join(rows)


def read_report(repo: Path, gold: GoldReport) -> str:
    return (repo / gold.path).read_text(encoding="utf-8")
