"""``lawie extract PATH... --out OUT``: records of many reports into one table.

Inputs are report files (.txt .md .html, any common Chinese encoding), folders of them,
and Parquet files with a text column. A broken input is reported with its reason and
the run goes on; the exit status is 1 when any input failed.

One process (the default): ``--out`` is a .jsonl, .csv or .parquet file. Documents are
journalled to ``OUT.partial`` as they finish and the table is renamed into place when
the run is complete; ``--resume`` continues a run that was interrupted.

``--engine ray`` (or ``ray:rules``, ``ray:transformer``…): a Ray Data actor pool;
``--out`` is a folder with one Parquet file per input shard (see ``lawie.distributed``),
``--resume`` skips the shards already written. ``--ray-address`` names a cluster.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from lawie.batch import FORMATS, BatchReport, ExtractOptions, Item, extract_to_file
from lawie.io import DEFAULT_MAX_BYTES, InputError
from lawie.pipeline import ENGINES


def add_parser(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "extract",
        help="extract records from report files, folders and Parquet files",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="*", help="files (.txt .md .html .parquet) and folders of them")
    p.add_argument("--samples", action="store_true", help="run on the sample reports bundled with lawie")
    p.add_argument("--out", "-o", required=True, help="output file (.jsonl, .csv, .parquet); a folder with ray")
    p.add_argument("--format", choices=FORMATS, help="output format (default: from --out's suffix)")
    p.add_argument("--engine", help=f"{' | '.join(ENGINES)} (default: lawie's default), or ray[:ENGINE]")
    p.add_argument("--model", help="a tagger folder from `lawie train` instead of the shipped one")
    p.add_argument("--linker", choices=("pairs", "rules"), help="relation linker (default: pairs when shipped)")
    p.add_argument("--year", type=int, help="the reports' year, when known")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="inputs larger than this fail")
    p.add_argument("--batch-size", type=int, default=16, help="documents tagged together")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run into the same --out")
    p.add_argument("--text-column", default="text", help="text column of Parquet inputs")
    p.add_argument("--id-column", default="id", help="id column of Parquet inputs (default: path#row)")
    ray = p.add_argument_group("ray")
    ray.add_argument("--workers", type=int, default=2, help="actors in the pool")
    ray.add_argument("--threads-per-worker", type=int, default=1, help="CPU threads per actor")
    ray.add_argument("--shard-size", type=int, default=64, help="reports per shard (one Parquet file each)")
    ray.add_argument("--ray-address", help="a Ray cluster's address (default: a local Ray)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    runner, engine = engine_spec(args.engine)
    inputs: list[str | Item] = [*args.paths, *(sample_items() if args.samples else [])]
    if not inputs:
        return _fail("no input files (give PATHs or --samples)")
    options = ExtractOptions(
        engine=engine,
        model=args.model,
        linker=args.linker,
        year=args.year,
        max_bytes=args.max_bytes,
        text_column=args.text_column,
        batch_size=args.batch_size,
    )
    try:
        report = _run(runner, inputs, options, args)
    except (ValueError, FileNotFoundError, InputError) as err:  # bad engine, model, format or output folder
        return _fail(str(err))
    for doc_id, reason in report.failures:
        print(f"FAILED {doc_id}: {reason}", file=sys.stderr)
    print(f"{report.summary()} in {args.out}", file=sys.stderr)
    return 1 if report.failures else 0


def engine_spec(spec: str | None) -> tuple[str, str | None]:
    """``--engine`` as (runner, engine): ``ray`` → (ray, default), ``ray:rules`` → (ray, rules),
    ``rules`` → (one process, rules)."""
    runner, _, engine = (spec or "").rpartition(":")
    if engine == "ray" and not runner:
        return "ray", None
    return runner, engine or None


def _run(runner: str, inputs: list, options: ExtractOptions, args: argparse.Namespace) -> BatchReport:
    if runner == "ray":
        from lawie.distributed import extract_to_dataset

        return extract_to_dataset(
            inputs,
            args.out,
            options,
            workers=args.workers,
            threads_per_worker=args.threads_per_worker,
            shard_size=args.shard_size,
            resume=args.resume,
            address=args.ray_address,
            id_column=args.id_column,
            progress=not args.no_progress,
        )
    if runner:
        raise ValueError(f"unknown runner {runner!r} in --engine; use ray:ENGINE")
    return extract_to_file(
        inputs, args.out, options, args.format, args.resume, not args.no_progress, id_column=args.id_column
    )


def _fail(message: str) -> int:
    print(f"lawie extract: {message}", file=sys.stderr)
    return 2


def sample_items() -> list[Item]:
    """The reports bundled with lawie, as ``samples/<name>``."""
    folder = resources.files("lawie") / "samples"
    paths = sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".txt"))
    return [Item(f"samples/{p.name}", str(p)) for p in paths]
