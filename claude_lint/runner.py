"""A whole run: discover files, lint each with its own settings, collect the results."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from claude_lint.config import ConfigResolver, Settings
from claude_lint.atomic import write_bytes_atomically
from claude_lint.diagnostics import Applicability, Diagnostic, Location
from claude_lint.discover import Candidate, discover
from claude_lint.engine import LintResult, engine_code_enabled, lint_bytes
from claude_lint.progress import Progress
from claude_lint.source import SourceError, decode_source


@dataclass(frozen=True)
class RunOptions:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    force_exclude: bool = False
    stdin_filename: str | None = None
    fix: bool = False  # compute fixes (`--fix`, `--diff`, `--fix-only`)
    unsafe_fixes: bool = False
    write: bool = True  # write fixed files (False for `--diff`)


@dataclass
class Outcome:
    diagnostics: list[Diagnostic] = field(default_factory=list)  # not suppressed, sorted
    suppressed: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # text of files with diagnostics
    errors: list[str] = field(default_factory=list)
    files_checked: int = 0
    checked: list[str] = field(default_factory=list)  # the paths, as reported
    fixes: list[FixedFile] = field(default_factory=list)  # files the fixer changed
    stdin_data: bytes | None = None
    warnings: list[str] = field(default_factory=list)  # fixes dropped, fixpoint not reached

    @property
    def fixed_count(self) -> int:
        return sum(sum(f.applied.values()) for f in self.fixes)


@dataclass
class FixedFile:
    path: str
    original: str
    fixed: str
    applied: dict[str, int]
    data: bytes  # the new file content, encoded like the original


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


def _text(data: bytes) -> str:
    """The file's text as the engine decoded it (PEP 263 cookie, BOM), for excerpts and fingerprints."""
    try:
        return decode_source(data).text
    except SourceError:
        return data.decode("utf-8", "replace").removeprefix("\ufeff")


def _lint_or_fix(
    path: str, data: bytes, settings: Settings, options: RunOptions, outcome: Outcome, stdin: bool = False
) -> tuple[LintResult, bytes]:
    """Lint a file; in fix mode, fix it when it has fixes to offer, and lint the result.

    Returns the result and the file's content after fixing.
    """
    result = lint_bytes(path, data, settings)
    if not options.fix or not any(
        d.fix is not None and not d.suppressed and (options.unsafe_fixes or d.fix.applicability is Applicability.SAFE)
        for d in result.diagnostics
    ):
        return result, data
    from claude_lint.fixer import fix_bytes

    fixed = fix_bytes(path, data, settings, unsafe=options.unsafe_fixes)
    if fixed is None:
        return result, data
    fix_outcome, new_data = fixed
    outcome.warnings.extend(fix_outcome.errors)
    if fix_outcome.changed:
        outcome.fixes.append(FixedFile(path, fix_outcome.original, fix_outcome.fixed, dict(fix_outcome.applied), new_data))
        if options.write and not stdin:  # fixed stdin goes to stdout, written by the CLI
            try:
                write_bytes_atomically(Path(path), new_data)
            except OSError as e:
                outcome.warnings.append(f"{path}: cannot write the fixed file: {e.strerror or e}")
        return lint_bytes(path, new_data, settings), new_data
    return result, data


def run(paths: list[str], resolver: ConfigResolver, options: RunOptions, progress: Progress | None = None) -> Outcome:
    outcome = Outcome()
    results: list[tuple[LintResult, bytes | None]] = []
    for raw in paths:
        if raw == "-":
            display = options.stdin_filename or "-"
            settings = _with_cli_options(resolver.for_path(Path(display).absolute()), options)
            data = sys.stdin.buffer.read()
            outcome.stdin_data = data
            results.append(_lint_or_fix(display, data, settings, options, outcome, stdin=True))
    candidates = list(discover((p for p in paths if p != "-"), resolver, options.force_exclude))
    if progress is not None:
        progress.start(len(candidates))
    try:
        _lint_candidates(candidates, resolver, options, results, progress, outcome)
    finally:
        if progress is not None:
            progress.finish()
    for result, data in results:
        outcome.files_checked += 1
        outcome.checked.append(result.path)
        outcome.errors.extend(result.errors)
        for diagnostic in result.diagnostics:
            (outcome.suppressed if diagnostic.suppressed else outcome.diagnostics).append(diagnostic)
        if result.diagnostics and data is not None:
            outcome.sources[result.path] = _text(data)
    outcome.diagnostics.sort(key=Diagnostic.sort_key)
    outcome.suppressed.sort(key=Diagnostic.sort_key)
    return outcome


def _lint_candidates(
    candidates: list[Candidate],
    resolver: ConfigResolver,
    options: RunOptions,
    results: list[tuple[LintResult, bytes | None]],
    progress: Progress | None,
    outcome: Outcome,
) -> None:
    for candidate in candidates:
        if progress is not None:
            progress.advance()  # counts files started: a slow file shows as the one in progress
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
        results.append(_lint_or_fix(path, data, settings, options, outcome))
