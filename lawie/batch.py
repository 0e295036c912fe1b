"""Batches of reports: read each input, extract, stream rows out, resume after a crash.

Shared by ``lawie extract`` (one process, one output file) and ``lawie.distributed``
(Ray Data, one Parquet file per input shard). What both guarantee:

- a broken input (unreadable, binary, over the size limit, or one the engine chokes on)
  becomes a failure with its reason; every other input's records are kept;
- nothing is held per document beyond the current batch: memory is flat in the number
  of reports;
- output is written to a temporary name and renamed into place when complete, so a
  crashed run never leaves a file that looks finished.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lawie.io import DEFAULT_MAX_BYTES, SUFFIXES, InputError, decode, iter_report_paths, read_report
from lawie.pipeline import Engine, check_engine, extract_many, get_engine
from lawie.tables import COLUMNS, arrow_schema, record_rows

FORMATS = ("jsonl", "csv", "parquet")
PARQUET_SUFFIXES = (".parquet", ".pq")


# ------------------------------------------------------------------ inputs -------
@dataclass(frozen=True)
class Item:
    """One report: a text/HTML file, or one row of a Parquet file of reports."""

    doc_id: str
    path: str
    row: int | None = None  # row number in a Parquet input
    problem: str | None = None  # why a Parquet input could not even be listed

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "path": self.path, "row": self.row, "problem": self.problem}


@dataclass
class Outcome:
    """What became of one item: its record rows, or why it failed."""

    item: Item
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    chars: int = 0


def iter_items(inputs: Iterable[str | Path | Item], text_column: str = "text", id_column: str = "id") -> Iterator[Item]:
    """Report files under the paths given (folders recursively, sorted) and the rows of
    Parquet files given (id from ``id_column`` when present, else ``path#row``); items
    given as ``Item`` pass through."""
    seen: set[Path] = set()
    for given in inputs:
        if isinstance(given, Item):
            yield given
        else:
            yield from _path_items(given, text_column, id_column, seen)


def _path_items(given: str | Path, text_column: str, id_column: str, seen: set[Path]) -> Iterator[Item]:
    for path in iter_report_paths([given], SUFFIXES + PARQUET_SUFFIXES):
        if path in seen:  # a file named and also inside a folder named
            continue
        seen.add(path)
        if path.suffix.lower() in PARQUET_SUFFIXES and path.is_file():
            yield from _parquet_items(path, text_column, id_column)
        else:
            yield Item(str(path), str(path))


def _parquet_items(path: Path, text_column: str, id_column: str) -> Iterator[Item]:
    """One item per row; a file that cannot be listed is one failing item."""
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
        if text_column not in schema.names:
            raise InputError(f"no column {text_column!r} (columns: {', '.join(schema.names)})")
        if id_column in schema.names:
            ids = pq.read_table(path, columns=[id_column]).column(id_column).to_pylist()
        else:
            ids = [f"{path}#{row}" for row in range(pq.ParquetFile(path).metadata.num_rows)]
    except (OSError, ValueError, InputError) as err:  # pyarrow's errors are OSError/ValueError subclasses
        yield Item(str(path), str(path), problem=f"cannot read Parquet: {err}")
        return
    for row, doc_id in enumerate(ids):
        yield Item(str(doc_id), str(path), row)


def read_items(items: list[Item], max_bytes: int, text_column: str = "text") -> list[str | InputError]:
    """The text of each item, or the ``InputError`` that says why it cannot be read.
    Rows of one Parquet file are read together, only from the row groups that hold them."""
    out: list[str | InputError] = []
    rows_by_file: dict[str, list[int]] = {}
    for item in items:
        if item.row is not None:
            rows_by_file.setdefault(item.path, []).append(item.row)
    texts = {path: _parquet_rows(path, rows, text_column) for path, rows in rows_by_file.items()}
    for item in items:
        try:
            if item.problem:
                raise InputError(item.problem)
            if item.row is None:
                out.append(read_report(item.path, max_bytes))
            else:
                out.append(_parquet_text(texts[item.path][item.row], max_bytes))
        except InputError as err:
            out.append(err)
    return out


def _parquet_rows(path: str, rows: list[int], text_column: str) -> dict[int, Any]:
    """The text cell of each row wanted (an ``InputError`` in place of each when the file
    cannot be read)."""
    import pyarrow.parquet as pq

    wanted, first, out = set(rows), 0, {}
    try:
        parquet = pq.ParquetFile(path)
        for group in range(parquet.metadata.num_row_groups):
            size = parquet.metadata.row_group(group).num_rows
            if any(first <= r < first + size for r in wanted):
                values = parquet.read_row_group(group, columns=[text_column]).column(text_column).to_pylist()
                out.update({r: values[r - first] for r in wanted if first <= r < first + size})
            first += size
    except (OSError, ValueError) as err:
        return dict.fromkeys(wanted, InputError(f"cannot read Parquet: {err}"))
    return out


def _parquet_text(value: Any, max_bytes: int) -> str:
    if isinstance(value, InputError):
        raise value
    if value is None:
        raise InputError("no text (null)")
    if isinstance(value, bytes):
        value = decode(value)
    if not isinstance(value, str):
        raise InputError(f"text column holds {type(value).__name__}, not text")
    if len(value.encode("utf-8")) > max_bytes:
        raise InputError(f"text is over the limit of {max_bytes} bytes")
    return value


# ------------------------------------------------------------------ extraction ---
@dataclass(frozen=True)
class ExtractOptions:
    """How to extract: the same for every document of a batch and every worker of a pool."""

    engine: str | None = None  # hybrid | transformer | rules (lawie.pipeline.ENGINES)
    model: str | None = None  # a tagger folder instead of the shipped one
    linker: str | None = None  # pairs | rules
    year: int | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    text_column: str = "text"  # of Parquet inputs
    batch_size: int = 16

    def load_engine(self) -> Engine:
        return get_engine(self.engine, model=self.model)

    def check(self) -> None:
        """Fail now on an unknown engine or a missing model, without loading it."""
        check_engine(self.engine, self.model)


def extract_items(items: Iterable[Item], options: ExtractOptions, engine: Engine | None = None) -> Iterator[Outcome]:
    """Read and extract items in batches, one ``Outcome`` per item, in input order."""
    engine = engine or options.load_engine()
    group: list[Item] = []
    for item in items:
        group.append(item)
        if len(group) == options.batch_size:
            yield from _extract_group(group, options, engine)
            group = []
    if group:
        yield from _extract_group(group, options, engine)


def _extract_group(items: list[Item], options: ExtractOptions, engine: Engine) -> list[Outcome]:
    texts = read_items(items, options.max_bytes, options.text_column)
    readable = [i for i, t in enumerate(texts) if isinstance(t, str)]
    outcomes = [
        Outcome(item, error=str(t)) if isinstance(t, InputError) else Outcome(item) for item, t in zip(items, texts)
    ]
    run = {"year": options.year, "engine": engine, "linker": options.linker}
    try:
        docs = extract_many([texts[i] for i in readable], batch_size=max(1, len(readable)), **run)
    except Exception:  # one document broke the batch: run them one by one to find it
        docs = [_extract_one(texts[i], run) for i in readable]
    for i, doc in zip(readable, docs):
        outcome = outcomes[i]
        outcome.chars = len(texts[i])
        if isinstance(doc, Exception):
            outcome.error = f"{type(doc).__name__}: {doc}"
            continue
        doc.id = outcome.item.doc_id
        outcome.rows = list(record_rows(doc))
    return outcomes


def _extract_one(text: str, run: dict[str, Any]):
    try:
        return extract_many([text], **run)[0]
    except Exception as err:  # reported as this item's failure
        return err


# ------------------------------------------------------------------ output -------
@dataclass
class BatchReport:
    """Totals of a batch run and every failure with its reason."""

    docs: int = 0
    records: int = 0
    chars: int = 0
    skipped: int = 0  # done by an earlier run and resumed over
    failures: list[tuple[str, str]] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            self.failures.append((outcome.item.doc_id, outcome.error))
        else:
            self.docs += 1
            self.records += len(outcome.rows)
            self.chars += outcome.chars

    def summary(self) -> str:
        resumed = f" ({self.skipped} from the earlier run)" if self.skipped else ""
        return f"{self.docs} report(s){resumed} → {self.records} record(s); {len(self.failures)} failed"


def output_format(out: Path, fmt: str | None = None) -> str:
    fmt = fmt or out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(f"cannot tell the format of {out}; use one of {', '.join(FORMATS)}")
    return fmt


def journal_path(out: Path) -> Path:
    """Where a single-file run keeps finished documents until the output is complete."""
    return out.with_name(out.name + ".partial")


class Journal:
    """One JSON line per finished item (its rows or its error), appended and flushed as
    items finish: what a crashed run had done, for ``--resume``. A last line cut short
    by the crash is dropped."""

    def __init__(self, path: Path, resume: bool):
        self.path = path
        self.done: set[str] = set()
        if resume and path.exists():
            self._truncate_to_last_line()
            self.done = {entry["doc_id"] for entry in self.entries()}
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("a" if resume else "w", encoding="utf-8")

    def _truncate_to_last_line(self) -> None:
        data = self.path.read_bytes()
        cut = data.rfind(b"\n") + 1
        if cut < len(data):
            with self.path.open("r+b") as f:
                f.truncate(cut)

    def write(self, outcome: Outcome) -> None:
        entry = {"doc_id": outcome.item.doc_id, "chars": outcome.chars, "rows": outcome.rows, "error": outcome.error}
        self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._file.flush()

    def entries(self) -> Iterator[dict[str, Any]]:
        with self.path.open(encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)

    def close(self) -> None:
        self._file.close()


def extract_to_file(
    inputs: Iterable[str | Path],
    out: str | Path,
    options: ExtractOptions | None = None,
    fmt: str | None = None,
    resume: bool = False,
    progress: bool = False,
    id_column: str = "id",
) -> BatchReport:
    """Extract every report under ``inputs`` into one table (jsonl, csv or parquet).

    Finished documents go to ``OUT.partial`` as they finish; when all are done the table
    is written from it to a temporary file and renamed to ``out``. With ``resume`` an
    interrupted run's partial file is kept and what it finished (records and failures
    alike) is not done again."""
    options = options or ExtractOptions()
    out = Path(out)
    fmt = output_format(out, fmt)
    engine = options.load_engine()  # fail on a bad engine or model before reading anything
    journal = Journal(journal_path(out), resume)
    report = BatchReport(skipped=len(journal.done))
    todo = (i for i in iter_items(inputs, options.text_column, id_column) if i.doc_id not in journal.done)
    try:
        for outcome in _progress(extract_items(todo, options, engine), progress):
            journal.write(outcome)
            journal.done.add(outcome.item.doc_id)
    finally:
        journal.close()
    for entry in journal.entries():
        report.add(Outcome(Item(entry["doc_id"], ""), entry["rows"], entry["error"], entry["chars"]))
    write_rows_atomic(out, (row for entry in journal.entries() for row in entry["rows"]), fmt)
    journal.path.unlink()
    return report


def _progress(outcomes: Iterator[Outcome], enabled: bool) -> Iterator[Outcome]:
    if not enabled:
        return outcomes
    import sys

    from tqdm.auto import tqdm

    return iter(tqdm(outcomes, unit="report", file=sys.stderr))


class atomic_file:
    """``with atomic_file(path) as tmp``: write ``tmp`` (beside ``path``, hidden); it
    becomes ``path`` only when the block ends without an error."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        self.path, self.tmp = path, Path(name)

    def __enter__(self) -> Path:
        return self.tmp

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)


