"""The transformer tagger: BIO over the five labels on sub-word pieces, with character
offsets, windowed over long documents, decoded so that no invalid tag sequence is emitted.

Training (``training/train_tagger.py``) and inference share the label scheme, the
alignment of character tags to pieces and the decoding in this module.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from lawie.records import LABELS

TAGS: tuple[str, ...] = ("O", *(f"{p}-{label}" for label in LABELS for p in ("B", "I")))
DEFAULT_MODEL = Path(__file__).parent / "models" / "default"
WINDOW = 254  # content pieces per window (+ <s> and </s> = 256)
OVERLAP = 64  # pieces shared by neighbouring windows


# ------------------------------------------------------------------ alignment ----
def char_tags(text: str, entities: Sequence[dict]) -> list[str]:
    tags = ["O"] * len(text)
    for ent in entities:
        tags[ent["start"]] = f"B-{ent['label']}"
        for i in range(ent["start"] + 1, ent["end"]):
            tags[i] = f"I-{ent['label']}"
    return tags


def align_tags(tags: Sequence[str], offsets: Sequence[tuple[int, int]]) -> list[str | None]:
    """One tag per piece: the tag of its first character, or B-X when an entity starts
    inside the piece; ``None`` for pieces that cover no character (specials, a bare ▁)."""
    out: list[str | None] = []
    for start, end in offsets:
        if end <= start:
            out.append(None)
            continue
        inner_b = next((t for t in tags[start + 1 : end] if t.startswith("B-")), None)
        first = tags[start]
        out.append(inner_b if inner_b and not first.startswith("B-") else first)
    return out


def tokenize_and_align_labels(examples: dict, tokenizer, max_length: int = 512, tags: Sequence[str] = TAGS) -> dict:
    """``datasets.map`` function: tokenize unit texts, label each piece (−100 where none)."""
    enc = tokenizer(examples["text"], truncation=True, max_length=max_length, return_offsets_mapping=True)
    labels = []
    for text, entities, offsets in zip(examples["text"], examples["entities"], enc["offset_mapping"]):
        aligned = align_tags(char_tags(text, entities), offsets)
        labels.append([-100 if t is None else tags.index(t) for t in aligned])
    enc["labels"] = labels
    enc.pop("offset_mapping")
    return enc


# ------------------------------------------------------------------ decoding -----
@lru_cache(maxsize=4)
def _transitions(tags: tuple[str, ...] = TAGS) -> tuple[np.ndarray, np.ndarray]:
    """Allowed BIO moves as 0 / −inf: I-X only after B-X or I-X; the start may not be I-X."""
    n = len(tags)
    trans = np.zeros((n, n), dtype=np.float32)
    start = np.zeros(n, dtype=np.float32)
    for j, tag in enumerate(tags):
        if tag.startswith("I-"):
            start[j] = -np.inf
            for i, prev in enumerate(tags):
                if prev[2:] != tag[2:]:
                    trans[i, j] = -np.inf
    return trans, start


def viterbi(log_probs: np.ndarray, tags: tuple[str, ...] = TAGS) -> list[int]:
    """Best tag sequence under the BIO constraints (never an I-X without its B-X)."""
    return viterbi_batch([log_probs], tags)[0]


def viterbi_batch(sequences: Sequence[np.ndarray], tags: tuple[str, ...] = TAGS) -> list[list[int]]:
    """``viterbi`` of several sequences at once: one step of the recursion advances a group
    of sequences of similar length (padded to the group's longest, so that padding stays
    below half of the work), so the per-step overhead is paid once per group."""
    order = sorted(range(len(sequences)), key=lambda d: len(sequences[d]))
    paths: list[list[int]] = [[] for _ in sequences]
    group: list[int] = []
    for d in order:
        if group and len(sequences[d]) > 2 * len(sequences[group[0]]) + 256:
            _viterbi_group(sequences, group, paths, tags)
            group = []
        group.append(d)
    if group:
        _viterbi_group(sequences, group, paths, tags)
    return paths


def _viterbi_group(sequences: Sequence[np.ndarray], group: list[int], paths: list, tags: tuple[str, ...]) -> None:
    lengths = [len(sequences[d]) for d in group]
    if not max(lengths):
        return
    trans, start = _transitions(tags)
    padded = np.zeros((len(group), max(lengths), len(tags)), dtype=np.float32)
    for row, d in enumerate(group):
        padded[row, : lengths[row]] = sequences[d]
    back = np.zeros(padded.shape, dtype=np.int8)  # a tag index: 11 tags fit a byte
    final = np.zeros((len(group), len(tags)), dtype=np.float32)
    ends_at: dict[int, list[int]] = {}  # step → rows whose last piece it is
    for row, n in enumerate(lengths):
        ends_at.setdefault(n - 1, []).append(row)
    score = start + padded[:, 0]
    for t in range(padded.shape[1]):
        if t:
            cand = score[:, :, None] + trans
            back[:, t] = cand.argmax(1)
            score = cand.max(1) + padded[:, t]
        for row in ends_at.get(t, ()):
            final[row] = score[row]
    for row, (d, n) in enumerate(zip(group, lengths)):
        if not n:
            continue
        path = [int(final[row].argmax())]
        pointers = back[row, :n].tolist()  # list indexing is faster than numpy's here
        for t in range(n - 1, 0, -1):
            path.append(pointers[t][path[-1]])
        paths[d] = path[::-1]


def tags_to_spans(
    tag_ids: Sequence[int], offsets: Sequence[tuple[int, int]], text: str, tags: Sequence[str] = TAGS
) -> list[tuple[int, int, str]]:
    """Character spans of a valid BIO piece sequence, edges stripped of white space."""
    spans, current = [], None
    for tag_id, (start, end) in zip(tag_ids, offsets):
        tag = tags[tag_id]
        if tag.startswith("B-") or tag == "O":
            if current:
                spans.append(current)
            current = [start, end, tag[2:]] if tag.startswith("B-") else None
        elif current:
            current[1] = end
    if current:
        spans.append(current)
    out = []
    for start, end, label in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            out.append((start, end, label))
    return out


# ------------------------------------------------------------------ engine -------
def bf16_supported() -> bool:
    """CPUs with AMX or AVX-512 BF16 run bf16 matrix products natively."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


