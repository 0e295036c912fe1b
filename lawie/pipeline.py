"""``extract`` and ``extract_many``: text → cleaned text → engine spans → linked records,
with every offset mapped back to the caller's string."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from lawie import linker
from lawie.clean import CleanText, clean
from lawie.metric_key import metric_key
from lawie.pairs import DEFAULT_PAIRS, PairLinker
from lawie.quantity import parse_quantity
from lawie.records import Document, Entity, Record

Span = tuple[int, int, str]


class Engine(Protocol):
    """Anything that tags cleaned texts with ``(start, end, label, score)`` spans."""

    name: str

    def tag(self, texts: Sequence[str]) -> list[list[tuple[int, int, str, float]]]: ...


_ENGINES: dict[str, Engine] = {}
_LINKERS: dict[str, PairLinker] = {}
ENGINES = ("hybrid", "transformer", "rules")


def default_engine() -> str:
    """``hybrid`` (the shipped tagger, with COUNT and YEAR spans from the rules, the best
    combination on dev) when the model is in the package, else the rules."""
    from lawie.tagger import default_model_available

    return "hybrid" if default_model_available() else "rules"


def get_engine(name: str | Engine | None = None, model: str | Path | None = None) -> Engine:
    """The engine called ``name`` (loaded once, then reused); an engine object passes through.
    ``model`` is a tagger folder (e.g. from ``lawie train``) used instead of the shipped one."""
    if name is not None and not isinstance(name, str):
        return name
    if model is not None:
        return _model_engine(name or "hybrid", Path(model))
    name = name or default_engine()
    if name not in _ENGINES:
        check_engine(name)
        if name == "rules":
            from lawie.rules import RuleEngine

            _ENGINES[name] = RuleEngine()
        elif name == "transformer":
            from lawie.tagger import TransformerEngine

            _ENGINES[name] = TransformerEngine()
        elif name == "hybrid":
            from lawie.tagger import HybridEngine

            _ENGINES[name] = HybridEngine(get_engine("transformer"))
    return _ENGINES[name]


def check_engine(name: str | None, model: str | Path | None = None) -> None:
    """Fail on an unknown engine, a model given to the rules, or a missing model folder,
    without loading anything (a batch checks before its first report; a Ray driver
    needs no model of its own)."""
    from lawie.tagger import DEFAULT_MODEL

    if name is not None and name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; available: {', '.join(ENGINES)}")
    if model is not None and name == "rules":
        raise ValueError(f"engine {name!r} takes no model; use hybrid or transformer")
    folder = Path(model) if model is not None else DEFAULT_MODEL
    if (model is not None or name in ("hybrid", "transformer")) and not (folder / "config.json").exists():
        raise FileNotFoundError(f"no tagger model in {folder}")


def _model_engine(name: str, model: Path) -> Engine:
    from lawie.tagger import HybridEngine, TransformerEngine

    key = f"{name}:{model.resolve()}"
    if key not in _ENGINES:
        check_engine(name, model)
        tagger = TransformerEngine(model)
        _ENGINES[key] = HybridEngine(tagger) if name == "hybrid" else tagger
    return _ENGINES[key]


def get_linker(name: str | None = None) -> PairLinker | None:
    """The learned pair linker (``pairs``, the default when it ships) or None for the rules."""
    name = name or ("pairs" if DEFAULT_PAIRS.exists() else "rules")
    if name == "rules":
        return None
    if name != "pairs":
        raise ValueError(f"unknown linker {name!r}; available: pairs, rules")
    if "pairs" not in _LINKERS:
        _LINKERS["pairs"] = PairLinker.load(DEFAULT_PAIRS)
    return _LINKERS["pairs"]


def extract(
    text: str,
    year: int | None = None,
    org: str | None = None,
    engine: str | Engine | None = None,
    linker: str | None = None,
) -> Document:
    """Extract entities and records from one report.

    ``year`` and ``org`` are the report's own year and author when the caller knows
    them; otherwise they are read from the report's title or opening. ``linker`` is
    ``pairs`` (the learned linker, the default when shipped) or ``rules``.
    """
    return extract_many([text], year=year, org=org, engine=engine, linker=linker)[0]


def extract_many(
    texts: Iterable[str],
    batch_size: int = 16,
    progress: bool = False,
    year: int | None = None,
    org: str | None = None,
    engine: str | Engine | None = None,
    linker: str | None = None,
) -> list[Document]:
    """Extract many reports; the results equal ``extract`` called on each."""
    return list(iter_extract(texts, batch_size, progress, year=year, org=org, engine=engine, linker=linker))


def iter_extract(
    texts: Iterable[str],
    batch_size: int = 16,
    progress: bool = False,
    year: int | None = None,
    org: str | None = None,
    engine: str | Engine | None = None,
    linker: str | None = None,
) -> Iterator[Document]:
    """Streaming form of ``extract_many``: documents come out as batches finish."""
    tagger = get_engine(engine)
    pairs = get_linker(linker)
    batch: list[str] = []
    bar = _progress_bar(texts, progress)
    for text in bar:
        if not isinstance(text, str):
            raise TypeError(f"lawie.extract takes str, not {type(text).__name__}")
        batch.append(text)
        if len(batch) >= batch_size:
            yield from _run_batch(tagger, batch, year, org, pairs)
            batch = []
    if batch:
        yield from _run_batch(tagger, batch, year, org, pairs)


def _progress_bar(texts: Iterable[str], enabled: bool) -> Iterable[str]:
    if not enabled:
        return texts
    from tqdm.auto import tqdm

    return tqdm(texts, unit="doc", total=len(texts) if isinstance(texts, Sequence) else None)


def _run_batch(
    tagger: Engine, texts: list[str], year: int | None, org: str | None, pairs: PairLinker | None
) -> list[Document]:
    cleaned = [clean(t) for t in texts]
    tagged = tagger.tag([c.text for c in cleaned])
    return [build_document(c, spans, tagger.name, year, org, pairs) for c, spans in zip(cleaned, tagged)]


def build_document(
    cleaned: CleanText,
    tagged: list[tuple[int, int, str, float]],
    engine: str,
    year: int | None = None,
    org: str | None = None,
    pairs: PairLinker | None = None,
) -> Document:
    """Link the engine's spans into records and map everything to the caller's offsets."""
    spans = [(s, e, label) for s, e, label, _ in tagged]
    entities = {(s, e, label): _entity(cleaned, s, e, label, score) for s, e, label, score in tagged}
    title, author, report_year = linker.report_fields(cleaned.text, spans)
    report_year = year if year is not None else report_year
    author_org = (
        org if org is not None else (cleaned.original[slice(*cleaned.to_original(*author[:2]))] if author else None)
    )
    records = []
    for link in linker.link(cleaned.text, spans, report_year, pairs):
        record = _record(cleaned, link, entities, author_org)
        if record:
            records.append(record)
    return Document(
        text=cleaned.original,
        entities=sorted(entities.values(), key=lambda e: (e.start, e.end)),
        records=records,
        title=cleaned.original[slice(*cleaned.to_original(*title))] if title else None,
        author_org=author_org,
        report_year=report_year,
        engine=engine,
    )


def _entity(cleaned: CleanText, start: int, end: int, label: str, score: float) -> Entity:
    o_start, o_end = cleaned.to_original(start, end)
    return Entity(label, o_start, o_end, cleaned.original[o_start:o_end], score)


def _unit_as_written(cleaned: CleanText, count: Span, unit: str) -> str:
    """The unit in the caller's own characters (場次 stays 場次), pinyin and brackets dropped."""
    at = cleaned.text.rfind(unit, count[0], count[1]) if unit else -1
    if at < 0 or cleaned.original == cleaned.text:
        return unit
    start, end = cleaned.to_original(at, at + len(unit))
    written = re.sub(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]|[(（)）]", "", cleaned.original[start:end])
    return written if len(written) == len(unit) else unit


def _record(cleaned: CleanText, link: linker.Link, entities: dict[Span, Entity], author: str | None) -> Record | None:
    text = cleaned.text
    (count_start, count_end, _), (sentence_start, sentence_end) = link.count, link.sentence
    quantity = parse_quantity(
        text[count_start:count_end],
        context_before=text[sentence_start:count_start],
        context_after=text[count_end:sentence_end],  # 不低于5%的幅度压减: the change reads after the count
    )
    if quantity is None:
        return None  # the engine called something a COUNT that reads as no quantity
    sentence = cleaned.to_original(*link.sentence) if link.sentence[1] > link.sentence[0] else (0, 0)
    return Record(
        count=entities[link.count],
        target=entities[link.target] if link.target else None,
        value=quantity.value,
        unit=_unit_as_written(cleaned, link.count, quantity.unit),
        qualifier=quantity.qualifier,
        change=quantity.change,
        direction=quantity.direction,
        action=link.action,
        metric_key=metric_key(entities[link.target].text) if link.target else None,
        org=entities[link.org].text if link.org else author,
        year=link.year,
        sentence=sentence,
    )
