"""Which files to lint: paths given, directories walked, excludes and .gitignore applied."""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from claude_lint.config import ConfigResolver, Settings

PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class Candidate:
    path: Path
    explicit: bool  # named on the command line (pre-commit passes files this way)


def _relative_parts(path: Path, root: Path) -> tuple[str, ...]:
    try:
        return path.resolve().relative_to(root).parts
    except (ValueError, OSError):
        return path.parts


def is_excluded(path: Path, settings: Settings) -> bool:
    """ruff's semantics: a pattern matches any path component, or the path relative to the root."""
    patterns = settings.exclude + settings.extend_exclude
    if not patterns:
        return False
    parts = _relative_parts(path, settings.root)
    relative = "/".join(parts)
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern:
            if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, pattern + "/*"):
                return True
        elif any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


def _git_files(directory: Path) -> list[Path] | None:
    """Tracked and untracked, not ignored, files under a directory; None outside git."""
    if shutil.which("git") is None:
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(directory), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    names = [n for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    return [directory / name for name in names]


def _walk(directory: Path, resolver: ConfigResolver) -> Iterator[Path]:
    for current, dirs, files in os.walk(directory, onerror=None, followlinks=False):
        here = Path(current)
        settings = resolver.for_path(here / "_")
        dirs[:] = sorted(d for d in dirs if not is_excluded(here / d, settings))
        for name in sorted(files):
            yield here / name


def discover(paths: Iterable[str], resolver: ConfigResolver, force_exclude: bool = False) -> Iterator[Candidate]:
    """Files to lint, sorted and without duplicates.

    Missing paths are yielded too (explicit=True) so the engine reports them.
    """
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            settings = resolver.for_path(path / "_")
            listed = _git_files(path) if settings.respect_gitignore else None
            files = sorted(listed) if listed is not None else _walk(path, resolver)
            for file in files:
                if file.suffix not in PYTHON_SUFFIXES or file in seen:
                    continue
                if is_excluded(file, resolver.for_path(file)) or file.is_dir():
                    continue
                if listed is not None and not os.path.lexists(file):
                    continue  # deleted in the work tree but still in the index
                seen.add(file)
                yield Candidate(file, explicit=False)
        else:
            if path in seen:
                continue
            if path.exists() and (force_exclude or resolver.for_path(path).force_exclude):
                if is_excluded(path, resolver.for_path(path)):
                    continue
            seen.add(path)
            yield Candidate(path, explicit=True)