class TransformerEngine:
    """Loads a token-classification model folder once and tags cleaned texts."""

    name = "transformer"

    def __init__(self, model_dir: str | Path = DEFAULT_MODEL, batch_size: int = 16, precision: str = "auto"):
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        self.model_dir = Path(model_dir)
        if not (self.model_dir / "config.json").exists():
            raise FileNotFoundError(f"no tagger model in {self.model_dir}")
        self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir)
        self.model = AutoModelForTokenClassification.from_pretrained(self.model_dir, dtype=torch.float32).eval()
        self.batch_size = batch_size
        self.bf16 = precision == "bf16" or (precision == "auto" and bf16_supported())
        if self.bf16:  # bf16 weights, not autocast: no weight casts per call (faster, same dev F1; RESULTS.md)
            self.model = self.model.to(torch.bfloat16)
        self._torch = torch

    def tag(self, texts: Sequence[str]) -> list[list[tuple[int, int, str, float]]]:
        encodings = [self._encode(t) for t in texts]
        windows = [(d, s, e) for d, enc in enumerate(encodings) for s, e in _windows(len(enc[0]))]
        logits = self._run(encodings, windows)
        parts: list[list] = [[] for _ in encodings]
        for (d, s, e), lg in zip(windows, logits):
            parts[d].append((s, e, lg))
        all_log_probs = [_log_softmax(_merge(parts[d], len(ids))) for d, (ids, _) in enumerate(encodings)]
        out = []
        for d, path in enumerate(viterbi_batch(all_log_probs)):
            offsets, log_probs = encodings[d][1], all_log_probs[d]
            scorer = _SpanScorer(np.exp(log_probs[np.arange(len(path)), path]), offsets)
            spans = tags_to_spans(path, offsets, texts[d])
            out.append([(s, e, label, scorer(s, e)) for s, e, label in spans])
        return out

    def _encode(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        return enc["input_ids"], enc["offset_mapping"]

    def _run(self, encodings, windows) -> list[np.ndarray]:
        """Logits of every window's pieces: windows in length-sorted, padded batches."""
        order = sorted(range(len(windows)), key=lambda i: windows[i][2] - windows[i][1])
        results: list[np.ndarray | None] = [None] * len(windows)
        cls, sep, pad = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id, self.tokenizer.pad_token_id
        for b in range(0, len(order), self.batch_size):
            batch = order[b : b + self.batch_size]
            rows = [[cls, *encodings[windows[i][0]][0][windows[i][1] : windows[i][2]], sep] for i in batch]
            width = max(len(r) for r in rows)
            ids = np.array([r + [pad] * (width - len(r)) for r in rows], dtype=np.int64)
            mask = np.array([[1] * len(r) + [0] * (width - len(r)) for r in rows], dtype=np.int64)
            logits = self._forward(ids, mask)
            for row, i in enumerate(batch):
                results[i] = logits[row, 1 : 1 + windows[i][2] - windows[i][1]]
        return results  # type: ignore[return-value]

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """One padded batch through the encoder: float32 logits (the model runs in bf16 on AMX CPUs)."""
        torch = self._torch
        with torch.inference_mode():
            out = self.model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask))
        return out.logits.float().numpy()


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    return logits - np.logaddexp.reduce(logits, axis=1, keepdims=True) if len(logits) else logits


