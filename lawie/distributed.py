"""Big batches on Ray Data: inputs cut into shards, an actor pool that loads the model
once per actor, one Parquet file of records per shard, resumable.

Layout of the output folder (a Hive-partitioned Parquet dataset; ``pandas.read_parquet``
or ``ray.data.read_parquet`` on the folder reads every record, with a ``shard`` column)::

    OUT/_plan.json                      which inputs, cut how (checked on --resume)
    OUT/shard=00000/records.parquet     the shard's records
    OUT/shard=00000/_done.json          counts and failures: written last, marks the shard done
    OUT/_SUCCESS.json                   totals and every failure: written when all shards are done

Each file is written under a temporary name and renamed, so a shard is either complete
or absent. A resumed run skips shards that have ``_done.json`` and redoes the others,
so no record is written twice. On a cluster, ``address`` (``--ray-address``) is the
cluster's address (or ``auto`` on a node of it) and inputs and ``OUT`` must be paths
every node sees (a shared file system).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lawie.batch import (
    BatchReport,
    ExtractOptions,
    Item,
    Outcome,
    atomic_file,
    extract_items,
    iter_items,
    write_rows_atomic,
)

SHARD_SIZE = 64
PLAN = "_plan.json"
DONE = "_done.json"
SUCCESS = "_SUCCESS.json"


@dataclass(frozen=True)
class Shard:
    index: int
    items: tuple[Item, ...]

    @property
    def folder(self) -> str:
        return f"shard={self.index:05d}"

    def to_json(self) -> str:
        return json.dumps({"index": self.index, "items": [i.to_dict() for i in self.items]}, ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> Shard:
        raw = json.loads(data)
        return cls(raw["index"], tuple(Item(**i) for i in raw["items"]))


def plan_shards(items: Iterable[Item], shard_size: int = SHARD_SIZE) -> list[Shard]:
    """Consecutive groups of ``shard_size`` items, paths made absolute for remote workers."""
    items = [replace(i, path=str(Path(i.path).resolve())) for i in items]
    return [Shard(n, tuple(items[s : s + shard_size])) for n, s in enumerate(range(0, len(items), shard_size))]


def process_shard(shard: Shard, out_dir: Path, options: ExtractOptions, engine: Any = None) -> dict[str, Any]:
    """Extract one shard into ``OUT/shard=N/records.parquet`` and mark it done."""
    folder = out_dir / shard.folder
    report = BatchReport()
    write_rows_atomic(folder / "records.parquet", _rows(extract_items(shard.items, options, engine), report), "parquet")
    done = {
        "shard": shard.index,
        "docs": report.docs,
        "records": report.records,
        "chars": report.chars,
        "failures": report.failures,
        "worker": f"{socket.gethostname()}:{os.getpid()}",
    }
    _write_json(folder / DONE, done)
    return done


def _rows(outcomes: Iterator[Outcome], report: BatchReport) -> Iterator[dict[str, Any]]:
    """The outcomes' rows, streamed, counted into ``report`` on the way."""
    for outcome in outcomes:
        report.add(outcome)
        yield from outcome.rows


class ShardWorker:
    """A Ray Data actor: loads the engine once, then extracts the shards it is given."""

    def __init__(self, out_dir: str, options: ExtractOptions, threads: int):
        self.out_dir = Path(out_dir)
        self.options = options
        self.engine = options.load_engine()
        if "torch" in sys.modules:  # a tagger engine: as many threads as the actor has CPUs
            sys.modules["torch"].set_num_threads(threads)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        done = [process_shard(Shard.from_json(s), self.out_dir, self.options, self.engine) for s in batch["shard"]]
        return {"done": [json.dumps(d, ensure_ascii=False) for d in done]}


