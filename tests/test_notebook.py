"""``notebooks/quickstart.ipynb`` runs top to bottom, offline, and shows what it promises."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "quickstart.ipynb"


def test_quickstart_runs_top_to_bottom(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "COUNT" in html and "METRIC" in html  # displaCy entities
    assert "metric_key" in html  # the records table
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the chart
    text = "".join(o.get("text", "") for o in outputs)
    assert "dev micro F1 of the 1-epoch model" in text
