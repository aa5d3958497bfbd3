"""Which files to lint: paths given, directories walked, excludes and .gitignore applied."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from claude_lint.config.settings import CONFIG_FILENAMES, ConfigResolver, Settings
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


def _parts_under(resolved: str, root: str) -> list[str] | None:
    """`Path(resolved).relative_to(root).parts` for a resolved path and a root as strings, or None
    when it is not under the root (both normalized: no `.`, no doubled or trailing separator)."""
    if resolved == root:
        return []
    prefix = root if root.endswith(os.sep) else root + os.sep
    return resolved[len(prefix) :].split(os.sep) if resolved.startswith(prefix) else None


def is_excluded(path: Path, settings: Settings, resolved: Path | None = None) -> bool:
    """ruff's semantics: a pattern matches any path component, or the path relative to the root.

    `resolved`: the path already resolved, when the caller knows it more cheaply.
    """
    patterns = settings.exclude + settings.extend_exclude
    if not patterns:
        return False
    return _excluded_parts(_relative_parts(path, settings.root, resolved), patterns)


def _excluded_parts(parts: Sequence[str], patterns: tuple[str, ...]) -> bool:
    """`is_excluded` on the path's parts relative to the root (or its own parts, outside it)."""
    name_matches, path_matches = _exclude_matchers(patterns)
    if name_matches is not None and any(name_matches(os.path.normcase(part)) for part in parts):
        return True
    return path_matches is not None and bool(path_matches(os.path.normcase("/".join(parts))))


def _excluded_at(path: str, resolved: str, settings: Settings) -> bool:
    """`is_excluded(Path(path), settings, Path(resolved))` on strings (a walk's hot loop)."""
    patterns = settings.exclude + settings.extend_exclude
    if not patterns:
        return False
    parts = _parts_under(resolved, str(settings.root))
    return _excluded_parts(Path(path).parts if parts is None else parts, patterns)


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


def _git_files(directory: Path) -> list[str] | None:
    """Tracked and untracked, not ignored, files under a directory (their paths from it); None outside git."""
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
    return [n for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n]


def _child(directory: str, name: str) -> str:
    """`str(Path(directory) / name)` for a normalized directory and a plain name."""
    return name if directory == "." else directory + name if directory.endswith(os.sep) else directory + os.sep + name


