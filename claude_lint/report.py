"""Formatters: pure functions from diagnostics to text."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from claude_lint.diagnostics import Applicability, Diagnostic
from claude_lint.registry import DOCS_URL


def _display_path(path: str) -> str:
    """Paths relative to the working directory when under it, as ruff prints them."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return path


def _fix_marker(d: Diagnostic) -> str:
    if d.fix is None:
        return ""
    return "[*] " if d.fix.applicability is Applicability.SAFE else "[-] "


def format_concise(diagnostics: Sequence[Diagnostic], sources: dict[str, str]) -> str:
    return "".join(
        f"{_display_path(d.path)}:{d.start.line}:{d.start.column + 1}: {d.code} {_fix_marker(d)}{d.message}\n"
        for d in diagnostics
    )


def _excerpt(d: Diagnostic, text: str | None) -> list[str]:
    if not text:
        return []
    lines = text.splitlines()
    if not 1 <= d.start.line <= len(lines):
        return []
    first = max(1, d.start.line - 2)
    last = min(len(lines), d.start.line + 2)
    width = len(str(last))
    pad = " " * width
    out = [f"{pad} |"]
    for number in range(first, last + 1):
        out.append(f"{number:>{width}} | {lines[number - 1]}".rstrip())
        if number == d.start.line:
            end_col = d.end.column if d.end.line == d.start.line and d.end.column > d.start.column else len(lines[number - 1])
            carets = "^" * max(1, end_col - d.start.column)
            out.append(f"{pad} | {' ' * d.start.column}{carets} {d.code}")
    out.append(f"{pad} |")
    if d.fix is not None:
        kind = "" if d.fix.applicability is Applicability.SAFE else " (unsafe)"
        out.append(f"{pad} = help: {d.fix.message}{kind}")
    return out


def format_text(diagnostics: Sequence[Diagnostic], sources: dict[str, str]) -> str:
    blocks = []
    for d in diagnostics:
        head = f"{_display_path(d.path)}:{d.start.line}:{d.start.column + 1}: {d.code} {_fix_marker(d)}{d.message}"
        blocks.append("\n".join([head, *_excerpt(d, sources.get(d.path))]) + "\n")
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


def statistics(diagnostics: Sequence[Diagnostic]) -> str:
    from claude_lint.registry import rules_by_code

    names = {code: rule.name for code, rule in rules_by_code().items()}
    counts = Counter(d.code for d in diagnostics)
    fixable = {d.code for d in diagnostics if d.fix is not None}
    width = max((len(str(n)) for n in counts.values()), default=1)
    return "".join(
        f"{n:>{width}}\t{code}\t{'[*] ' if code in fixable else ''}{names.get(code, '')}\n"
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )


def _location(line: int, column: int) -> dict[str, int]:
    return {"row": line, "column": column + 1}


def to_json_object(d: Diagnostic) -> dict[str, object]:
    """One diagnostic with ruff's JSON keys (1-based columns)."""
    fix = None
    if d.fix is not None:
        fix = {
            "applicability": d.fix.applicability.value,
            "message": d.fix.message,
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
        "message": d.message,
        "filename": str(Path(d.path).resolve()) if d.path != "-" else d.path,
        "location": _location(d.start.line, d.start.column),
        "end_location": _location(d.end.line, d.end.column),
        "fix": fix,
        "noqa_row": d.noqa_line,
        "url": DOCS_URL.format(code=d.code),
    }


def format_json(diagnostics: Sequence[Diagnostic], sources: dict[str, str]) -> str:
    return json.dumps([to_json_object(d) for d in diagnostics], indent=2) + "\n"


FORMATTERS: dict[str, Callable[[Sequence[Diagnostic], dict[str, str]], str]] = {
    "text": format_text,
    "full": format_text,
    "concise": format_concise,
    "json": format_json,
}
HUMAN_FORMATS = frozenset({"text", "full", "concise"})
