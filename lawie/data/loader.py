"""``load_gold()``: the gold units as a ``datasets.DatasetDict`` ready for token classification.

Tokens are characters (Chinese has no spaces; the tagger aligns character tags to its
sub-word pieces through offsets), tags are BIO over the five labels as a ``ClassLabel``.
"""

from __future__ import annotations

from pathlib import Path

from lawie.data.gold import read_gold
from lawie.tagger import TAGS, char_tags


def load_gold(paths: list[Path] | None = None, units: list[dict] | None = None):
    """train/dev/test ``DatasetDict`` of gold units: ``units`` as given, else those of
    ``paths``, else of ``data/annotated`` (offline)."""
    from datasets import ClassLabel, DatasetDict, Features, Sequence, Value

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
    for unit in units if units is not None else read_gold(paths):
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
    return DatasetDict({split: _dataset(r, features) for split, r in rows.items()})


def _dataset(rows: list[dict], features):
    from datasets import Dataset

    if not rows:  # an empty split (e.g. a user's sample with no test) still has the columns
        return Dataset.from_dict({name: [] for name in features}, features=features)
    return Dataset.from_list(rows, features=features)
