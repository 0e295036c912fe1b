"""Gold data: the annotation format, its validator and loaders."""
