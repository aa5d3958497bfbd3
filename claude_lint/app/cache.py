"""The results cache: one small JSON file per linted file, keyed by everything its findings depend on.

Layout, like ruff's: `<root>/<cache-dir>/` holds a `CACHEDIR.TAG` and a
`.gitignore` of `*`, and a directory per claude-lint version with one entry
per linted file and settings (named by a hash of its path and of the tool and
settings, so that runs with other rules or options keep their own entries warm).
An entry is a header line (format, the key it was computed under, the path, a
checksum of the body) and a JSON body (the file's diagnostics, summary and
asked names); the checksum is verified on the body's bytes before the body is
parsed. The key hashes

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
rejects, or a whole new one. An entry is trusted only as far as it checks
out: it is opened only if it is a regular file (never through a symlink, never
a FIFO), read only up to `MAX_ENTRY_BYTES`, and its checksum, shape and bounds
(codes, lines within the file, columns within its length) must hold; anything
else, an exception included, is a miss and the entry is overwritten. Files the
prefilter skips get no entry; stdin is never cached.

`cache-dir` must name a directory of its own: not the project root or a
directory above it, not the home directory, not an existing directory with
other things in it (the `.gitignore` of `*` written there would hide the
project from git and from the linter itself).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claude_lint.config.settings import ConfigError, Settings
from claude_lint.core.atomic import write_bytes_atomically
from claude_lint.core.diagnostics import Applicability, Diagnostic, Edit, Fix, Location
from claude_lint.core.paths import resolve
from claude_lint.core.source import SourceError, read_source_file

FORMAT = 4  # 4: a header line (key, checksum of the body) before the body; 3: checksum of re-encoded content
MAX_ENTRY_BYTES = 32 * 1024 * 1024
MAX_MESSAGE = 64 * 1024
_CODE = re.compile(r"CL\d{3}")

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

        root = checked_cache_directory(settings)
        directory = root / claude_lint.__version__
        spec: CacheSpec | None = CacheSpec(str(directory), _digest(self._tool_salt, settings_fingerprint(settings)))
        if not _prepare(root, directory):
            spec = None
        self._specs[settings] = spec
        return spec


def checked_cache_directory(settings: Settings) -> Path:
    """`cache-dir`, or ConfigError (exit 2, one line naming the key) when it is not a directory
    of its own."""
    where = f"{settings.config_file}: " if settings.config_file is not None else ""
    if "\0" in settings.cache_dir:
        raise ConfigError(f"{where}`cache-dir` contains a NUL character")
    directory = resolve(cache_directory(settings))
    project = resolve(settings.root)
    shown = f"`cache-dir` = {settings.cache_dir!r}"
    if directory == project:
        raise ConfigError(f"{where}{shown} is the project root; the cache needs a directory of its own")
    if project.is_relative_to(directory):
        raise ConfigError(f"{where}{shown} is {directory}, a directory above the project; the cache needs a directory of its own")
    try:
        home = resolve(Path.home())
    except RuntimeError:  # no home directory to speak of
        home = None
    if directory == home:
        raise ConfigError(f"{where}{shown} is the home directory; the cache needs a directory of its own")
    if directory.is_dir() and not _is_our_cache(directory):
        raise ConfigError(f"{where}{shown} is {directory}, an existing directory that is not a claude-lint cache")
    return cache_directory(settings)


def _is_our_cache(directory: Path) -> bool:
    """A claude-lint cache (our CACHEDIR.TAG), or an empty directory."""
    try:
        tag = read_source_file(directory / "CACHEDIR.TAG", limit=4096, follow_symlinks=False)
    except (OSError, SourceError):
        try:
            return not any(directory.iterdir())
        except OSError:
            return False
    return tag.decode("utf-8", "replace") == CACHEDIR_TAG


def _prepare(root: Path, directory: Path) -> bool:
    """Create the cache directories with their tag and .gitignore; False if that fails."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", GITIGNORE)):
            marker = root / name
            if not marker.exists():
                write_bytes_atomically(marker, text.encode("utf-8"), durable=False, follow_symlinks=False)
    except OSError:
        return False
    return True


def _entry(spec: CacheSpec, path: str, data: bytes) -> tuple[Path, str]:
    """The entry file for a path and the key its content must have been linted under."""
    absolute = os.path.abspath(path)
    name = _digest(spec.salt, absolute, path)[:32]  # other settings: another entry, both stay warm
    key = _digest(spec.salt, absolute, path, hashlib.blake2b(data, digest_size=20).digest())
    return Path(spec.directory, name + ".json"), key


@dataclass
class CachedResult:
    diagnostics: list[Diagnostic]
    summary: dict[str, Any] | None  # the module's summary (None: it does not parse)
    asked: dict[str, str]  # project names asked -> fingerprint of the answer


