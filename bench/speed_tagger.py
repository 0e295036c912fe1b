"""End-to-end speed of the shipped tagger on this machine (2 cores), one configuration per
child process so that peak memory and cold load time are its own.

    python bench/speed_tagger.py                 # the table in bench/RESULTS.md
    python bench/speed_tagger.py --one hybrid bf16 16 batch50   # a single configuration

Corpora: the 5 sample reports ("seeds"), and a 50-report batch (the 37 govwork reports
and the 5 samples, cycled to 50). Figures: characters per second end to end
(``lawie.extract_many``: cleaning, tagging, linking, offsets), cold model load time,
peak resident memory.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def corpus(name: str) -> list[str]:
    samples = sorted((REPO / "lawie" / "samples").glob("*.txt"))
    if name == "seeds":
        paths = samples
    else:
        paths = list(
            itertools.islice(itertools.cycle(sorted((REPO / "data/corpus/govwork").glob("*.txt")) + samples), 50)
        )
    return [p.read_text(encoding="utf-8") for p in paths]


def one(engine: str, precision: str, batch_size: int, corpus_name: str) -> dict:
    import torch

    torch.set_num_threads(2)
    from lawie.pipeline import _ENGINES
    from lawie.tagger import HybridEngine, TransformerEngine

    texts = corpus(corpus_name)
    started = time.perf_counter()
    model = TransformerEngine(precision=precision, batch_size=batch_size)
    load_s = time.perf_counter() - started
    _ENGINES.clear()
    tagger = HybridEngine(model) if engine == "hybrid" else model
    import lawie

    lawie.extract(texts[0][:2000], engine=tagger)  # warm-up
    started = time.perf_counter()
    docs = lawie.extract_many(texts, engine=tagger, batch_size=batch_size)
    seconds = time.perf_counter() - started
    chars = sum(len(t) for t in texts)
    return {
        "engine": engine, "precision": precision, "batch_size": batch_size, "corpus": corpus_name,
        "reports": len(texts), "characters": chars, "seconds": round(seconds, 1),
        "chars_per_s": round(chars / seconds), "load_s": round(load_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "records": sum(len(d.records) for d in docs),
    }  # fmt: skip


CONFIGS = [
    ("hybrid", "fp32", 1, "seeds"), ("hybrid", "bf16", 1, "seeds"),
    ("hybrid", "fp32", 16, "seeds"), ("hybrid", "bf16", 16, "seeds"),
    ("hybrid", "fp32", 16, "batch50"), ("hybrid", "bf16", 16, "batch50"), ("hybrid", "bf16", 1, "batch50"),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--one", nargs=4, metavar=("ENGINE", "PRECISION", "BATCH", "CORPUS"))
    args = parser.parse_args()
    if args.one:
        engine, precision, batch, name = args.one
        print(json.dumps(one(engine, precision, int(batch), name)))
        return
    print("| engine | precision | batch | corpus | chars | s | chars/s | load s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for cfg in CONFIGS:
        out = subprocess.run([sys.executable, __file__, "--one", *map(str, cfg)], capture_output=True, text=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {r['engine']} | {r['precision']} | {r['batch_size']} | {r['corpus']} | {r['characters']} | "
              f"{r['seconds']} | {r['chars_per_s']} | {r['load_s']} | {r['peak_rss_mb']} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
