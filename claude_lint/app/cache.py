"""The results cache: one small JSON file per linted file, keyed by everything its findings depend on.

Layout, like ruff's: `<root>/<cache-dir>/` holds a `CACHEDIR.TAG` and a
`.gitignore` of `*`, and a directory per claude-lint version with one entry
per linted file (named by a hash of its path). An entry records the key it was
computed under and the file's diagnostics; the key hashes

- the file's content and path (absolute and as reported: both reach the output
  and `per-file-ignores`),
- the tool (version, the stamps of its own source and data files, the rule index,
  the Python and libcst versions: CL001 quotes CPython's syntax errors),
- the effective settings (every field that can change a finding) and the
  fingerprint of the SDK knowledge those settings select,
- the day the lifecycle rules judge by (CL303's message counts the days left).

An entry also keeps the module's summary (what other modules learn from it)
and the project names its analysis asked about, each with a fingerprint of
the answer it got: the findings are current only while the project still
answers the same (analysis/symbols.py), so changing a wrapper re-lints the
files that use it and nothing else. Summaries of modules that are read only
for the project (a retry helper that never mentions the SDK) are kept apart,
one file per content (`summaries/`).

There is no shared index: a run reads the entry for each file that passes the
prefilter, and a worker writes one entry with a temporary file and
`os.replace`, so concurrent runs each see either an old entry, which its key
rejects, or a whole new one. An entry that does not parse, or was written
under another key or format, is a miss and is overwritten. Files the
prefilter skips get no entry; stdin is never cached.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claude_lint.config.settings import Settings
from claude_lint.core.atomic import write_bytes_atomically
from claude_lint.core.diagnostics import Applicability, Diagnostic, Edit, Fix, Location

FORMAT = 2

CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by claude-lint.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)
GITIGNORE = "# Automatically created by claude-lint.\n*\n"

# Settings fields that decide which files are linted or where the cache lives, but
# never what is found in a file. Every other field is part of the key, so a field
# added later invalidates entries by default.
RESULT_NEUTRAL_FIELDS = frozenset(
    {"config_file", "exclude", "extend_exclude", "respect_gitignore", "force_exclude", "cache_dir"}
)


def cache_directory(settings: Settings) -> Path:
    """`cache-dir`, relative to the configuration's root (the working directory without one)."""
    directory = Path(settings.cache_dir).expanduser()
    return directory if directory.is_absolute() else settings.root / directory


@dataclass(frozen=True)
class CacheSpec:
    """What a process needs to read and write entries: picklable, sent to workers."""

    directory: str  # <cache-dir>/<version>
    salt: str  # hex digest of the tool, the settings and the knowledge


def _digest(*parts: str | bytes) -> str:
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def _source_stamps() -> list[list[object]]:
    """Path, size and mtime of claude-lint's own code and data (an editable install changes them)."""
    from importlib.util import find_spec

    import claude_lint

    roots = [Path(claude_lint.__file__).parent]
    spec = find_spec("claude_lint.rules")  # locates rules/ without importing any rule
    if spec is not None and spec.submodule_search_locations:
        roots.extend(Path(p) for p in spec.submodule_search_locations)
    stamps: list[list[object]] = []
    for index, root in enumerate(roots):
        for directory, subdirectories, files in os.walk(root):
            subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".json")):
                    try:
                        st = os.stat(os.path.join(directory, name))
                    except OSError:
                        continue
                    relative = os.path.relpath(os.path.join(directory, name), root)
                    stamps.append([index, relative, st.st_size, st.st_mtime_ns])
    return stamps


def _libcst_version() -> str:
    """libcst's version without importing it (its parser decides CL001)."""
    from importlib.util import find_spec

    spec = find_spec("libcst")
    if spec is None or spec.origin is None:
        return "missing"
    version_file = Path(spec.origin).with_name("_version.py")
    try:
        return version_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return spec.origin


def tool_salt() -> str:
    """Everything about this installation and this day that can change a finding."""
    import claude_lint
    from claude_lint.config.selection import rule_index
    from claude_lint.sdk.models import today

    tool = {
        "format": FORMAT,
        "version": claude_lint.__version__,
        "python": sys.version,
        "libcst": _libcst_version(),
        "sources": _source_stamps(),
        "rules": [dataclasses.astuple(rule) for rule in rule_index()],
        "today": today().isoformat(),
    }
    return _digest(json.dumps(tool, sort_keys=True, default=str))


def settings_fingerprint(settings: Settings) -> str:
    """The settings fields that can change a finding, and the SDK knowledge they select."""
    from claude_lint.sdk.load import load_knowledge

    fields = {
        f.name: getattr(settings, f.name)
        for f in dataclasses.fields(settings)
        if f.name not in RESULT_NEUTRAL_FIELDS
    }
    fields["knowledge"] = load_knowledge(settings.sdk_version, project=settings.root).fingerprint()
    return json.dumps(fields, sort_keys=True, default=str)


class ResultCache:
    """The cache as one run sees it: specs computed once per distinct settings."""

    def __init__(self) -> None:
        self._tool_salt: str | None = None
        self._specs: dict[Settings, CacheSpec | None] = {}

    def spec_for(self, settings: Settings) -> CacheSpec | None:
        """The spec for files under these settings; None when the cache cannot be created."""
        if settings in self._specs:
            return self._specs[settings]
        if self._tool_salt is None:
            self._tool_salt = tool_salt()
        import claude_lint

        root = cache_directory(settings)
        directory = root / claude_lint.__version__
        spec: CacheSpec | None = CacheSpec(str(directory), _digest(self._tool_salt, settings_fingerprint(settings)))
        if not _prepare(root, directory):
            spec = None
        self._specs[settings] = spec
        return spec


