"""A whole run: discover files, lint each with its own settings, collect the results."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from claude_lint.config import ConfigResolver, Settings
from claude_lint.diagnostics import Diagnostic, Location
from claude_lint.discover import discover
from claude_lint.engine import LintResult, lint_bytes


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


class _Selection:
    """Enabled codes per distinct (select, extend-select, ignore), computed once."""

    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self._cache: dict[tuple[object, ...], frozenset[str]] = {}

    def settings_for(self, base: Settings) -> Settings:
        o = self.options
        return base.with_overrides(
            select=o.select,
            extend_select=base.extend_select + o.extend_select,
            ignore=base.ignore + o.ignore,
        )

    def enabled(self, settings: Settings) -> frozenset[str]:
        from claude_lint.registry import SelectorError, resolve_selection, validate_selectors

        key = (settings.select, settings.extend_select, settings.ignore, settings.per_file_ignores)
        if key not in self._cache:
            try:
                self._cache[key] = resolve_selection(settings.select, settings.extend_select, settings.ignore)
                validate_selectors(
                    (code for _, codes in settings.per_file_ignores for code in codes),
                    self._cache[key] | {"CL"},
                )
            except SelectorError as e:
                where = f"{settings.config_file}: " if settings.config_file else ""
                raise ValueError(f"{where}{e}") from None
        return self._cache[key]


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
    selection = _Selection(options)
    outcome = Outcome()
    results: list[tuple[LintResult, bytes | None]] = []
    for raw in paths:
        if raw == "-":
            display = options.stdin_filename or "-"
            settings = selection.settings_for(resolver.for_path(Path(display).absolute()))
            data = sys.stdin.buffer.read()
            results.append((lint_bytes(display, data, settings, selection.enabled(settings)), data))
    for candidate in discover((p for p in paths if p != "-"), resolver, options.force_exclude):
        settings = selection.settings_for(resolver.for_path(candidate.path))
        enabled = selection.enabled(settings)
        data = _read(candidate.path)
        path = str(candidate.path)
        if isinstance(data, str):
            result = LintResult(path)
            if "CL002" in enabled:
                start = Location(1, 0)
                result.diagnostics.append(
                    Diagnostic(path, "CL002", f"Cannot read file: {data}", start, start, noqa_line=1)
                )
            results.append((result, None))
            continue
        results.append((lint_bytes(path, data, settings, enabled), data))
    for result, data in results:
        outcome.files_checked += 1
        outcome.errors.extend(result.errors)
        for diagnostic in result.diagnostics:
            (outcome.suppressed if diagnostic.suppressed else outcome.diagnostics).append(diagnostic)
        if result.diagnostics and data is not None:
            outcome.sources[result.path] = data.decode("utf-8", "replace").removeprefix("\ufeff")
    outcome.diagnostics.sort(key=Diagnostic.sort_key)
    return outcome