def _is_python(name: str) -> bool:
    """`Path(name).suffix in PYTHON_SUFFIXES`: `.py` is a hidden file's name, not a suffix."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:] in PYTHON_SUFFIXES


@dataclass
class _Directory:
    """A directory walked or listed: its path as given (normalized), resolved, its settings."""

    path: str
    resolved: str
    settings: Settings
    # Its path relative to the settings' root and whether one of its parts is excluded by name
    # (None: not under the root); computed when a child is first asked about (`excludes`).
    _relative: tuple[str, bool] | None = None
    _known: bool = False

    def excludes(self, name: str, path: str, resolved: str, link: bool) -> bool:
        """`_excluded_at(path, resolved, settings)` for a child of this directory (a file, or a
        subdirectory of a walk): a child that is no symlink resolves to this directory's resolved
        path and its name, so only its own name and its relative path are matched; this directory's
        own parts are matched once for all of its children."""
        settings = self.settings
        patterns = settings.exclude + settings.extend_exclude
        if not patterns:
            return False
        name_matches, path_matches = _exclude_matchers(patterns)
        if not self._known:
            self._known = True
            parts = _parts_under(self.resolved, str(settings.root))
            if parts is not None:
                named = name_matches is not None and any(name_matches(os.path.normcase(part)) for part in parts)
                self._relative = "/".join(parts), named
        if link or self._relative is None:
            return _excluded_at(path, resolved, settings)
        relative, named = self._relative
        if named or (name_matches is not None and name_matches(os.path.normcase(name))):
            return True
        return path_matches is not None and bool(path_matches(os.path.normcase(f"{relative}/{name}" if relative else name)))


def _walk(
    directory: str, resolved: str, resolver: ConfigResolver, inherited: Settings | None = None
) -> Iterator[tuple[_Directory, list[os.DirEntry[str]]]]:
    """Each directory under `directory` (top-down, subdirectories sorted, excluded ones pruned, symlinks
    to directories not followed, unreadable ones skipped: `os.walk`'s walk) with its Python files, sorted.

    `resolved`: the directory resolved; a subdirectory walked into is no symlink, so it resolves
    to its parent's resolved path and its name, without a `realpath` per directory. `inherited`:
    the parent's settings, which are this directory's when it holds no config file (the resolver
    is asked only about directories with Python files or a config file).
    """
    try:
        with os.scandir(directory) as listed:
            entries = list(listed)
    except OSError:
        return
    files: list[os.DirEntry[str]] = []
    dirs: list[os.DirEntry[str]] = []
    names: set[str] = set()
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            dirs.append(entry)
        else:
            names.add(entry.name)
            if _is_python(entry.name):
                files.append(entry)
    if inherited is None or files or not names.isdisjoint(CONFIG_FILENAMES):
        settings = resolver.for_directory(Path(directory), Path(resolved), names)
    else:
        settings = inherited
    here = _Directory(directory, resolved, settings)
    if files:
        files.sort(key=_name)
        yield here, files
    dirs.sort(key=_name)
    for entry in dirs:
        # A symlink is never walked into (followlinks=False), so whether it is excluded does not matter.
        if _is_link(entry):
            continue
        path, inner = _child(directory, entry.name), _child(resolved, entry.name)
        if not here.excludes(entry.name, path, inner, False):
            yield from _walk(path, inner, resolver, settings)


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _is_link(entry: os.DirEntry[str]) -> bool:
    """`os.path.islink(entry.path)`, from the listing when it can tell."""
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _inside(resolved: Path, *roots: Path) -> bool:
    return any(resolved == root or resolved.is_relative_to(root) for root in roots)


def discover(paths: Iterable[str], resolver: ConfigResolver, force_exclude: bool = False) -> Iterator[Candidate]:
    """Files to lint, sorted and without duplicates.

    Missing paths are yielded too (explicit=True) so the engine reports them. A
    symlink found in a directory that leads out of both that directory and the
    project root is yielded with the reason it is skipped: `--fix` would write
    outside the project, and excerpts would show a file nobody asked about.

    Paths are strings here and each directory is resolved and looked up once: a
    warm run of a big tree spends little else than this walk (Path objects, a
    `realpath` and a config lookup per directory and file cost more than reading
    the files of a sparse tree).
    """
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            top = str(path)
            walked = str(resolve(path))
            settings = resolver.for_directory(path, Path(walked))
            listed = _git_files(path) if settings.respect_gitignore else None
            groups = _walk(top, walked, resolver) if listed is None else _listed(top, listed, resolver)
            for directory, files in groups:
                file_settings = directory.settings
                for file in files:
                    name = file if isinstance(file, str) else file.name
                    full = _child(directory.path, name)
                    if full in seen:
                        continue
                    link = os.path.islink(full) if isinstance(file, str) else _is_link(file)
                    resolved = str(resolve(full)) if link else _child(directory.resolved, name)
                    if directory.excludes(name, full, resolved, link):
                        continue
                    if isinstance(file, str) and (os.path.isdir(full) or not os.path.lexists(full)):
                        continue  # a directory (a submodule), or deleted in the work tree but still in the index
                    seen.add(full)
                    if link and not _inside(Path(resolved), Path(walked), resolve(file_settings.root)):
                        yield Candidate(Path(full), False, f"a symlink to {resolved}, outside the project; not checked")
                        continue
                    yield Candidate(Path(full), explicit=False)
        else:
            if str(path) in seen:
                continue
            if (
                path.exists()
                and (force_exclude or resolver.for_path(path).force_exclude)
                and is_excluded(path, resolver.for_path(path))
            ):
                continue
            seen.add(str(path))
            yield Candidate(path, explicit=True)


def _listed(top: str, names: list[str], resolver: ConfigResolver) -> Iterator[tuple[_Directory, list[str]]]:
    """The Python files git lists under `top`, by directory, in the order of their paths' parts
    (as `sorted` orders Paths)."""
    python = sorted(name.split("/") for name in names if _is_python(name.rpartition("/")[2]))
    directories: dict[str, _Directory] = {}
    directory: _Directory | None = None
    files: list[str] = []
    for parts in python:
        parent = top
        for part in parts[:-1]:
            parent = _child(parent, part)
        if directory is None or directory.path != parent:
            if directory is not None:
                yield directory, files
            if parent not in directories:
                resolved = str(resolve(parent))
                directories[parent] = _Directory(parent, resolved, resolver.for_directory(Path(parent), Path(resolved)))
            directory, files = directories[parent], []
        files.append(parts[-1])
    if directory is not None:
        yield directory, files
