"""The learned linker: features, the shipped weights and their provenance, save/load."""

from __future__ import annotations

import lawie
from lawie import linker
from lawie.evaluate import GoldReport, GoldSpans
from lawie.pairs import DEFAULT_PAIRS, PairLinker, pair_features


def _spans(text: str, *items: tuple[str, str]) -> list[tuple[int, int, str]]:
    out = []
    for piece, label in items:
        at = text.index(piece)
        out.append((at, at + len(piece), label))
    return sorted(out)


def test_respectively_lists_pair_in_order():
    text = "生产安全事故起数和死亡人数分别下降15.1%、17%。"
    spans = _spans(text, ("生产安全事故起数", "METRIC"), ("死亡人数", "METRIC"), ("15.1%", "COUNT"), ("17%", "COUNT"))
    first, second, c1, c2 = spans[0], spans[1], spans[2], spans[3]
    assert pair_features(text, c1, first, spans, None)["respectively_order_match=True"] == 1.0
    assert pair_features(text, c1, second, spans, None)["respectively_order_match=False"] == 1.0
    assert pair_features(text, c2, second, spans, None)["respectively_order_match=True"] == 1.0


def test_the_shipped_linker_was_chosen_on_dev_over_the_rules():
    card = __import__("json").loads(DEFAULT_PAIRS.read_text(encoding="utf-8"))["card"]
    scores = card["relation_f1_gold_entities"]
    assert scores["dev"] > scores["dev_rule_linker"]


def test_save_and_load_keep_the_decisions(tmp_path):
    shipped = PairLinker.load()
    shipped.save(tmp_path / "linker.json")
    again = PairLinker.load(tmp_path / "linker.json")
    text = "受理行政复议案件37件，审结25件，办理法律援助案件12件。"
    spans = _spans(text, ("行政复议案件", "METRIC"), ("37件", "COUNT"), ("25件", "COUNT"), ("法律援助案件", "METRIC"),
                   ("12件", "COUNT"))  # fmt: skip
    assert linker.link(text, spans, None, shipped) == linker.link(text, spans, None, again)


def test_both_linkers_are_available_through_extract():
    text = "2022年共受理行政复议案件37件，审结25件。"
    gold = GoldReport("x", "dev", entities=set(_spans(text, ("2022年", "YEAR"), ("行政复议案件", "METRIC"),
                                                      ("37件", "COUNT"), ("25件", "COUNT"))))  # fmt: skip
    gold.covered.append((0, len(text)))
    engine = GoldSpans([(text, gold)])
    for name in ("rules", "pairs"):
        doc = lawie.extract(text, engine=engine, linker=name)
        assert [(r.count.text, r.target.text, r.action, r.metric_key) for r in doc.records] == [
            ("37件", "行政复议案件", "受理", "行政复议案件"),
            ("25件", "行政复议案件", "审结", "行政复议案件"),
        ]
