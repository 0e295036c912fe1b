"""Accuracy of an engine on the gold reports, per split.

python bench/eval_accuracy.py --engine rules --split dev [--errors]
python bench/eval_accuracy.py --engine transformer --split dev      # the shipped model
python bench/eval_accuracy.py --model build/tagger --split dev      # any trained folder
python bench/eval_accuracy.py --engine lac --split dev              # Baidu LAC: ORG and TIME→YEAR
"""

from __future__ import annotations

import argparse
from pathlib import Path

import lawie
from lawie.data.gold import read_gold
from lawie.evaluate import format_table, gold_reports, read_report, score

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", action="append", help="train/dev/test (repeatable; default train and dev)")
    parser.add_argument("--engine", default="rules", help="rules, transformer, hybrid or lac")
    parser.add_argument("--model", type=Path, help="a trained tagger folder (overrides --engine)")
    parser.add_argument("--precision", default="fp32", help="fp32, bf16 or auto (transformer only)")
    parser.add_argument("--errors", action="store_true", help="print false positives and negatives")
    args = parser.parse_args()
    splits = args.split or ["train", "dev"]
    reports = [g for g in gold_reports(read_gold()).values() if g.split in splits]
    engine = _engine(args)
    pairs = []
    for gold in reports:
        text = read_report(REPO, gold)
        doc = lawie.extract(text, engine=engine)
        pairs.append((doc, gold))
        if args.errors:
            predicted = {(e.start, e.end, e.label) for e in doc.entities if gold.covers(e.start, e.end)}
            for s, e, label in sorted(predicted - gold.entities):
                print(
                    f"FP {gold.path[-30:]} {label:<10} {text[s:e]}   …{text[max(0, s - 8) : e + 8]}…".replace("\n", "/")
                )
            for s, e, label in sorted(gold.entities - predicted):
                print(
                    f"FN {gold.path[-30:]} {label:<10} {text[s:e]}   …{text[max(0, s - 8) : e + 8]}…".replace("\n", "/")
                )
    name = f"{args.engine} {args.model or ''} {args.precision if args.engine in ('transformer', 'hybrid') else ''}"
    print(format_table(score(pairs), f"{name} on {'+'.join(splits)} ({len(reports)} reports)"))


def _engine(args: argparse.Namespace):
    if args.model or args.engine in ("transformer", "hybrid"):
        from lawie.tagger import DEFAULT_MODEL, HybridEngine, TransformerEngine

        model = TransformerEngine(args.model or DEFAULT_MODEL, precision=args.precision)
        return HybridEngine(model) if args.engine == "hybrid" else model
    if args.engine == "lac":
        from lac_engine import LacEngine

        return LacEngine()
    return args.engine


if __name__ == "__main__":
    main()
