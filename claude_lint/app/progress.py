"""A progress bar on stderr for long runs, and only where a person is watching."""

from __future__ import annotations

import sys
import time
from typing import Any, Protocol, TextIO

MIN_FILES = 50
REDRAW_INTERVAL = 0.1  # seconds: at most ~10 redraws a second, however fast files go by
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
        self._pending = 0  # files done since the last redraw
        self._drawn = 0.0

    def start(self, total: int) -> None:
        if total <= MIN_FILES:
            return
        import click

        self._bar = click.progressbar(length=total, label="Checking", file=self._stream, show_pos=True)
        self._bar.__enter__()
        self._drawn = time.monotonic()

    def advance(self) -> None:
        if self._bar is None:
            return
        self._pending += 1
        now = time.monotonic()
        if now - self._drawn >= REDRAW_INTERVAL:
            self._bar.update(self._pending)
            self._pending = 0
            self._drawn = now

    def finish(self) -> None:
        if self._bar is not None:
            if self._pending:
                self._bar.update(self._pending)  # the last count is always shown
                self._pending = 0
            self._bar.__exit__(None, None, None)
            self._bar = None
