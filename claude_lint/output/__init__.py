"""Output: the Report, the text and JSON formats, the CI formats, formats by name, rule documentation."""