def write_rows_atomic(out: Path, rows: Iterable[dict[str, Any]], fmt: str) -> None:
    with atomic_file(out) as tmp:
        write_rows(tmp, rows, fmt)


def write_rows(path: Path, rows: Iterable[dict[str, Any]], fmt: str, chunk: int = 10_000) -> None:
    """Write rows in chunks of ``chunk``: the whole table is never in memory."""
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    import pyarrow as pa

    schema = arrow_schema()
    if fmt == "parquet":
        import pyarrow.parquet as pq

        with pq.ParquetWriter(path, schema) as writer:
            for part in _chunks(rows, chunk):
                writer.write_table(pa.Table.from_pylist(part, schema=schema))
            writer.write_table(schema.empty_table())  # a file with the schema even when there are no rows
        return
    import pandas as pd

    with path.open("w", encoding="utf-8", newline="") as f:
        header = True
        for part in _chunks(rows, chunk):
            pd.DataFrame(part, columns=list(COLUMNS)).to_csv(f, index=False, header=header)
            header = False
        if header:
            pd.DataFrame(columns=list(COLUMNS)).to_csv(f, index=False)


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    part: list[dict[str, Any]] = []
    for row in rows:
        part.append(row)
        if len(part) == size:
            yield part
            part = []
    if part:
        yield part
