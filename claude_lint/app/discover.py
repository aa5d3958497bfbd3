"""Which files to lint: paths given, directories walked, excludes and .gitignore applied."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from claude_lint.config.settings import ConfigResolver, Settings
from claude_lint.core.paths import resolve

PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class Candidate:
    path: Path
    explicit: bool  # named on the command line (pre-commit passes files this way)
    skipped: str | None = None  # why it is reported but neither read nor fixed


def _relative_parts(path: Path, root: Path, resolved: Path | None = None) -> tuple[str, ...]:
    try:
        return (resolved or resolve(path)).relative_to(root).parts
    except ValueError:
        return path.parts


def is_excluded(path: Path, settings: Settings, resolved: Path | None = None) -> bool:
    """ruff's semantics: a pattern matches any path component, or the path relative to the root.

    `resolved`: the path already resolved, when the caller knows it more cheaply.
    """
    patterns = settings.exclude + settings.extend_exclude
    if not patterns:
        return False
    parts = _relative_parts(path, settings.root, resolved)
    name_matches, path_matches = _exclude_matchers(patterns)
    if name_matches is not None and any(name_matches(os.path.normcase(part)) for part in parts):
        return True
    return path_matches is not None and bool(path_matches(os.path.normcase("/".join(parts))))


@functools.cache
def _exclude_matchers(patterns: tuple[str, ...]) -> tuple[Callable[[str], object] | None, ...]:
    """One regex for the name patterns and one for the path patterns (fnmatch's, compiled once).

    `is_excluded` runs for every file and directory; matching each pattern with
    `fnmatch` there cost more than reading the files of a sparse repository.
    """
    names: list[str] = []
    paths: list[str] = []
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern:
            paths += [fnmatch.translate(os.path.normcase(pattern)), fnmatch.translate(os.path.normcase(pattern + "/*"))]
        else:
            names.append(fnmatch.translate(os.path.normcase(pattern)))
    return (
        re.compile("|".join(names)).match if names else None,
        re.compile("|".join(paths)).match if paths else None,
    )


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


def _inside(resolved: Path, *roots: Path) -> bool:
    return any(resolved == root or resolved.is_relative_to(root) for root in roots)


def discover(paths: Iterable[str], resolver: ConfigResolver, force_exclude: bool = False) -> Iterator[Candidate]:
    """Files to lint, sorted and without duplicates.

    Missing paths are yielded too (explicit=True) so the engine reports them. A
    symlink found in a directory that leads out of both that directory and the
    project root is yielded with the reason it is skipped: `--fix` would write
    outside the project, and excerpts would show a file nobody asked about.
    """
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            settings = resolver.for_path(path / "_")
            listed = _git_files(path) if settings.respect_gitignore else None
            files = sorted(listed) if listed is not None else _walk(path, resolver)
            # Resolving every file's directory (config lookup, excludes) cost more than reading
            # the files of a sparse tree: do it once per directory; a file that is not a
            # symlink resolves to its resolved directory / its name.
            by_directory: dict[Path, tuple[Settings, Path]] = {}
            walked = resolve(path)
            for file in files:
                if file.suffix not in PYTHON_SUFFIXES or file in seen:
                    continue
                parent = file.parent
                if parent not in by_directory:
                    by_directory[parent] = (resolver.for_path(file), resolve(parent))
                file_settings, resolved_parent = by_directory[parent]
                resolved = resolve(file) if os.path.islink(file) else resolved_parent / file.name
                if is_excluded(file, file_settings, resolved) or file.is_dir():
                    continue
                if listed is not None and not os.path.lexists(file):
                    continue  # deleted in the work tree but still in the index
                seen.add(file)
                if os.path.islink(file) and not _inside(resolved, walked, resolve(file_settings.root)):
                    yield Candidate(file, False, f"a symlink to {resolved}, outside the project; not checked")
                    continue
                yield Candidate(file, explicit=False)
        else:
            if path in seen:
                continue
            if (
                path.exists()
                and (force_exclude or resolver.for_path(path).force_exclude)
                and is_excluded(path, resolver.for_path(path))
            ):
                continue
            seen.add(path)
            yield Candidate(path, explicit=True)
