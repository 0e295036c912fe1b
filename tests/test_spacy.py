"""The spaCy component (lawie.spacy_component): entry point, ents, records, pipe, displaCy."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

spacy = pytest.importorskip("spacy")

import lawie  # noqa: E402
from lawie.spacy_component import DISPLACY_OPTIONS, LawieComponent, render  # noqa: E402

SHORT = "2022年共受理行政复议案件37件，审结25件。"


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("zh")
    nlp.add_pipe("lawie", config={"engine": "rules"})
    return nlp


def _ents(doc) -> set[tuple[int, int, str]]:
    return {(e.start_char, e.end_char, e.label_) for e in doc.ents}


def test_entry_point_without_importing_lawie():
    code = (
        "import sys, spacy; assert 'lawie' not in sys.modules; nlp = spacy.blank('zh'); "
        "nlp.add_pipe('lawie', config={'engine': 'rules'}); d = nlp('" + SHORT + "'); "
        "print([(e.text, e.label_) for e in d.ents])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    expected = [(e.text, e.label) for e in lawie.extract(SHORT, engine="rules").entities]
    assert ast.literal_eval(out.stdout.strip().splitlines()[-1]) == expected
    assert ("37件", "COUNT") in expected


def test_ents_and_records_equal_lawie_on_samples(nlp, seeds):
    for text in seeds.values():
        doc = nlp(text)
        result = lawie.extract(text, engine="rules")
        assert doc.text == text
        assert _ents(doc) == {(e.start, e.end, e.label) for e in result.entities}
        assert {e.label_ for e in doc.ents} <= set(lawie.LABELS)
        assert [r.to_dict() for r in doc._.records] == [r.to_dict() for r in result.records]
        assert doc._.records and all(isinstance(r, lawie.Record) for r in doc._.records)
        assert isinstance(doc._.lawie, lawie.Document) and doc._.lawie.records is doc._.records


def test_count_spans_carry_value_unit_qualifier(nlp, seeds):
    doc = nlp(SHORT)
    counts = [(e.text, e._.value, e._.unit, e._.qualifier) for e in doc.ents if e.label_ == "COUNT"]
    assert counts == [("37件", 37, "件", None), ("25件", 25, "件", None)]
    assert all(e._.value is None and e._.unit is None for e in doc.ents if e.label_ != "COUNT")
    assert doc.char_span(14, 17, label="METRIC")._.value is None  # only COUNT spans read a record
    assert doc.char_span(14, 23, label="COUNT")._.value == 37  # a span over two COUNTs: the first
    assert nlp.make_doc(SHORT).char_span(14, 17, label="COUNT")._.value is None  # no records, no value
    for text in seeds.values():
        doc = nlp(text)
        by_count = {(r.count.start, r.count.end): r for r in doc._.records}
        spans = [e for e in doc.ents if e.label_ == "COUNT"]
        assert spans
        for span in spans:
            record = by_count[(span.start_char, span.end_char)]
            assert (span._.value, span._.unit, span._.qualifier) == (record.value, record.unit, record.qualifier)
    assert any(e._.qualifier for t in seeds.values() for e in nlp(t).ents)


def test_pipe_equals_one_by_one(nlp, seeds):
    texts = [*seeds.values(), SHORT, ""]
    one_by_one = [nlp(t) for t in texts]
    for batch_size in (1, 3, 100):
        piped = list(nlp.pipe(texts, batch_size=batch_size))
        assert [d.text for d in piped] == texts
        assert [_ents(d) for d in piped] == [_ents(d) for d in one_by_one]
        assert [[r.to_dict() for r in d._.records] for d in piped] == [
            [r.to_dict() for r in d._.records] for d in one_by_one
        ]


def test_pipe_uses_lawie_batching(nlp, monkeypatch):
    sizes: list[int] = []
    real = lawie.iter_extract

    def spy(texts, batch_size=16, **kw):
        sizes.append(batch_size)
        return real(texts, batch_size, **kw)

    monkeypatch.setattr(lawie, "iter_extract", spy)
    assert len(list(nlp.pipe([SHORT] * 5, batch_size=2))) == 5
    assert len(list(nlp.get_pipe("lawie").pipe(nlp.make_doc(t) for t in [SHORT]))) == 1
    assert sizes == [2, 16]  # nlp.pipe's batch_size, else the config's


def test_span_boundary_inside_token_expands_and_drops_overlaps():
    """With 3-character tokens, lawie's edges fall inside tokens: spans widen to whole tokens, and the
    widened COUNT 37件 (12-18) overlaps the widened METRIC (6-15) and is dropped by filter_spans."""
    nlp = spacy.blank("zh")
    nlp.tokenizer = lambda text: spacy.tokens.Doc(
        nlp.vocab, words=[text[i : i + 3] for i in range(0, len(text), 3)], spaces=[False] * -(-len(text) // 3)
    )
    nlp.add_pipe("lawie", config={"engine": "rules"})
    doc = nlp(SHORT)
    assert [t.text for t in doc][:3] == ["202", "2年共", "受理行"]
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("2022年共", "YEAR"),
        ("受理行政复议案件3", "METRIC"),
        ("审结25件。", "COUNT"),
    ]
    assert [(e._.value, e._.unit) for e in doc.ents if e.label_ == "COUNT"] == [(25, "件")]
    assert [r.count.text for r in doc._.records] == ["37件", "25件"]  # the records keep lawie's offsets


def test_config_defaults_and_bad_engine():
    nlp = spacy.blank("zh")
    component = nlp.add_pipe("lawie")
    assert isinstance(component, LawieComponent)
    assert (component.engine, component.linker, component.batch_size) == (None, None, 16)
    with pytest.raises(ValueError, match="unknown engine"):
        spacy.blank("zh").add_pipe("lawie", config={"engine": "nope"})


def test_default_engine_short_text():
    nlp = spacy.blank("zh")
    nlp.add_pipe("lawie")
    doc = nlp(SHORT)
    assert _ents(doc) == {(e.start, e.end, e.label) for e in lawie.extract(SHORT).entities}
    assert [(e.text, e._.value) for e in doc.ents if e.label_ == "COUNT"] == [("37件", 37), ("25件", 25)]


def test_render_html_has_labels_and_colours(nlp, seeds, monkeypatch):
    monkeypatch.setattr(spacy.displacy, "is_in_jupyter", lambda: True)  # the helper still returns HTML
    html = render(list(nlp.pipe(seeds.values())))
    assert isinstance(html, str) and html.startswith("<div")
    assert set(DISPLACY_OPTIONS["ents"]) == set(lawie.LABELS) == set(DISPLACY_OPTIONS["colors"])
    for label, colour in DISPLACY_OPTIONS["colors"].items():
        assert label in html and colour in html
    html = render(nlp(SHORT), options={"colors": {"COUNT": "#123456"}})
    assert "#123456" in html and DISPLACY_OPTIONS["colors"]["YEAR"] in html
