"""``lawie train DATA.jsonl... --out DIR``: fine-tune the tagger on annotated units.

Annotation files are lawie's gold format (one unit per line; see ``data/README.md``);
every file is checked first and all problems are listed by file and line before any
training. Units without a ``split`` are split by document (about 10 % dev). By default
training continues from lawie's shipped model; ``--base`` takes any local BERT-family
folder. Use the result with ``lawie extract --model DIR`` or ``TransformerEngine(DIR)``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lawie.tagger import DEFAULT_MODEL


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("train", help="fine-tune the tagger on annotated units", description=__doc__)
    add_arguments(p)
    p.set_defaults(run=run)


def add_arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    from lawie.train import TrainConfig

    d = TrainConfig()
    p.add_argument("data", nargs="*", type=Path, help="gold .jsonl files (default: the repository's data/annotated)")
    p.add_argument("--base", type=Path, default=DEFAULT_MODEL, help="model folder to start from")
    p.add_argument("--out", "-o", type=Path, default=d.out, help="where to write the trained model")
    p.add_argument("--epochs", type=float, default=d.epochs)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--max-length", type=int, default=d.max_length)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--freeze-embeddings", action="store_true")
    p.add_argument("--bf16", action="store_true", help="bf16 mixed precision (AMX CPUs, recent GPUs)")
    p.add_argument("--check", action="store_true", help="only check the annotation files")
    return p


def run(args: argparse.Namespace) -> int:
    from lawie.evaluate import format_table
    from lawie.train import AnnotationError, TrainConfig, check_annotations, train

    fields = ("base", "out", "epochs", "batch_size", "lr", "max_length", "seed", "freeze_embeddings", "bf16")
    config = TrainConfig(data=list(args.data), **{f: getattr(args, f) for f in fields})
    try:
        if args.check:
            units = check_annotations(config.data)
            print(f"{len(units)} units, no problems")
            return 0
        card = train(config)
    except AnnotationError as err:
        print(err, file=sys.stderr)
        return 2
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if card["dev_reports"]:
        print(format_table(card["dev_reports"], "dev"))
    print(f"model written to {config.out}")
    return 0
