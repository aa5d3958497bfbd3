"""A whole run: discover files, prefilter them, lint the rest (in worker processes when many), collect.

The parent reads every file and applies the byte prefilter; a file that
passes is answered from the cache when its entry is current, and otherwise
becomes a task (its path and settings). More than `PARALLEL_MIN_FILES` tasks
go to a pool of worker processes, where each task reads its file, lints it,
fixes and writes it in fix mode, and stores its cache entry. Results are put
back in discovery order and sorted as before, so the output does not depend
on the number of workers.

Files are linted against their project (app/project.py): the first pass
lints each file and computes its summary, recording the project names its
analysis asked about; the project model is then built from the summaries,
files that name a project function that calls Claude join the run (the
prefilter widened to those names), and a file is linted again only when the
project answers one of its names differently than the first pass assumed
(most files ask about nothing the project defines). A cached result holds
the same record, so a warm run re-lints exactly the files whose answers
changed.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claude_lint.app.discover import Candidate, discover
from claude_lint.app.progress import Progress
from claude_lint.app.workers import check_parent, init_worker, stop_workers
from claude_lint.app.workers import task as worker_task
from claude_lint.config.settings import ConfigResolver, Settings
from claude_lint.core.atomic import write_bytes_atomically
from claude_lint.core.diagnostics import Applicability, Diagnostic, Location
from claude_lint.core.garbage import collect_garbage, collector_paused
from claude_lint.core.secrets import reported_literals
from claude_lint.core.source import SourceError, decode_source, read_source_file
from claude_lint.engine.lint import LintResult, engine_code_enabled, file_triggers, lint_bytes
from claude_lint.engine.prefilter import mentions_name, needs_parsing, triggers_for

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from claude_lint.analysis.symbols import ProjectSpec
    from claude_lint.app.cache import CachedResult, CacheSpec, ResultCache
    from claude_lint.app.project import Project
    from claude_lint.app.run_record import RunKey
    from claude_lint.engine.fix_loop import FixOutcome

# At most this many files: a run is a few files (pre-commit, an editor), and the
# modules each file imports are loaded before the prefilter decides about it.
FEW_FILES = 32

# Above this many files to parse, worker processes beat one process (their
# start-up and imports cost about as much as parsing a few files).
PARALLEL_MIN_FILES = 8


@dataclass(frozen=True)
class RunOptions:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    force_exclude: bool = False
    stdin_filename: str | None = None
    fix: bool = False  # compute fixes (`--fix`, `--diff`, `--fix-only`)
    unsafe_fixes: bool = False
    write: bool = True  # write fixed files (False for `--diff`)
    jobs: int = 1  # worker processes; the CLI defaults to the CPU count
    cache: bool = False  # read and write the results cache; the CLI turns it on


@dataclass
class Outcome:
    diagnostics: list[Diagnostic] = field(default_factory=list)  # not suppressed, sorted
    suppressed: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # text of files with diagnostics
    errors: list[str] = field(default_factory=list)
    files_checked: int = 0
    checked: list[str] = field(default_factory=list)  # the paths, as reported
    fixes: list[FixedFile] = field(default_factory=list)  # files the fixer changed
    stdin_data: bytes | None = None
    warnings: list[str] = field(default_factory=list)  # fixes dropped, fixpoint not reached

    @property
    def fixed_count(self) -> int:
        return sum(sum(f.applied.values()) for f in self.fixes)


@dataclass
class FixedFile:
    path: str
    original: str
    fixed: str
    applied: dict[str, int]
    data: bytes  # the new file content, encoded like the original
    secrets: tuple[str, ...] = ()  # secret literals reported in either text, masked in a diff


@dataclass(frozen=True)
class LintTask:
    """One file to lint in a worker: it reads the file itself (picklable, small)."""

    path: str
    settings: Settings
    options: RunOptions
    cache: CacheSpec | None = None
    project: ProjectSpec | None = None
    summarize: bool = False  # compute the module's summary (the first pass)
    summary: dict[str, object] | None = None  # the summary to keep with the cache entry (later passes)


@dataclass
class FileOutcome:
    """What linting one file produced; travels back from a worker."""

    result: LintResult
    data: bytes | None  # the content the result is about, when excerpts need it
    fixed: FixedFile | None = None
    warnings: list[str] = field(default_factory=list)


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _with_cli_options(base: Settings, options: RunOptions) -> Settings:
    return base.with_overrides(
        select=options.select,
        extend_select=base.extend_select + options.extend_select,
        ignore=base.ignore + options.ignore,
    )


def read_file(path: Path) -> bytes | str:
    """The file's bytes, or the reason it cannot be read (not a regular file, over the size limit)."""
    try:
        return read_source_file(path)
    except SourceError as e:
        return str(e)
    except FileNotFoundError:
        return "No such file or directory"
    except IsADirectoryError:
        return "Is a directory"
    except PermissionError:
        return "Permission denied"
    except OSError as e:
        return e.strerror or str(e)


