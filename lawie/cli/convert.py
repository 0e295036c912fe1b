"""``lawie convert IN OUT --from FORMAT --to FORMAT``: gold units to and from annotation tools.

Formats: ``gold`` (lawie's .jsonl; IN may be a folder of them), ``label-studio`` (a JSON list
of tasks), ``doccano`` (relation-extraction JSONL) and, as input only, ``text``: report files
or folders (.txt .md .html) pre-annotated with ``lawie.extract``, one unit per paragraph::

    lawie convert reports/ tasks.json --from text --to label-studio --label-config config.xml
    lawie convert export.json gold.jsonl --from label-studio --to gold
    lawie train gold.jsonl

Output to ``gold`` is checked first (``lawie train --check``'s rules); on any problem every
one is listed and nothing is written. Output is written atomically (a temporary file renamed
into place). Exit status 1 when some input report could not be read, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from lawie import annotation_tools as tools
from lawie.data.gold import validate_unit

SOURCES = ("gold", "label-studio", "doccano", "text")
TARGETS = ("gold", "label-studio", "doccano")


def add_parser(commands: argparse._SubParsersAction) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    p = commands.add_parser("convert", help="gold ⇄ Label Studio / doccano", description=__doc__, formatter_class=raw)
    p.add_argument("input", type=Path, help="input file (or folder, for gold and text)")
    p.add_argument("output", type=Path, help="output file")
    p.add_argument("--from", dest="source", choices=SOURCES, required=True, help="input format")
    p.add_argument("--to", dest="target", choices=TARGETS, required=True, help="output format")
    p.add_argument("--engine", default=None, help="--from text: extraction engine (default: lawie's default)")
    p.add_argument("--model", help="--from text: a tagger folder from `lawie train` instead of the shipped one")
    p.add_argument("--year", type=int, help="--from text: the reports' year, when known")
    p.add_argument("--as-annotations", action="store_true", help="--to label-studio: annotations, not predictions")
    p.add_argument("--model-version", default=None, help="--to label-studio: the predictions' model_version")
    p.add_argument("--label-config", type=Path, help="--to label-studio: also write the labeling config (XML) here")
    p.add_argument(
        "--annotated-only", action="store_true", help="--from label-studio: leave out tasks with only predictions"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        units, failures = read_units(args)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:  # unreadable or malformed input
        print(f"lawie convert: {args.input} (--from {args.source}): {type(err).__name__}: {err}", file=sys.stderr)
        return 2
    if args.target == "gold":
        problems = [f"{u.get('id')}: {p}" for u in units for p in validate_unit(u, require_split=False)]
        if problems:
            print(f"lawie convert: {len(problems)} problem(s), nothing written:", *problems, sep="\n", file=sys.stderr)
            return 2
        write_atomic(args.output, "".join(json.dumps(u, ensure_ascii=False) + "\n" for u in units))
    elif args.target == "doccano":
        write_atomic(args.output, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in tools.to_doccano(units)))
    else:
        version = args.model_version or "lawie"
        tasks = tools.to_label_studio(units, as_predictions=not args.as_annotations, model_version=version)
        write_atomic(args.output, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
        if args.label_config:
            write_atomic(args.label_config, tools.label_studio_config())
    for path, reason in failures:
        print(f"FAILED {path}: {reason}", file=sys.stderr)
    print(f"{len(units)} unit(s) → {args.output} ({args.target})", file=sys.stderr)
    return 1 if failures else 0


def read_units(args: argparse.Namespace) -> tuple[list[dict], list[tuple[Path, str]]]:
    """The input as gold units, and the report files that could not be read (``--from text``)."""
    if args.source == "text":
        return _pre_annotate(args)
    if args.source == "gold":
        paths = sorted(args.input.glob("*.jsonl")) if args.input.is_dir() else [args.input]
        return [u for path in paths for u in _jsonl(path)], []
    if args.source == "doccano":
        return tools.from_doccano(_jsonl(args.input)), []
    tasks = json.loads(args.input.read_text(encoding="utf-8"))
    tasks = [tasks] if isinstance(tasks, dict) else tasks
    units = tools.from_label_studio(tasks, use_predictions=not args.annotated_only)
    print(f"{len(tasks)} task(s) read, {len(units)} kept", file=sys.stderr)
    return units, []


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _pre_annotate(args: argparse.Namespace) -> tuple[list[dict], list[tuple[Path, str]]]:
    from lawie.clean import html_edits
    from lawie.io import InputError, iter_report_paths, read_report
    from lawie.pipeline import get_engine, iter_extract
    from lawie.spans import apply_edits

    engine = get_engine(args.engine, model=args.model)
    args.model_version = args.model_version or f"lawie-{engine.name}"
    texts, ids, failures = [], [], []
    for path in iter_report_paths([args.input]):
        try:
            text = read_report(path)
        except InputError as err:
            failures.append((path, str(err)))
            continue
        if path.suffix.lower() in (".html", ".htm"):
            text = apply_edits(text, html_edits(text))[0]  # annotators see the page's text, not its markup
        texts.append(text)
        ids.append(str(path))
    if not texts:
        raise ValueError("no readable report files")
    docs = list(iter_extract(texts, engine=engine, year=args.year))
    return tools.units_from_documents(docs, ids=ids), failures


def write_atomic(out: Path, content: str) -> None:
    """Write to a temporary file beside ``out``, then rename it into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
