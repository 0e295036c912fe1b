"""Round trips through annotation tools: Label Studio and doccano, to and from lawie's gold units.

Pre-annotate with lawie, correct in the tool, export, and train on the result::

    lawie convert reports/ tasks.json --from text --to label-studio      # import tasks.json into Label Studio
    lawie convert export.json gold.jsonl --from label-studio --to gold   # after correcting
    lawie train gold.jsonl

Spans and QUANTIFIES relations travel through the tools; the COUNT record fields do not
(the tools have nowhere to keep them). On import they are read again from the COUNT's text
with ``lawie.quantity.parse_quantity`` in its sentence, as the pipeline does; ``org``,
``year`` and ``action`` are None. A COUNT the normalizer cannot read (一半, 5%以内) gets the
placeholder ``value`` 0 and ``unit`` "" so that the unit stays valid gold. Training the
tagger reads only spans; the value and unit count in the record score on dev units
(``lawie.evaluate``), so correct them in the gold file where that matters.

Relations are oriented COUNT → target whichever way they were drawn (Label Studio's
``direction`` is ignored: QUANTIFIES only goes one way); relations to a deleted region are
dropped. Unit ids, ``source``, ``split`` and ``synthetic`` ride along
in the task data (Label Studio) or as extra row keys (doccano, whose own ids are ints).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from lawie.clean import CleanText, clean
from lawie.data.units import split_units
from lawie.pipeline import _unit_as_written
from lawie.quantity import parse_quantity
from lawie.records import LABELS, TARGET_LABELS, Document, Record
from lawie.spans import sentence_bounds, sentence_of

RELATION = "QUANTIFIES"
FROM_NAME, TO_NAME = "label", "text"  # the Labels and Text tags of label_studio_config()
_CARRIED = ("split", "synthetic")

Span = tuple[str, str, int, int]  # (id, label, start, end)


# ------------------------------------------------------------------ Label Studio -----
def label_studio_config() -> str:
    """The labeling config (XML) matching ``to_label_studio``: five labels, one relation."""
    labels = "\n".join(f'    <Label value="{label}"/>' for label in LABELS)
    return (
        f'<View>\n  <Relations>\n    <Relation value="{RELATION}"/>\n  </Relations>\n'
        f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n{labels}\n  </Labels>\n'
        f'  <Text name="{TO_NAME}" value="${TO_NAME}"/>\n</View>\n'
    )


def to_label_studio(units: Iterable[dict], as_predictions: bool = True, model_version: str = "lawie") -> list[dict]:
    """One Label Studio task per unit, its spans and relations as predictions (shown as
    pre-annotations) or, with ``as_predictions=False``, as annotations."""
    tasks = []
    for unit in units:
        result = [_ls_region(ent) for ent in unit["entities"]]
        result += [
            {"type": "relation", "from_id": r["head"], "to_id": r["tail"], "direction": "right", "labels": [r["type"]]}
            for r in unit["relations"]
        ]
        data = {"text": unit["text"], "id": unit["id"], "source": unit["source"]}
        data.update({k: unit[k] for k in _CARRIED if k in unit})
        if as_predictions:
            tasks.append({"data": data, "predictions": [{"model_version": model_version, "result": result}]})
        else:
            tasks.append({"data": data, "annotations": [{"result": result}]})
    return tasks


def _ls_region(ent: dict) -> dict[str, Any]:
    value = {"start": ent["start"], "end": ent["end"], "text": ent["text"], "labels": [ent["label"]]}
    return {"id": ent["id"], "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels", "value": value}


def from_label_studio(tasks: Iterable[dict], use_predictions: bool = True) -> list[dict]:
    """Gold units from a Label Studio JSON export: each task's last annotation that was not
    cancelled; a task without annotations gives its last prediction (unless
    ``use_predictions=False``). A task whose every annotation was cancelled is left out."""
    units = []
    for n, task in enumerate(tasks):
        annotations = task.get("annotations") or []
        kept = [a for a in annotations if not a.get("was_cancelled")]
        if kept:
            result = kept[-1].get("result") or []
        elif annotations or not use_predictions or not task.get("predictions"):
            continue
        else:
            result = task["predictions"][-1].get("result") or []
        data = task.get("data", {})
        text = data.get(TO_NAME, "")
        spans = [_ls_span(text, r) for r in result if r.get("type") == "labels" and "start" in r.get("value", {})]
        links = [
            (r["from_id"], r["to_id"], (r.get("labels") or [RELATION])[0])
            for r in result
            if r.get("type") == "relation"
        ]
        uid = str(data.get("id") or f"label-studio-{task.get('id', n)}")
        units.append(_unit(uid, text, data, spans, links))
    return units


def _ls_span(text: str, result: dict) -> Span:
    value = result["value"]
    start, end = _code_points(text, value["start"], value["end"], value.get("text"))
    return str(result.get("id")), (value.get("labels") or [""])[0], start, end


def _code_points(text: str, start: int, end: int, expected: str | None) -> tuple[int, int]:
    """Offsets as Python counts them. A browser counts UTF-16 code units, so every character
    outside the BMP (rare CJK such as 𠮷) counts twice there; the region's text tells which."""
    if expected is None or text[start:end] == expected or all(ord(ch) <= 0xFFFF for ch in text):
        return start, end
    index, utf16 = {}, 0
    for i, ch in enumerate(text):
        index[utf16] = i
        utf16 += 2 if ord(ch) > 0xFFFF else 1
    index[utf16] = len(text)
    if start in index and end in index and text[index[start] : index[end]] == expected:
        return index[start], index[end]
    return start, end