def _text(data: bytes) -> str:
    """The file's text as the engine decoded it (PEP 263 cookie, BOM), for excerpts and fingerprints."""
    try:
        return decode_source(data).text
    except SourceError:
        return data.decode("utf-8", "replace").removeprefix("\ufeff")


def _unreadable(path: str, reason: str, settings: Settings) -> LintResult:
    result = LintResult(path)
    if engine_code_enabled("CL002", path, settings):
        start = Location(1, 0)
        result.diagnostics.append(Diagnostic(path, "CL002", f"Cannot read file: {reason}", start, start, noqa_line=1))
    return result


def _decoded_only(path: str, data: bytes, settings: Settings) -> LintResult:
    """A file the prefilter skips is still decoded: undecodable bytes are CL002 all the same."""
    try:
        decode_source(data)
    except SourceError:
        return lint_bytes(path, data, settings)  # the engine words and places the CL002
    return LintResult(path)


def _offers_fix(diagnostics: list[Diagnostic], options: RunOptions) -> bool:
    return any(
        d.fix is not None
        and not d.suppressed
        and (options.unsafe_fixes or d.fix.applicability is Applicability.SAFE)
        and (not options.write or d.fix.applicability is not Applicability.DISPLAY_ONLY)
        for d in diagnostics
    )


def _lint_or_fix(
    path: str,
    data: bytes,
    settings: Settings,
    options: RunOptions,
    stdin: bool = False,
    project: ProjectSpec | None = None,
    summarize: bool = False,
) -> FileOutcome:
    """Lint a file; in fix mode, fix it when it has fixes to offer, write it, and lint the result."""
    result = lint_bytes(path, data, settings, project=project, summarize=summarize)
    if not options.fix or not _offers_fix(result.diagnostics, options):
        return FileOutcome(result, data)
    from claude_lint.engine.fix_loop import fix_bytes

    # `--diff` also shows display-only fixes (helper adoption with no `helper-module`).
    fixed = fix_bytes(
        path, data, settings, unsafe=options.unsafe_fixes, project=project, display=not options.write,
        first=result, summarize=summarize,
    )
    if fixed is None:
        return FileOutcome(result, data)
    fix_outcome, new_data = fixed
    warnings = list(fix_outcome.errors)
    if not fix_outcome.changed:
        return FileOutcome(result, data, warnings=warnings)
    secrets = reported_literals(result.diagnostics, fix_outcome.original)
    fixed_file = FixedFile(path, fix_outcome.original, fix_outcome.fixed, dict(fix_outcome.applied), new_data, secrets)
    if options.write and not stdin:  # fixed stdin goes to stdout, written by the CLI
        check_parent()  # a worker whose run was killed writes nothing more
        try:
            write_bytes_atomically(Path(path), new_data)
        except OSError as e:
            # Nothing was fixed on disk: report the file as it is.
            warnings.append(f"{path}: cannot write the fixed file: {e.strerror or e}")
            return FileOutcome(result, data, warnings=warnings)
    after = _relinted(fix_outcome, new_data, settings, project)
    if after is None:
        after = lint_bytes(path, new_data, settings, project=project, summarize=summarize)
    # The outcome depends on the answers the fixes were made with too: a re-lint with fresh
    # answers must give them all (else it lints the original again without them, and so on).
    after.asked = {**result.asked, **after.asked}
    fixed_file.secrets += tuple(s for s in reported_literals(after.diagnostics, fix_outcome.fixed) if s not in secrets)
    return FileOutcome(after, new_data, fixed_file, warnings)


