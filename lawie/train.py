"""Fine-tune the tagger on gold units (in the manner of Hugging Face's run_ner.py).

``train(config)`` validates every annotation file first (all problems, by file and
line, before any training), tokenizes with character tags aligned to pieces, runs
``Trainer`` with seqeval strict metrics, scores the full pipeline on the dev split and
writes the model folder with its card (``lawie_model.json`` + ``README.md``).
Used by ``lawie train`` and by ``training/train_tagger.py`` (which builds the default).
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lawie.data.gold import REPO, read_gold, validate_file
from lawie.evaluate import GoldReport, format_table, gold_reports, read_report, score
from lawie.records import LABELS
from lawie.tagger import DEFAULT_MODEL, TAGS, TransformerEngine, model_card, tokenize_and_align_labels


class AnnotationError(ValueError):
    """Annotation files that cannot be trained on; ``problems`` lists each by file and line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the annotation files:\n" + "\n".join(problems))


@dataclass
class TrainConfig:
    data: list[Path] = field(default_factory=list)  # gold .jsonl files; empty = data/annotated
    base: Path = DEFAULT_MODEL  # any local BERT-family folder, or a lawie model to continue from
    out: Path = Path("lawie-model")
    epochs: float = 8
    batch_size: int = 16
    lr: float = 2e-4
    max_length: int = 256
    seed: int = 13
    freeze_embeddings: bool = False
    bf16: bool = False


def default_data_files() -> list[Path]:
    """The repository's gold files (none in an installed package)."""
    return sorted((REPO / "data" / "annotated").glob("*.jsonl"))


def check_annotations(paths: list[Path]) -> list[dict]:
    """Every unit of ``paths`` (default: the repository's gold), or AnnotationError listing
    every problem in every file."""
    paths = list(paths) or default_data_files()
    if not paths:
        raise AnnotationError(["no annotation files given"])
    problems = [p for path in paths for p in validate_file(Path(path), require_split=False)]
    if problems:
        raise AnnotationError(problems)
    units = assign_splits(read_gold([Path(p) for p in paths]))
    if not any(u["split"] == "train" for u in units):
        raise AnnotationError([f"{', '.join(map(str, paths))}: no unit has split 'train'"])
    return units


def assign_splits(units: list[dict], dev_share: float = 0.1) -> list[dict]:
    """Give units without a split one by document (a stable hash of the source file), so that
    a document never straddles train and dev. Synthetic units always train."""
    for unit in units:
        if unit.get("split"):
            continue
        source = str(unit.get("source", {}).get("file") or unit.get("id"))
        bucket = int(hashlib.sha1(source.encode()).hexdigest(), 16) % 1000 / 1000
        unit["split"] = "dev" if bucket < dev_share and not unit.get("synthetic") else "train"
    return units


