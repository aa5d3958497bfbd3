"""A progress bar on stderr for long runs, and only where a person is watching."""

from __future__ import annotations

import sys
from typing import Any, Protocol, TextIO

MIN_FILES = 50
HUMAN_FORMATS = frozenset({"text", "full", "concise"})


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self) -> None: ...
    def finish(self) -> None: ...


def wants_progress(stream: TextIO, output_format: str, quiet: bool) -> bool:
    """A terminal on stderr, a human format, and no --quiet (the file count is checked at start)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and output_format in HUMAN_FORMATS and not quiet


class ProgressBar:
    """click's bar, shown once the run turns out to have more than MIN_FILES files."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._bar: Any = None

    def start(self, total: int) -> None:
        if total <= MIN_FILES:
            return
        import click

        self._bar = click.progressbar(length=total, label="Checking", file=self._stream, show_pos=True)
        self._bar.__enter__()

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