def _relinted(outcome: FixOutcome, new_data: bytes, settings: Settings, project: ProjectSpec | None) -> LintResult | None:
    """The fix loop's last lint when it is the lint of `new_data` (the same text, past the
    prefilter): a second one would cost a big file another parse."""
    if outcome.last is None or not needs_parsing(new_data, file_triggers(settings, project)):
        return None
    try:
        text = decode_source(new_data).text
    except SourceError:
        return None
    return outcome.last if text == outcome.fixed else None


def lint_file(task: LintTask) -> FileOutcome:
    """Read, lint (fix, write) and cache one file: the unit of work of a worker process."""
    data = read_file(Path(task.path))
    if isinstance(data, str):  # vanished or became unreadable since the parent read it
        return FileOutcome(_unreadable(task.path, data, task.settings), None)
    outcome = _lint_or_fix(task.path, data, task.settings, task.options, project=task.project, summarize=task.summarize)
    result = outcome.result
    if not task.summarize:
        result.summary = task.summary
    # A file the fixer changed is not cached: its result is about content written (or,
    # with --diff, not written) after the read.
    if task.cache is not None and outcome.fixed is None and not result.errors:
        from claude_lint.app.cache import store

        check_parent()
        store(task.cache, task.path, data, result.diagnostics, result.summary, result.asked)
    if not outcome.result.diagnostics:
        outcome.data = None  # no excerpt to show: do not send the bytes back
    return outcome


def lint_files(tasks: list[LintTask]) -> list[FileOutcome]:
    """A worker's chunk of tasks (it stops, cleaning up, if the run ends meanwhile)."""
    with worker_task():
        return [lint_file(task) for task in tasks]


def run(paths: list[str], resolver: ConfigResolver, options: RunOptions, progress: Progress | None = None) -> Outcome:
    outcome = Outcome()
    files: list[FileOutcome] = []
    for raw in paths:
        if raw == "-":
            display = options.stdin_filename or "-"
            settings = _with_cli_options(resolver.for_path(Path(display).absolute()), options)
            data = sys.stdin.buffer.read()
            outcome.stdin_data = data
            project = _in_process_spec(Path(display).absolute(), data, settings)
            files.append(_lint_or_fix(display, data, settings, options, stdin=True, project=project))
    candidates = list(discover((p for p in paths if p != "-"), resolver, options.force_exclude))
    if progress is not None:
        progress.start(len(candidates))
    try:
        covered = tuple(Path(p).resolve() for p in paths if p != "-" and Path(p).is_dir())
        files.extend(_lint_candidates(candidates, resolver, options, progress, outcome, covered, tuple(paths)))
    finally:
        if progress is not None:
            progress.finish()
    for file in files:
        result = file.result
        outcome.files_checked += 1
        outcome.checked.append(result.path)
        outcome.errors.extend(result.errors)
        outcome.warnings.extend(file.warnings)
        if file.fixed is not None:
            outcome.fixes.append(file.fixed)
        for diagnostic in result.diagnostics:
            (outcome.suppressed if diagnostic.suppressed else outcome.diagnostics).append(diagnostic)
        if result.diagnostics and file.data is not None:
            outcome.sources[result.path] = _text(file.data)
    outcome.diagnostics.sort(key=Diagnostic.sort_key)
    outcome.suppressed.sort(key=Diagnostic.sort_key)
    return outcome


def _in_process_spec(path: Path, data: bytes, settings: Settings) -> ProjectSpec:
    """A file linted alone (stdin, the language server): its project model, asked on demand."""
    from claude_lint.app.project import project_for

    project = project_for(path, settings)
    project.preload(path, data)
    return project.spec_for(path, names=project.names_for(data))


