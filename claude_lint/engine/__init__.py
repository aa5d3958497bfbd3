"""Linting one file: parse, run the rules, apply suppressions; the fix loop."""
