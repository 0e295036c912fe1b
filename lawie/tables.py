"""Records as flat rows: one row per record, the columns every export shares."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lawie.records import Document

COLUMNS = (
    "doc_id",
    "org",
    "year",
    "metric",
    "metric_key",
    "target_label",
    "action",
    "value",
    "unit",
    "qualifier",
    "change",
    "direction",
    "count_text",
    "count_start",
    "count_end",
    "target_start",
    "target_end",
    "sentence_start",
    "sentence_end",
    "evidence",
    "engine",
)


_INT_COLUMNS = ("year", "count_start", "count_end", "target_start", "target_end", "sentence_start", "sentence_end")


def arrow_schema():
    """The table's pyarrow schema (Parquet output): ints nullable, value float, change bool."""
    import pyarrow as pa

    def kind(name: str):
        if name in _INT_COLUMNS:
            return pa.int64()
        return {"value": pa.float64(), "change": pa.bool_()}.get(name, pa.string())

    return pa.schema([(name, kind(name)) for name in COLUMNS])


def record_rows(doc: Document) -> Iterator[dict[str, Any]]:
    for r in doc.records:
        target = r.target
        yield {
            "doc_id": doc.id,
            "org": r.org,
            "year": r.year,
            "metric": target.text if target else None,
            "metric_key": r.metric_key,
            "target_label": target.label if target else None,
            "action": r.action,
            "value": float(r.value),
            "unit": r.unit,
            "qualifier": r.qualifier,
            "change": r.change,
            "direction": r.direction,
            "count_text": r.count.text,
            "count_start": r.count.start,
            "count_end": r.count.end,
            "target_start": target.start if target else None,
            "target_end": target.end if target else None,
            "sentence_start": r.sentence[0],
            "sentence_end": r.sentence[1],
            "evidence": doc.text[r.sentence[0] : r.sentence[1]].strip(),
            "engine": doc.engine,
        }


def rows(docs: Iterable[Document]) -> list[dict[str, Any]]:
    return [row for doc in docs for row in record_rows(doc)]


def to_frame(docs: Iterable[Document]):
    """A pandas DataFrame, one row per record, columns ``COLUMNS``."""
    import pandas as pd

    return pd.DataFrame(rows(docs), columns=list(COLUMNS))
