"""`claude-lint calls`: every Claude call site under the given paths, with its posture, followed through its project's callers.

The call sites listed are those of the files under the given paths; their
callers are looked for in the whole project of each file (root: the
configuration file's directory, else the git root; app/project.py), so a
run on one file finds the retries and handlers its callers in other modules
put around it, as a run on the whole tree does. The files read are those the
prefilter lets through (an SDK trigger string), then, round by round, those
that name a project function that calls Claude (the project model's names),
as a full lint run widens its set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claude_lint.app.discover import discover
from claude_lint.app.runner import read_file  # the same rules for what a file is and how it is read
from claude_lint.config.settings import ConfigResolver, Settings
from claude_lint.core.source import SourceError, decode_source
from claude_lint.engine.prefilter import mentions_name, needs_parsing, triggers_for

if TYPE_CHECKING:
    import libcst as cst

    from claude_lint.app.project import Project
    from claude_lint.engine.calls import CallPosture

# Rounds of widening: each finds callers of the callers found in the last one.
_ROUNDS = 8


@dataclass
class _File:
    path: Path
    data: bytes
    text: str
    settings: Settings
    project: Project
    module: cst.Module | None  # parsed already (to summarise it), else None
    shown: bool  # under the paths asked about: its call sites are listed
    direct: bool  # the prefilter's SDK triggers let it through: it may make Claude calls itself
    summary: dict[str, Any] | None


def collect_calls(
    paths: list[str], resolver: ConfigResolver, cache: bool = True, warnings: list[str] | None = None
) -> list[CallPosture]:
    """Postures of the call sites of the files under `paths`, in discovery order, with their callers' retries and handlers.

    `cache`: read and write module summaries in the results cache (`cache-dir`), as `check` does;
    `warnings`: gets a line for each file asked about that could not be read.
    """
    if warnings is None:
        warnings = []
    from claude_lint.app.project import project_for
    from claude_lint.engine.calls import file_calls, link
    from claude_lint.engine.lint import collector_paused

    registry: dict = {}
    settings_by_dir: dict[Path, Settings] = {}
    stores: dict[Settings, object] = {}

    def settings_for(path: Path) -> Settings:
        if path.parent not in settings_by_dir:
            settings_by_dir[path.parent] = resolver.for_path(path)
        return settings_by_dir[path.parent]

    by_dir: dict[tuple[Path, Settings], Project] = {}

    def project_of(path: Path, settings: Settings) -> Project:
        key = (path.parent, settings)
        if key in by_dir:  # the root is the same for every file of a directory
            return by_dir[key]
        project = by_dir[key] = project_for(path, settings, registry)
        if cache and project.cache is None:
            if settings not in stores:
                stores[settings] = _store(settings)
            project.cache = stores[settings]
        return project

    asked = [c.path for c in discover(paths, resolver) if c.skipped is None]
    asked_set = {p.resolve() for p in asked}
    projects: dict[int, Project] = {}
    for path in asked:
        project = project_of(path, settings_for(path))
        projects[id(project)] = project
    # The rest of each project: where callers may be.
    scope: list[Path] = list(asked)
    seen = set(asked_set)
    walked = [Path(p).resolve() for p in paths if Path(p).is_dir()]
    for project in projects.values():
        root = project.root.resolve()
        if any(root == d or root.is_relative_to(d) for d in walked):
            continue  # walked already (a tree with no configuration or git root is a project per directory)
        for candidate in discover([str(project.root)], resolver):
            resolved = candidate.path.resolve()
            if candidate.skipped is None and resolved not in seen:
                seen.add(resolved)
                scope.append(candidate.path)
    files: dict[Path, _File] = {}
    left: list[tuple[Path, bytes, Settings]] = []
    for path in scope:
        data = read_file(path)
        if isinstance(data, str):
            continue
        settings = settings_for(path)
        if needs_parsing(data, triggers_for(settings.trigger_names)):
            _read(files, path, data, settings, project_of(path, settings), path.resolve() in asked_set, True)
        else:
            left.append((path, data, settings))
    # Files that reach Claude only through project functions: callers of callers, round by round.
    for _ in range(_ROUNDS):
        names: dict[int, tuple[bytes, ...]] = {}
        rest = []
        for path, data, settings in left:
            project = project_of(path, settings)
            if id(project) not in names:
                names[id(project)] = tuple(n.encode() for n in sorted(project.claude_names()))
            if mentions_name(data, names[id(project)]):
                _read(files, path, data, settings, project, path.resolve() in asked_set, False)
            else:
                rest.append((path, data, settings))
        if len(rest) == len(left):
            break
        left = rest
    found = []
    reaching: dict[int, set[str]] = {}
    for file in files.values():
        if not file.direct and not _uses_claude(file, reaching):
            continue  # named a Claude-calling function's name, but imports none
        with collector_paused():
            why: list[str] = []
            module = file.module if file.module is not None else _parse(file.path, file.text, why)
            if module is None:
                if file.shown:
                    warnings.append(f"{_shown(file.path)}: {why[0] if why else 'does not parse'} (`claude-lint check` says why); its call sites are not listed")
                continue
            spec = file.project.spec_for(file.path)
            try:
                calls = file_calls(_shown(file.path), file.project.display(file.path), file.text, file.settings, spec, module)
            except Exception:  # noqa: BLE001  (a bug on one file must not stop the report: it says what it left out)
                warnings.append(f"{_shown(file.path)}: internal error while reading its calls; left out")
                continue
        if calls is None:
            continue
        if not file.shown:
            calls.postures = []
        found.append(calls)
    link(found)
    order = {_shown(p): i for i, p in enumerate(asked)}
    postures = [p for calls in found for p in calls.postures]
    postures.sort(key=lambda p: (order.get(p.path, len(order)), p.line, p.column))
    return postures


def _store(settings: Settings) -> object:
    from claude_lint.app.cache import ResultCache, SummaryStore

    spec = ResultCache().spec_for(settings)
    return SummaryStore(spec) if spec is not None else None


def _read(
    files: dict[Path, _File], path: Path, data: bytes, settings: Settings, project: Project, shown: bool, direct: bool
) -> None:
    """Give the project the file's summary (cached, else from a parse kept for later)."""
    from claude_lint.engine.lint import collector_paused

    try:
        text = decode_source(data).text
    except SourceError:
        return
    summary = project.cache.load(data) if project.cache is not None else None  # type: ignore[attr-defined]
    module = None
    if summary is None:
        with collector_paused():
            module = _parse(path, text)
            summary = _summary(module, text, settings) if module is not None else None
        if summary is not None and project.cache is not None:
            project.cache.store(data, summary)  # type: ignore[attr-defined]
    if summary is not None:
        project.add(path, data, summary)
    files[path] = _File(path, data, text, settings, project, module, shown, direct, summary)


