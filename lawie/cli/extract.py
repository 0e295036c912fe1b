"""``lawie extract PATH... --out FILE``: records of many reports into one table.

Every file is read and extracted on its own: a broken file is reported with its
reason and the run goes on; the output holds every good file's records and is
written atomically (a temporary file renamed into place), so a crashed run
never leaves a file that looks complete. Exit status 1 when any file failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from importlib import resources
from pathlib import Path

from tqdm.auto import tqdm

from lawie.io import DEFAULT_MAX_BYTES, InputError, iter_report_paths, read_report
from lawie.pipeline import get_engine, iter_extract
from lawie.tables import COLUMNS, rows

FORMATS = ("jsonl", "csv", "parquet")


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("extract", help="extract records from report files and folders", description=__doc__)
    p.add_argument("paths", nargs="*", help="files (.txt .md .html) and folders of them")
    p.add_argument("--samples", action="store_true", help="run on the sample reports bundled with lawie")
    p.add_argument("--out", "-o", required=True, help="output file (.jsonl, .csv or .parquet)")
    p.add_argument("--format", choices=FORMATS, help="output format (default: from --out's suffix)")
    p.add_argument("--engine", default=None, help="extraction engine (default: lawie's default)")
    p.add_argument("--model", help="a tagger folder from `lawie train` instead of the shipped one")
    p.add_argument("--year", type=int, help="the reports' year, when known")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="skip files larger than this")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    fmt = args.format or out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        print(f"lawie extract: cannot tell the format of {out}; use --format {'/'.join(FORMATS)}", file=sys.stderr)
        return 2
    paths = list(iter_report_paths(args.paths))
    if args.samples:
        paths += sample_paths()
    if not paths:
        print("lawie extract: no input files (give PATHs or --samples)", file=sys.stderr)
        return 2
    engine = get_engine(args.engine, model=args.model)  # fail on a bad engine or model before reading
    docs, failures = [], []
    for path in tqdm(paths, unit="file", disable=args.no_progress, file=sys.stderr):
        try:
            text = read_report(path, max_bytes=args.max_bytes)
            doc = next(iter_extract([text], engine=engine, year=args.year))
        except InputError as err:
            failures.append((path, str(err)))
            continue
        except Exception as err:  # one bad document must not sink the batch
            failures.append((path, f"{type(err).__name__}: {err}"))
            continue
        doc.id = doc_id(path)
        docs.append(doc)
    table = rows(docs)
    write_atomic(out, table, fmt)
    for path, reason in failures:
        print(f"FAILED {path}: {reason}", file=sys.stderr)
    print(f"{len(docs)} file(s) → {len(table)} record(s) in {out}; {len(failures)} failed", file=sys.stderr)
    return 1 if failures else 0


def doc_id(path: Path) -> str:
    """The path as given; bundled samples as ``samples/<name>``."""
    return f"samples/{path.name}" if path.parent == Path(str(resources.files("lawie") / "samples")) else str(path)


def sample_paths() -> list[Path]:
    folder = resources.files("lawie") / "samples"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".txt"))


def write_atomic(out: Path, table: list[dict], fmt: str) -> None:
    """Write to a temporary file beside ``out``, then rename it into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        _write(Path(tmp), table, fmt)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _write(path: Path, table: list[dict], fmt: str) -> None:
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as f:
            for row in table:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    import pandas as pd

    frame = pd.DataFrame(table, columns=list(COLUMNS))
    if fmt == "csv":
        frame.to_csv(path, index=False, encoding="utf-8")
    else:
        frame.to_parquet(path, index=False)
