"""Output: the report, text and JSON formats, CI formats, rule documentation."""
