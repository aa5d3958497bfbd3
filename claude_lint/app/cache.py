"""The results cache: one small JSON file per linted file, keyed by everything its findings depend on.

Layout, like ruff's: `<root>/<cache-dir>/` holds a `CACHEDIR.TAG` and a
`.gitignore` of `*`, and a directory per claude-lint version with one entry
per linted file and settings (named by a hash of its path and of the tool and
settings, so that runs with other rules or options keep their own entries warm).
An entry is a header line (format, the key it was computed under, the path, a
checksum of the body) and a body of three JSON lines: the file's diagnostics
in a compact form (each distinct text once, numbers in flat lists: see
`_compact`), the asked names, the summary; the checksum is verified on the
body's bytes before the body is parsed. The key hashes

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
import functools
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claude_lint.config.settings import ConfigError, Settings
from claude_lint.core.atomic import write_bytes_atomically
from claude_lint.core.diagnostics import Applicability, Diagnostic, Edit, Fix, Location
from claude_lint.core.paths import resolve
from claude_lint.core.source import SourceError, read_source_file

FORMAT = 5  # 5: the body in three lines, diagnostics compact (`_compact`); 4: a header line (key, checksum of the body) before the body
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


def digest(*parts: str | bytes) -> str:
    """A hex digest of the parts, each length-prefixed (keys, salts, record names)."""
    return _hasher(*parts).hexdigest()


def _hasher(*parts: str | bytes, start: Any = None) -> Any:
    """The hash `digest` takes the hex digest of, after `parts` (continuing `start`, a copy, if given)."""
    hasher = hashlib.blake2b(digest_size=20) if start is None else start.copy()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher


@functools.lru_cache(maxsize=16)
def _salted(salt: str) -> Any:
    """The hash after the salt, copied for each entry (a warm run names and checks thousands)."""
    return _hasher(salt)


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
    return digest(json.dumps(tool, sort_keys=True, default=str))


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
        self._salts: dict[Settings, str] = {}

    def salt_for(self, settings: Settings) -> str:
        """The tool's and the settings' digest (no directory is made)."""
        if settings not in self._salts:
            if self._tool_salt is None:
                self._tool_salt = tool_salt()
            self._salts[settings] = digest(self._tool_salt, settings_fingerprint(settings))
        return self._salts[settings]

    def spec_for(self, settings: Settings) -> CacheSpec | None:
        """The spec for files under these settings; None when the cache cannot be created."""
        if settings in self._specs:
            return self._specs[settings]
        import claude_lint

        root = checked_cache_directory(settings)
        directory = root / claude_lint.__version__
        spec: CacheSpec | None = CacheSpec(str(directory), self.salt_for(settings))
        if not _prepare(root, directory):
            spec = None
        self._specs[settings] = spec
        return spec

    def prepared(self, settings: Settings) -> CacheSpec | None:
        """The spec this run made for these settings (its directory exists), else None."""
        return self._specs.get(settings)


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
    """A claude-lint cache (our CACHEDIR.TAG), an empty directory, or one that another run is
    creating this moment: `_prepare` makes the version directory, then writes the tag through a
    temporary file, so only those can be in it before the tag is (two cold runs started together
    refused each other's cache there)."""
    try:
        tag = read_source_file(directory / "CACHEDIR.TAG", limit=4096, follow_symlinks=False)
    except (OSError, SourceError):
        import claude_lint

        try:
            return all(
                name == claude_lint.__version__ or (name.startswith(".CACHEDIR.TAG.") and name.endswith(".tmp"))
                for name in os.listdir(directory)
            )
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


def _entry(spec: CacheSpec, path: str, data: bytes) -> tuple[str, str]:
    """The entry file for a path and the key its content must have been linted under.

    The name is `digest(salt, absolute, path)` (other settings: another entry, both stay warm),
    the key `digest(salt, absolute, path, hash of the content)`: one hash, continued.
    """
    absolute = os.path.abspath(path)
    hasher = _hasher(absolute, path, start=_salted(spec.salt))
    name = hasher.hexdigest()[:32]
    key = _hasher(hashlib.blake2b(data, digest_size=20).digest(), start=hasher).hexdigest()
    return os.path.join(spec.directory, name + ".json"), key


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
        diagnostics, asked, summary = body.split(b"\n")
        asked, summary = json.loads(asked), json.loads(summary)
        if not (summary is None or isinstance(summary, dict)) or type(asked) is not dict:
            return None
        if not all(type(v) is str for v in asked.values()):
            return None
        bounds = _Bounds(lines=data.count(b"\n") + data.count(b"\r") + 1, columns=len(data))
        return CachedResult(_decode(path, json.loads(diagnostics), bounds), summary, asked)
    except Exception:  # noqa: BLE001  (any failure to read or trust an entry is a miss, never a crash)
        return None


def _checksum(key: str, body: bytes) -> str:
    """The digest an entry's body must have under its key (checked before the body is parsed)."""
    return digest("sum", key, body)


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
        write_bytes_atomically(Path(entry), sealed_entry({"key": key, "path": path}, body), durable=False, follow_symlinks=False)


def sealed_entry(header: dict[str, Any], body: dict[str, Any]) -> bytes:
    """An entry's bytes: the header (with this format and the body's checksum under the header's key),
    a line break, the body.

    `body` holds the diagnostics one list each (`_encode`), the summary and the asked names;
    the body is written as three lines: the diagnostics in their compact form (`_compact`),
    the asked names, the summary.
    """
    encoded = b"\n".join([_dumps(_compact(body["diagnostics"])), _dumps(body["asked"]), _dumps(body["summary"])])
    return _dumps({**header, "format": FORMAT, "sum": _checksum(header["key"], encoded)}) + b"\n" + encoded


def entry_parts(raw: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """An entry's header and parsed body, unchecked, the diagnostics one list each as `sealed_entry`
    takes them (for inspecting a cache)."""
    head, _, body = raw.partition(b"\n")
    diagnostics, asked, summary = (json.loads(line) for line in body.split(b"\n"))
    return json.loads(head), {"summary": summary, "asked": asked, "diagnostics": _expanded(diagnostics)}


class SummaryStore:
    """Summaries of modules read only for the project, one file per content (no path: a summary names none)."""

    def __init__(self, spec: CacheSpec) -> None:
        self.directory = Path(spec.directory, "summaries")
        self.salt = spec.salt

    def _file(self, data: bytes) -> str:
        name = _hasher(hashlib.blake2b(data, digest_size=20).digest(), start=_salted(self.salt)).hexdigest()[:32]
        return os.path.join(self.directory, name + ".json")

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
            write_bytes_atomically(Path(self._file(data)), payload, durable=False, follow_symlinks=False)


def _holds_secret(d: Diagnostic) -> bool:
    from claude_lint.core.secrets import API_KEY

    texts = [d.message, *(edit.content for edit in (d.fix.edits if d.fix else ()))]
    return any(API_KEY.search(text) for text in texts)


def _encode(d: Diagnostic) -> list[Any]:
    """A diagnostic as one list (the form `sealed_entry` and `entry_parts` speak)."""
    fix = None
    if d.fix is not None:
        edits = [[e.start.line, e.start.column, e.end.line, e.end.column, e.content] for e in d.fix.edits]
        fix = [d.fix.message, d.fix.applicability.value, edits]
    return [d.code, d.message, d.start.line, d.start.column, d.end.line, d.end.column, d.noqa_line, d.suppressed, d.secret, fix]


# The compact form of a file's diagnostics, what an entry holds: `[strings, rows, fixes, edits]`.
# `strings` holds each distinct text once (codes, messages, fix messages, edit contents); the
# others are flat lists of ints, a fixed count per item: a row (`_ROW`) is code and message
# (indexes into `strings`), start line and column, end line and column, the noqa line (0: none),
# flags (1: suppressed, 2: secret) and the fix (an index into the fixes, -1: none); a fix
# (`_FIX`) is its message, applicability, first edit and number of edits; an edit (`_EDIT`) is
# start line and column, end line and column, content. A warm run reads every entry: the checks
# run over whole columns of numbers, each distinct text is checked once.
_ROW, _FIX, _EDIT = 9, 4, 5
_APPLICABILITIES = tuple(Applicability)
_APPLICABILITY_INDEX = {a.value: index for index, a in enumerate(_APPLICABILITIES)}


def _groups(flat: list[Any], size: int) -> Iterator[tuple[Any, ...]]:
    """A flat list's items, `size` values each."""
    return zip(*[iter(flat)] * size, strict=True)


def _compact(diagnostics: list[list[Any]]) -> list[Any]:
    """`_encode`d diagnostics in the compact form. Values of the wrong kind are written as they
    are (into `strings` or the numbers), for the reader to refuse: tests poison entries this way."""
    strings: dict[Any, int] = {}

    def text(value: Any) -> Any:
        return strings.setdefault(value, len(strings)) if isinstance(value, str) else value

    rows: list[Any] = []
    fixes: list[Any] = []
    edits: list[Any] = []
    for code, message, start_line, start_column, end_line, end_column, noqa_line, suppressed, secret, fix in diagnostics:
        flags = int(suppressed) + 2 * int(secret) if type(suppressed) is bool and type(secret) is bool else None
        if fix is not None:
            fix_message, applicability, fix_edits = fix
            fixes += [text(fix_message), _APPLICABILITY_INDEX.get(applicability, applicability), len(edits) // _EDIT, len(fix_edits)]
            for a, b, c, d, content in fix_edits:
                edits += [a, b, c, d, text(content)]
        rows += [
            text(code), text(message), start_line, start_column, end_line, end_column,
            0 if noqa_line is None else noqa_line, flags, -1 if fix is None else len(fixes) // _FIX - 1,
        ]
    return [list(strings), rows, fixes, edits]


def _expanded(compact: list[Any]) -> list[list[Any]]:
    """The compact form back as one list per diagnostic (unchecked: for inspecting entries)."""
    strings, rows, fixes, edits = compact
    out = []
    for code, message, start_line, start_column, end_line, end_column, noqa_line, flags, fix_index in _groups(rows, _ROW):
        fix = None
        if fix_index >= 0:
            fix_message, applicability, first, count = fixes[fix_index * _FIX : (fix_index + 1) * _FIX]
            flat = edits[first * _EDIT : (first + count) * _EDIT]
            fix_edits = [[a, b, c, d, strings[content]] for a, b, c, d, content in _groups(flat, _EDIT)]
            fix = [strings[fix_message], _APPLICABILITIES[applicability].value, fix_edits]
        out.append([
            strings[code], strings[message], start_line, start_column, end_line, end_column,
            noqa_line or None, bool(flags & 1), bool(flags & 2), fix,
        ])
    return out


@dataclass(frozen=True)
class _Bounds:
    """What a diagnostic of this content can hold: lines within it, columns within its length."""

    lines: int
    columns: int

    def holds(self, lines: list[Any], columns: list[Any]) -> bool:
        """Whole columns of ints (already checked to be ints): every line and column within the content."""
        return (not lines or (min(lines) >= 1 and max(lines) <= self.lines)) and (
            not columns or (min(columns) >= 0 and max(columns) <= self.columns)
        )


def _ints(values: object, size: int) -> bool:
    """A flat list of ints (no bools), whole items of `size` values."""
    return type(values) is list and not len(values) % size and (not values or set(map(type, values)) == {int})


def _indexes(indexes: list[int], count: int) -> bool:
    return not indexes or (min(indexes) >= 0 and max(indexes) < count)


def _decode(path: str, compact: object, bounds: _Bounds) -> list[Diagnostic]:
    """A file's stored diagnostics; TypeError/ValueError (a miss) for anything but the exact shape
    written, within the bounds of the file's content."""
    strings, rows, fixes, edits = compact  # type: ignore[misc]
    if not (
        type(strings) is list
        and (not strings or set(map(type, strings)) == {str})
        and _ints(rows, _ROW)
        and _ints(fixes, _FIX)
        and _ints(edits, _EDIT)
    ):
        raise TypeError("bad diagnostics")
    count = len(strings)
    codes, messages, fix_indexes = set(rows[0::_ROW]), {*rows[1::_ROW], *fixes[0::_FIX]}, rows[8::_ROW]
    noqa, flags, applicabilities = rows[6::_ROW], rows[7::_ROW], fixes[1::_FIX]
    firsts, counts = fixes[2::_FIX], fixes[3::_FIX]
    if not (
        _indexes(list(codes | messages), count)
        and all(_CODE.fullmatch(strings[index]) for index in codes)
        and all(len(strings[index]) <= MAX_MESSAGE for index in messages)
        and bounds.holds(rows[2::_ROW] + rows[4::_ROW], rows[3::_ROW] + rows[5::_ROW])
        and (not noqa or (min(noqa) >= 0 and max(noqa) <= bounds.lines))
        and _indexes(flags, 4)
        and (not fix_indexes or (min(fix_indexes) >= -1 and max(fix_indexes) < len(fixes) // _FIX))
        and _indexes(applicabilities, len(_APPLICABILITIES))
        and _indexes(firsts + counts, len(edits) // _EDIT + 1)
        and (not firsts or max(map(int.__add__, firsts, counts)) <= len(edits) // _EDIT)
        and _indexes(edits[4::_EDIT], count)
        and bounds.holds(edits[0::_EDIT] + edits[2::_EDIT], edits[1::_EDIT] + edits[3::_EDIT])
    ):
        raise TypeError("bad diagnostic")
    at = {  # one Location per distinct place
        (line, column): _location(line, column)
        for line, column in {
            *zip(rows[2::_ROW], rows[3::_ROW]), *zip(rows[4::_ROW], rows[5::_ROW]),
            *zip(edits[0::_EDIT], edits[1::_EDIT]), *zip(edits[2::_EDIT], edits[3::_EDIT]),
        }
    }
    decoded_edits = [Edit(at[a, b], at[c, d], strings[content]) for a, b, c, d, content in _groups(edits, _EDIT)]
    decoded_fixes = [
        Fix(strings[message], _APPLICABILITIES[applicability], tuple(decoded_edits[first : first + n]))
        for message, applicability, first, n in _groups(fixes, _FIX)
    ]
    return [
        _diagnostic({
            "path": path, "code": strings[code], "message": strings[message],
            "start": at[start_line, start_column], "end": at[end_line, end_column],
            "fix": None if fix < 0 else decoded_fixes[fix], "noqa_line": noqa_line or None,
            "suppressed": bool(flag & 1), "secret": bool(flag & 2),
        })
        for code, message, start_line, start_column, end_line, end_column, noqa_line, flag, fix in _groups(rows, _ROW)
    ]


def _location(line: int, column: int) -> Location:
    """`Location(line, column)` without the frozen dataclass's `__init__` (as `_diagnostic`)."""
    location = object.__new__(Location)
    object.__setattr__(location, "__dict__", {"line": line, "column": column})
    return location


def _diagnostic(fields: dict[str, Any]) -> Diagnostic:
    """A Diagnostic from checked fields, without the frozen dataclass's `__init__` (one
    `object.__setattr__` per field: a third of a warm run's decoding). Diagnostic has no
    `__post_init__` and no slots, so the instance is the same as `Diagnostic(**fields)`."""
    diagnostic = object.__new__(Diagnostic)
    object.__setattr__(diagnostic, "__dict__", fields)
    return diagnostic


class RunRecords:
    """Whole runs' findings (`runs/`), one record per invocation and settings (app/run_record.py
    decides when one may be used); trusted as far as an entry is."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory / "runs"

    def _file(self, name: str) -> Path:
        return self.directory / f"{name[:32]}.json"

    def load(self, name: str, key: str) -> dict[str, Any] | None:
        """The record stored under `name` for exactly `key` (its deps still to be checked), or None."""
        try:
            raw = read_source_file(self._file(name), limit=MAX_ENTRY_BYTES, follow_symlinks=False)
            head, _, body = raw.partition(b"\n")
            header = json.loads(head)
            if type(header) is not dict or header.get("format") != FORMAT or header.get("key") != key:
                return None
            if header.get("sum") != _checksum(key, body):
                return None
            record = json.loads(body)
            return record if type(record) is dict else None
        except Exception:  # noqa: BLE001  (any failure is a miss, never a crash)
            return None

    def store(self, name: str, key: str, record: dict[str, Any]) -> None:
        body = _dumps(record)
        payload = _dumps({"format": FORMAT, "key": key, "sum": _checksum(key, body)}) + b"\n" + body
        with contextlib.suppress(OSError):
            self.directory.mkdir(exist_ok=True)
            write_bytes_atomically(self._file(name), payload, durable=False, follow_symlinks=False)


def encode_diagnostics(diagnostics: list[Diagnostic]) -> list[Any] | None:
    """Diagnostics in an entry's compact form; None when one holds an API key (never on disk)."""
    if any(_holds_secret(d) for d in diagnostics):
        return None
    return _compact([_encode(d) for d in diagnostics])


def decode_diagnostics(path: str, compact: object, data: bytes | None, size: int) -> list[Diagnostic]:
    """Stored diagnostics of the file at `path` (its content, or only its size when unread), checked
    as an entry's are; TypeError/ValueError for anything else."""
    if data is not None:
        bounds = _Bounds(lines=data.count(b"\n") + data.count(b"\r") + 1, columns=len(data))
    else:
        bounds = _Bounds(lines=size + 1, columns=size)
    return _decode(path, compact, bounds)
