"""A whole run: discover files, lint each with its own settings, collect the results."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from claude_lint.config import ConfigResolver, Settings
from claude_lint.diagnostics import Diagnostic, Location
from claude_lint.discover import discover
from claude_lint.engine import LintResult, engine_code_enabled, lint_bytes


@dataclass(frozen=True)
class RunOptions:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    force_exclude: bool = False
    stdin_filename: str | None = None


@dataclass
class Outcome:
    diagnostics: list[Diagnostic] = field(default_factory=list)  # not suppressed, sorted
    suppressed: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # text of files with diagnostics
    errors: list[str] = field(default_factory=list)
    files_checked: int = 0


def _with_cli_options(base: Settings, options: RunOptions) -> Settings:
    return base.with_overrides(
        select=options.select,
        extend_select=base.extend_select + options.extend_select,
        ignore=base.ignore + options.ignore,
    )


def _read(path: Path) -> bytes | str:
    """The file's bytes, or the reason it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return "No such file or directory"
    except IsADirectoryError:
        return "Is a directory"
    except PermissionError:
        return "Permission denied"
    except OSError as e:
        return e.strerror or str(e)


def run(paths: list[str], resolver: ConfigResolver, options: RunOptions) -> Outcome:
    outcome = Outcome()
    results: list[tuple[LintResult, bytes | None]] = []
    for raw in paths:
        if raw == "-":
            display = options.stdin_filename or "-"
            settings = _with_cli_options(resolver.for_path(Path(display).absolute()), options)
            data = sys.stdin.buffer.read()
            results.append((lint_bytes(display, data, settings), data))
    for candidate in discover((p for p in paths if p != "-"), resolver, options.force_exclude):
        settings = _with_cli_options(resolver.for_path(candidate.path), options)
        data = _read(candidate.path)
        path = str(candidate.path)
        if isinstance(data, str):
            result = LintResult(path)
            if engine_code_enabled("CL002", path, settings):
                start = Location(1, 0)
                result.diagnostics.append(
                    Diagnostic(path, "CL002", f"Cannot read file: {data}", start, start, noqa_line=1)
                )
            results.append((result, None))
            continue
        results.append((lint_bytes(path, data, settings), data))
    for result, data in results:
        outcome.files_checked += 1
        outcome.errors.extend(result.errors)
        for diagnostic in result.diagnostics:
            (outcome.suppressed if diagnostic.suppressed else outcome.diagnostics).append(diagnostic)
        if result.diagnostics and data is not None:
            outcome.sources[result.path] = data.decode("utf-8", "replace").removeprefix("\ufeff")
    outcome.diagnostics.sort(key=Diagnostic.sort_key)
    return outcome
