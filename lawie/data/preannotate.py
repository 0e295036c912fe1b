"""Choose annotation units from the govwork corpus and pre-annotate them with the rule engine.

    python -m lawie.data.preannotate govwork --per-report 17
    python -m lawie.data.preannotate blank data/staging/x.todo.jsonl   # strip pre-annotations

Units are spread over each whole report (evenly spaced among the units that hold a
figure), never the first paragraphs of a few. The rule engine's output is written in
the staging format for annotators to correct; it is never gold until read by hand.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lawie.data.gold import GOVWORK, REPO, STAGING, govwork_splits
from lawie.data.units import split_units
from lawie.pipeline import extract
from lawie.records import Document


def choose_units(text: str, doc: Document, per_report: int, max_len: int = 300) -> list[tuple[int, int]]:
    """Evenly spaced units among those with at least one COUNT the rules see."""
    counts = [r.count.start for r in doc.records]
    units = [(s, e) for s, e in split_units(text, max_len=max_len) if e - s >= 40 and any(s <= c < e for c in counts)]
    if len(units) <= per_report:
        return units
    step = len(units) / per_report
    return [units[int(i * step + step / 2)] for i in range(per_report)]


def staging_unit(unit_id: str, source: str, text: str, doc: Document, start: int, end: int) -> dict:
    """The rule engine's spans and records inside ``text[start:end]``, in staging form."""
    inside = [e for e in doc.entities if start <= e.start and e.end <= end]
    ids = {(e.start, e.end, e.label): f"T{i + 1}" for i, e in enumerate(inside)}
    records = {(r.count.start, r.count.end): r for r in doc.records}
    entities = []
    for e in inside:
        ent = {"id": ids[(e.start, e.end, e.label)], "label": e.label, "text": e.text, "start": e.start - start}
        if e.label == "COUNT" and (r := records.get((e.start, e.end))):
            target = r.target and ids.get((r.target.start, r.target.end, r.target.label))
            ent.update(
                target=target,
                value=r.value,
                unit=r.unit,
                qualifier=r.qualifier,
                change=r.change,
                direction=r.direction,
                org=r.org,
                year=r.year,
            )
        entities.append(ent)
    return {
        "id": unit_id,
        "source": {"file": source, "start": start, "end": end},
        "text": text[start:end],
        "entities": entities,
    }


def write_govwork(per_report: int, out_dir: Path, batch: str = "", splits: tuple[str, ...] = ()) -> int:
    """Write one todo file per report; a later ``batch`` (e.g. "b") takes units not yet chosen."""
    n = 0
    split_of = govwork_splits()
    for path in sorted(GOVWORK.glob("*.txt")):
        if splits and split_of[path.stem] not in splits:
            continue
        text = path.read_text(encoding="utf-8")
        doc = extract(text, engine="rules")
        source = str(path.relative_to(REPO))
        doc_id = f"gw_{path.stem.replace('_gov_work_report', '')}"
        taken = _taken_units(out_dir, doc_id)
        free = [u for u in choose_units(text, doc, 10_000) if not any(u[0] < e and s < u[1] for s, e in taken)]
        step = max(1.0, len(free) / per_report)
        chosen = [free[int(i * step + step / 2)] for i in range(min(per_report, len(free)))]
        rows = [staging_unit(f"{doc_id}-{s:06d}", source, text, doc, s, e) for s, e in chosen]
        target = out_dir / f"{doc_id}{'.' + batch if batch else ''}.todo.jsonl"
        target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        n += len(rows)
    return n


def _taken_units(out_dir: Path, doc_id: str) -> list[tuple[int, int]]:
    taken = []
    for path in out_dir.glob(f"{doc_id}.*todo.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            source = json.loads(line)["source"]
            taken.append((source["start"], source["end"]))
    return taken


def blank(path: Path) -> None:
    """Remove pre-annotations (for a second, independent pass)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        row["entities"] = []
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("govwork")
    g.add_argument("--per-report", type=int, default=17)
    g.add_argument("--batch", default="", help="suffix of a later batch of units (not yet chosen ones)")
    g.add_argument("--split", action="append", default=[], help="only reports of this split")
    b = sub.add_parser("blank")
    b.add_argument("path", type=Path)
    args = parser.parse_args()
    if args.command == "govwork":
        n = write_govwork(args.per_report, STAGING, args.batch, tuple(args.split))
        print(f"{n} units written to {STAGING}")
    else:
        blank(args.path)