# ------------------------------------------------------------------------ doccano -----
def to_doccano(units: Iterable[dict]) -> list[dict]:
    """doccano relation-extraction JSONL rows; entity ids are 1, 2, … in the unit's order,
    the unit's own id is kept as ``unit_id`` (doccano keeps extra keys as metadata)."""
    rows = []
    for n, unit in enumerate(units, 1):
        number = {ent["id"]: i for i, ent in enumerate(unit["entities"], 1)}
        entities = [
            {"id": number[e["id"]], "label": e["label"], "start_offset": e["start"], "end_offset": e["end"]}
            for e in unit["entities"]
        ]
        relations = [
            {"id": i, "from_id": number[r["head"]], "to_id": number[r["tail"]], "type": r["type"]}
            for i, r in enumerate(unit["relations"], 1)
        ]
        row = {"id": n, "text": unit["text"], "entities": entities, "relations": relations}
        row.update({"unit_id": unit["id"], "source": unit["source"]}, **{k: unit[k] for k in _CARRIED if k in unit})
        rows.append(row)
    return rows


def from_doccano(rows: Iterable[dict]) -> list[dict]:
    """Gold units from doccano JSONL: relation-extraction rows (``entities``/``relations``)
    or sequence-labeling rows (``label``: ``[[start, end, label], …]``). Entity ``7`` becomes ``T7``."""
    units = []
    for n, row in enumerate(rows, 1):
        text = row.get("text", row.get("data", ""))
        row = {"relations": [], **row}
        if "entities" in row:
            spans = [(f"T{e['id']}", e["label"], e["start_offset"], e["end_offset"]) for e in row["entities"]]
        else:
            spans = [(f"T{i}", label, s, e) for i, (s, e, label) in enumerate(row.get("label") or [], 1)]
        links = [(f"T{r['from_id']}", f"T{r['to_id']}", r.get("type") or RELATION) for r in row["relations"]]
        uid = str(row.get("unit_id") or f"doccano-{row.get('id', n)}")
        units.append(_unit(uid, text, row, spans, links))
    return units


# ------------------------------------------------------------------ gold units -----
def _unit(uid: str, text: str, meta: dict, spans: Sequence[Span], links: Sequence[tuple[str, str, str]]) -> dict:
    """A gold unit: entities in text order with COUNT fields from the normalizer, relations
    oriented COUNT → target, deduplicated, those to a missing entity dropped."""
    source = meta.get("source")
    if not (isinstance(source, dict) and isinstance(source.get("file"), str)):
        source = {"file": uid, "start": 0, "end": len(text)}
    unit: dict[str, Any] = {"id": uid, "text": text, "source": source, "synthetic": bool(meta.get("synthetic"))}
    if meta.get("split") in ("train", "dev", "test"):
        unit["split"] = meta["split"]
    cleaned = clean(text)
    bounds = sentence_bounds(cleaned.text)
    entities, labels = [], {}
    for ent_id, label, start, end in sorted(spans, key=lambda s: (s[2], s[3])):
        if ent_id in labels:
            continue  # a region seen twice (Label Studio repeats ids across result types)
        labels[ent_id] = label
        ent = {"id": ent_id, "label": label, "start": start, "end": end, "text": text[start:end]}
        if label == "COUNT":
            ent.update(count_fields(cleaned, bounds, start, end))
        entities.append(ent)
    relations: list[dict] = []
    for head, tail, kind in links:
        if labels.get(head) in TARGET_LABELS and labels.get(tail) == "COUNT":  # drawn the other way, or "left"
            head, tail = tail, head
        rel = {"head": head, "tail": tail, "type": kind}
        if head in labels and tail in labels and rel not in relations:
            relations.append(rel)
    return {**unit, "entities": entities, "relations": relations}


