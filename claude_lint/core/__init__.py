"""Core utilities: diagnostics, source decoding, text edits, atomic writes, paths, secrets (no libcst)."""
