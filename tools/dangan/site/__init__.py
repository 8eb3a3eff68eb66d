"""The browsable archive: every page made from the index and the history (`generate`), and the MkDocs plugin
that turns them into a static site (`plugin`)."""
