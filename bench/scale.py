"""Scaling figures: batch size, document length, workers, reports per run.

    python bench/scale.py batch            # chars/s and reports/s against batch size (hybrid bf16)
    python bench/scale.py length           # against document length, 1k to 100k characters
    python bench/scale.py workers          # one process against Ray local, 1 and 2 workers
    python bench/scale.py reports          # time and peak memory against the number of reports
    python bench/scale.py all

Every configuration runs in its own process (``--one``) so its peak memory is its own.
Texts are real: the 37 govwork reports and the 5 samples, cycled to the number of
reports needed (ids made unique), or for the length series concatenated and cut at a
line end to the length wanted. Nothing here is synthetic text.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def real_reports() -> list[str]:
    paths = sorted((REPO / "data/corpus/govwork").glob("*.txt")) + sorted((REPO / "lawie/samples").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths]


def cycled(n: int) -> list[str]:
    return list(itertools.islice(itertools.cycle(real_reports()), n))


def of_length(length: int, total: int) -> list[str]:
    """Documents of ``length`` characters (cut at a line end) adding up to about ``total``."""
    stream = "\n".join(real_reports())
    docs, at = [], 0
    while sum(map(len, docs)) < total:
        end = stream.rfind("\n", at, at + length) + 1 if at + length < len(stream) else 0
        if end <= at:  # wrap around the corpus
            at = 0
            continue
        docs.append(stream[at:end])
        at = end
    return docs


def write_folder(texts: list[str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (folder / f"r{i:05d}.txt").write_text(text, encoding="utf-8")


def peak_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run_in_process(texts: list[str], engine: str, batch_size: int, threads: int) -> dict:
    """``lawie.extract_many`` over texts already in memory (model load excluded)."""
    import torch

    torch.set_num_threads(threads)
    import lawie
    from lawie.pipeline import get_engine

    tagger = get_engine(engine)
    lawie.extract_many([texts[0][:2000]], engine=tagger)  # warm-up
    start = time.perf_counter()
    records = 0
    for doc in lawie.iter_extract(texts, batch_size=batch_size, engine=tagger):
        records += len(doc.records)
    return {"seconds": time.perf_counter() - start, "records": records}


def run_batch(texts: list[str], engine: str, runner: str, workers: int, threads: int) -> dict:
    """A folder of report files through ``lawie extract``'s code path: one process
    (``extract_to_file``, streaming to a Parquet file) or Ray (``extract_to_dataset``)."""
    import torch

    torch.set_num_threads(threads)
    from lawie.batch import ExtractOptions, extract_to_file
    from lawie.distributed import extract_to_dataset

    options = ExtractOptions(engine=engine)
    with tempfile.TemporaryDirectory() as tmp:
        write_folder(texts, Path(tmp) / "in")
        if runner == "local":
            options.load_engine()  # model load excluded; Ray actors load theirs inside the timing
        started_ray = 0.0
        if runner == "ray":
            import ray

            t0 = time.perf_counter()
            ray.init(num_cpus=workers * threads, log_to_driver=False, include_dashboard=False)
            started_ray = time.perf_counter() - t0
        start = time.perf_counter()
        if runner == "ray":
            report = extract_to_dataset(
                [Path(tmp) / "in"], Path(tmp) / "out", options, workers=workers, threads_per_worker=threads
            )  # default shards: 64 reports, 4 full batches of 16
        else:
            report = extract_to_file([Path(tmp) / "in"], Path(tmp) / "out.parquet", options)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "records": report.records, "ray_start_s": round(started_ray, 1)}


def one(spec: dict) -> dict:
    kind = spec["kind"]
    texts = of_length(spec["length"], spec["total"]) if kind == "length" else cycled(spec["reports"])
    if kind in ("workers", "reports"):
        out = run_batch(texts, spec["engine"], spec["runner"], spec["workers"], spec["threads"])
    else:
        out = run_in_process(texts, spec["engine"], spec["batch"], spec["threads"])
    chars = sum(map(len, texts))
    return {
        **spec, **out, "docs": len(texts), "chars": chars, "chars_per_s": round(chars / out["seconds"]),
        "docs_per_s": round(len(texts) / out["seconds"], 2), "peak_rss_mb": peak_rss_mb(),
    }  # fmt: skip


def series(name: str) -> list[dict]:
    base = {"kind": name, "engine": "hybrid", "threads": 2}
    if name == "batch":
        return [{**base, "reports": 42, "batch": b} for b in (1, 4, 16, 32)]
    if name == "length":
        return [
            {**base, "engine": engine, "length": n, "total": 300_000 if engine == "hybrid" else 3_000_000, "batch": 16}
            for engine in ("hybrid", "rules")
            for n in (1_000, 3_000, 10_000, 30_000, 100_000)
        ]
    if name == "workers":
        one_proc = {**base, "reports": 200, "runner": "local", "workers": 1}
        return [
            {**one_proc, "threads": 2},
            {**one_proc, "runner": "ray", "workers": 2, "threads": 1},
            {**one_proc, "runner": "ray", "workers": 1, "threads": 2},
            {**one_proc, "reports": 100, "runner": "ray", "workers": 1, "threads": 1},
            {**one_proc, "reports": 100, "threads": 1},
        ]
    if name == "reports":
        return [
            {**base, "engine": "rules", "reports": n, "runner": "local", "workers": 1} for n in (100, 300, 1000, 3000)
        ]  # the tagger's 200-report run is the first row of the workers series
    raise ValueError(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("batch", "length", "workers", "reports", "all"), nargs="?")
    parser.add_argument("--one", help="one configuration as JSON (used by the series)")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(json.loads(args.one))))
        return
    names = ("batch", "length", "workers", "reports") if args.what in (None, "all") else (args.what,)
    for name in names:
        for spec in series(name):
            done = subprocess.run([sys.executable, __file__, "--one", json.dumps(spec)], capture_output=True, text=True)
            if done.returncode:
                print(json.dumps({**spec, "error": done.stderr[-2000:]}), flush=True)
                continue
            print(done.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
