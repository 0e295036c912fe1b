"""ONNX Runtime against PyTorch for the shipped tagger: speed and dev accuracy on this CPU.

    pip install onnxruntime onnx onnxscript        # not lawie dependencies; torch stays as it is
    python bench/onnx_check.py                     # every variant: ~5 min on 2 idle cores, ~14 busy
    python bench/onnx_check.py --threads 1         # steadier figures when other work shares the CPU
    python bench/onnx_check.py --variants torch-fp32 ort-int8 --corpus batch50

The shipped model (``lawie/models/default``, loaded in fp32 with eager attention) is
exported with ``torch.onnx.export`` (dynamic batch and sequence axes) into a temporary
folder that is deleted at the end; nothing is written to the repository. From that export:

    ort-fp32         the plain export, ORT graph optimizations ORT_ENABLE_ALL
    ort-fp32-fused   onnxruntime.transformers' BERT fusions (Attention, SkipLayerNorm, BiasGelu)
    ort-int8         the fused graph, dynamic int8 quantization (weights QInt8, per tensor)
    ort-int8-pc      the same, weights quantized per channel
    ort-int8-noffn   per channel, with the 12 feed-forward output (down) projections left in fp32
    ort-int8-block   weight-only int8 in blocks of 32 (MatMulNBits, accuracy_level 4: int8 compute)

compared with ``torch-fp32`` and ``torch-bf16`` (``TransformerEngine`` as shipped). Every
variant runs in its own process with ``--threads`` threads (default 2: ``torch.set_num_threads``,
``intra_op_num_threads``), the same windows and length-sorted batches (``TransformerEngine.tag``;
only ``_forward`` differs). Figures: end-to-end characters per second of the hybrid engine
(``lawie.extract_many``, batch 16, as ``bench/speed_tagger.py``) and of the tagger alone on the
cleaned texts, each the best of ``--repeat`` runs (other work on the machine can slow any run:
the load average is printed with each row); dev micro and per-label F1 of the model alone
(``transformer``, as ``bench/eval_accuracy.py --engine transformer --split dev``) and micro F1
of ``hybrid``; model file size; peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without an install
    sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from lawie.tagger import DEFAULT_MODEL, TransformerEngine  # noqa: E402

THREADS = 2
VARIANTS = (
    "torch-fp32", "torch-bf16", "ort-fp32", "ort-fp32-fused",
    "ort-int8", "ort-int8-pc", "ort-int8-noffn", "ort-int8-block",
)  # fmt: skip
FILES = {
    "ort-fp32": "raw.onnx", "ort-fp32-fused": "fused.onnx", "ort-int8": "int8.onnx", "ort-int8-pc": "int8pc.onnx",
    "ort-int8-noffn": "int8noffn.onnx", "ort-int8-block": "int8block.onnx",
}  # fmt: skip
LABEL_COLUMNS = ("ORG", "YEAR", "COUNT", "METRIC", "INITIATIVE")


# ------------------------------------------------------------------ engine -------
class OrtEngine(TransformerEngine):
    """``TransformerEngine`` with the forward pass in ONNX Runtime: same tokenizer, windows,
    batching, merging and decoding; no torch model is loaded."""

    name = "transformer"

    def __init__(self, onnx_path: str | Path, model_dir: str | Path = DEFAULT_MODEL, batch_size: int = 16):
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.model_dir = Path(model_dir)
        self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir)
        self.batch_size = batch_size
        self.bf16 = False
        options = ort.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]


class Memo:
    """An engine that remembers another's spans per text, so that the hybrid scores reuse
    the model's pass over the dev reports."""

    name = "transformer"

    def __init__(self, engine: TransformerEngine):
        self.engine = engine
        self.spans: dict[str, list[tuple[int, int, str, float]]] = {}

    def tag(self, texts: Sequence[str]) -> list[list[tuple[int, int, str, float]]]:
        todo = [t for t in dict.fromkeys(texts) if t not in self.spans]
        self.spans.update(zip(todo, self.engine.tag(todo)))
        return [self.spans[t] for t in texts]


