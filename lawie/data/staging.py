"""Hand-annotation staging format → gold format.

Annotators list a unit's entities *in text order* by their text; offsets are found
by searching forward from the end of the previous entity, so nobody counts
characters by hand. An entity may carry ``"start"`` to pin an occurrence.

    python -m lawie.data.staging check data/staging/seed_001.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

LABELS = ("ORG", "YEAR", "COUNT", "METRIC", "INITIATIVE")
QUALIFIERS = (None, "more_than", "nearly", "about", "over", "at_least", "at_most")
COUNT_FIELDS = ("value", "unit", "qualifier", "change")


def resolve_unit(unit: dict) -> tuple[dict, list[str]]:
    """Return the unit in gold form (entities with offsets, relations) and its problems."""
    text = unit["text"]
    problems: list[str] = []
    entities: list[dict] = []
    relations: list[dict] = []
    cursor = 0
    ids = {e.get("id") for e in unit.get("entities", [])}
    for ent in unit.get("entities", []):
        label, span = ent.get("label"), ent.get("text", "")
        where = f"{unit['id']} {ent.get('id')} {label} {span!r}"
        if label not in LABELS:
            problems.append(f"{where}: unknown label")
            continue
        start = ent["start"] if "start" in ent else text.find(span, cursor)
        if not span or start < 0 or text[start : start + len(span)] != span:
            problems.append(f"{where}: not found after offset {cursor}")
            continue
        if start < cursor:
            problems.append(f"{where}: overlaps or is out of order (starts {start} < {cursor})")
            continue
        cursor = start + len(span)
        gold = {"id": ent["id"], "label": label, "start": start, "end": cursor, "text": span}
        if label == "COUNT":
            problems += _check_count(where, ent)
            gold.update({k: ent.get(k) for k in (*COUNT_FIELDS, "direction", "org", "year")})
            target = ent.get("target")
            if target is not None:
                if target not in ids:
                    problems.append(f"{where}: target {target} is not an entity of the unit")
                else:
                    relations.append({"head": ent["id"], "tail": target, "type": "QUANTIFIES"})
        entities.append(gold)
    labels = {e["id"]: e["label"] for e in entities}
    for rel in relations:
        if labels.get(rel["tail"]) not in ("METRIC", "INITIATIVE", None):
            problems.append(f"{unit['id']} {rel['head']}: target {rel['tail']} is a {labels[rel['tail']]}")
    out = {k: v for k, v in unit.items() if k != "entities"}
    return {**out, "entities": entities, "relations": relations}, problems


def _check_count(where: str, ent: dict) -> list[str]:
    problems = []
    if not isinstance(ent.get("value"), (int, float)) or isinstance(ent.get("value"), bool):
        problems.append(f"{where}: COUNT needs a numeric value")
    if not isinstance(ent.get("unit"), str):
        problems.append(f"{where}: COUNT needs a unit string ('' when there is none)")
    if ent.get("qualifier") not in QUALIFIERS:
        problems.append(f"{where}: qualifier must be one of {QUALIFIERS}")
    if not isinstance(ent.get("change"), bool):
        problems.append(f"{where}: change must be true or false")
    return problems


def check_file(path: Path, verbose: bool = True) -> int:
    n_problems = 0
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        unit = json.loads(line)
        gold, problems = resolve_unit(unit)
        for p in problems:
            print(f"{path}:{line_no}: {p}")
        n_problems += len(problems)
        if verbose:
            for e in gold["entities"]:
                ctx = unit["text"][max(0, e["start"] - 6) : e["end"] + 6]
                print(
                    f"  {gold['id']} {e['id']:>4} {e['label']:<10} {e['start']:>4}-{e['end']:<4} {e['text']}   …{ctx}…"
                )
    print(f"{path}: {n_problems} problem(s)")
    return n_problems


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] != "check":
        sys.exit(__doc__)
    quiet = "-q" in sys.argv
    total = sum(check_file(Path(p), verbose=not quiet) for p in sys.argv[2:] if p != "-q")
    sys.exit(1 if total else 0)
