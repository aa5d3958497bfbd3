"""The `Report`: everything an output format may show about a run, and how it shows paths.

Formats are pure functions of a `Report`: `text_formats` (text, concise, JSON)
and `ci_formats` (SARIF, GitHub, GitLab, JUnit); `format_names` picks one by name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from claude_lint.core.diagnostics import Diagnostic
from claude_lint.core.paths import display, resolve
from claude_lint.output.escape import printable


@dataclass(frozen=True)
class Report:
    """Everything a formatter may show; formatters read nothing else but rule metadata."""

    diagnostics: Sequence[Diagnostic]  # reported: not suppressed, sorted
    sources: Mapping[str, str] = field(default_factory=dict)  # text of the files with diagnostics
    suppressed: Sequence[Diagnostic] = ()  # by a noqa or ignore comment in the file
    baselined: Sequence[Diagnostic] = ()  # accepted by the baseline file
    checked: Sequence[str] = ()  # every file checked, with or without findings
    base: Path | None = None  # paths are shown relative to this directory (default: cwd)
    colour: bool = False  # ANSI colour in the human formats (a terminal, no NO_COLOR)

    @cached_property
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


@lru_cache(maxsize=4096)  # a file with many findings is resolved once, not per finding
def relative_path(path: str, base: Path) -> str:
    """`path` relative to `base` when under it (as ruff prints paths), else as given."""
    if path == "-":
        return path
    # The path as named first (a symlink shows as itself, not as its target), then resolved
    # (when `base` is reached through a symlink; resolved only then: a realpath per file).
    for candidate in (lambda: Path(os.path.abspath(path)), lambda: resolve(path)):
        try:
            return display(candidate().relative_to(base).as_posix())
        except ValueError:
            continue
    return display(path)


def display_path(path: str, report: Report) -> str:
    """A diagnostic's path as formats show it: relative to the report's base, printable."""
    return printable(relative_path(path, report.base_dir))
