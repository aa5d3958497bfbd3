"""A whole run's findings, kept so that a rerun on unchanged files reads one record instead of every file.

The per-file cache answers a file by its content, but a run still reads every
file, and the project model (which names reach Claude, in every project) is
built again from the summaries. When nothing changed, all of that gives the
same findings: a record of the run, checked by the files' `stat` (as ruff's
cache is, and git's index), answers it.

The record's key is the invocation (working directory, paths, rule options),
the tool and each settings' digest (the per-file cache's salt: version,
sources, rules, SDK knowledge, the day) and, for every file discovery gives,
its path, what discovery said about it and its signature (size, mtime, ctime,
inode, device, mode). The record adds what the project models read beyond
those files (modules loaded by name, with their signatures) and the
directories where a module was looked for and not found (their mtimes: a
module created there changes them). A record is used only when all of that
still holds; it is written only by a run that could use one: a check (no
fixes), of more than a few files, the cache on, no internal error, no project
that walked its files for subclasses (then any file of the project matters),
no signature newer than two seconds before the run began (a file written in
the same clock tick as its signature was taken could change unseen: git's
"racily clean" entries), and no API key in a finding.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claude_lint.app.cache import (
    RunRecords,
    cache_directory,
    decode_diagnostics,
    digest,
    encode_diagnostics,
)
from claude_lint.config.settings import Settings

if TYPE_CHECKING:
    from claude_lint.app.cache import ResultCache
    from claude_lint.app.discover import Candidate
    from claude_lint.app.project import Project
    from claude_lint.engine.lint import LintResult

FORMAT = 1
RACY_NS = 2_000_000_000  # a signature this close to the run's start is not trusted


def signature(path: str) -> list[int] | None:
    """What changes when a file's content may have: size, mtime, ctime, inode, device, mode."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev, st.st_mode]


def _directory_mtime(path: str, seen: dict[str, int | None]) -> tuple[str, int] | None:
    """The nearest existing directory at or above `path`, and its mtime (what a file created under it changes)."""
    while True:
        if path not in seen:
            try:
                seen[path] = os.stat(path).st_mtime_ns
            except OSError:
                seen[path] = None
        mtime = seen[path]
        if mtime is not None:
            return path, mtime
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


@dataclass
class RunKey:
    """Where a run's record lives and the key it must have been written under."""

    records: RunRecords
    settings: Settings  # the first file's: the record lives in their cache directory
    name: str
    key: str
    started: int  # time.time_ns() when the signatures were taken
    newest: int  # the newest mtime or ctime among them


def run_key(
    cache: ResultCache,
    paths: Iterable[str],
    options: Any,
    candidates: list[Candidate],
    settings: list[Settings | None],
) -> RunKey | None:
    """The key of this run (None when it has no file with settings)."""
    started = time.time_ns()
    salts: dict[Settings, int] = {}
    rows: list[Any] = []
    newest = 0
    first: Settings | None = None
    for candidate, merged in zip(candidates, settings, strict=True):
        if merged is None:
            rows.append([str(candidate.path), candidate.skipped])
            continue
        first = first or merged
        if merged not in salts:
            salts[merged] = len(salts)
        sig = signature(str(candidate.path))
        if sig is not None:
            newest = max(newest, sig[1], sig[2])
        rows.append([str(candidate.path), salts[merged], sig])
    if first is None:
        return None
    import json

    import claude_lint

    invocation = json.dumps(
        [FORMAT, os.getcwd(), list(paths), options.select, options.extend_select, options.ignore, options.force_exclude]
    )
    salted = [cache.salt_for(s) for s in salts]
    name = digest(invocation, *salted)
    key = digest(name, json.dumps(rows))
    records = RunRecords(cache_directory(first) / claude_lint.__version__)
    return RunKey(records, first, name, key, started, newest)


def load(
    run: RunKey, candidates: list[Candidate], read: Callable[[Path], bytes | str]
) -> list[tuple[LintResult, bytes | None] | None] | None:
    """Each file's result and the source its excerpts show (None for a file discovery skipped) from
    the run's record, or None when there is none or anything it depends on changed.
    `read(path)`: a file's bytes, or the reason it cannot be read."""
    from claude_lint.engine.lint import LintResult

    if not run.records.directory.is_dir():
        return None
    record = run.records.load(run.name, run.key)
    if record is None:
        return None
    try:
        for path, sig in record["read"]:
            if signature(path) != sig:
                return None
        for path, mtime in record["directories"]:
            if os.stat(path).st_mtime_ns != mtime:
                return None
        results: list[tuple[LintResult, bytes | None] | None] = [
            None if candidate.skipped is not None else (LintResult(str(candidate.path)), None) for candidate in candidates
        ]
        for index, compact, with_source in record["files"]:
            if type(index) is not int or not 0 <= index < len(results) or results[index] is None or type(with_source) is not bool:
                return None
            path = candidates[index].path
            data = read(path) if with_source else None
            if isinstance(data, str):
                return None
            size = os.stat(path).st_size if data is None else len(data)
            result = LintResult(str(path), decode_diagnostics(str(path), compact, data, size), parsed=with_source)
            results[index] = (result, data)
    except (TypeError, ValueError, KeyError, IndexError, OSError):
        return None
    return results


def store(
    run: RunKey,
    results: list[tuple[int, LintResult, bool]],
    projects: Iterable[Project],
) -> None:
    """Record the run's results ((candidate index, result, whether its source was read)) and
    what its projects read, when such a record can be trusted later."""
    if run.newest >= run.started - RACY_NS:
        return
    read: dict[str, list[int] | None] = {}
    seen: dict[str, int | None] = {}
    directories: dict[str, int] = {}
    for project in projects:
        if project.walked:
            return
        for path in project.read:
            read[path] = signature(path)
        for name in project.missing:
            parts = name.split(".")
            for base in project.bases:
                stem = os.path.join(base, *parts)
                for place in (os.path.dirname(stem), stem):
                    found = _directory_mtime(place, seen)
                    if found is not None:
                        directories[found[0]] = found[1]
    if any(sig is None or max(sig[1], sig[2]) >= run.started - RACY_NS for sig in read.values()):
        return
    # A directory changed during the run (this run's cache directory made in the project root)
    # is recorded as it is now: only a change in the last instant could go unseen.
    now = time.time_ns()
    if any(mtime >= now - RACY_NS for mtime in directories.values()):
        return
    files: list[Any] = []
    for index, result, with_source in results:
        if result.errors:
            return
        if not result.diagnostics:
            continue
        compact = encode_diagnostics(result.diagnostics)
        if compact is None:
            return
        files.append([index, compact, with_source])
    record = {"read": sorted([path, sig] for path, sig in read.items()), "directories": sorted(map(list, directories.items())), "files": files}
    run.records.store(run.name, run.key, record)