def _uses_claude(file: _File, reaching: dict[int, set[str]]) -> bool:
    """The module imports a project function, class or client that reaches Claude (or a module that holds one)."""
    from claude_lint.analysis.symbols import (
        RemoteClass,
        RemoteClient,
        RemoteFunction,
        absolute_name,
    )

    summary = file.summary
    if summary is None:
        return True  # not known: read it
    named = file.project.note_file(file.path)
    module, is_package = (named[0], named[1]) if named else (None, False)
    model = file.project.model
    if id(file.project) not in reaching:
        reaching[id(file.project)] = _modules_reaching_claude(file.project)
    modules = reaching[id(file.project)]
    for imported in summary["imports"].values():
        name = absolute_name(imported, module, is_package)
        if name is None:
            continue
        found = model.symbol(name)
        if isinstance(found, RemoteFunction) and found.calls_claude or isinstance(found, RemoteClient):
            return True
        if isinstance(found, RemoteClass) and model.class_methods(name):
            return True
        if found is None and any(m == name or m.startswith(name + ".") for m in modules):
            return True  # `import app.llm` then `app.llm.ask(...)`
    return False


def _modules_reaching_claude(project: Project) -> set[str]:
    from claude_lint.analysis.symbols import RemoteFunction

    model = project.model
    out = set()
    for loaded in model.loaded():
        for qual in loaded.summary["functions"]:
            found = model.symbol(f"{loaded.name}.{qual}")
            if isinstance(found, RemoteFunction) and found.calls_claude:
                out.add(loaded.name)
                break
    return out


def _parse(path: Path, text: str, why: list[str] | None = None) -> cst.Module | None:
    """The parsed module, or None with what kept it from being analysed appended to `why`."""
    from claude_lint.engine.lint import LintResult, parse_checked

    result = LintResult(str(path))
    module = parse_checked(result, text, frozenset({"CL001", "CL002"}), set())
    if module is None and why is not None:
        over = any(d.code == "CL002" for d in result.diagnostics)
        why.append("holds more code than one file may hold to be analysed" if over else "does not parse")
    return module


def _summary(module: cst.Module, text: str, settings: Settings) -> dict[str, Any] | None:
    from claude_lint.analysis.summary import summarize_module
    from claude_lint.sdk.load import load_knowledge

    try:
        knowledge = load_knowledge(settings.sdk_version, project=settings.root)
        return summarize_module(module, text, knowledge, settings.client_factories)
    except Exception:  # noqa: BLE001  (a module we cannot read tells the project nothing)
        return None


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
