from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "lawie" / "samples"


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    """The five bundled sample reports, by their three-digit prefix."""
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))}
