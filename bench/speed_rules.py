"""End-to-end speed of ``lawie.extract`` with the rule engine on this machine.

    python bench/speed_rules.py

Reads the 37 govwork reports and the 5 samples, extracts each (cleaning, rules,
linking, offset mapping), and prints characters per second (best of 3 runs).
"""

from __future__ import annotations

import time
from pathlib import Path

import lawie

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    paths = sorted((REPO / "data" / "corpus" / "govwork").glob("*.txt")) + sorted(
        (REPO / "lawie" / "samples").glob("*.txt")
    )
    texts = [p.read_text(encoding="utf-8") for p in paths]
    chars = sum(len(t) for t in texts)
    lawie.extract(texts[0], engine="rules")  # warm-up: OpenCC, regex compilation
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        docs = lawie.extract_many(texts, engine="rules")
        best = min(best, time.perf_counter() - start)
    records = sum(len(d.records) for d in docs)
    print(f"{len(texts)} reports, {chars} characters, {records} records")
    print(f"rules end to end: {best:.2f} s, {chars / best:,.0f} characters/s, {len(texts) / best:.1f} reports/s")


if __name__ == "__main__":
    main()
