"""Shared pieces of the reliability tests: a known-good file and in-process runs."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from claude_lint.app.runner import Outcome, RunOptions, run
from claude_lint.config.settings import ConfigResolver

# A file with two findings, linted in the same run as each bad input: it must still be reported.
GOOD = textwrap.dedent(
    """\
    import anthropic

    client = anthropic.Anthropic()


    def ask(prompt):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": prompt}])
        except:
            pass
    """
)
CL101_MESSAGE = (
    "Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error happened"
)
CL102_MESSAGE = (
    "`except:` swallows the Claude call's error: the handler only does `pass`; "
    "log it, re-raise it, or return a real fallback"
)
GOOD_FINDINGS = [("CL101", 9, 4, CL101_MESSAGE), ("CL102", 9, 4, CL102_MESSAGE)]


def findings(outcome: Outcome) -> dict[str, list[tuple[str, int, int, str]]]:
    """path -> [(code, line, 0-based column, message)], in report order."""
    out: dict[str, list[tuple[str, int, int, str]]] = {}
    for d in outcome.diagnostics:
        out.setdefault(d.path, []).append((d.code, d.start.line, d.start.column, d.message))
    return out


def file_findings(path: Path, files: dict[str, list]) -> list:
    return files.get(str(path), [])


@pytest.fixture
def lint_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Outcome]:
    """Run the linter in this process over `tmp_path` (or the paths given), from `tmp_path`."""
    monkeypatch.chdir(tmp_path)

    def lint(*paths: str, **options: object) -> Outcome:
        settings = {"jobs": 1, "cache": False, **options}
        return run(list(paths) or ["."], ConfigResolver(), RunOptions(**settings))  # type: ignore[arg-type]

    return lint


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