def count_fields(cleaned: CleanText, bounds: list[tuple[int, int]], start: int, end: int) -> dict[str, Any]:
    """A COUNT's record fields from its text in its sentence (``cleaned`` is ``clean(text)``,
    ``bounds`` its ``sentence_bounds``); value 0 and unit "" when the normalizer cannot read it."""
    fields = _placeholder()
    span = cleaned.offsets.from_original(start, end) if 0 <= start < end <= len(cleaned.original) else None
    if span is None:
        return fields
    text, (s, e) = cleaned.text, span
    sentence = sentence_of(bounds, s)
    quantity = parse_quantity(text[s:e], context_before=text[sentence[0] : s], context_after=text[e : sentence[1]])
    if quantity is not None:
        unit = unicodedata.normalize("NFKC", _unit_as_written(cleaned, (s, e, "COUNT"), quantity.unit))
        fields.update(value=quantity.value, unit=unit, qualifier=quantity.qualifier, change=quantity.change)
        fields["direction"] = quantity.direction
    return fields


def units_from_documents(docs: Sequence[Document], ids: Sequence[str] | None = None, max_len: int = 400) -> list[dict]:
    """Gold units from ``lawie.extract`` results, for pre-annotation: one unit per paragraph
    (long ones cut at sentence ends, ``lawie.data.units.split_units``) with the document's
    entities inside it, QUANTIFIES from its records and COUNT fields from the records (a COUNT
    without a record is one the normalizer could not read: value 0, unit ""). Unit ids are
    ``<doc id>-<start>``; ``source.file`` is ``ids[i]``, else ``doc.id``, else ``doc<i>``."""
    units = []
    for n, doc in enumerate(docs):
        doc_id = str(ids[n] if ids is not None else doc.id or f"doc{n}")
        records = {(r.count.start, r.count.end): r for r in doc.records}
        for start, end in split_units(doc.text, max_len=max_len):
            inside = [e for e in doc.entities if start <= e.start and e.end <= end]
            ids_of = {(e.start, e.end, e.label): f"T{i}" for i, e in enumerate(inside, 1)}
            entities, relations = [], []
            for e in inside:
                ent: dict[str, Any] = {"id": ids_of[e.start, e.end, e.label], "label": e.label}
                ent.update(start=e.start - start, end=e.end - start, text=e.text)
                record = records.get((e.start, e.end)) if e.label == "COUNT" else None
                if e.label == "COUNT":
                    ent.update(_record_fields(record))
                target = record.target if record else None
                if target and (tail := ids_of.get((target.start, target.end, target.label))):
                    relations.append({"head": ent["id"], "tail": tail, "type": RELATION})
                entities.append(ent)
            source = {"file": doc_id, "start": start, "end": end}
            unit = {"id": f"{doc_id}-{start:06d}", "text": doc.text[start:end], "source": source, "synthetic": False}
            units.append({**unit, "entities": entities, "relations": relations})
    return units


def _record_fields(record: Record | None) -> dict[str, Any]:
    if record is None:
        return _placeholder()
    return {
        "value": record.value, "unit": unicodedata.normalize("NFKC", record.unit), "qualifier": record.qualifier,
        "change": record.change, "direction": record.direction, "org": record.org, "year": record.year,
        "action": record.action,
    }  # fmt: skip


def _placeholder() -> dict[str, Any]:
    """The fields of a COUNT the normalizer cannot read."""
    return {"value": 0, "unit": "", "qualifier": None, "change": False, "direction": None, "org": None,
            "year": None, "action": None}  # fmt: skip
