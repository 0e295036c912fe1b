"""Gold data: the annotation format, its validator and loaders."""

from __future__ import annotations


def load_gold(paths=None):
    """train/dev/test ``DatasetDict`` of the gold units (see ``lawie.data.loader``)."""
    from lawie.data.loader import load_gold as _load_gold

    return _load_gold(paths)


__all__ = ["load_gold"]
