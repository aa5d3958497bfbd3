"""`--diff`: the fixes as a unified diff, with API keys masked and control characters made visible."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from claude_lint.core.lines import lines_with_breaks
from claude_lint.core.secrets import mask_literals
from claude_lint.output.escape import printable

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@")

MASKED_NOTE = "API keys masked"
ESCAPED_NOTE = "control characters shown as symbols"


def format_diff(path: str, original: str, fixed: str, secrets: Sequence[str] = ()) -> str:
    """One file's unified diff, safe to print: every line ends in `\\n`, keys are masked (as in
    excerpts, with `secrets`: other literals reported as secrets) and control characters shown as
    symbols; a hunk changed that way says so in its `@@` header, since it no longer applies as
    a patch."""
    old, new = lines_with_breaks(original), lines_with_breaks(fixed)
    shown_path = printable(path)
    out: list[str] = []
    hunk: list[str] = []
    notes: set[str] = set()

    def flush() -> None:
        if hunk:
            said = [note for note in (MASKED_NOTE, ESCAPED_NOTE) if note in notes]
            head = hunk[0] + (f" for reading only ({', '.join(said)}); `--fix` applies the real change" if said else "")
            out.extend([head, *hunk[1:]])
            hunk.clear()
            notes.clear()

    for number, line in enumerate(difflib.unified_diff(old, new, lineterm="", n=3)):
        if number < 2:  # the ---/+++ header: difflib puts no names in it here
            continue
        if _HUNK.match(line):
            flush()
            hunk.append(line)
            continue
        kind, text = line[:1], line[1:].rstrip("\r\n")
        masked = mask_literals(text, secrets)
        if masked != text:
            notes.add(MASKED_NOTE)
        visible = printable(masked)
        if visible != masked:
            notes.add(ESCAPED_NOTE)
        hunk.append(kind + visible)
    flush()
    if not out:
        return ""
    return f"--- {shown_path}\n+++ {shown_path}\n" + "".join(line + "\n" for line in out)
