"""lawie as a spaCy pipeline component.

    >>> import spacy
    >>> nlp = spacy.blank("zh")
    >>> _ = nlp.add_pipe("lawie", config={"engine": "rules"})  # no ``import lawie`` needed: entry point
    >>> doc = nlp("2022年共受理行政复议案件37件，审结25件。")
    >>> [(e.text, e.label_, e._.value, e._.unit) for e in doc.ents if e.label_ == "COUNT"]
    [('37件', 'COUNT', 37, '件'), ('25件', 'COUNT', 25, '件')]

The component fills ``doc.ents`` (replacing any earlier ones) with lawie's ORG, YEAR, COUNT,
METRIC and INITIATIVE entities, sets ``doc._.lawie`` (the ``lawie.Document``) and
``doc._.records`` (its ``lawie.Record`` list), and gives every span ``span._.value``,
``span._.unit`` and ``span._.qualifier``: the record's reading of a COUNT, None otherwise.

Token boundaries: lawie's offsets are characters. ``spacy.blank("zh")`` splits into single
characters, so every entity maps to tokens exactly. With a coarser tokenizer (jieba, pkuseg, a
custom one) an entity edge may fall inside a token; the span is then widened to whole tokens
(``alignment_mode="expand"``), and where widened spans overlap, ``spacy.util.filter_spans``
keeps the longest (then the earliest) and drops the rest from ``doc.ents``. ``doc._.lawie`` and
``doc._.records`` always keep lawie's exact offsets; a widened COUNT span reads the record of
the COUNT it contains.

``doc._.lawie`` holds Python objects, so such docs do not go through ``Doc.to_bytes`` (and
hence not through ``nlp.pipe(n_process>1)``); use the default ``n_process=1``.
"""

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from spacy import displacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

import lawie
from lawie.pipeline import ENGINES
from lawie.records import LABELS, Document, Record

DISPLACY_OPTIONS: dict[str, Any] = {
    "ents": list(LABELS),
    "colors": {
        "ORG": "#7aecec",
        "YEAR": "#bfe1d9",
        "COUNT": "#feca74",
        "METRIC": "#aa9cfc",
        "INITIATIVE": "#ff9561",
    },
}


def _count_record(span: Span) -> Record | None:
    """The record of the COUNT ``span`` stands for: the first whose COUNT lies within it (its own
    offsets with the character tokenizer, a widened span's inner COUNT otherwise)."""
    if span.label_ != "COUNT":
        return None
    records = span.doc._.records or []
    return next((r for r in records if span.start_char <= r.count.start and r.count.end <= span.end_char), None)


def _record_field(name: str) -> Callable[[Span], Any]:
    def getter(span: Span) -> Any:
        record = _count_record(span)
        return getattr(record, name) if record else None

    return getter


if not Doc.has_extension("lawie"):
    Doc.set_extension("lawie", default=None)
if not Doc.has_extension("records"):
    Doc.set_extension("records", default=None)
for _field in ("value", "unit", "qualifier"):
    if not Span.has_extension(_field):
        Span.set_extension(_field, getter=_record_field(_field))


class LawieComponent:
    """Runs ``lawie.extract`` on each doc's text and writes entities and records onto the doc."""

    def __init__(self, engine: str | None = None, linker: str | None = None, batch_size: int = 16) -> None:
        if engine not in (None, *ENGINES):
            raise ValueError(f"unknown engine {engine!r}; available: {', '.join(ENGINES)}")
        if linker not in (None, "pairs", "rules"):
            raise ValueError(f"unknown linker {linker!r}; available: pairs, rules")
        self.engine = engine
        self.linker = linker
        self.batch_size = batch_size

    def __call__(self, doc: Doc) -> Doc:
        return self._annotate(doc, lawie.extract(doc.text, engine=self.engine, linker=self.linker))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """Stream ``docs`` through ``lawie.iter_extract`` in batches of ``batch_size`` (``nlp.pipe``'s,
        else the component's own); each doc comes out as ``__call__`` would make it."""
        pending: deque[Doc] = deque()

        def texts() -> Iterator[str]:
            for doc in docs:
                pending.append(doc)
                yield doc.text

        size = batch_size or self.batch_size
        for result in lawie.iter_extract(texts(), batch_size=size, engine=self.engine, linker=self.linker):
            yield self._annotate(pending.popleft(), result)

    @staticmethod
    def _annotate(doc: Doc, result: Document) -> Doc:
        spans = [doc.char_span(e.start, e.end, label=e.label, alignment_mode="expand") for e in result.entities]
        doc.ents = filter_spans([s for s in spans if s is not None])
        doc._.lawie = result
        doc._.records = result.records
        return doc


@Language.factory("lawie", default_config={"engine": None, "linker": None, "batch_size": 16})
def make_lawie(nlp: Language, name: str, engine: str | None, linker: str | None, batch_size: int) -> LawieComponent:
    """spaCy factory (entry point ``spacy_factories: lawie``); ``engine``/``linker`` as in ``lawie.extract``."""
    return LawieComponent(engine=engine, linker=linker, batch_size=batch_size)


def render(doc: Doc | Iterable[Doc], **kw: Any) -> str | None:
    """displaCy entity view with lawie's colours. Returns the HTML string; pass ``jupyter=None``
    (auto-detect) or ``jupyter=True`` to display it in a notebook instead. ``options`` (and their
    ``colors``) are merged over ``DISPLACY_OPTIONS``."""
    kw.setdefault("jupyter", False)
    extra = kw.pop("options", {})
    options = {**DISPLACY_OPTIONS, **extra, "colors": {**DISPLACY_OPTIONS["colors"], **extra.get("colors", {})}}
    return displacy.render(doc, style="ent", options=options, **kw)
