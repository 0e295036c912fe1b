"""Tagger internals: piece alignment, constrained decoding, window merging; the shipped model."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lawie
from lawie import tagger
from lawie.tagger import TAGS, align_tags, char_tags, tags_to_spans, viterbi


def test_alignment_marks_an_entity_that_starts_inside_a_piece():
    text = "共受理行政复议案件37件"
    tags = char_tags(text, [{"start": 3, "end": 9, "label": "METRIC"}, {"start": 9, "end": 12, "label": "COUNT"}])
    offsets = [(0, 0), (0, 1), (1, 4), (4, 9), (9, 11), (11, 12)]  # "受理行" swallows the start of 行政…
    assert align_tags(tags, offsets) == [None, "O", "B-METRIC", "I-METRIC", "B-COUNT", "I-COUNT"]


def _valid(path: list[int]) -> bool:
    previous = "O"
    for tag in (TAGS[i] for i in path):
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            return False
        previous = tag
    return True


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.floats(-20, 20), min_size=len(TAGS), max_size=len(TAGS)), max_size=40))
def test_viterbi_never_emits_an_invalid_sequence(rows):
    logits = np.array(rows, dtype=np.float32).reshape(-1, len(TAGS))
    path = viterbi(logits)
    assert len(path) == len(rows) and _valid(path)


def test_spans_come_from_valid_tags_with_edges_stripped():
    text = "受理 行政复议案件37件"
    offsets = [(0, 2), (2, 5), (5, 9), (9, 11), (11, 12)]
    tag_ids = [TAGS.index(t) for t in ("O", "B-METRIC", "I-METRIC", "B-COUNT", "I-COUNT")]
    assert tags_to_spans(tag_ids, offsets, text) == [(3, 9, "METRIC"), (9, 12, "COUNT")]


def test_windows_cover_every_piece_with_overlap():
    windows = tagger._windows(1000)
    assert windows[0][0] == 0 and windows[-1][1] == 1000
    for (_, e1), (s2, e2) in itertools.pairwise(windows):
        assert s2 < e1 and e1 - s2 >= tagger.OVERLAP - 1 and e2 - s2 == tagger.WINDOW


class _DigitTagger(tagger.TransformerEngine):
    """A stand-in model: every digit piece is a COUNT (B), the piece after it I-COUNT."""

    def __init__(self, tokenizer):
        self.tokenizer, self.batch_size, self.bf16 = tokenizer, 4, False

    def _run(self, encodings, windows):
        out = []
        for d, start, end in windows:
            ids = encodings[d][0][start:end]
            pieces = self.tokenizer.convert_ids_to_tokens(ids)
            logits = np.full((len(ids), len(TAGS)), -5.0, dtype=np.float32)
            for i, piece in enumerate(pieces):
                is_digit = piece.strip("▁").isdigit()
                after_digit = i > 0 and pieces[i - 1].strip("▁").isdigit()
                logits[i, TAGS.index("B-COUNT" if is_digit else "I-COUNT" if after_digit else "O")] = 5.0
            out.append(logits)
        return out


@pytest.fixture(scope="module")
def tokenizer():
    if not tagger.default_model_available():
        pytest.fail("the default model must ship with the package (lawie/models/default)")
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tagger.DEFAULT_MODEL)


def test_long_documents_are_windowed_without_cut_or_doubled_entities(tokenizer):
    sentence = "共受理行政复议案件37件，审结25件。"
    text = sentence * 120  # far beyond one window
    spans = _DigitTagger(tokenizer).tag([text])[0]
    single = _DigitTagger(tokenizer).tag([sentence])[0]
    expected = [(s + k * len(sentence), e + k * len(sentence), lab) for k in range(120) for s, e, lab, _ in single]
    assert [(s, e, lab) for s, e, lab, _ in spans] == expected
    assert all(text[s:e] in ("37件", "25件") for s, e, _, _ in spans)


def test_default_engine_is_the_shipped_tagger_with_rule_counts():
    assert lawie.pipeline.default_engine() == "hybrid"
    engine = lawie.pipeline.get_engine()
    assert engine is lawie.pipeline.get_engine("hybrid")  # loaded once
    assert engine.model is lawie.pipeline.get_engine("transformer")
    assert tagger.model_card()["dev_reports"]["micro"]["F1"] > 0.5


def test_transformer_offsets_are_exact_on_seed_000(seeds):
    text = seeds["000"]
    doc = lawie.extract(text, engine="transformer")
    assert len(doc.entities) > 50 and len(doc.records) > 20
    for e in doc.entities:
        assert text[e.start : e.end] == e.text
    assert "1.8萬余人次" in {r.count.text for r in doc.records}


def test_import_is_light():
    code = "import sys, lawie; print('torch' in sys.modules, 'transformers' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split() == [
        "False",
        "False",
    ]


def test_batched_viterbi_is_the_best_valid_sequence_by_brute_force():
    import itertools

    import numpy as np

    from lawie.tagger import TAGS, viterbi_batch

    def valid(path):
        return all(
            not TAGS[t].startswith("I-") or (i and TAGS[path[i - 1]][2:] == TAGS[t][2:]) for i, t in enumerate(path)
        )

    rng = np.random.default_rng(7)
    sequences = [np.log(rng.dirichlet(np.full(len(TAGS), 0.3), size=n)).astype(np.float32) for n in (3, 1, 0, 4, 2, 3)]
    for seq, path in zip(sequences, viterbi_batch(sequences)):
        best = max(
            (p for p in itertools.product(range(len(TAGS)), repeat=len(seq)) if valid(p)),
            key=lambda p: sum(seq[i, t] for i, t in enumerate(p)),
            default=(),
        )
        assert tuple(path) == best
