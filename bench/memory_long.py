"""Peak memory of one long document through the windowed tagger: does it stay bounded?

    python bench/memory_long.py                      # hybrid, 100 KB, 500 KB, 1 MB, one document each
    python bench/memory_long.py --engines hybrid rules --sizes 100000 1000000 --batch
    python bench/memory_long.py --one hybrid 1000000 single    # a single configuration (JSON)

Documents are real text, not synthetic: the 5 sample reports (lawie/samples) and the 37
govwork reports (data/corpus/govwork, the same files as ../shared/corpus/govwork),
concatenated in file order, repeated when needed, and cut at a line end to the size
wanted in UTF-8 bytes (a "1 MB report" is 1,000,000 bytes, about 340,000 characters).

Each configuration runs in its own process so that its peak is its own. Figures:
``base`` is the peak resident set after the engine is loaded and has tagged one short
text; ``peak`` the peak after ``lawie.extract`` of the document; ``delta`` = peak - base
is what the document cost. ``--batch`` adds a run of ``lawie.extract_many`` on the long
document plus 15 short reports in one batch of 16 (the CLI's batch size), which shows any
cost that grows with batch size x longest document.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZES = (100_000, 500_000, 1_000_000)


def reports() -> list[str]:
    paths = sorted((REPO / "lawie" / "samples").glob("*.txt")) + sorted((REPO / "data/corpus/govwork").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths]


def long_document(size_bytes: int) -> str:
    """Real reports concatenated to ``size_bytes`` of UTF-8, cut at a line end."""
    texts, parts, total = reports(), [], 0
    while total < size_bytes:
        for text in texts:
            parts.append(text if text.endswith("\n") else text + "\n")
            total += len(parts[-1].encode("utf-8"))
            if total >= size_bytes:
                break
    doc = "".join(parts).encode("utf-8")[:size_bytes].decode("utf-8", "ignore")
    return doc[: doc.rfind("\n") + 1] or doc


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def one(engine: str, size: int, mode: str) -> dict:
    import lawie
    from lawie.pipeline import get_engine

    tagger = get_engine(engine)
    lawie.extract("2022年共受理行政复议案件37件，审结25件。", engine=tagger)  # load and warm up
    base = _peak_mb()
    doc = long_document(size)
    start = time.perf_counter()
    if mode == "batch":
        short = [t[:3000] for t in reports()[:15]]
        docs = lawie.extract_many([doc, *short], batch_size=16, engine=tagger)
        result = docs[0]
    else:
        result = lawie.extract(doc, engine=tagger)
    seconds = time.perf_counter() - start
    bad = sum(doc[e.start : e.end] != e.text for e in result.entities)
    pieces = None
    if hasattr(tagger, "model") or hasattr(tagger, "tokenizer"):
        tok = getattr(getattr(tagger, "model", tagger), "tokenizer", None)
        if tok is not None:
            from lawie.clean import clean

            pieces = len(tok(clean(doc).text, add_special_tokens=False, verbose=False)["input_ids"])
    return {
        "engine": engine,
        "mode": mode,
        "bytes": len(doc.encode("utf-8")),
        "chars": len(doc),
        "pieces": pieces,
        "entities": len(result.entities),
        "records": len(result.records),
        "bad_offsets": bad,
        "seconds": round(seconds, 1),
        "base_mb": round(base),
        "peak_mb": round(_peak_mb()),
        "delta_mb": round(_peak_mb() - base),
        "bf16": bool(getattr(getattr(tagger, "model", tagger), "bf16", False)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--one", nargs=3, metavar=("ENGINE", "BYTES", "MODE"))
    parser.add_argument("--engines", nargs="+", default=["hybrid"])
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    parser.add_argument("--batch", action="store_true", help="also the long document inside a batch of 16")
    parser.add_argument("--json", type=Path, help="write the rows here")
    args = parser.parse_args()
    if args.one:
        engine, size, mode = args.one
        print(json.dumps(one(engine, int(size), mode)))
        return
    rows = []
    print("engine   mode    bytes      chars   pieces  records  bad  seconds  base MB  peak MB  delta MB")
    for engine in args.engines:
        for size in args.sizes:
            for mode in ("single", "batch") if args.batch else ("single",):
                cmd = [sys.executable, __file__, "--one", engine, str(size), mode]
                out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
                row = json.loads(out.strip().splitlines()[-1])
                rows.append(row)
                print(
                    f"{engine:8} {mode:6} {row['bytes']:>9,} {row['chars']:>9,} {row['pieces'] or '-':>8} "
                    f"{row['records']:>7} {row['bad_offsets']:>4} {row['seconds']:>8} {row['base_mb']:>8} "
                    f"{row['peak_mb']:>8} {row['delta_mb']:>9}",
                    flush=True,
                )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
