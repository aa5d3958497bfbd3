"""The local output formats: `text` (with source excerpts), `concise`, `json`, `json-lines`; the summary.

They import neither libcst nor the rules (the CI formats are `ci_formats`,
imported only when asked for).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence

from claude_lint.core.diagnostics import Applicability, Diagnostic
from claude_lint.core.lines import split_lines
from claude_lint.core.paths import display
from claude_lint.core.secrets import API_KEY, mask_secrets, redact, secret_spans
from claude_lint.lint.rule import DOCS_URL
from claude_lint.output.escape import printable
from claude_lint.output.report import Report, display_path

# ANSI styles, as ruff colours its output: the path bold, the code and the carets red.
_BOLD, _RED, _RESET = "\x1b[1m", "\x1b[1;31m", "\x1b[0m"


def _paint(text: str, style: str, colour: bool) -> str:
    return f"{style}{text}{_RESET}" if colour else text


def use_colour(stream: object, environ: Mapping[str, str]) -> bool:
    """Colour for a terminal, unless NO_COLOR is set (no-color.org) or TERM=dumb; human formats only (the caller's check)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"


def _heads(report: Report) -> Iterator[tuple[Diagnostic, str]]:
    """Each diagnostic with its first line, `path:line:col: CODE [*] message` (both human formats).

    Paths and messages repeat across a report, so each is made printable once.
    """
    paths: dict[str, str] = {}
    messages: dict[str, str] = {}
    code_style: dict[str, str] = {}
    for d in report.diagnostics:
        path = paths.get(d.path)
        if path is None:
            path = paths[d.path] = _paint(display_path(d.path, report), _BOLD, report.colour)
        message = messages.get(d.message)
        if message is None:
            message = messages[d.message] = printable(redact(d.message))
        code = code_style.get(d.code)
        if code is None:
            code = code_style[d.code] = _paint(d.code, _RED, report.colour)
        yield d, f"{path}:{d.start.line}:{d.start.column + 1}: {code} {_fix_marker(d)}{message}"


def _fix_marker(d: Diagnostic) -> str:
    if d.fix is None:
        return ""
    return "[*] " if d.fix.applicability is Applicability.SAFE else "[-] "


def format_concise(report: Report) -> str:
    return "".join(f"{head}\n" for _, head in _heads(report))










def _source_lines(text: str | None) -> list[str]:
    if not text:
        return []
    lines = split_lines(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _excerpt(
    d: Diagnostic,
    lines: Sequence[str],
    secrets: Mapping[tuple[str, int], Sequence[tuple[int, int]]] | None = None,
    colour: bool = False,
) -> list[str]:
    if not 1 <= d.start.line <= len(lines):
        return []
    secrets = secrets or {}
    first = max(1, d.start.line - 2)
    last = min(len(lines), d.start.line + 2)
    width = len(str(last))
    pad = " " * width
    out = [f"{pad} |"]
    for number in range(first, last + 1):
        line = printable(mask_secrets(lines[number - 1], secrets.get((d.path, number), ())))
        out.append(f"{number:>{width}} | {line}".rstrip())
        if number == d.start.line:
            end_col = d.end.column if d.end.line == d.start.line and d.end.column > d.start.column else len(line)
            carets = "^" * max(1, end_col - d.start.column)
            out.append(f"{pad} | {' ' * d.start.column}{_paint(f'{carets} {d.code}', _RED, colour)}")
    out.append(f"{pad} |")
    if d.fix is not None:
        kind = {Applicability.SAFE: "", Applicability.UNSAFE: " (unsafe)"}.get(d.fix.applicability, " (shown, not applied)")
        out.append(f"{pad} = help: {printable(redact(d.fix.message))}{kind}")
    return out


def format_text(report: Report) -> str:
    secrets = secret_spans(d for d, _ in report.everything())
    blocks = []
    lines_of: dict[str, list[str]] = {}  # split once per file, not once per finding
    for d, head in _heads(report):
        lines = lines_of.get(d.path)
        if lines is None:
            lines = lines_of[d.path] = _source_lines(report.sources.get(d.path))
        blocks.append("\n".join([head, *_excerpt(d, lines, secrets, report.colour)]) + "\n")
    return "\n".join(blocks)


def summary(diagnostics: Sequence[Diagnostic], unsafe_hint: bool = True) -> str:
    if not diagnostics:
        return "All checks passed!\n"
    count = len(diagnostics)
    lines = [f"Found {count} error{'s' if count != 1 else ''}."]
    safe = sum(1 for d in diagnostics if d.fix and d.fix.applicability is Applicability.SAFE)
    unsafe = sum(1 for d in diagnostics if d.fix and d.fix.applicability is Applicability.UNSAFE)
    if safe:
        lines.append(f"[*] {safe} fixable with the `--fix` option.")
    if unsafe and unsafe_hint:
        lines.append(f"[-] {unsafe} fixable with the `--fix --unsafe-fixes` options.")
    return "\n".join(lines) + "\n"


def _statistics_rows(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, int, str, str]]:
    """(code, count, fix marker as `check` prints it, rule name), most frequent first."""
    from claude_lint.engine.registry import rules_by_code

    names = {code: rule.name for code, rule in rules_by_code().items()}
    counts = Counter(d.code for d in diagnostics)
    markers: dict[str, str] = {}
    for d in diagnostics:  # a code with any safe fix is `[*]`, with only unsafe ones `[-]`
        marker = _fix_marker(d).strip()
        if marker and markers.get(d.code) != "[*]":
            markers[d.code] = marker
    return [
        (code, n, markers.get(code, ""), names.get(code, ""))
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def statistics(diagnostics: Sequence[Diagnostic]) -> str:
    """ruff's `--statistics` table: count, code, fix marker (`[*]` safe, `[-]` unsafe only), name."""
    rows = _statistics_rows(diagnostics)
    width = max((len(str(n)) for _, n, _, _ in rows), default=1)
    return "".join(f"{n:>{width}}\t{code}\t{marker or '   '} {name}\n" for code, n, marker, name in rows)


def statistics_json(diagnostics: Sequence[Diagnostic]) -> str:
    """ruff's JSON statistics: code, name, count, fixable (with `--fix`, that is a safe fix)."""
    rows = _statistics_rows(diagnostics)
    return json.dumps(
        [{"code": code, "name": name, "count": n, "fixable": marker == "[*]"} for code, n, marker, name in rows],
        indent=2,
    ) + "\n"


def _location(line: int, column: int) -> dict[str, int]:
    return {"row": line, "column": column + 1}


def to_json_object(d: Diagnostic) -> dict[str, object]:
    """One diagnostic with ruff's JSON keys (1-based columns)."""
    fix = None
    # A fix whose new text would carry an API key (a call rewritten with its arguments, say)
    # is left out: the JSON goes to CI logs and artifacts, and a masked edit would corrupt code.
    if d.fix is not None and not any(API_KEY.search(e.content) for e in d.fix.edits):
        fix = {
            "applicability": d.fix.applicability.value,
            "message": redact(d.fix.message),
            "edits": [
                {
                    "content": e.content,
                    "location": _location(e.start.line, e.start.column),
                    "end_location": _location(e.end.line, e.end.column),
                }
                for e in d.fix.edits
            ],
        }
    return {
        "cell": None,
        "code": d.code,
        "message": redact(d.message),
        "filename": display(os.path.abspath(d.path)) if d.path != "-" else d.path,
        "location": _location(d.start.line, d.start.column),
        "end_location": _location(d.end.line, d.end.column),
        "fix": fix,
        "noqa_row": d.noqa_line,
        "url": DOCS_URL.format(code=d.code),
    }


def format_json(report: Report) -> str:
    return json.dumps([to_json_object(d) for d in report.diagnostics], indent=2) + "\n"


def format_json_lines(report: Report) -> str:
    """One JSON object per line, with the `json` format's keys."""
    return "".join(json.dumps(to_json_object(d)) + "\n" for d in report.diagnostics)
