"""`# noqa` and `# claude-lint: ignore[...]` comments.

Comments are found with `tokenize`, so a `# noqa` inside a string literal
does not count. Files are only tokenized when they have diagnostics and
contain one of the markers.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from claude_lint.config.selection import matches_any

NOQA_COMMENT = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*claude-lint:\s*ignore\[(?P<codes>[^\]]*)\]")
_CODE = re.compile(r"[A-Z]+[0-9]+")

ALL = "ALL"  # the selector that names every code


@dataclass
class Suppressions:
    """Codes suppressed per line; ALL means every code."""

    by_line: dict[int, set[str]] = field(default_factory=dict)

    def add(self, line: int, codes: set[str]) -> None:
        self.by_line.setdefault(line, set()).update(codes)

    def suppresses(self, line: int, code: str) -> bool:
        codes = self.by_line.get(line)
        if not codes:
            return False
        return matches_any(code, codes)


def _codes(text: str | None) -> set[str]:
    if not text:
        return {ALL}
    return {c.upper() for c in _CODE.findall(text.upper())}


def find_suppressions(text: str) -> Suppressions:
    result = Suppressions()
    if "noqa" not in text.lower() and "claude-lint:" not in text:
        return result
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return result
    # Line ranges of logical lines, for own-line `claude-lint: ignore` comments.
    pending: list[set[str]] = []
    logical_start: int | None = None
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            noqa = NOQA_COMMENT.search(tok.string)
            if noqa is not None:
                result.add(tok.start[0], _codes(noqa.group("codes")))
            ignore = _IGNORE.search(tok.string)
            if ignore is not None:
                codes = _codes(ignore.group("codes")) if ignore.group("codes").strip() else {ALL}
                if logical_start is None:
                    pending.append(codes)
                else:
                    result.add(tok.start[0], codes)
            continue
        if tok.type in (tokenize.NL, tokenize.ENCODING, tokenize.INDENT, tokenize.DEDENT):
            continue
        if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            if logical_start is not None and pending:
                for line in range(logical_start, tok.start[0] + 1):
                    for codes in pending:
                        result.add(line, codes)
                pending = []
            logical_start = None
            continue
        if logical_start is None:
            logical_start = tok.start[0]
    return result


# ---------------------------------------------------------------- --add-noqa











