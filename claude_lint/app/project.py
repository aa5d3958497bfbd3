"""A file's project: its root, the module names of its files, and their summaries, found on demand.

The root is the directory of the configuration file, else the git root, else
the file's own directory. A module is named the way Python would import it:
the file's path from the first directory up that is not a package (has no
`__init__.py`); a module name is found again by probing the root, `src/`
and every such top directory seen so far. Summaries are computed in this
process when asked (linting a few files, the language server) or given by the
workers of a full run, and kept per file content in memory and in the cache.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from claude_lint.analysis.project import LoadedModule, ProjectModel
from claude_lint.analysis.symbols import ProjectSpec
from claude_lint.config.settings import Settings
from claude_lint.core.source import SourceError, decode_source, read_source_file


def project_root(path: Path, settings: Settings) -> Path:
    """The configuration's directory, else the git root above the file, else its directory."""
    if settings.config_file is not None:
        return settings.config_file.parent  # resolved already (`settings_from_table`)
    start = path.resolve().parent
    directory = str(start)  # strings: a full run asks once for each directory of the tree
    while True:
        if _exists(os.path.join(directory, ".git")):
            return start if directory == str(start) else Path(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            return start
        directory = parent


def _exists(path: str) -> bool:
    """`Path(path).exists()`: False where it cannot be (ENOENT, ENOTDIR, ELOOP), other errors raised."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as e:
        if e.errno in (errno.EBADF, errno.ELOOP) or getattr(e, "winerror", None) in (21, 123, 1921):
            return False
        raise
    except ValueError:
        return False
    return True


def module_name(path: Path, resolved: bool = False) -> tuple[str, bool, Path] | None:
    """(dotted name, is a package's `__init__`, the directory the name starts from); `resolved`:
    the path is resolved already."""
    if not resolved:
        path = path.resolve()
    if path.suffix != ".py":
        return None
    is_package = path.name == "__init__.py"
    packages, directory = _package_of(path.parent)
    parts = [*packages] if is_package else [*packages, path.stem]
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts), is_package, directory


@lru_cache(maxsize=4096)
def _package_of(directory: Path) -> tuple[tuple[str, ...], Path]:
    """The package names of a directory (up to the first that is not a package), and where they start."""
    # A directory whose name is no identifier cannot be imported as a package, `__init__.py` or not
    # (a checkout named `owner+repo` with one at its top): its modules are named from inside it.
    if not (directory / "__init__.py").is_file() or directory.parent == directory or not directory.name.isidentifier():
        return (), directory
    outer, base = _package_of(directory.parent)
    return (*outer, directory.name), base


class Project:
    """One project's module index and its model (summaries resolved on demand)."""

    def __init__(self, root: Path, settings: Settings, snapshot: bool = False) -> None:
        """`snapshot`: the tree does not change while this project is asked (one run's own
        projects), so `find` reads each directory once; a project the language server keeps
        probes the files each time (a module created since may be asked for)."""
        self.root = root
        self.snapshot = snapshot
        self.settings = settings
        self.bases: list[Path] = [root, root / "src"]
        self.model = ProjectModel(self._load, self._subclass_modules)
        self.model.load_all = self.load_all
        # A run that read every file of the project (a full run from its root) loaded every
        # module that can make a Claude call: subclasses are looked for among those only.
        # Otherwise the project's files are scanned once for their `class X(...)` lines.
        self.complete = False
        self._class_index: dict[str, list[str]] | None = None
        # Summaries by content digest, and the summary-computing callback's counter (tests read it).
        self._summaries: dict[bytes, dict[str, Any] | None] = {}
        self.computed = 0
        self.cache: Any = None  # a SummaryStore, when the cache is on
        # What the model read beyond the run's own files (a whole run's record depends on it,
        # app/run_record.py): files loaded by module name, names found nowhere, and whether the
        # project's files were walked (a scan for subclasses, `load_all`).
        self.read: set[str] = set()
        self.missing: set[str] = set()
        self.walked = False
        self._run_files: dict[str, bool] = {}  # module name -> its file is one of the run's (`_in_run`)
        self._directories: dict[Path, Path] = {}  # directory -> resolved (`_resolved`)
        self._known_bases = set(self.bases)  # `bases` as a set: `note_file` asks once per file
        # In a snapshot: each file's module name (`note_file`) and shown path (`display`), once.
        self._named: dict[Path, tuple[str, bool] | None] = {}
        self._shown: dict[Path, str] = {}
        self._listings: dict[str, dict[str, os.DirEntry[str]] | None] = {}  # directory -> entries (`find`)

    def _resolved(self, path: Path) -> Path:
        """`path.resolve()`, with a realpath per directory rather than per file: a file that is no
        symlink resolves to its resolved directory / its name. Forgotten on `update` (a save)."""
        if os.path.islink(path):
            return path.resolve()
        directory = self._directories.get(path.parent)
        if directory is None:
            directory = self._directories[path.parent] = path.parent.resolve()
        return directory / path.name

    def display(self, path: Path) -> str:
        shown = self._shown.get(path)
        if shown is None:
            try:
                shown = self._resolved(path).relative_to(self.root).as_posix()
            except ValueError:
                shown = path.as_posix()
            if self.snapshot:
                self._shown[path] = shown
        return shown

    def note_file(self, path: Path) -> tuple[str, bool] | None:
        """A file of the project: its module name; its top directory becomes a place to look for modules."""
        if path in self._named:
            return self._named[path]
        named = module_name(self._resolved(path), resolved=True)
        noted = None
        if named is not None:
            name, is_package, base = named
            if base not in self._known_bases:
                self._known_bases.add(base)
                if base not in self.bases:
                    self.bases.append(base)
            noted = name, is_package
        if self.snapshot:
            self._named[path] = noted
        return noted

    def find(self, name: str) -> Path | None:
        """The file of module `name`: `<base>/a/b.py` or `<base>/a/b/__init__.py`, the first base that has one.

        A run asks for thousands of names, most of them not in the project (`numpy`,
        `os.path`) and each probed in every base: in a `snapshot`, each directory is
        listed once (`_listing`) and a name is looked up in the listings, as Python's
        own path finder does, instead of two `stat` calls per name and base.
        """
        parts = name.split(".")
        if not self.snapshot or not all(parts) or any(os.sep in p or (os.altsep and os.altsep in p) for p in parts):
            return self._probe(parts)  # not a plain dotted name: the paths as they are
        for base in self.bases:
            directory = os.fspath(base)
            for part in parts[:-1]:
                entries = self._listing(directory)
                if entries is None:
                    break
                entry = entries.get(part)
                if entry is None or not entry.is_dir():
                    directory = ""
                    break
                directory = os.path.join(directory, part)
            else:
                entries = self._listing(directory)
            if not directory:
                continue
            if entries is None:  # a directory that cannot be listed (no read permission): probe it
                found = self._probe(parts, [base])
                if found is not None:
                    return found
                continue
            entry = entries.get(parts[-1] + ".py")
            if entry is not None and entry.is_file():
                return Path(entry.path)
            entry = entries.get(parts[-1])
            if entry is not None and entry.is_dir():
                inner = self._listing(entry.path)
                init = inner.get("__init__.py") if inner is not None else None
                if init is not None and init.is_file():
                    return Path(init.path)
                if inner is None and os.path.isfile(os.path.join(entry.path, "__init__.py")):
                    return Path(entry.path, "__init__.py")
        return None

    def _probe(self, parts: list[str], bases: list[Path] | None = None) -> Path | None:
        for base in self.bases if bases is None else bases:
            stem = os.path.join(base, *parts)
            for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
                if os.path.isfile(candidate):
                    return Path(candidate)
        return None

    def _listing(self, directory: str) -> dict[str, os.DirEntry[str]] | None:
        """A directory's entries by name, read once (forgotten on `update`); {} if it is missing or
        no directory, None if it cannot be listed."""
        entries = self._listings.get(directory)
        if entries is None and directory not in self._listings:
            try:
                with os.scandir(directory) as listed:
                    entries = {entry.name: entry for entry in listed}
            except (FileNotFoundError, NotADirectoryError):
                entries = {}
            except OSError:
                entries = None
            self._listings[directory] = entries
        return entries

    def summary_of(self, data: bytes) -> dict[str, Any] | None:
        key = hashlib.blake2b(data, digest_size=16).digest()
        if key in self._summaries:
            return self._summaries[key]
        found = self.cache.load(data) if self.cache is not None else None
        if found is None:
            try:
                text = decode_source(data).text
            except SourceError:
                found = None
            else:
                from claude_lint.engine.lint import (
                    summarize_text,  # libcst: only when a module is read
                )

                self.computed += 1
                found = summarize_text(text, self.settings)
                if found is not None and self.cache is not None:
                    self.cache.store(data, found)
        self._summaries[key] = found
        return found

    def remember(self, data: bytes, summary: dict[str, Any]) -> None:
        self._summaries[hashlib.blake2b(data, digest_size=16).digest()] = summary

    def _load(self, name: str) -> LoadedModule | None:
        path = self.find(name)
        if path is None:
            self.missing.add(name)
            return None
        self.read.add(str(path))
        try:
            # As a linted file is read: a FIFO or device in the module's place, or a file over the size
            # limit, tells the project nothing (a 3 GB sparse `helpers.py` was read whole: MemoryError).
            data = read_source_file(path)
        except (SourceError, OSError):
            return None
        summary = self.summary_of(data)
        if summary is None:
            return None
        return LoadedModule(name, self.display(path), path.name == "__init__.py", summary)

    def load_all(self) -> None:
        """Summaries of every file of the project that makes Claude calls (SDK trigger strings), not loaded yet.

        Asked only when a file's analysis needs to know where another module uses
        one of its names (CL302: a model id another module sends), once per project.
        """
        # Deferred: only the few runs that ask need the walk.
        from claude_lint.app.discover import discover
        from claude_lint.config.settings import ConfigResolver
        from claude_lint.engine.prefilter import needs_parsing, triggers_for

        triggers = triggers_for(self.settings.trigger_names)
        self.walked = True
        for candidate in discover([str(self.root)], ConfigResolver()):
            named = module_name(candidate.path) if candidate.skipped is None else None
            if named is None or self.model.loaded_as(named[0]):
                continue
            try:
                data = read_source_file(candidate.path)
            except (SourceError, OSError):
                continue
            if needs_parsing(data, triggers):
                summary = self.summary_of(data)
                if summary is not None:
                    self.add(candidate.path, None, summary)
    def _subclass_modules(self, base: str) -> list[str]:
        """Modules of the project with a class whose bases name `base` (found by a scan of the files, once)."""
        if self.complete:
            return []
        if self._class_index is None:
            self._class_index = self._scan_classes()
        return self._class_index.get(base, [])

    def _scan_classes(self) -> dict[str, list[str]]:
        # Only when a class's subclasses are asked for.
        from claude_lint.app.discover import discover
        from claude_lint.config.settings import ConfigResolver

        index: dict[str, list[str]] = {}
        self.walked = True
        for candidate in discover([str(self.root)], ConfigResolver()):
            if candidate.skipped is not None:
                continue
            try:
                data = read_source_file(candidate.path)
            except (SourceError, OSError):
                continue
            if b"class" not in data:
                continue
            named: tuple[str, bool] | None | bool = False
            for match in _CLASS_LINE.finditer(data):
                for base in _NAME.findall(match.group(1)):
                    if named is False:
                        named = self.note_file(candidate.path)
                    if named:
                        names = index.setdefault(base.decode("ascii", "replace"), [])
                        if named[0] not in names:
                            names.append(named[0])
        return index

    def add(self, path: Path, data: bytes | None, summary: dict[str, Any]) -> None:
        """A summary a worker computed (or the cache held) for a file of the project."""
        named = self.note_file(path)
        if data is not None:
            self.remember(data, summary)
        if named is not None:
            self.model.add(LoadedModule(named[0], self.display(path), named[1], summary))

    def update(self, path: Path, data: bytes) -> None:
        """A file of the project changed on disk (the language server saw it saved): summarise it again."""
        self._directories.clear()  # the tree may have changed since
        self._listings.clear()
        named = self.note_file(path)
        summary = self.summary_of(data)
        self._class_index = None  # its classes may have changed
        if named is not None and summary is not None:
            self.model.add(LoadedModule(named[0], self.display(path), named[1], summary))
        elif named is not None:
            self.model.forget(named[0])

    def spec_for(self, path: Path, in_process: bool = True, names: tuple[str, ...] | None = None) -> ProjectSpec:
        """What linting `path` needs: its module name and, in this process, the model to ask, and
        the project's Claude-calling names (`names`: those given, see `names_for`; else all of
        them in this process, none for a worker)."""
        named = self.note_file(path)
        if names is None:
            names = tuple(sorted(self.claude_names())) if in_process else ()
        return ProjectSpec(
            module=named[0] if named else None,
            is_package=named[1] if named else False,
            names=names,
            resolve=self.model if in_process else None,
            display=self.display(path),
        )

    def claude_names(self) -> set[str]:
        return self.model.claude_names()

    def names_for(self, data: bytes) -> tuple[str, ...]:
        """The project's Claude-calling names a lint of `data` needs.

        They are triggers, read by the prefilter (which lets in a file the SDK's and the configured
        triggers do not) and by the stand-ins of a big file's long top-level statements; nothing
        else reads them. So a file the SDK lets in needs none unless its stand-ins may change, one
        let in by a name needs only a name it mentions, and only the rest need all of them: working
        them out dispatches every method of every class loaded over every subclass of the project,
        which parses hundreds of modules in a big project (6 s for one file, cold).
        """
        from claude_lint.engine.lint import stand_ins_may_need_names
        from claude_lint.engine.prefilter import needs_parsing, triggers_for

        if not stand_ins_may_need_names(data, self.settings):
            if needs_parsing(data, triggers_for(self.settings.trigger_names)):
                return ()
            found = self.claude_name_in(data)
            if found is not None:
                return (found,)
        return tuple(sorted(self.claude_names()))

    def claude_name_in(self, data: bytes) -> str | None:
        """A word of `data` that is one of the project's Claude-calling names, looked for without
        working them all out (`ProjectModel.claude_name_among`: None says nothing)."""
        return self.model.claude_name_among({word.decode() for word in _NAME.findall(data)})

    def preload(self, path: Path, data: bytes, run_covers: tuple[Path, ...] | None = None) -> None:
        """Load the project modules a file imports, and those that subclass its classes (found by scans, not a parse).

        Linting a few files asks only about the modules they use: after this, the
        project's Claude-calling names those modules export reach the prefilter
        (a base class whose subclass elsewhere overrides a hook with a Claude call
        is linted though it names no SDK). `run_covers`: a run of many files over
        these directories (part of the project) loads only the imported modules
        outside them (the others are the run's own files: their summaries come
        from linting them, and the rounds widening the run follow them) and scans
        for no subclasses (the scan walks the whole project).
        """
        named = self.note_file(path)
        module, is_package = (named[0], named[1]) if named else (None, False)
        for defined in _CLASS_DEF.findall(data) if run_covers is None else ():
            for subclassing in self._subclass_modules(defined.decode("ascii", "replace")):
                if subclassing != module:  # its own subclasses: the file is linted (or skipped) as it is
                    self.model.module(subclassing)
        from claude_lint.analysis.symbols import absolute_name, is_external

        for match in _IMPORT_LINE.finditer(data):
            source = match.group(1)
            names = match.group(2) if source is not None else match.group(3)
            if source is not None:
                base = absolute_name(source.decode("ascii", "replace"), module, is_package)
                if base is None or base.strip(".") == "" or is_external(base):
                    continue
                candidates = [base] + [f"{base}.{n.decode()}" for n in _NAME.findall(names or b"")]
            else:
                candidates = [n.decode() for n in _DOTTED.findall(names or b"")]
            for name in candidates:
                self._load_for(name, run_covers=run_covers or ())

    def _in_run(self, name: str, run_covers: tuple[Path, ...]) -> bool:
        """Whether module `name`'s file is under one of the run's directories (asked once per name)."""
        if name not in self._run_files:
            found = self.find(name)
            self._run_files[name] = found is not None and any(found.is_relative_to(d) for d in run_covers)
        return self._run_files[name]

    def _load_for(self, name: str, depth: int = 0, run_covers: tuple[Path, ...] = ()) -> None:
        """Load the module a name is in, and where a package re-exports it from (`from .action import Action`)."""
        from claude_lint.analysis.symbols import absolute_name, is_external

        if is_external(name):
            return
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            prefix = ".".join(parts[:end])
            if run_covers and not self.model.loaded_as(prefix) and self._in_run(prefix, run_covers):
                return
            found = self.model.module(prefix)
            if found is None:
                continue
            rest = parts[end:]
            if rest and rest[0] in found.summary["imports"] and depth < 4:
                target = absolute_name(found.summary["imports"][rest[0]], found.name, found.is_package)
                if target is not None:
                    self._load_for(".".join([target, *rest[1:]]), depth + 1, run_covers)
            return


# The names imported: a parenthesized list (over several lines), else the rest of the line.
_IMPORT_LINE = re.compile(rb"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)|import[ \t]+([\w., \t]+))", re.MULTILINE)
_NAME = re.compile(rb"\w+")
_CLASS_DEF = re.compile(rb"^[ \t]*class[ \t]+(\w+)", re.MULTILINE)
# `class Name(Base, pkg.Other, metaclass=M):` -> the text between the parentheses.
_CLASS_LINE = re.compile(rb"^[ \t]*class[ \t]+\w+[ \t]*\(([^)]*)\)", re.MULTILINE)
_DOTTED = re.compile(rb"[\w.]+")


_PROJECTS: dict[tuple[Path, Settings], Project] = {}


def project_for(path: Path, settings: Settings, registry: dict[tuple[Path, Settings], Project] | None = None) -> Project:
    """The project of a file, kept in `registry` (a run's own), else for the process (the language server)."""
    projects = _PROJECTS if registry is None else registry
    root = project_root(path, settings)
    key = (root, settings)
    if key not in projects:
        projects[key] = Project(root, settings, snapshot=registry is not None)
    return projects[key]
