from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The model-lifecycle rules (CL302/CL303) judge end-of-life dates against "today";
# every test sees the same day (subprocesses too, through the environment).
PINNED_TODAY = "2026-11-26"


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_LINT_TODAY", PINNED_TODAY)


@pytest.fixture
def run_cli(tmp_path: Path):
    """Run the real console entry point in a subprocess and capture its output."""
    import subprocess

    def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None, env: dict | None = None):
        return subprocess.run(
            [sys.executable, "-m", "claude_lint", *args],
            cwd=cwd or tmp_path,
            input=stdin,
            capture_output=True,
            env={**os.environ, **(env or {})},
            timeout=120,
        )

    return run


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of a fixture project under tests/projects/ (no caches), made the working directory."""
    import shutil

    def copy(name: str) -> Path:
        root = tmp_path / name
        source = Path(__file__).resolve().parent / "projects" / name
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("__pycache__", ".claude_lint_cache"))
        monkeypatch.chdir(root)
        return root

    return copy


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the engine linted, in order (a cache hit lints nothing)."""
    from claude_lint.engine import lint as engine

    seen: list[str] = []
    real = engine.lint_text

    def counting(path: str, text: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(Path(path).relative_to(Path.cwd()).as_posix() if Path(path).is_absolute() else path)
        return real(path, text, *args, **kwargs)

    monkeypatch.setattr(engine, "lint_text", counting)
    return seen
