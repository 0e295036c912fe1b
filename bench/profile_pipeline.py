"""Where the time goes in ``lawie.extract_many``, stage by stage, on this machine.

    python bench/profile_pipeline.py                       # hybrid bf16, 50-report batch
    python bench/profile_pipeline.py --engine rules
    python bench/profile_pipeline.py --precision fp32 --corpus seeds

Each stage is timed by wrapping the function that does it (wall time, summed over the
run): cleaning, the rule engine, tokenization, the encoder (building the padded batch
and the forward pass), decoding (window merge, softmax, Viterbi, spans and scores),
span selection, linking and record building. "other" is the rest of the wall time.
Corpora as in ``bench/speed_tagger.py``.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable

from speed_tagger import corpus

TIMES: dict[str, float] = defaultdict(float)


def timed(stage: str, fn: Callable) -> Callable:
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[stage] += time.perf_counter() - start

    return wrapper


def instrument(engine) -> None:
    """Wrap the stage functions (inner stages are subtracted from the outer ones below)."""
    from lawie import pipeline
    from lawie.rules import RuleEngine

    pipeline.clean = timed("clean", pipeline.clean)
    pipeline.build_document = timed("link + records", pipeline.build_document)
    RuleEngine.tag = timed("rules", RuleEngine.tag)
    model = getattr(engine, "model", engine) if engine.name != "rules" else None
    if model is not None:
        model._encode = timed("tokenize", model._encode)
        model._run = timed("encoder", model._run)
        type(model).tag = timed("tagger total", type(model).tag)
        type(engine).tag = timed("engine total", type(engine).tag)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="hybrid", choices=("hybrid", "transformer", "rules"))
    parser.add_argument("--precision", default="bf16", choices=("fp32", "bf16"))
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--corpus", default="batch50", choices=("seeds", "batch50"))
    args = parser.parse_args()

    import torch

    import lawie
    from lawie.rules import RuleEngine
    from lawie.tagger import HybridEngine, TransformerEngine

    torch.set_num_threads(2)
    if args.engine == "rules":
        engine = RuleEngine()
    else:
        model = TransformerEngine(precision=args.precision, batch_size=args.batch_size)
        engine = HybridEngine(model) if args.engine == "hybrid" else model
    texts = corpus(args.corpus)
    lawie.extract_many(texts[:2], engine=engine)  # warm-up
    instrument(engine)
    start = time.perf_counter()
    lawie.extract_many(texts, engine=engine, batch_size=args.batch_size)
    wall = time.perf_counter() - start

    t = dict(TIMES)
    if "tagger total" in t:
        t["decode"] = t.pop("tagger total") - t["tokenize"] - t["encoder"]
        engine_total = t.pop("engine total")
        if args.engine == "hybrid":
            t["span selection"] = engine_total - t["decode"] - t["tokenize"] - t["encoder"] - t["rules"]
    t["other"] = wall - sum(t.values())
    chars = sum(len(x) for x in texts)
    print(f"{args.engine} {args.precision} batch {args.batch_size}, {args.corpus}: {len(texts)} reports, {chars} chars")
    print(f"wall {wall:.2f} s, {chars / wall:,.0f} chars/s\n")
    print("| stage | s | share |\n|---|---|---|")
    for stage, seconds in sorted(t.items(), key=lambda kv: -kv[1]):
        print(f"| {stage} | {seconds:.2f} | {seconds / wall:.1%} |")


if __name__ == "__main__":
    main()