def compute_metrics(eval_pred) -> dict[str, float]:
    """seqeval strict-mode entity F1 per label on the pieces (−100 positions dropped)."""
    from seqeval.metrics import classification_report, f1_score
    from seqeval.scheme import IOB2

    logits, labels = eval_pred
    predictions = logits.argmax(-1)
    gold, pred = [], []
    for p_row, l_row in zip(predictions, labels):
        keep = l_row != -100
        gold.append([TAGS[i] for i in l_row[keep]])
        pred.append([TAGS[i] for i in p_row[keep]])
    report = classification_report(gold, pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    metrics = {"f1": f1_score(gold, pred, mode="strict", scheme=IOB2)}
    metrics.update({f"f1_{label}": report.get(label, {}).get("f1-score", 0.0) for label in LABELS})
    return metrics


def train(config: TrainConfig) -> dict:
    """Train, evaluate on dev and save the model with its card; returns the card."""
    import torch
    from transformers import (
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    from lawie.data.loader import load_gold

    paths = list(config.data) or default_data_files()
    units = check_annotations(paths)
    if not (Path(config.base) / "config.json").exists():
        raise FileNotFoundError(f"no base model in {config.base} (a local BERT-family folder)")
    set_seed(config.seed)
    tokenizer = AutoTokenizer.from_pretrained(config.base)
    data = load_gold(units=units)
    tokenized = data.map(
        tokenize_and_align_labels, batched=True, remove_columns=data["train"].column_names,
        fn_kwargs={"tokenizer": tokenizer, "max_length": config.max_length},
    )  # fmt: skip
    model = AutoModelForTokenClassification.from_pretrained(
        config.base, num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id={t: i for i, t in enumerate(TAGS)},
        dtype=torch.float32,
    )  # fmt: skip
    if config.freeze_embeddings:
        model.base_model.embeddings.word_embeddings.weight.requires_grad_(False)
    has_dev = len(tokenized["dev"]) > 0
    out = Path(config.out)
    training_args = TrainingArguments(
        output_dir=str(out / "checkpoints"), per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=32, learning_rate=config.lr, num_train_epochs=config.epochs, weight_decay=0.01,
        warmup_steps=0.1, eval_strategy="epoch" if has_dev else "no", save_strategy="no", logging_steps=20,
        seed=config.seed, report_to=[], dataloader_num_workers=0, use_cpu=not torch.cuda.is_available(),
        bf16=config.bf16,
    )  # fmt: skip
    trainer = Trainer(
        model=model, args=training_args, train_dataset=tokenized["train"],
        eval_dataset=tokenized["dev"] if has_dev else None,
        data_collator=DataCollatorForTokenClassification(tokenizer), compute_metrics=compute_metrics,
    )  # fmt: skip
    started = time.time()
    trainer.train()
    minutes = (time.time() - started) / 60
    piece_metrics = trainer.evaluate() if has_dev else {}
    out.mkdir(parents=True, exist_ok=True)
    trainer.save_model(out)
    tokenizer.save_pretrained(out)
    shutil.rmtree(out / "checkpoints", ignore_errors=True)
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items() if k != "data"}
    card = {
        "base": str(config.base), "base_info": _base_info(config.base), "tags": list(TAGS),
        "training": {**settings, "data_files": [str(p) for p in paths], "minutes": round(minutes, 1),
                     "device": "cuda" if torch.cuda.is_available() else "cpu",
                     "machine": f"{platform.machine()}, {torch.get_num_threads()} threads", "torch": torch.__version__},
        "data": data_summary(units),
        "dev_pieces_seqeval_strict": {k.removeprefix("eval_"): round(v, 4) for k, v in piece_metrics.items()
                                      if k.startswith("eval_f1")},
        "dev_reports": evaluate_model(out, [u for u in units if u["split"] == "dev"]) if has_dev else {},
    }  # fmt: skip
    write_card(out, card)
    return card


def evaluate_model(model_dir: Path, units: list[dict], precision: str = "fp32") -> dict:
    """Strict character-span scores of the full pipeline (model alone) on the units' reports."""
    import lawie

    engine = TransformerEngine(model_dir, precision=precision)
    pairs = [(lawie.extract(text, engine=engine), gold) for text, gold in evaluation_reports(units)]
    return score(pairs)


def evaluation_reports(units: list[dict]) -> list[tuple[str, GoldReport]]:
    """(text, gold) per whole report when the report file is in the repository (the gold of
    ``data/annotated`` is scored on whole reports), else per unit on the unit's own text."""
    whole = {path: gold for path, gold in gold_reports(units).items() if (REPO / path).is_file()}
    pairs = [(read_report(REPO, gold), gold) for gold in whole.values()]
    for unit in units:
        if unit["source"]["file"] not in whole:
            local = {**unit, "source": {"file": unit["id"], "start": 0, "end": len(unit["text"])}}
            pairs.append((unit["text"], gold_reports([local])[unit["id"]]))
    return pairs


def data_summary(units: list[dict]) -> dict:
    summary: dict = {}
    for split in ("train", "dev", "test"):
        chosen = [u for u in units if u["split"] == split]
        summary[split] = {
            "units": len(chosen),
            "synthetic_units": sum(bool(u.get("synthetic")) for u in chosen),
            "characters": sum(len(u["text"]) for u in chosen),
            "reports": len({u["source"]["file"] for u in chosen}),
        }
    return summary


def _base_info(base: Path) -> dict:
    for name in ("lawie_base.json", "lawie_model.json"):
        path = Path(base) / name
        if path.exists():
            info = json.loads(path.read_text(encoding="utf-8"))
            return info.get("base_info", info) if name == "lawie_model.json" else info
    return {}


def write_card(model_dir: Path, card: dict) -> None:
    (model_dir / "lawie_model.json").write_text(json.dumps(card, indent=2, ensure_ascii=False), encoding="utf-8")
    (model_dir / "README.md").write_text(render_card(card), encoding="utf-8")


def ship(trained: Path, force: bool = False) -> bool:
    """Copy a trained model into the package in fp16 with its card, if it beats the shipped
    one on dev (the repository's release step; users keep their models where they trained them)."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    new = json.loads((trained / "lawie_model.json").read_text(encoding="utf-8"))
    new_f1 = new["dev_reports"]["micro"]["F1"]
    old_f1 = model_card(DEFAULT_MODEL).get("dev_reports", {}).get("micro", {}).get("F1", -1.0)
    if new_f1 <= old_f1 and not force:
        print(f"not shipped: dev micro F1 {new_f1:.4f} does not beat the shipped {old_f1:.4f}")
        return False
    tmp = DEFAULT_MODEL.with_name("default.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    AutoModelForTokenClassification.from_pretrained(trained).half().save_pretrained(tmp)
    AutoTokenizer.from_pretrained(trained).save_pretrained(tmp)
    dev_units = [u for u in read_gold() if u["split"] == "dev"]
    new["shipped"] = {"dtype": "float16", "dev_reports_shipped": evaluate_model(tmp, dev_units)}
    write_card(tmp, new)
    shutil.rmtree(DEFAULT_MODEL, ignore_errors=True)
    tmp.rename(DEFAULT_MODEL)
    print(f"shipped to {DEFAULT_MODEL}: dev micro F1 {new_f1:.4f} (was {old_f1:.4f})")
    return True


def render_card(card: dict) -> str:
    t = card["training"]
    rows = [
        "# lawie tagger", "",
        "Token classifier (BIO over ORG, YEAR, COUNT, METRIC, INITIATIVE) fine-tuned from "
        f"{card['base_info'].get('source', card['base'])} (vocabulary of "
        f"{card['base_info'].get('pieces', '?')} pieces) by `lawie.train` (`lawie train`, "
        "`training/train_tagger.py`).", "",
        "## Training data", "",
        "Files: " + ", ".join(f"`{Path(p).name}`" for p in t.get("data_files", [])) + "; splits by document:", "",
        "| split | units | synthetic | characters | reports |", "|---|---|---|---|---|",
        *(f"| {s} | {d['units']} | {d['synthetic_units']} | {d['characters']} | {d['reports']} |"
          for s, d in card["data"].items()),
        "", "## Settings", "",
        f"{t['epochs']} epochs, batch {t['batch_size']}, learning rate {t.get('lr', t.get('learning_rate'))}, "
        f"max length {t['max_length']} pieces, seed {t['seed']}, bf16 {t.get('bf16', False)}, word embeddings "
        f"frozen: {t['freeze_embeddings']}; {t['minutes']} min on {t['device']} ({t['machine']}), torch "
        f"{t['torch']}. Stored as {card.get('shipped', {}).get('dtype', 'float32')}.",
        "", "## Scores (dev; strict character spans, full pipeline with the model alone)", "",
    ]  # fmt: skip
    if card["dev_reports"]:
        rows += [format_table(card["dev_reports"], "float32 training run"), ""]
    else:
        rows += ["No dev split: the model was not evaluated.", ""]
    if "shipped" in card:
        rows += [format_table(card["shipped"]["dev_reports_shipped"], "shipped weights"), ""]
    if card["dev_pieces_seqeval_strict"]:
        rows += [
            "Piece-level seqeval (strict, IOB2) on dev: "
            + ", ".join(f"{k} {v:.3f}" for k, v in card["dev_pieces_seqeval_strict"].items()),
            "",
        ]
    return "\n".join(rows)
