"""The browsable archive: an MkDocs plugin that turns the index and the history into a static site."""