def _lint_candidates(
    candidates: list[Candidate],
    resolver: ConfigResolver,
    options: RunOptions,
    progress: Progress | None,
    outcome: Outcome,
    covered: tuple[Path, ...] = (),
    paths: tuple[str, ...] = (),
) -> list[FileOutcome]:
    """Prefilter and look up the cache here; lint what is left, in workers if there is much; then the project passes.

    A run of many files with nothing changed since the last is answered by that run's record
    (app/run_record.py) instead; `paths`: the run's arguments, part of its key.

    `covered`: directories the run walked whole; a project whose root is one of them (or
    inside one) had every file read, so its model needs no scan of the files for subclasses.
    """

    done: list[FileOutcome | None] = [None] * len(candidates)
    pending: list[tuple[int, LintTask, int]] = []  # (index, task, size)
    # Settings depend on a file's directory only (candidates are never directories).
    by_directory: dict[Path, tuple[Settings, tuple[bytes, ...]]] = {}
    # A few files' preloads parse between cache hits: what hits decode is kept frozen only in bigger runs.
    cache = _LazyCache(options.cache, keep=len(candidates) > FEW_FILES)
    registry: dict[tuple[Path, Settings], Project] = {}  # this run's projects: files may have changed since the last
    projects = _Projects(candidates, registry, covered, cache)
    skipped: list[int] = []  # files the SDK triggers do not let through
    few = len(candidates) <= FEW_FILES
    for candidate in candidates:
        directory = candidate.path.parent
        if candidate.skipped is None and directory not in by_directory:
            merged = _with_cli_options(resolver.for_path(candidate.path), options)
            by_directory[directory] = (merged, triggers_for(merged.trigger_names))
    run_key = _run_key(candidates, by_directory, options, cache, paths) if not few else None
    if run_key is not None:
        from claude_lint.app import run_record

        recorded = run_record.load(run_key, candidates, read_file)
        if recorded is not None:
            return _from_record(candidates, recorded, progress, outcome)
    for index, candidate in enumerate(candidates):
        if candidate.skipped is not None:
            outcome.warnings.append(f"{candidate.path}: {candidate.skipped}")
            if progress is not None:
                progress.advance()
            continue
        settings, triggers = by_directory[candidate.path.parent]
        path = str(candidate.path)
        data = read_file(candidate.path)
        if isinstance(data, str):
            done[index] = FileOutcome(_unreadable(path, data, settings), None)
        else:
            projects.settings[index] = settings
            if not needs_parsing(data, triggers):
                done[index] = FileOutcome(_decoded_only(path, data, settings), data)
                skipped.append(index)
                # A project the run does not cover whole may hold the wrappers this file calls
                # outside the run: load what it imports (the few-files way), or no name reaches it.
                if few:
                    projects[index].preload(candidate.path, data)
                elif not projects[index].complete:
                    projects[index].preload(candidate.path, data, projects.covered)
            else:
                spec = cache.spec_for(settings)
                project = projects[index]
                hit = _cache_hit(cache, spec, path, data, options) if spec is not None else None
                if hit is None:
                    task = LintTask(path, settings, options, spec, project.spec_for(candidate.path, False), True)
                    pending.append((index, task, len(data)))
                    continue
                done[index] = FileOutcome(hit, data)
                if hit.summary is not None:
                    project.add(candidate.path, data, hit.summary)
        if progress is not None:
            progress.advance()
    for index, file in _run_tasks(pending, options.jobs, progress, outcome):
        done[index] = file
        _learn(projects[index], candidates[index].path, file)
    _widen(candidates, projects, skipped, done, options, cache, outcome)
    _relint_stale(candidates, projects, done, options, cache, outcome)
    if run_key is not None:
        _record(run_key, done, registry, cache)
    return [file for file in done if file is not None]


def _run_key(
    candidates: list[Candidate],
    by_directory: dict[Path, tuple[Settings, tuple[bytes, ...]]],
    options: RunOptions,
    cache: _LazyCache,
    paths: tuple[str, ...],
) -> RunKey | None:
    """The key of a whole run's record (app/run_record.py): a check of many files with the cache on."""
    if not cache.enabled or options.fix:
        return None
    from claude_lint.app import run_record

    settings = [None if c.skipped is not None else by_directory[c.path.parent][0] for c in candidates]
    return run_record.run_key(cache.results(), paths, options, candidates, settings)


def _from_record(
    candidates: list[Candidate], recorded: list[Any], progress: Progress | None, outcome: Outcome
) -> list[FileOutcome]:
    files: list[FileOutcome] = []
    for candidate, entry in zip(candidates, recorded, strict=True):
        if entry is None:
            outcome.warnings.append(f"{candidate.path}: {candidate.skipped}")
        else:
            files.append(FileOutcome(*entry))
        if progress is not None:
            progress.advance()
    return files


