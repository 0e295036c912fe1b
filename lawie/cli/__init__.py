"""The ``lawie`` command: one module per subcommand."""

from __future__ import annotations

import argparse
import sys

from lawie.cli import convert, extract, train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lawie", description="Typed records from 法治政府建设年度报告.")
    commands = parser.add_subparsers(dest="command", required=True)
    extract.add_parser(commands)
    train.add_parser(commands)
    convert.add_parser(commands)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