def _windows(n: int, size: int = WINDOW, overlap: int = OVERLAP) -> list[tuple[int, int]]:
    """Piece ranges covering ``n`` pieces, neighbours sharing ``overlap`` pieces."""
    if n <= size:
        return [(0, n)]
    step = size - overlap
    starts = [*range(0, n - size, step), n - size]
    return [(s, s + size) for s in starts]


def _merge(parts: list[tuple[int, int, np.ndarray]], n: int) -> np.ndarray:
    """One row of logits per piece: each piece takes the window where it lies most centrally,
    so the decoding runs once over the whole document and no entity is cut at a window edge."""
    if not parts:
        return np.zeros((0, len(TAGS)), dtype=np.float32)
    merged = np.zeros((n, parts[0][2].shape[1]), dtype=np.float32)
    best = np.full(n, -1.0)
    for start, end, logits in parts:
        pos = np.arange(start, end)
        centrality = np.minimum(pos - start, end - 1 - pos)
        take = centrality > best[start:end]
        merged[start:end][take] = logits[take]
        best[start:end][take] = centrality[take]
    return merged


class _SpanScorer:
    """Mean probability of the decoded tags of the pieces a character span covers.

    Pieces are sorted and do not overlap, so the covered ones are found by binary search
    (a scan per span is quadratic in the document's length)."""

    def __init__(self, chosen: np.ndarray, offsets: Sequence[tuple[int, int]]):
        self.chosen = chosen
        self.starts = np.array([s for s, _ in offsets], dtype=np.int64)
        self.ends = np.array([e for _, e in offsets], dtype=np.int64)

    def __call__(self, start: int, end: int) -> float:
        lo = int(np.searchsorted(self.ends, start, side="right"))  # first piece ending after start
        hi = int(np.searchsorted(self.starts, end, side="left"))  # pieces starting before end
        covered = self.ends[lo:hi] > self.starts[lo:hi]  # pieces that hold a character
        picked = self.chosen[lo:hi][covered]
        return float(picked.mean()) if len(picked) else 0.0


def model_card(model_dir: str | Path = DEFAULT_MODEL) -> dict:
    path = Path(model_dir) / "lawie_model.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def default_model_available() -> bool:
    return (DEFAULT_MODEL / "config.json").exists() and not os.environ.get("LAWIE_NO_MODEL")


class HybridEngine:
    """The tagger for names and metrics, the rules for what they read best (measured on dev):
    COUNT and YEAR spans come from the rules and win any overlap."""

    name = "hybrid"
    RULE_LABELS = ("COUNT", "YEAR")

    def __init__(self, model: TransformerEngine | None = None):
        from lawie.rules import RuleEngine

        self.model = model or TransformerEngine()
        self.rules = RuleEngine()

    def tag(self, texts: Sequence[str]) -> list[list[tuple[int, int, str, float]]]:
        from lawie.spans import select_flat

        out = []
        for model_spans, rule_spans in zip(self.model.tag(texts), self.rules.tag(texts)):
            candidates = [(s, e, 2, (s, e, lab, sc)) for s, e, lab, sc in rule_spans if lab in self.RULE_LABELS]
            candidates += [(s, e, 1, (s, e, lab, sc)) for s, e, lab, sc in model_spans if lab not in self.RULE_LABELS]
            out.append([span for _, _, span in select_flat(candidates)])
        return out