def _record(
    run_key: RunKey, done: list[FileOutcome | None], registry: dict[tuple[Path, Settings], Project], cache: _LazyCache
) -> None:
    """Keep this run's findings for a rerun with nothing changed, in a cache directory the run made."""
    from claude_lint.app import run_record

    if cache.cache is None or cache.cache.prepared(run_key.settings) is None:
        return  # the record's directory is made only where a file's entry was
    if any(f is not None and f.warnings for f in done):
        return
    results = [(index, file.result, file.data is not None) for index, file in enumerate(done) if file is not None]
    run_record.store(run_key, results, registry.values())


class _LazyCache:
    """The results cache, opened (its directory created) only when a file passes the prefilter."""

    def __init__(self, enabled: bool, keep: bool = False) -> None:
        self.enabled = enabled
        self.cache: ResultCache | None = None
        self.keep = keep  # keep what entries hold out of the collector's passes (`collector_paused`)
        self._collected = False

    def load(self, spec: CacheSpec, path: str, data: bytes) -> CachedResult | None:
        from claude_lint.app.cache import load

        if not self.keep:
            return load(spec, path, data)
        if not self._collected:
            self._collected = True
            collect_garbage()
        with collector_paused(keep=True):  # the decoded diagnostics and summary stay until the run ends
            return load(spec, path, data)

    def results(self) -> ResultCache:
        """The cache as this run sees it (no directory is made yet)."""
        if self.cache is None:
            from claude_lint.app.cache import ResultCache  # hashlib and friends: only now

            self.cache = ResultCache()
        return self.cache

    def spec_for(self, settings: Settings) -> CacheSpec | None:
        if not self.enabled:
            return None
        return self.results().spec_for(settings)


class _SummariesWhenRead:
    """A project's summary store, opened only when the project reads a module: the files the
    prefilter skips (a base class, a config module) get their summaries cached too."""

    def __init__(self, cache: _LazyCache, settings: Settings) -> None:
        self.cache = cache
        self.settings = settings
        self.opened: Any = None  # a SummaryStore; False when the cache is off

    def _store(self) -> Any:
        if self.opened is None:
            spec = self.cache.spec_for(self.settings)
            if spec is None:
                self.opened = False
            else:
                from claude_lint.app.cache import SummaryStore

                self.opened = SummaryStore(spec)
        return self.opened

    def load(self, data: bytes) -> dict[str, Any] | None:
        store = self._store()
        return store.load(data) if store else None

    def store(self, data: bytes, summary: dict[str, Any]) -> None:
        store = self._store()
        if store:
            store.store(data, summary)


class _Projects(dict[int, "Project"]):
    """The project of each candidate, found when first asked (most files of a sparse tree never need one)."""

    def __init__(
        self,
        candidates: list[Candidate],
        registry: dict[tuple[Path, Settings], Project],
        covered: tuple[Path, ...] = (),
        cache: _LazyCache | None = None,
    ) -> None:
        super().__init__()
        self.cache = cache
        # Directories the run walks whole: a project under one has every file linted here, so its
        # model never needs to read the rest of the project (`Project.load_all`).
        self.covered = covered
        self.candidates = candidates
        self.registry = registry
        self.settings: dict[int, Settings] = {}
        self._roots: dict[tuple[Path, Settings], Project] = {}

    def __missing__(self, index: int) -> Project:
        from claude_lint.app.project import project_for

        path, settings = self.candidates[index].path, self.settings[index]
        key = (path.parent, settings)
        if key not in self._roots:  # the root is the same for every file of a directory
            self._roots[key] = project_for(path, settings, self.registry)
            root = self._roots[key].root.resolve()
            if any(root == d or d in root.parents for d in self.covered):
                self._roots[key].model.load_all = None
                self._roots[key].complete = True
            if self._roots[key].cache is None and self.cache is not None:
                self._roots[key].cache = _SummariesWhenRead(self.cache, settings)
        project = self[index] = self._roots[key]
        return project


def _learn(project: Project, path: Path, file: FileOutcome) -> None:
    if file.result.summary is not None:
        project.add(path, None, file.result.summary)


def _names_for(project: Project) -> tuple[str, ...]:
    return tuple(sorted(project.claude_names()))