def extract_to_dataset(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    options: ExtractOptions | None = None,
    workers: int = 2,
    threads_per_worker: int = 1,
    shard_size: int = SHARD_SIZE,
    resume: bool = False,
    runner: str = "ray",
    address: str | None = None,
    id_column: str = "id",
    progress: bool = False,
) -> BatchReport:
    """Extract every report under ``inputs`` into a Parquet dataset folder ``out_dir``.

    ``runner="ray"`` runs shards on a Ray Data actor pool of ``workers`` actors with
    ``threads_per_worker`` threads each (a local Ray instance unless ``address`` names a
    cluster); ``runner="local"`` runs them one after the other in this process (same
    output). ``resume`` continues an interrupted run into the same folder."""
    options = options or ExtractOptions()
    out_dir = Path(out_dir)
    options.check()  # a bad engine or model fails here, before any worker starts
    shards = plan_shards(iter_items(inputs, options.text_column, id_column), shard_size)
    _start_or_resume(out_dir, shards, resume)
    todo = [s for s in shards if not (out_dir / s.folder / DONE).exists()]
    if runner == "local":
        for shard in todo:
            process_shard(shard, out_dir, options)
    elif runner == "ray":
        _run_on_ray(todo, out_dir, options, workers, threads_per_worker, address, progress)
    else:
        raise ValueError(f"unknown runner {runner!r}; use ray or local")
    report = _collect(out_dir, shards, skipped=sum(len(s.items) for s in shards if s not in todo))
    _write_json(out_dir / SUCCESS, {**_totals(report), "failures": report.failures})
    return report


def _start_or_resume(out_dir: Path, shards: list[Shard], resume: bool) -> None:
    plan = {"shards": len(shards), "digest": _digest(shards)}
    plan_file = out_dir / PLAN
    if plan_file.exists() and resume:
        previous = json.loads(plan_file.read_text(encoding="utf-8"))
        if previous != plan:
            raise ValueError(f"{out_dir} holds a run over other inputs or another shard size; cannot resume it")
        (out_dir / SUCCESS).unlink(missing_ok=True)
        return
    if out_dir.exists() and any(out_dir.iterdir()):
        hint = "use --resume to continue it" if plan_file.exists() else "choose an empty or new folder"
        raise ValueError(f"{out_dir} is not empty; {hint}")
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_json(plan_file, plan)


def _digest(shards: list[Shard]) -> str:
    sha = hashlib.sha256()
    for shard in shards:
        for item in shard.items:
            sha.update(f"{shard.index}\t{item.doc_id}\t{item.path}\t{item.row}\n".encode())
    return sha.hexdigest()


def _run_on_ray(
    todo: list[Shard],
    out_dir: Path,
    options: ExtractOptions,
    workers: int,
    threads: int,
    address: str | None,
    progress: bool,
) -> None:
    if not todo:
        return
    import ray

    if not ray.is_initialized():
        cpus = None if address else workers * threads
        ray.init(address=address, num_cpus=cpus, log_to_driver=False, logging_level=logging.WARNING)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = progress
    context.print_on_execution_start = False
    dataset = ray.data.from_items([{"shard": s.to_json()} for s in todo], override_num_blocks=len(todo))
    results = dataset.map_batches(
        ShardWorker,
        fn_constructor_kwargs={"out_dir": str(out_dir.resolve()), "options": options, "threads": threads},
        batch_size=1,
        compute=ray.data.ActorPoolStrategy(size=min(workers, len(todo))),
        num_cpus=threads,
    )
    for _ in results.iter_rows():  # shards are written by the workers; this drives the pool
        pass


def _collect(out_dir: Path, shards: list[Shard], skipped: int) -> BatchReport:
    report = BatchReport(skipped=skipped)
    for shard in shards:
        done = json.loads((out_dir / shard.folder / DONE).read_text(encoding="utf-8"))
        report.docs += done["docs"]
        report.records += done["records"]
        report.chars += done["chars"]
        report.failures += [tuple(f) for f in done["failures"]]
    return report


def _totals(report: BatchReport) -> dict[str, int]:
    return {"docs": report.docs, "records": report.records, "chars": report.chars, "resumed_docs": report.skipped}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    with atomic_file(path) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