def _prepare(root: Path, directory: Path) -> bool:
    """Create the cache directories with their tag and .gitignore; False if that fails."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", GITIGNORE)):
            marker = root / name
            if not marker.exists():
                write_bytes_atomically(marker, text.encode("utf-8"), durable=False)
    except OSError:
        return False
    return True


def _entry(spec: CacheSpec, path: str, data: bytes) -> tuple[Path, str]:
    """The entry file for a path and the key its content must have been linted under."""
    absolute = os.path.abspath(path)
    name = _digest(absolute, path)[:32]
    key = _digest(spec.salt, absolute, path, hashlib.blake2b(data, digest_size=20).digest())
    return Path(spec.directory, name + ".json"), key


@dataclass
class CachedResult:
    diagnostics: list[Diagnostic]
    summary: dict[str, Any] | None  # the module's summary (None: it does not parse)
    asked: dict[str, str]  # project names asked -> fingerprint of the answer


def load(spec: CacheSpec, path: str, data: bytes) -> CachedResult | None:
    """The cached result of this content at this path, or None (missing, stale or corrupt)."""
    entry, key = _entry(spec, path, data)
    try:
        stored = json.loads(entry.read_bytes())
        if stored["format"] != FORMAT or stored["key"] != key or stored["path"] != path:
            return None
        summary, asked = stored["summary"], stored["asked"]
        if not (summary is None or isinstance(summary, dict)) or not isinstance(asked, dict):
            return None
        if not all(type(v) is str for v in asked.values()):
            return None
        return CachedResult([_decode(path, item) for item in stored["diagnostics"]], summary, asked)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def store(
    spec: CacheSpec,
    path: str,
    data: bytes,
    diagnostics: list[Diagnostic],
    summary: dict[str, Any] | None = None,
    asked: dict[str, str] | None = None,
) -> None:
    """Record a file's diagnostics (with its summary and what it asked the project); a cache that cannot be written only costs speed."""
    if any(_holds_secret(d) for d in diagnostics):
        return  # a fix that rewrites a call copies its text, API key included: never on disk
    entry, key = _entry(spec, path, data)
    payload = {
        "format": FORMAT,
        "key": key,
        "path": path,
        "summary": summary,
        "asked": asked or {},
        "diagnostics": [_encode(d) for d in diagnostics],
    }
    with contextlib.suppress(OSError):
        write_bytes_atomically(entry, json.dumps(payload, separators=(",", ":")).encode("utf-8"), durable=False)


class SummaryStore:
    """Summaries of modules read only for the project, one file per content (no path: a summary names none)."""

    def __init__(self, spec: CacheSpec) -> None:
        self.directory = Path(spec.directory, "summaries")
        self.salt = spec.salt

    def _file(self, data: bytes) -> Path:
        return self.directory / (_digest(self.salt, hashlib.blake2b(data, digest_size=20).digest())[:32] + ".json")

    def load(self, data: bytes) -> dict[str, Any] | None:
        try:
            stored = json.loads(self._file(data).read_bytes())
            return stored["summary"] if stored["format"] == FORMAT and isinstance(stored["summary"], dict) else None
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def store(self, data: bytes, summary: dict[str, Any]) -> None:
        payload = json.dumps({"format": FORMAT, "summary": summary}, separators=(",", ":")).encode("utf-8")
        with contextlib.suppress(OSError):
            self.directory.mkdir(exist_ok=True)
            write_bytes_atomically(self._file(data), payload, durable=False)


def _holds_secret(d: Diagnostic) -> bool:
    from claude_lint.core.secrets import API_KEY

    texts = [d.message, *(edit.content for edit in (d.fix.edits if d.fix else ()))]
    return any(API_KEY.search(text) for text in texts)


def _encode(d: Diagnostic) -> list[Any]:
    fix = None
    if d.fix is not None:
        edits = [[e.start.line, e.start.column, e.end.line, e.end.column, e.content] for e in d.fix.edits]
        fix = [d.fix.message, d.fix.applicability.value, edits]
    return [d.code, d.message, d.start.line, d.start.column, d.end.line, d.end.column, d.noqa_line, d.suppressed, d.secret, fix]


_APPLICABILITY = {a.value: a for a in Applicability}


def _decode(path: str, item: list[Any]) -> Diagnostic:
    """A stored diagnostic; TypeError/ValueError (a miss) for anything but the exact shape written.

    A warm run decodes every diagnostic of every file, so the checks are inline.
    """
    code, message, start_line, start_column, end_line, end_column, noqa_line, suppressed, secret, fix = item
    if not (
        type(code) is str
        and type(message) is str
        and type(start_line) is int
        and type(start_column) is int
        and type(end_line) is int
        and type(end_column) is int
        and (noqa_line is None or type(noqa_line) is int)
        and type(suppressed) is bool
        and type(secret) is bool
    ):
        raise TypeError("bad diagnostic")
    return Diagnostic(
        path,
        code,
        message,
        Location(start_line, start_column),
        Location(end_line, end_column),
        None if fix is None else _decode_fix(fix),
        noqa_line,
        suppressed,
        secret,
    )


def _decode_fix(fix: list[Any]) -> Fix:
    message, applicability, raw_edits = fix
    edits = []
    for a, b, c, d, content in raw_edits:
        if not (type(a) is int and type(b) is int and type(c) is int and type(d) is int and type(content) is str):
            raise TypeError("bad edit")
        edits.append(Edit(Location(a, b), Location(c, d), content))
    if type(message) is not str:
        raise TypeError("bad fix")
    return Fix(message, _APPLICABILITY[applicability], tuple(edits))
