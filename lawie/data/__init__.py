"""Gold data: the annotation format, its validator and loaders."""

from lawie.data.loader import TAGS, bio_tags, load_gold

__all__ = ["TAGS", "bio_tags", "load_gold"]
