"""API keys in text: find them, mask them in excerpts, shorten them in messages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from claude_lint.core.diagnostics import Diagnostic
from claude_lint.core.lines import split_lines

# An Anthropic API key: `sk-ant-` and its secret part (`api03-...`, `admin01-...`).
API_KEY = re.compile(r"sk-ant-[A-Za-z0-9_\-]+")


def redact(message: str) -> str:
    """A message with any API key in it shortened to `sk-ant-...` (rules quote literals they
    report: a key pasted as a model name or a role would come out whole)."""
    return API_KEY.sub("sk-ant-...", message)


def mask_secrets(line: str, spans: Sequence[tuple[int, int]] = ()) -> str:
    """The line with API keys starred out, keeping its length so carets still line up.

    `sk-ant-` keys are masked wherever they are; `spans` (column ranges of
    literals reported as secrets, which may be keys of another form) are
    masked too, inside their quotes.
    """
    chars = list(API_KEY.sub(lambda m: "sk-ant-" + "*" * (len(m.group()) - 7), line))
    for start, end in spans:
        shown = 0  # the first 7 characters stay, as in the messages that report a key
        for column in range(max(start, 0), min(end, len(chars))):
            if chars[column] in "'\"":
                continue
            if shown < 7:
                shown += 1
            else:
                chars[column] = "*"
    return "".join(chars)


def secret_spans(diagnostics: Iterable[Diagnostic]) -> dict[tuple[str, int], list[tuple[int, int]]]:
    """(path, line) -> column ranges of the secrets diagnostics reported there (`Diagnostic.secret`)."""
    spans: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for d in diagnostics:
        if d.secret and d.start.line == d.end.line:
            spans.setdefault((d.path, d.start.line), []).append((d.start.column, d.end.column))
    return spans


def reported_literals(diagnostics: Iterable[Diagnostic], text: str) -> tuple[str, ...]:
    """The secret literals reported in `text` that are not `sk-ant-` keys (`api_key="zk-..."`),
    so that output which shows them elsewhere (a diff's removed lines) can mask them too."""
    lines = split_lines(text)
    found: list[str] = []
    for d in diagnostics:
        if d.secret and d.start.line == d.end.line and d.start.line <= len(lines):
            literal = lines[d.start.line - 1][d.start.column : d.end.column].strip("'\"")
            if len(literal) > 7 and not API_KEY.fullmatch(literal) and literal not in found:
                found.append(literal)
    return tuple(found)


def mask_literals(line: str, literals: Iterable[str]) -> str:
    """The line with `sk-ant-` keys starred out and each of `literals` after its first 7 characters."""
    line = mask_secrets(line)
    for literal in literals:
        line = line.replace(literal, literal[:7] + "*" * (len(literal) - 7))
    return line
