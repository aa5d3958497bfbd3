"""Lines as Python counts them: broken only at `\\r\\n`, `\\r` and `\\n`.

`str.splitlines` also breaks at `\\f`, `\\x1c`, `\\u2028` and more, which Python's
tokenizer does not: our line numbers, and libcst's, would drift from it.
"""

from __future__ import annotations

import re

LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_WITH_BREAK = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """The lines without their breaks; a text ending in a break ends with an empty string."""
    return LINE_BREAK.split(text)


def lines_with_breaks(text: str) -> list[str]:
    """The lines, each with its own break (the last one may have none)."""
    return _LINE_WITH_BREAK.findall(text)


def line_offsets(text: str) -> list[int]:
    """The text offset where each line starts."""
    return [0, *(match.end() for match in LINE_BREAK.finditer(text))]