def _widen(
    candidates: list[Candidate],
    projects: _Projects,
    skipped: list[int],
    done: list[FileOutcome | None],
    options: RunOptions,
    cache: _LazyCache,
    outcome: Outcome,
) -> None:
    """Lint the files that name a project function that calls Claude (or a client), though no SDK trigger is in them.

    Each round's new files may define wrappers of wrappers, whose names the next round looks for.
    """
    left = list(skipped)
    # The names each project's files left over were already looked for: a later round looks
    # for its new names only.
    looked_for: dict[int, set[str]] = {}
    for _ in range(8):
        if not left:
            return
        # Only projects that hold modules can name anything (a skipped file alone does not).
        if not any(p.model.loaded() for p in projects.registry.values()):
            return
        names_by_project: dict[int, tuple[tuple[str, ...], tuple[bytes, ...]]] = {}
        known: dict[int, dict[bytes, dict[str, Any]]] = {}  # per project: last name -> what the model resolved
        pending: list[tuple[int, LintTask, int]] = []
        rest: list[int] = []
        for index in left:
            project = projects[index]
            path = candidates[index].path
            data: bytes | str = ""
            found = None
            if id(project) not in names_by_project and not project.model.knows_claude_names():
                # Before all of them are worked out (which may parse hundreds of modules), the
                # names of the file's own words: one that reaches Claude lets it in.
                data = read_file(path)
                if not isinstance(data, str):
                    found = project.claude_name_in(data)
            if found is None:
                if id(project) not in names_by_project:
                    every = _names_for(project)
                    seen = looked_for.setdefault(id(project), set())
                    names_by_project[id(project)] = (every, tuple(n.encode() for n in every if n not in seen))
                names, new = names_by_project[id(project)]
                data = (data or read_file(path)) if new else ""
                if isinstance(data, str) or not mentions_name(data, new):
                    rest.append(index)
                    continue
            assert not isinstance(data, str)
            if found is not None:  # a name it mentions is all the lint needs, unless stand-ins may change
                names = project.names_for(data)
            if id(project) not in known:
                known[id(project)] = _by_last_name(project.model.resolved())
            settings = project.settings
            spec = cache.spec_for(settings)
            project_spec = project.spec_for(path, False)
            project_spec = _with_names(project_spec, names, _answers_for(data, known[id(project)]))
            hit = _cache_hit(cache, spec, str(path), data, options) if spec is not None else None
            if hit is not None:
                done[index] = FileOutcome(hit, data)
                if hit.summary is not None:
                    project.add(path, data, hit.summary)
                continue
            pending.append((index, LintTask(str(path), settings, options, spec, project_spec, True), len(data)))
        for key, (every, _) in names_by_project.items():
            looked_for[key].update(every)
        for index, file in _run_tasks(pending, options.jobs, None, outcome):
            done[index] = file
            _learn(projects[index], candidates[index].path, file)
        if len(rest) == len(left):
            return
        left = rest


def _with_names(spec: ProjectSpec, names: tuple[str, ...], answers: dict[str, Any] | None = None) -> ProjectSpec:
    from dataclasses import replace

    return replace(spec, names=names) if answers is None else replace(spec, names=names, answers=answers)


def _by_last_name(resolved: dict[str, Any]) -> dict[bytes, dict[str, Any]]:
    by_name: dict[bytes, dict[str, Any]] = {}
    for qualname, symbol in resolved.items():
        by_name.setdefault(qualname.rsplit(".", 1)[-1].encode(), {})[qualname] = symbol
    return by_name


_WORD = re.compile(rb"\w+")


def _answers_for(data: bytes, by_name: dict[bytes, dict[str, Any]]) -> dict[str, Any]:
    """What the project model already resolved for the names a file mentions: a widened file's
    analysis in a worker gets them up front, rather than being linted again with them
    (`_relint_stale` still checks every name it asked)."""
    answers: dict[str, Any] = {}
    for word in set(_WORD.findall(data)) & by_name.keys():
        answers.update(by_name[word])
    return answers


