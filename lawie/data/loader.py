"""``load_gold()``: the gold units as a ``datasets.DatasetDict`` ready for token classification.

Tokens are characters (Chinese has no spaces; the tagger aligns character tags to its
sub-word pieces through offsets), tags are BIO over the five labels as a ``ClassLabel``.
"""

from __future__ import annotations

from pathlib import Path

from lawie.data.gold import read_gold
from lawie.tagger import TAGS, char_tags


def load_gold(paths: list[Path] | None = None):
    """train/dev/test ``DatasetDict`` of the gold units (offline: reads ``data/annotated``)."""
    from datasets import ClassLabel, Dataset, DatasetDict, Features, Sequence, Value

    features = Features(
        {
            "id": Value("string"),
            "source_file": Value("string"),
            "synthetic": Value("bool"),
            "text": Value("string"),
            "tokens": Sequence(Value("string")),
            "ner_tags": Sequence(ClassLabel(names=list(TAGS))),
            "entities": [
                {"id": Value("string"), "label": Value("string"), "start": Value("int32"), "end": Value("int32")}
            ],
            "relations": [{"head": Value("string"), "tail": Value("string")}],
        }
    )
    rows: dict[str, list[dict]] = {"train": [], "dev": [], "test": []}
    for unit in read_gold(paths):
        rows[unit["split"]].append(
            {
                "id": unit["id"],
                "source_file": unit["source"]["file"],
                "synthetic": unit["synthetic"],
                "text": unit["text"],
                "tokens": list(unit["text"]),
                "ner_tags": char_tags(unit["text"], unit["entities"]),
                "entities": [{k: e[k] for k in ("id", "label", "start", "end")} for e in unit["entities"]],
                "relations": [{"head": r["head"], "tail": r["tail"]} for r in unit["relations"]],
            }
        )
    return DatasetDict({split: Dataset.from_list(r, features=features) for split, r in rows.items()})
