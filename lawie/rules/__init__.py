"""The rule engine: patterns, quote/《》 structure and gazetteers for all five labels.

It is lawie's baseline, its fallback, and the weak labeller that pre-annotates
training text. ``RuleEngine().tag(texts)`` returns flat spans over cleaned text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lawie.rules.finders import (
    AREA_ALIAS,
    find_area_actors,
    find_counts,
    find_initiatives,
    find_metrics,
    find_orgs,
    find_quotes,
    find_titles,
    find_years,
)
from lawie.spans import Ranges, select_flat

Span = tuple[int, int, str]
# Overlaps are settled by priority, then length: a title beats what it contains,
# a year or count beats an ORG guess, a METRIC gives way to everything.
_PRIORITY = {"TITLE": 6, "YEAR": 5, "COUNT": 4, "ORG": 3, "INITIATIVE": 3, "METRIC": 1}


class RuleEngine:
    name = "rules"

    def tag(self, texts: Sequence[str]) -> list[list[tuple[int, int, str, float]]]:
        return [[(s, e, label, 1.0) for s, e, label in tag(text)] for text in texts]


def tag(text: str) -> list[Span]:
    titles = list(find_titles(text))
    in_title = Ranges(titles)
    quotes = [q for q in find_quotes(text) if not in_title.covers(q[0], q[0] + 1)]
    masked = Ranges(titles + quotes)
    initiatives = find_initiatives(text, quotes, [])
    named = _flat(
        [(s, e, "TITLE") for s, e in titles]
        + [y for y in find_years(text) if not masked.covers(y[0], y[1])]
        + find_counts(text, masked.ranges)
        + find_orgs(text, titles)
        + find_area_actors(text, _known_areas(text))
        + initiatives
    )
    metrics = find_metrics(text, [s for s in named if s[2] == "COUNT"], named)
    metric_ranges = Ranges(m[:2] for m in metrics)
    inside_metric = [s for s in named if s[2] in ("INITIATIVE", "TITLE") and metric_ranges.covers(s[0], s[1])]
    final = _flat([s for s in named if s not in inside_metric] + metrics)
    return [(s, e, "INITIATIVE" if label == "TITLE" else label) for s, e, label in final]


def _flat(spans: list[Span]) -> list[Span]:
    chosen = select_flat((s, e, _PRIORITY[label], label) for s, e, label in spans)
    return [(s, e, label) for s, e, label in chosen]


def _known_areas(text: str) -> set[str]:
    """Short names a report gives itself: 昆都仑区(以下简称昆区) → 昆区, 昆都仑区."""
    known: set[str] = set()
    for m in re.finditer(AREA_ALIAS, text):
        known.update(g for g in m.groups() if g)
    return known
