"""Gold annotation files (``data/annotated/*.jsonl``): build, validate, read.

One JSON object per unit: ``id, text, source {file, start, end}, split, synthetic,
entities [{id, label, start, end, text, (COUNT fields)}], relations [{head, tail, type}]``.

    python -m lawie.data.gold build      # data/staging/*.jsonl → data/annotated/*.jsonl
    python -m lawie.data.gold validate   # every problem, by file and line
    python -m lawie.data.gold stats      # counts per label and split
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from lawie.data.staging import COUNT_FIELDS, resolve_unit
from lawie.records import LABELS, TARGET_LABELS

REPO = Path(__file__).resolve().parents[2]
ANNOTATED = REPO / "data" / "annotated"
STAGING = REPO / "data" / "staging"

GOVWORK = REPO / "data" / "corpus" / "govwork"

# Split by document. Test is read once per release; rules and models are tuned on dev.
SEED_SPLITS: dict[str, str] = {
    "000_5fbba2febc326272": "dev",
    "001_13d687593c9c7455": "dev",
    "003_58b9b4adb4171f74": "test",
    "002_69a345469985f6fc": "train",
    "004_150b757668876e41": "train",
}
GOVWORK_SPLIT_SEED = 20261121  # the seeded draw of 5 dev and 5 test reports; never redrawn


def govwork_splits() -> dict[str, str]:
    """``{report stem: split}`` for the govwork corpus: 5 reports dev, 5 test, the rest train."""
    stems = sorted(p.stem for p in GOVWORK.glob("*.txt"))
    drawn = random.Random(GOVWORK_SPLIT_SEED).sample(stems, 10)
    return {s: "dev" if s in drawn[:5] else "test" if s in drawn[5:] else "train" for s in stems}


def split_of(source_file: str) -> str:
    """The split of the report a unit comes from (synthetic text is always train)."""
    stem = Path(source_file).stem
    return SEED_SPLITS.get(stem) or govwork_splits().get(stem) or "train"


def validate_unit(unit: dict, require_split: bool = True) -> list[str]:
    """Every way a gold unit can be wrong: span text, overlaps, labels, relations, count fields.
    ``require_split=False`` accepts units without a split (``lawie train`` assigns one by document)."""
    problems: list[str] = []
    text = unit.get("text")
    if not isinstance(text, str):
        return ["missing text"]
    required = ("id", "source", "split", "synthetic", "entities", "relations")
    for key in required if require_split else [k for k in required if k != "split"]:
        if key not in unit:
            problems.append(f"missing field {key!r}")
    source = unit.get("source")
    if not (isinstance(source, dict) and isinstance(source.get("file"), str)
            and all(isinstance(source.get(k), int) for k in ("start", "end"))):  # fmt: skip
        problems.append("source must be {file, start, end}")
    if (require_split or "split" in unit) and unit.get("split") not in ("train", "dev", "test"):
        problems.append(f"split {unit.get('split')!r} is not train/dev/test")
    if unit.get("synthetic") and unit.get("split", "train") != "train":
        problems.append("synthetic text may only be in train")
    entities, relations = unit.get("entities", []), unit.get("relations", [])
    if not (isinstance(entities, list) and all(isinstance(e, dict) for e in entities)):
        return [*problems, "entities must be a list of objects"]
    if not (isinstance(relations, list) and all(isinstance(r, dict) for r in relations)):
        return [*problems, "relations must be a list of objects"]
    by_id: dict[str, dict] = {}
    previous_end = 0
    for ent in sorted(entities, key=_position):
        where = f"entity {ent.get('id')}"
        start, end = ent.get("start"), ent.get("end")
        if ent.get("label") not in LABELS:
            problems.append(f"{where}: unknown label {ent.get('label')!r}")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            problems.append(f"{where}: bad offsets {start}-{end}")
            continue
        if text[start:end] != ent.get("text"):
            problems.append(f"{where}: text[{start}:{end}] is {text[start:end]!r}, not {ent.get('text')!r}")
        if start < previous_end:
            problems.append(f"{where}: overlaps the previous entity")
        previous_end = max(previous_end, end)
        if ent.get("id") in by_id:
            problems.append(f"{where}: duplicate id")
        by_id[ent.get("id")] = ent
        if ent.get("label") == "COUNT":
            problems += [f"{where}: COUNT lacks {f!r}" for f in COUNT_FIELDS if f not in ent]
    heads: set[str] = set()
    for rel in relations:
        head, tail = by_id.get(rel.get("head")), by_id.get(rel.get("tail"))
        if rel.get("type") != "QUANTIFIES":
            problems.append(f"relation {rel}: type must be QUANTIFIES")
        if head is None or tail is None:
            problems.append(f"relation {rel}: refers to a missing entity")
            continue
        if head["label"] != "COUNT" or tail["label"] not in TARGET_LABELS:
            problems.append(f"relation {rel}: must go from COUNT to METRIC/INITIATIVE")
        if rel["head"] in heads:
            problems.append(f"relation {rel}: a COUNT has one target")
        heads.add(rel["head"])
    return problems


def _position(entity: dict) -> tuple[int, int]:
    start, end = entity.get("start"), entity.get("end")
    return (start if isinstance(start, int) else -1, end if isinstance(end, int) else -1)


def validate_file(path: Path, require_split: bool = True) -> list[str]:
    """Every problem of a gold file as ``path:line: unit id: problem`` (unreadable lines included)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        return [f"{path}: cannot read: {err}"]
    problems = []
    for line_no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            unit = json.loads(line)
        except json.JSONDecodeError as err:
            problems.append(f"{path}:{line_no}: not JSON: {err}")
            continue
        if not isinstance(unit, dict):
            problems.append(f"{path}:{line_no}: not a JSON object")
            continue
        problems += [f"{path}:{line_no}: {unit.get('id')}: {p}" for p in validate_unit(unit, require_split)]
    return problems


