"""Inter-annotator agreement between two independent passes over the same units.

    python -m lawie.data.agreement FIRST.jsonl SECOND.jsonl [--disagreements]

Span F1 per label (strict: label, start and end equal) and relation F1 (both spans
equal), with the first pass as reference; F1 is symmetric, so the choice does not matter.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lawie.data.staging import resolve_unit
from lawie.evaluate import Tally
from lawie.records import LABELS


def _units(path: Path) -> dict[str, dict]:
    units = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            unit, _ = resolve_unit(json.loads(line))
            units[unit["id"]] = unit
    return units


def _spans(unit: dict) -> set[tuple[int, int, str]]:
    return {(e["start"], e["end"], e["label"]) for e in unit["entities"]}


def _pairs(unit: dict) -> set[tuple[tuple[int, int], tuple[int, int]]]:
    where = {e["id"]: (e["start"], e["end"]) for e in unit["entities"]}
    return {(where[r["head"]], where[r["tail"]]) for r in unit["relations"]}


def agreement(first: Path, second: Path) -> tuple[dict[str, Tally], list[str]]:
    a, b = _units(first), _units(second)
    shared = sorted(set(a) & set(b))
    tallies = {name: Tally() for name in (*LABELS, "all spans", "relation")}
    disagreements = []
    for uid in shared:
        sa, sb = _spans(a[uid]), _spans(b[uid])
        for label in LABELS:
            tallies[label].add({s for s in sb if s[2] == label}, {s for s in sa if s[2] == label})
        tallies["all spans"].add(sb, sa)
        tallies["relation"].add(_pairs(b[uid]), _pairs(a[uid]))
        text = a[uid]["text"]
        for s, e, label in sorted(sa ^ sb):
            side = "first only " if (s, e, label) in sa else "second only"
            disagreements.append(f"{uid} {side} {label:<10} {text[s:e]}")
    return tallies, disagreements


def table(tallies: dict[str, Tally], n_units: int, title: str) -> str:
    rows = [f"| {title} ({n_units} units) | F1 | spans in pass 1 | in pass 2 | in both |", "|---|---|---|---|---|"]
    for name, t in tallies.items():
        rows.append(f"| {name} | {t.f1:.3f} | {t.tp + t.fn} | {t.tp + t.fp} | {t.tp} |")
    return "\n".join(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--disagreements", action="store_true")
    args = parser.parse_args()
    tallies, disagreements = agreement(args.first, args.second)
    n = len(set(_units(args.first)) & set(_units(args.second)))
    print(table(tallies, n, f"{args.first.stem} vs {args.second.stem}"))
    if args.disagreements:
        print("\n".join(disagreements))