def load(spec: CacheSpec, path: str, data: bytes) -> CachedResult | None:
    """The cached result of this content at this path, or None (missing, stale, corrupt,
    tampered with, or not a regular file)."""
    entry, key = _entry(spec, path, data)
    try:
        raw = read_source_file(entry, limit=MAX_ENTRY_BYTES, follow_symlinks=False)
        head, _, body = raw.partition(b"\n")
        header = json.loads(head)
        if type(header) is not dict or header.get("format") != FORMAT or header.get("key") != key:
            return None
        if header.get("path") != path or header.get("sum") != _checksum(key, body):
            return None
        stored = json.loads(body)
        diagnostics, summary, asked = stored["diagnostics"], stored["summary"], stored["asked"]
        if not (summary is None or isinstance(summary, dict)) or not isinstance(asked, dict):
            return None
        if not all(type(v) is str for v in asked.values()):
            return None
        bounds = _Bounds(lines=data.count(b"\n") + data.count(b"\r") + 1, columns=len(data))
        return CachedResult([_decode(path, item, bounds) for item in diagnostics], summary, asked)
    except Exception:  # noqa: BLE001  (any failure to read or trust an entry is a miss, never a crash)
        return None


def _checksum(key: str, body: bytes) -> str:
    """The digest an entry's body must have under its key (checked before the body is parsed)."""
    return _digest("sum", key, body)


def _dumps(content: object) -> bytes:
    return json.dumps(content, separators=(",", ":")).encode("utf-8")


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
    body = {"summary": summary, "asked": asked or {}, "diagnostics": [_encode(d) for d in diagnostics]}
    with contextlib.suppress(OSError):
        write_bytes_atomically(entry, sealed_entry({"key": key, "path": path}, body), durable=False, follow_symlinks=False)


def sealed_entry(header: dict[str, Any], body: dict[str, Any]) -> bytes:
    """An entry's bytes: the header (with this format and the body's checksum under the header's key), a line break, the body."""
    encoded = _dumps(body)
    return _dumps({**header, "format": FORMAT, "sum": _checksum(header["key"], encoded)}) + b"\n" + encoded


def entry_parts(raw: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """An entry's header and parsed body, unchecked (what `sealed_entry` wrote; for inspecting a cache)."""
    head, _, body = raw.partition(b"\n")
    return json.loads(head), json.loads(body)


class SummaryStore:
    """Summaries of modules read only for the project, one file per content (no path: a summary names none)."""

    def __init__(self, spec: CacheSpec) -> None:
        self.directory = Path(spec.directory, "summaries")
        self.salt = spec.salt

    def _file(self, data: bytes) -> Path:
        return self.directory / (_digest(self.salt, hashlib.blake2b(data, digest_size=20).digest())[:32] + ".json")

    def load(self, data: bytes) -> dict[str, Any] | None:
        """The summary, trusted as far as an entry is (a regular file, its checksum holds)."""
        try:
            raw = read_source_file(self._file(data), limit=MAX_ENTRY_BYTES, follow_symlinks=False)
            head, _, body = raw.partition(b"\n")
            header = json.loads(head)
            if type(header) is not dict or header.get("format") != FORMAT or header.get("sum") != _checksum(self.salt, body):
                return None
            summary = json.loads(body)
            return summary if isinstance(summary, dict) else None
        except Exception:  # noqa: BLE001  (any failure is a miss, never a crash)
            return None

    def store(self, data: bytes, summary: dict[str, Any]) -> None:
        body = _dumps(summary)
        payload = _dumps({"format": FORMAT, "sum": _checksum(self.salt, body)}) + b"\n" + body
        with contextlib.suppress(OSError):
            self.directory.mkdir(exist_ok=True)
            write_bytes_atomically(self._file(data), payload, durable=False, follow_symlinks=False)


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


@dataclass(frozen=True)
class _Bounds:
    """What a diagnostic of this content can hold: lines within it, columns within its length."""

    lines: int
    columns: int

    def holds(self, line: object, column: object) -> bool:
        return type(line) is int and type(column) is int and 1 <= line <= self.lines and 0 <= column <= self.columns


def _decode(path: str, item: list[Any], bounds: _Bounds) -> Diagnostic:
    """A stored diagnostic; TypeError/ValueError (a miss) for anything but the exact shape written,
    within the bounds of the file's content.

    A warm run decodes every diagnostic of every file, so the checks are inline.
    """
    code, message, start_line, start_column, end_line, end_column, noqa_line, suppressed, secret, fix = item
    if not (
        type(code) is str
        and _CODE.fullmatch(code)
        and type(message) is str
        and len(message) <= MAX_MESSAGE
        and bounds.holds(start_line, start_column)
        and bounds.holds(end_line, end_column)
        and (noqa_line is None or bounds.holds(noqa_line, 0))
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
        None if fix is None else _decode_fix(fix, bounds),
        noqa_line,
        suppressed,
        secret,
    )


def _decode_fix(fix: list[Any], bounds: _Bounds) -> Fix:
    message, applicability, raw_edits = fix
    edits = []
    for a, b, c, d, content in raw_edits:
        if not (bounds.holds(a, b) and bounds.holds(c, d) and type(content) is str and len(content) <= MAX_ENTRY_BYTES):
            raise TypeError("bad edit")
        edits.append(Edit(Location(a, b), Location(c, d), content))
    if type(message) is not str or len(message) > MAX_MESSAGE:
        raise TypeError("bad fix")
    return Fix(message, _APPLICABILITY[applicability], tuple(edits))
