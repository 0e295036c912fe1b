"""Train the learned linker (``lawie.pairs``) on the gold relations and ship it if it beats
the rule linker on dev (relation F1 given gold entities).

    python training/train_linker.py            # train on the train split, compare on dev
    python training/train_linker.py --ship     # …and write lawie/models/linker.json if better

The classifier is scikit-learn's LogisticRegression over ``pair_features``; the decision
threshold is chosen by 5-fold cross-validation grouped by report on the train split only.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_predict

from lawie import linker
from lawie.clean import clean
from lawie.data.gold import read_gold
from lawie.pairs import DEFAULT_PAIRS, PairLinker, pair_features
from lawie.spans import sentence_bounds, sentence_of

Span = tuple[int, int, str]


def unit_spans(unit: dict) -> tuple[str, list[Span], set[tuple[Span, Span]]]:
    """The unit's cleaned text, gold spans and gold (COUNT, target) pairs in cleaned offsets."""
    cleaned = clean(unit["text"])
    spans: dict[str, Span] = {}
    for ent in unit["entities"]:
        mapped = cleaned.offsets.from_original(ent["start"], ent["end"])
        if mapped:
            spans[ent["id"]] = (*mapped, ent["label"])
    gold = {
        (spans[r["head"]], spans[r["tail"]]) for r in unit["relations"] if r["head"] in spans and r["tail"] in spans
    }
    return cleaned.text, sorted(spans.values()), gold


def examples(units: list[dict]) -> Iterator[tuple[dict, int, str, tuple]]:
    """(features, gold label, report, (unit id, count)) for every candidate pair."""
    for unit in units:
        text, spans, gold = unit_spans(unit)
        rules = {lk.count: lk.target for lk in linker.link(text, spans, None)}
        bounds = sentence_bounds(text)
        for count in (s for s in spans if s[2] == "COUNT"):
            lo, hi = sentence_of(bounds, count[0])
            around = [s for s in spans if lo <= s[0] and s[1] <= hi]
            for target in (s for s in around if s[2] in ("METRIC", "INITIATIVE")):
                feats = pair_features(text, count, target, around, rules.get(count))
                yield feats, int((count, target) in gold), unit["source"]["file"], (unit["id"], count)


def relation_f1(units: list[dict], choose) -> float:
    """F1 of (COUNT, target) pairs on gold entities; ``choose(text, spans)`` returns links."""
    tp = fp = fn = 0
    for unit in units:
        text, spans, gold = unit_spans(unit)
        predicted = {(lk.count, lk.target) for lk in choose(text, spans) if lk.target}
        tp, fp, fn = tp + len(predicted & gold), fp + len(predicted - gold), fn + len(gold - predicted)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def best_threshold(prob: np.ndarray, labels: np.ndarray, keys: list[tuple]) -> float:
    """The threshold that maximizes pair F1 when each COUNT keeps only its best candidate."""
    best: dict[tuple, tuple[float, int]] = {}
    for p, y, key in zip(prob, labels, keys):
        best[key] = max(best.get(key, (-1.0, 0)), (p, y))
    positives = int(labels.sum())
    scores = {}
    for t in np.arange(0.02, 0.9, 0.02):
        chosen = [y for p, y in best.values() if p >= t]
        tp = sum(chosen)
        scores[round(float(t), 2)] = 2 * tp / (len(chosen) + positives) if chosen else 0.0
    return max(scores, key=scores.get)


def train(units: list[dict], c: float = 1.0) -> PairLinker:
    rows = list(examples(units))
    features, labels, groups, keys = zip(*rows)
    vectorizer = DictVectorizer()
    x, y = vectorizer.fit_transform(features), np.array(labels)
    model = LogisticRegression(C=c, max_iter=2000)
    cv = GroupKFold(n_splits=5)
    prob = cross_val_predict(model, x, y, groups=groups, cv=cv, method="predict_proba")[:, 1]
    threshold = best_threshold(prob, y, list(keys))
    model.fit(x, y)
    weights = {name: float(w) for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0]) if w}
    return PairLinker(weights, float(model.intercept_[0]), threshold)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularization strength")
    parser.add_argument("--ship", action="store_true", help=f"write {DEFAULT_PAIRS} if better than rules on dev")
    parser.add_argument("--out", type=Path, default=Path("build/linker.json"))
    args = parser.parse_args()
    units = read_gold()
    train_units = [u for u in units if u["split"] == "train"]
    dev_units = [u for u in units if u["split"] == "dev"]
    pairs = train(train_units, args.c)
    rules_f1 = relation_f1(dev_units, lambda text, spans: linker.link(text, spans, None))
    pairs_f1 = relation_f1(dev_units, lambda text, spans: linker.link(text, spans, None, pairs=pairs))
    train_f1 = relation_f1(train_units, lambda text, spans: linker.link(text, spans, None, pairs=pairs))
    card = {
        "trained_on": f"{len(train_units)} train units of data/annotated (gold entities and relations)",
        "C": args.c, "threshold": pairs.threshold, "features": len(pairs.weights),
        "relation_f1_gold_entities": {"train": round(train_f1, 4), "dev": round(pairs_f1, 4),
                                      "dev_rule_linker": round(rules_f1, 4)},
    }  # fmt: skip
    print(card)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    pairs.save(args.out, card)
    if args.ship:
        if pairs_f1 > rules_f1:
            pairs.save(DEFAULT_PAIRS, card)
            print(f"shipped to {DEFAULT_PAIRS}")
        else:
            print("not shipped: the rule linker is as good on dev")
    return 0


if __name__ == "__main__":
    sys.exit(main())
