"""The learned linker: a pair classifier that picks the target of each COUNT.

Candidates are the METRIC/INITIATIVE spans in the COUNT's sentence (the contract puts
the target there) plus "no target". Each (COUNT, candidate) pair is described by a
few dozen sparse features — side and distance, what lies between (punctuation,
verbs, other counts), the rule linker's own choice, the text at the edges of the gap —
and scored by a logistic regression trained on the gold relations
(``training/train_linker.py``). The weights ship as JSON, so inference is a dot
product with no learning library; the rule linker stays as the baseline and fallback.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lawie.rules import gazetteer as gz

Span = tuple[int, int, str]

DEFAULT_PAIRS = Path(__file__).parent / "models" / "linker.json"
_VERB = re.compile("|".join(sorted(gz.ACTION_VERBS, key=len, reverse=True)))
_FILLERS = set(gz.COUNT_FILLERS)


def pair_features(text: str, count: Span, target: Span, spans: Sequence[Span], rule_choice: Span | None) -> dict:
    """Sparse features of one (COUNT, candidate target) pair inside a sentence."""
    after = target[0] >= count[1]
    lo, hi = (count[1], target[0]) if after else (target[1], count[0])
    gap = text[lo:hi]
    between = [s for s in spans if lo <= s[0] and s[1] <= hi]
    rank = sum(s[2] in ("METRIC", "INITIATIVE") for s in between)
    count_text = text[count[0] : count[1]]
    target_text = text[target[0] : target[1]]
    side = "after" if after else "before"
    features = {
        f"side={side}": 1.0,
        f"label={target[2]}": 1.0,
        f"{side}:gap_len={min(len(gap), 12) if len(gap) < 12 else '12+'}": 1.0,
        f"{side}:log_gap": math.log1p(len(gap)),
        f"{side}:targets_between={min(rank, 3)}": 1.0,
        f"{side}:counts_between={min(sum(s[2] == 'COUNT' for s in between), 3)}": 1.0,
        "rule_choice": float(rule_choice == target),
        f"{side}:rule_choice": float(rule_choice == target),
        f"{side}:gap_is_filler": float(not gap or gap in _FILLERS or gap == "的"),
        f"{side}:gap_head={gap[:1]}": 1.0,
        f"{side}:gap_tail={gap[-1:]}": 1.0,
        f"{side}:gap_tail2={gap[-2:]}": 1.0,
        f"{side}:verb_between": float(bool(_VERB.search(gap))),
        "percent_to_rate": float(count_text.endswith(("%", "％")) and target_text.endswith("率")),
        "count_to_rate": float(not count_text.endswith(("%", "％")) and target_text.endswith("率")),
        f"target_tail={target_text[-1:]}": 1.0,
    }
    for mark in "，、；：（）":
        if mark in gap:
            features[f"{side}:has{mark}"] = 1.0
    features[f"count_prefix={text[max(0, count[0] - 2) : count[0]]}"] = 1.0  # 连续7年: a streak, no target
    if _in_brackets(text, count[0]) != _in_brackets(text, target[0]):
        features["bracket_mismatch"] = 1.0  # 920件（其中…刑事案件483件），增加17%
    if not after and "分别" in gap:
        features[f"respectively_order_match={_respectively_match(text, count, target, spans)}"] = 1.0
    return features


def _in_brackets(text: str, at: int, reach: int = 300) -> bool:
    """An open bracket before ``at`` (within ``reach`` characters) that is not closed yet."""
    lo = max(0, at - reach)  # bounded: a search to the report's start per pair is quadratic
    opened = max(text.rfind("（", lo, at), text.rfind("(", lo, at))
    return opened >= 0 and max(text.rfind("）", opened, at), text.rfind(")", opened, at)) < 0


def _respectively_match(text: str, count: Span, target: Span, spans: Sequence[Span]) -> bool:
    """A、B分别下降x、y: the i-th of the last targets before 分别 goes with the i-th count after it."""
    pivot = text.rfind("分别", target[1], count[0])
    counts = [s for s in spans if s[2] == "COUNT" and s[0] >= pivot]
    targets = [s for s in spans if s[2] in ("METRIC", "INITIATIVE") and s[1] <= pivot][-len(counts) :]
    return target in targets and count in counts and targets.index(target) == counts.index(count)


@dataclass
class PairLinker:
    """Logistic-regression scores over pair features; a COUNT takes its best candidate when
    that candidate's probability clears ``threshold``, else no target."""

    weights: dict[str, float]
    bias: float
    threshold: float = 0.5
    name: str = "pairs"

    def probability(self, features: dict) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def choose(
        self, text: str, count: Span, candidates: Sequence[Span], spans: Sequence[Span], rule_choice: Span | None
    ) -> Span | None:
        scored = [(self.probability(pair_features(text, count, t, spans, rule_choice)), t) for t in candidates]
        best = max(scored, default=(0.0, None))
        return best[1] if best[0] >= self.threshold else None

    def save(self, path: Path, card: dict | None = None) -> None:
        data = {"weights": self.weights, "bias": self.bias, "threshold": self.threshold, "card": card or {}}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, path: Path = DEFAULT_PAIRS) -> PairLinker:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["weights"], data["bias"], data["threshold"])
