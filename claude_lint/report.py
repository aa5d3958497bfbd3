"""Formatters: pure functions from a run's diagnostics to text.

`text`, `concise`, `json` and `json-lines` live here and import neither
libcst nor the rules; the CI formats (`sarif`, `github`, `gitlab`, `junit`)
are in `claude_lint.formats`, imported only when asked for.
"""

from __future__ import annotations

import importlib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from claude_lint.diagnostics import Applicability, Diagnostic
from claude_lint.registry import DOCS_URL


@dataclass(frozen=True)
class Report:
    """Everything a formatter may show; formatters read nothing else but rule metadata."""

    diagnostics: Sequence[Diagnostic]  # reported: not suppressed, sorted
    sources: Mapping[str, str] = field(default_factory=dict)  # text of the files with diagnostics
    suppressed: Sequence[Diagnostic] = ()  # by a noqa or ignore comment in the file
    baselined: Sequence[Diagnostic] = ()  # accepted by the baseline file
    checked: Sequence[str] = ()  # every file checked, with or without findings
    base: Path | None = None  # paths are shown relative to this directory (default: cwd)

    @property
    def base_dir(self) -> Path:
        return (self.base or Path.cwd()).resolve()

    def everything(self) -> list[tuple[Diagnostic, str | None]]:
        """Reported and suppressed diagnostics, sorted, each with its SARIF suppression kind."""
        tagged = [
            *((d, None) for d in self.diagnostics),
            *((d, "inSource") for d in self.suppressed),
            *((d, "external") for d in self.baselined),
        ]
        return sorted(tagged, key=lambda item: item[0].sort_key())


def relative_path(path: str, base: Path) -> str:
    """`path` relative to `base` when under it (as ruff prints paths), else as given."""
    if path == "-":
        return path
    try:
        return Path(path).resolve().relative_to(base).as_posix()
    except (ValueError, OSError):
        return path


def _display_path(path: str, report: Report) -> str:
    return relative_path(path, report.base_dir)


def _fix_marker(d: Diagnostic) -> str:
    if d.fix is None:
        return ""
    return "[*] " if d.fix.applicability is Applicability.SAFE else "[-] "


def format_concise(report: Report) -> str:
    return "".join(
        f"{_display_path(d.path, report)}:{d.start.line}:{d.start.column + 1}: {d.code} {_fix_marker(d)}{d.message}\n"
        for d in report.diagnostics
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


def format_text(report: Report) -> str:
    blocks = []
    for d in report.diagnostics:
        head = f"{_display_path(d.path, report)}:{d.start.line}:{d.start.column + 1}: {d.code} {_fix_marker(d)}{d.message}"
        blocks.append("\n".join([head, *_excerpt(d, report.sources.get(d.path))]) + "\n")
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


def format_json(report: Report) -> str:
    return json.dumps([to_json_object(d) for d in report.diagnostics], indent=2) + "\n"


def format_json_lines(report: Report) -> str:
    """One JSON object per line, with the `json` format's keys."""
    return "".join(json.dumps(to_json_object(d)) + "\n" for d in report.diagnostics)


Formatter = Callable[[Report], str]

_LOCAL: dict[str, Formatter] = {
    "text": format_text,
    "full": format_text,
    "concise": format_concise,
    "json": format_json,
    "json-lines": format_json_lines,
}
# name -> function in claude_lint.formats (imported on use: it may need the rules' metadata)
_CI = {"sarif": "format_sarif", "github": "format_github", "gitlab": "format_gitlab", "junit": "format_junit"}
OUTPUT_FORMATS = (*_LOCAL, *_CI)
HUMAN_FORMATS = frozenset({"text", "full", "concise"})


def formatter(name: str) -> Formatter:
    if name in _LOCAL:
        return _LOCAL[name]
    formats = importlib.import_module("claude_lint.formats")
    return getattr(formats, _CI[name])  # type: ignore[no-any-return]


def base_directory(output_format: str, env: Mapping[str, str], cwd: Path) -> Path:
    """The directory a format's paths are relative to: where its consumer resolves them."""
    if output_format == "github" and env.get("GITHUB_WORKSPACE"):
        return Path(env["GITHUB_WORKSPACE"])
    if output_format == "gitlab" and env.get("CI_PROJECT_DIR"):
        return Path(env["CI_PROJECT_DIR"])
    if output_format == "sarif":
        from claude_lint.baseline import project_root

        return project_root(cwd)  # code scanning wants repository-relative URIs
    return cwd