def read_gold(paths: list[Path] | None = None) -> list[dict]:
    """All gold units of the given files (default: every file in data/annotated)."""
    paths = paths or sorted(ANNOTATED.glob("*.jsonl"))
    return [unit for path in paths for _, unit in _numbered_units(path)]


def _numbered_units(path: Path) -> Iterator[tuple[int, dict]]:
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            yield line_no, json.loads(line)


def build(staging: Path = STAGING, out_dir: Path = ANNOTATED) -> dict[str, int]:
    """Resolve every finished staging file into a gold file with splits; return units per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for path in sorted(staging.glob("*.jsonl")):
        if path.name.endswith(".todo.jsonl"):
            continue
        units = []
        for _, raw in _numbered_units(path):
            unit, problems = resolve_unit(raw)
            if problems:
                raise ValueError(f"{path}: {problems}")
            unit["synthetic"] = bool(unit.get("synthetic", False))
            unit["split"] = "train" if unit["synthetic"] else split_of(unit["source"]["file"])
            units.append(unit)
        target = out_dir / path.name
        target.write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in units), encoding="utf-8")
        written[target.name] = len(units)
    return written


def stats(units: list[dict]) -> str:
    """Markdown table: units, reports, characters, entities per label and relations, per split."""
    splits = ("train", "dev", "test")
    rows = {name: dict.fromkeys(splits, 0) for name in ("units", "reports", "characters", *LABELS, "QUANTIFIES")}
    reports: dict[str, set[str]] = {s: set() for s in splits}
    for unit in units:
        split = unit["split"]
        rows["units"][split] += 1
        rows["characters"][split] += len(unit["text"])
        reports[split].add(unit["source"]["file"])
        for ent in unit["entities"]:
            rows[ent["label"]][split] += 1
        rows["QUANTIFIES"][split] += len(unit["relations"])
    for split in splits:
        rows["reports"][split] = len(reports[split])
    lines = ["| | train | dev | test | all |", "|---|---|---|---|---|"]
    for name, by_split in rows.items():
        lines.append(f"| {name} | " + " | ".join(str(by_split[s]) for s in splits) + f" | {sum(by_split.values())} |")
    return "\n".join(lines)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "build":
        for name, n in build().items():
            print(f"{name}: {n} units")
    elif command == "stats":
        print(stats(read_gold()))
    elif command == "validate":
        found = [p for path in sorted(ANNOTATED.glob("*.jsonl")) for p in validate_file(path)]
        print("\n".join(found) or "all gold files valid")
        sys.exit(1 if found else 0)
    else:
        sys.exit(__doc__)