def _relint_stale(
    candidates: list[Candidate],
    projects: dict[int, Project],
    done: list[FileOutcome | None],
    options: RunOptions,
    cache: _LazyCache,
    outcome: Outcome,
) -> None:
    """Lint again the files the project answers differently than their result assumed (usually none)."""
    from claude_lint.analysis.symbols import fingerprint

    for _ in range(4):
        pending: list[tuple[int, LintTask, int]] = []
        for index, file in enumerate(done):
            if file is None or not file.result.asked or index not in projects:
                continue
            project = projects[index]
            asked = file.result.asked
            answers = {name: project.model.symbol(name) for name in asked}
            if all(fingerprint(answers[name]) == asked[name] for name in asked):
                continue
            path = candidates[index].path
            settings = project.settings
            spec = cache.spec_for(settings)
            # Only the names that can change the lint (the file's first lint, in the run, had none).
            data = file.data if file.data is not None else read_file(path)  # (not kept without findings)
            names = _names_for(project) if isinstance(data, str) else project.names_for(data)
            project_spec = _with_names(project.spec_for(path, False), names)
            from dataclasses import replace

            project_spec = replace(project_spec, answers=answers)
            task = LintTask(str(path), settings, options, spec, project_spec, False, file.result.summary)
            pending.append((index, task, 0))
        if not pending:
            return
        for index, file in _run_tasks(pending, options.jobs, None, outcome):
            done[index] = file


def _cache_hit(cache: _LazyCache, spec: CacheSpec, path: str, data: bytes, options: RunOptions) -> LintResult | None:
    """The cached result of this content, unless there is none or fix mode has fixes to apply."""
    cached = cache.load(spec, path, data)
    if cached is None or (options.fix and _offers_fix(cached.diagnostics, options)):
        return None
    return LintResult(path, cached.diagnostics, parsed=True, summary=cached.summary, asked=cached.asked)


def _run_tasks(
    pending: list[tuple[int, LintTask, int]], jobs: int, progress: Progress | None, outcome: Outcome
) -> Iterator[tuple[int, FileOutcome]]:
    if jobs > 1 and len(pending) > PARALLEL_MIN_FILES:
        yield from _run_in_workers(pending, jobs, progress, outcome)
    else:
        yield from _in_this_process(((index, task) for index, task, _ in pending), progress)


def _in_this_process(tasks: Iterable[tuple[int, LintTask]], progress: Progress | None) -> Iterator[tuple[int, FileOutcome]]:
    for index, task in tasks:
        yield index, lint_file(task)
        if progress is not None:
            progress.advance()


def _chunks(pending: list[tuple[int, LintTask, int]], workers: int) -> list[list[tuple[int, LintTask, int]]]:
    """Largest files first, in chunks small enough to balance the load and big enough to save IPC."""
    ordered = sorted(pending, key=lambda item: -item[2])
    size = max(1, min(16, len(ordered) // (workers * 8)))
    return [ordered[start : start + size] for start in range(0, len(ordered), size)]


def _pool_context() -> BaseContext | None:
    """fork on Linux: a worker starts in a millisecond with the parent's imports and memos."""
    import multiprocessing

    if sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def _run_in_workers(
    pending: list[tuple[int, LintTask, int]], jobs: int, progress: Progress | None, outcome: Outcome
) -> Iterator[tuple[int, FileOutcome]]:
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    workers = min(jobs, len(pending))
    left = {index: task for index, task, _ in pending}
    try:
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=_pool_context(), initializer=init_worker, initargs=(os.getpid(),)
        )
    except (OSError, NotImplementedError, ImportError):  # no semaphores here (some sandboxes)
        yield from _in_this_process(sorted(left.items()), progress)
        return
    try:
        try:
            futures = {
                pool.submit(lint_files, [task for _, task, _ in chunk]): [index for index, _, _ in chunk]
                for chunk in _chunks(pending, workers)
            }
            for future in as_completed(futures):
                indexes = futures[future]
                for index, file in zip(indexes, future.result(), strict=True):
                    del left[index]
                    yield index, file
                    if progress is not None:
                        progress.advance()
        except BaseException:  # interrupted (SIGINT, SIGTERM), or the consumer stopped: stop now
            stop_workers(pool)
            raise
        pool.shutdown(wait=True)
    except BrokenProcessPool:
        # A worker died (killed, out of memory): lint what it left in this process.
        outcome.warnings.append(f"a worker process stopped unexpectedly; linting the {len(left)} files left here")
        yield from _in_this_process(sorted(left.items()), progress)