# ------------------------------------------------------------------ export -------
def export(out: Path, model_dir: Path = DEFAULT_MODEL) -> dict:
    """Write the four ONNX files of ``FILES`` into ``out``; return what was done and how long
    it took, with the largest logit difference to torch fp32 on a padded test batch."""
    import onnx
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModelForTokenClassification

    torch.set_num_threads(THREADS)
    model = AutoModelForTokenClassification.from_pretrained(
        model_dir, dtype=torch.float32, attn_implementation="eager"
    ).eval()  # eager attention: a graph that ORT's BERT fusion recognises

    class Logits(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).logits

    wrapper = Logits(model).eval()
    ids = torch.randint(5, model.config.vocab_size, (2, 37))
    mask = torch.ones_like(ids)
    mask[1, 30:] = 0
    raw = out / FILES["ort-fp32"]
    started = time.perf_counter()
    names = {"input_names": ["input_ids", "attention_mask"], "output_names": ["logits"]}
    try:  # the TorchScript exporter: its graph gets the fused Attention
        torch.onnx.export(
            wrapper, (ids, mask), str(raw), dynamo=False, opset_version=17, **names,
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                          "logits": {0: "batch", 1: "seq"}},
        )  # fmt: skip
        exporter = "torchscript"
    except Exception:  # a torch without it: the dynamo exporter (no Attention fusion then)
        batch, seq = torch.export.Dim("batch", max=1024), torch.export.Dim("seq", max=512)
        torch.onnx.export(
            wrapper, (ids, mask), str(raw), dynamo=True, external_data=False, **names,
            dynamic_shapes={"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}},
        )  # fmt: skip
        exporter = "dynamo"
    export_s = time.perf_counter() - started

    started = time.perf_counter()
    cfg = model.config
    fused_model = optimize_model(
        str(raw), model_type="bert", num_heads=cfg.num_attention_heads, hidden_size=cfg.hidden_size
    )
    fusions = {k: v for k, v in fused_model.get_fused_operator_statistics().items() if v}
    fused = out / FILES["ort-fp32-fused"]
    fused_model.save_model_to_file(str(fused))
    fuse_s = time.perf_counter() - started

    started = time.perf_counter()
    ffn_down = [n.name for n in fused_model.model.graph.node if re.search(r"layer\.\d+/output/dense/MatMul$", n.name)]
    for variant, per_channel, exclude in (
        ("ort-int8", False, []), ("ort-int8-pc", True, []), ("ort-int8-noffn", True, ffn_down)
    ):  # fmt: skip
        quantize_dynamic(
            fused, out / FILES[variant], weight_type=QuantType.QInt8, per_channel=per_channel, nodes_to_exclude=exclude,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # types of the fused (com.microsoft) ops
        )  # fmt: skip
    blocks = MatMulNBitsQuantizer(onnx.load(fused), bits=8, block_size=32, is_symmetric=True, accuracy_level=4)
    blocks.process()
    blocks.model.save_model_to_file(str(out / FILES["ort-int8-block"]), use_external_data_format=False)
    quantize_s = time.perf_counter() - started

    with torch.inference_mode():
        reference = wrapper(ids, mask).numpy()
    options = ort.SessionOptions()
    options.intra_op_num_threads = THREADS
    valid = mask.numpy().astype(bool)
    feeds = {"input_ids": ids.numpy(), "attention_mask": mask.numpy()}
    max_diff = {}
    for variant, file in FILES.items():
        session = ort.InferenceSession(str(out / file), options, providers=["CPUExecutionProvider"])
        max_diff[variant] = float(np.abs(session.run(["logits"], feeds)[0] - reference)[valid].max())
    return {
        "exporter": exporter, "fusions": fusions, "export_s": round(export_s, 1), "fuse_s": round(fuse_s, 1),
        "quantize_s": round(quantize_s, 1), "ffn_down_kept_fp32": len(ffn_down), "max_abs_logit_diff": max_diff,
    }  # fmt: skip


# ------------------------------------------------------------------ one variant --
def timed(run: Callable[[], object], repeat: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of ``repeat`` calls. CPU seconds (all threads) suffer less than wall
    time from other work on the machine, but count spin-waiting threads too."""
    times = []
    for _ in range(repeat):
        cpu, started = time.process_time(), time.perf_counter()
        run()
        times.append((time.perf_counter() - started, time.process_time() - cpu))
    return times


def peak_rss_mb() -> float:
    """VmHWM of this process (``ru_maxrss`` would carry the parent's peak over ``exec``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def dev_scores(engine, splits: Sequence[str]) -> dict[str, dict[str, float | int]]:
    """``bench/eval_accuracy.py``'s scores for an engine object."""
    import lawie
    from lawie.data.gold import read_gold
    from lawie.evaluate import gold_reports, read_report, score

    reports = [g for g in gold_reports(read_gold()).values() if g.split in splits]
    return score((lawie.extract(read_report(REPO, g), engine=engine), g) for g in reports)


def one(variant: str, folder: Path | None, corpus_name: str, repeat: int, splits: Sequence[str]) -> dict:
    from speed_tagger import corpus

    import lawie
    from lawie.clean import clean
    from lawie.tagger import HybridEngine

    load_avg = os.getloadavg()[0]
    started = time.perf_counter()
    if variant.startswith("torch-"):
        import torch

        torch.set_num_threads(THREADS)
        model: TransformerEngine = TransformerEngine(precision=variant.removeprefix("torch-"), batch_size=16)
        size = (DEFAULT_MODEL / "model.safetensors").stat().st_size
    else:
        assert folder is not None
        model = OrtEngine(folder / FILES[variant], batch_size=16)
        size = (folder / FILES[variant]).stat().st_size
    load_s = time.perf_counter() - started
    hybrid = HybridEngine(model)
    texts = corpus(corpus_name)
    chars = sum(len(t) for t in texts)
    cleaned = [clean(t).text for t in texts]
    lawie.extract(texts[0][:2000], engine=hybrid)  # warm-up
    e2e = timed(lambda: lawie.extract_many(texts, engine=hybrid, batch_size=16), repeat)
    tag = timed(lambda: model.tag(cleaned), repeat)
    memo = Memo(model)
    transformer = dev_scores(memo, splits)
    hybrid_scores = dev_scores(HybridEngine(memo), splits)  # the model's spans again, from the memo
    return {
        "variant": variant, "file_mb": round(size / 1e6, 1), "load_s": round(load_s, 2),
        "corpus": corpus_name, "characters": chars,
        "threads": THREADS, "e2e_wall_cpu_s": [(round(w, 2), round(c, 2)) for w, c in e2e],
        "chars_per_s": round(chars / min(w for w, _ in e2e)),
        "tag_wall_cpu_s": [(round(w, 2), round(c, 2)) for w, c in tag],
        "tag_chars_per_s": round(chars / min(w for w, _ in tag)), "tag_cpu_s": round(min(c for _, c in tag), 2),
        "transformer": transformer, "hybrid_micro_f1": hybrid_scores["micro"]["F1"], "peak_rss_mb": peak_rss_mb(),
        "load_avg_1min": [round(load_avg, 2), round(os.getloadavg()[0], 2)],
    }  # fmt: skip


# ------------------------------------------------------------------ report -------
def table(rows: list[dict], splits: Sequence[str]) -> str:
    base = next((r for r in rows if r["variant"] == "torch-fp32"), None)
    head = (
        "| variant | file MB | chars/s hybrid e2e | chars/s tagger only | tagger CPU s | "
        f"{'+'.join(splits)} micro F1 | Δ vs torch fp32 | "
        + " | ".join(LABEL_COLUMNS)
        + " | hybrid micro F1 | load s | peak RSS MB | load avg |"
    )
    out = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        micro = r["transformer"]["micro"]["F1"]
        delta = f"{100 * (micro - base['transformer']['micro']['F1']):+.2f} pt" if base else "—"
        labels = " | ".join(f"{r['transformer'][label]['F1']:.3f}" for label in LABEL_COLUMNS)
        out.append(
            f"| {r['variant']} | {r['file_mb']} | {r['chars_per_s']} | {r['tag_chars_per_s']} | {r['tag_cpu_s']} | "
            f"{micro:.4f} | "
            f"{delta} | {labels} | {r['hybrid_micro_f1']:.4f} | {r['load_s']} | {r['peak_rss_mb']} | "
            f"{r['load_avg_1min'][0]}→{r['load_avg_1min'][1]} |"
        )
    return "\n".join(out)


def main() -> None:
    global THREADS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--corpus", default="seeds", choices=("seeds", "batch50"), help="speed corpus")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure (the best is kept)")
    parser.add_argument("--threads", type=int, default=THREADS, help="torch and ORT intra-op threads")
    parser.add_argument("--split", action="append", help="gold split(s) to score (default dev)")
    parser.add_argument("--one", metavar="VARIANT", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args()
    splits = args.split or ["dev"]
    THREADS = args.threads
    if args.one:
        print(json.dumps(one(args.one, args.folder, args.corpus, args.repeat, splits)))
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still remove the temporary folder
    rows = []
    with tempfile.TemporaryDirectory(prefix="lawie-onnx-") as tmp:
        folder = Path(tmp)
        if any(v.startswith("ort-") for v in args.variants):
            info = export(folder)
            print(f"export: {json.dumps(info)}", flush=True)
        for variant in args.variants:
            cmd = [sys.executable, __file__, "--one", variant, "--folder", tmp, "--corpus", args.corpus]
            cmd += ["--repeat", str(args.repeat), "--threads", str(THREADS), *(f"--split={s}" for s in splits)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode:
                print(f"{variant} failed:\n{done.stderr[-3000:]}", flush=True)
                continue
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            r = rows[-1]
            print(f"{variant}: {r['chars_per_s']} chars/s (wall, CPU s: {r['e2e_wall_cpu_s']}), "
                  f"micro F1 {r['transformer']['micro']['F1']:.4f}", flush=True)  # fmt: skip
    chars = rows[0]["characters"] if rows else 0
    print(f"\nspeed corpus: {args.corpus} ({chars} characters), best of {args.repeat}, {THREADS} threads")
    print(table(rows, splits))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
