"""Relation layer: relation and record F1 with predicted and with gold entities; org and year
attribution accuracy on the seed reports' records.

python bench/eval_relations.py --split dev                       # hybrid engine, every linker
python bench/eval_relations.py --split test --linker pairs        # read once
"""

from __future__ import annotations

import argparse
from pathlib import Path

import lawie
from lawie.data.gold import read_gold
from lawie.evaluate import GoldSpans, attribution, gold_reports, read_report, score

REPO = Path(__file__).resolve().parents[1]
ROWS = ("relation", "record")


def evaluate(split: str, engine: str, linker: str | None) -> dict:
    reports = [g for g in gold_reports(read_gold()).values() if g.split == split and (REPO / g.path).is_file()]
    texts = [(read_report(REPO, g), g) for g in reports]
    results = {}
    for entities, tagger in (("predicted", engine), ("gold", GoldSpans(texts, outside=engine))):
        pairs = [(lawie.extract(text, engine=tagger, **_linker(linker)), gold) for text, gold in texts]
        scores = score(pairs)
        results[entities] = {name: scores[name] for name in ROWS}
        seeds = [(doc, gold) for doc, gold in pairs if gold.path.startswith("lawie/samples/")]
        results[entities]["seed attribution"] = attribution(seeds)
        results[entities]["all attribution"] = attribution(pairs)
    return results


def _linker(name: str | None) -> dict:
    return {"linker": name} if name else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--engine", default="hybrid")
    parser.add_argument("--linker", action="append", help="rules or pairs (default: both when available)")
    args = parser.parse_args()
    for linker in args.linker or [None]:
        results = evaluate(args.split, args.engine, linker)
        print(
            f"\n| {args.split}: linker {linker or 'default'} | relation F1 | record F1 | org acc (seeds) "
            "| year acc (seeds) | seed records | org acc (all) | year acc (all) |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for entities, r in results.items():
            seed, every = r["seed attribution"], r["all attribution"]
            print(
                f"| {entities} entities | {r['relation']['F1']:.3f} | {r['record']['F1']:.3f} | {seed['org']:.3f} "
                f"| {seed['year']:.3f} | {seed['records']} | {every['org']:.3f} | {every['year']:.3f} |"
            )


if __name__ == "__main__":
    main()
