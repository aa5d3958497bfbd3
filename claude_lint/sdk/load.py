"""Which SDK knowledge to use: the installed SDK read as source (cached on disk) or a bundled snapshot."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from claude_lint.sdk.declared import (
    DeclaredVersion,
    bracketing_snapshots,
    choose_snapshot,
    find_declared_version,
)
from claude_lint.sdk.knowledge import DATA_DIR, FORMAT_VERSION, Knowledge, KnowledgeError

_SNAPSHOT_RE = re.compile(r"^sdk-(.+)\.json$")


# Files whose modification stamps key the cache of knowledge generated from an
# installed SDK; any reinstall or edit of them regenerates.
_KEY_FILES = (
    "__init__.py",
    "_version.py",
    "_exceptions.py",
    "_error_classes.py",
    "_client.py",
    "_base_client.py",
    "_constants.py",
    "_data/deprecated_models.py",
    "resources/messages.py",
    "resources/messages/messages.py",
    "resources/beta/messages/messages.py",
    "resources/completions.py",
    "types/model.py",
    "types/model_param.py",
)


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"[.+-]", version))


def available_snapshots() -> list[str]:
    """SDK versions with a bundled snapshot, oldest first."""
    versions = []
    for path in DATA_DIR.glob("sdk-*.json"):
        match = _SNAPSHOT_RE.match(path.name)
        if match:
            versions.append(match.group(1))
    return sorted(versions, key=_version_key)


def _load_snapshot(version: str) -> Knowledge:
    path = DATA_DIR / f"sdk-{version}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return replace(Knowledge.from_json(data), source="snapshot")


def _snapshot_for(requested: str) -> Knowledge:
    available = available_snapshots()
    wanted = requested.strip().lstrip("vV")
    if wanted in available:
        return _load_snapshot(wanted)
    # "0.121" selects the newest 0.121.x.
    prefixed = [v for v in available if v.startswith(wanted + ".")]
    if prefixed:
        return _load_snapshot(prefixed[-1])
    raise KnowledgeError(
        f"no bundled knowledge for anthropic SDK version {requested!r}; "
        f"available: {', '.join(available) or 'none'}"
    )


def _newest_snapshot() -> Knowledge:
    available = available_snapshots()
    if not available:
        raise KnowledgeError("no bundled SDK knowledge snapshots found in " + str(DATA_DIR))
    return _load_snapshot(available[-1])


_MEMO: dict[tuple[str | None, str | None, str | None], Knowledge] = {}


def reset_memo() -> None:
    """Forget knowledge memoized in this process (for tests and long-lived servers)."""
    _MEMO.clear()


def load_knowledge(
    sdk_version: str | None = None, cache_dir: Path | None = None, project: Path | None = None
) -> Knowledge:
    """Knowledge for the SDK the linted project runs, and where its version comes from.

    In order: `sdk_version` (the `sdk-version` setting, a bundled snapshot); the
    installed `anthropic` distribution, read as source and cached in `cache_dir`
    (default: `default_cache_dir()`); what the project declares (a lock
    file's version or a pin selects the nearest bundled snapshot, a range its newest
    bundled match; looked for from the directory `project` up to its repository root); else the newest snapshot, marked as a guess (`version_known` is
    False). Never imports `anthropic`; never raises except for an unknown `sdk_version`.
    """
    memo_key = (
        sdk_version,
        str(cache_dir) if cache_dir is not None else None,
        str(project) if project is not None and sdk_version is None else None,
    )
    known = _MEMO.get(memo_key)
    if known is None:
        if sdk_version is not None:
            known = _snapshot_for(sdk_version)  # the user chose it: no need to say where from
        else:
            known = _installed(cache_dir) or _declared(find_declared_version(project) if project else None)
        _MEMO[memo_key] = known
    return known


def _declared(declared: DeclaredVersion | None) -> Knowledge:
    """The snapshot for what the project declares, or the newest one as a guess."""
    available = available_snapshots()
    chosen = choose_snapshot(declared, available) if declared is not None else None
    if declared is None or chosen is None:
        where = f"; `anthropic` in {declared.file} names no version" if declared is not None else ""
        return replace(
            _newest_snapshot(),
            origin=f"the newest bundled release: no installed or declared SDK version{where}",
            alternatives=tuple(available),
        )
    origin = declared.describe()
    exact = declared.exact
    if exact is not None and exact != chosen:
        origin = f"the bundled release nearest to {exact}, {origin}"
        return replace(_load_snapshot(chosen), origin=origin, alternatives=bracketing_snapshots(exact, available))
    return replace(_load_snapshot(chosen), origin=origin)


def _installed(cache_dir: Path | None) -> Knowledge | None:
    found = _installed_sdk()
    if found is None:
        return None
    version, pkg = found
    known = _load_installed(version, pkg, cache_dir)
    if known is None and version in available_snapshots():
        known = _load_snapshot(version)
    if known is None:
        return replace(_newest_snapshot(), origin=f"the newest bundled release: installed {version} is unreadable")
    return known  # the SDK the code runs with: no need to say where the version comes from


def _installed_sdk() -> tuple[str, Path] | None:
    """(version, package dir) of the installed anthropic distribution, without importing it."""
    return _scan_sys_path() or _installed_via_metadata()


_DIST_INFO_RE = re.compile(r"^anthropic-([^-]+)\.dist-info$", re.IGNORECASE)


def _scan_sys_path() -> tuple[str, Path] | None:
    """Fast path: the `anthropic-<version>.dist-info` next to an `anthropic/` package.

    This is the common wheel layout and what importlib.metadata would find first on
    sys.path, but costs microseconds instead of the ~20 ms importing it takes.
    Anything else (eggs, editable installs, zips) goes through importlib.metadata.
    """
    for entry in sys.path:
        base = entry or os.getcwd()
        try:
            names = os.listdir(base)
        except OSError:
            continue
        for name in names:
            match = _DIST_INFO_RE.match(name)
            if match:
                pkg = Path(base, "anthropic")
                if (pkg / "__init__.py").is_file():
                    return match.group(1), pkg.resolve()
                return None  # found but unusual: let importlib.metadata decide
    return None


def _installed_via_metadata() -> tuple[str, Path] | None:
    from importlib import metadata

    try:
        dist = metadata.distribution("anthropic")
    except metadata.PackageNotFoundError:
        return None
    version = dist.version
    pkg = Path(str(dist.locate_file("anthropic")))
    if not (pkg / "__init__.py").is_file():
        pkg = _package_from_files(dist) or _package_from_spec() or pkg
        if not (pkg / "__init__.py").is_file():
            return None
    return version, pkg.resolve()


def _package_from_files(dist: Any) -> Path | None:
    """The directory of `anthropic/__init__.py` listed in the distribution's RECORD."""
    for file in dist.files or ():
        if file.parts[-2:] == ("anthropic", "__init__.py"):
            return Path(str(dist.locate_file(file))).parent
    return None


def _package_from_spec() -> Path | None:
    # Editable installs: ask the import system where it would load from; find_spec on
    # a top-level name locates the package without executing it.
    from importlib.util import find_spec

    spec = find_spec("anthropic")
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) if locations else None


def _cache_key(version: str, pkg: Path) -> dict[str, Any]:
    stamps = []
    for rel in _KEY_FILES:
        try:
            st = (pkg / rel).stat()
            stamps.append([rel, st.st_mtime_ns, st.st_size])
        except OSError:
            stamps.append([rel, -1, -1])
    gen = Path(__file__).with_name("generate.py").stat()
    return {
        "format": FORMAT_VERSION,
        "version": version,
        "path": str(pkg),
        "stamps": stamps,
        "generator": [gen.st_mtime_ns, gen.st_size],
    }


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claude-lint"


def _load_installed(version: str, pkg: Path, cache_dir: Path | None) -> Knowledge | None:
    """Knowledge generated from the installed source, through the cache; None on failure."""
    cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
    try:
        key = _cache_key(version, pkg)
    except OSError:
        return None
    cache_file = _cache_file(cache_dir, key)
    hit, cached = _read_cache(cache_file, key)
    if hit:
        return cached
    try:
        from claude_lint.sdk.generate import generate_from_source

        known = generate_from_source(pkg)
    except Exception as exc:  # noqa: BLE001 - any failure means: use a snapshot
        # An SDK layout the generator does not understand must never stop linting.
        # Remember the failure so later runs skip straight to the snapshot fallback.
        _write_cache(cache_file, {"key": key, "error": f"{type(exc).__name__}: {exc}"})
        return None
    known = replace(known, sdk_version=version, source=f"installed:{pkg}")
    _write_cache(cache_file, {"key": key, "knowledge": known.to_json()})
    return known


def _cache_file(cache_dir: Path, key: Mapping[str, Any]) -> Path:
    import zlib  # builtin, unlike hashlib's OpenSSL; the file holds the full key anyway

    digest = f"{zlib.crc32(json.dumps(key, sort_keys=True).encode()):08x}"
    safe_version = re.sub(r"[^A-Za-z0-9.+-]", "_", str(key["version"]))
    return cache_dir / f"sdk-{safe_version}-{digest}.json"


def _read_cache(path: Path, key: Mapping[str, Any]) -> tuple[bool, Knowledge | None]:
    """(hit, knowledge): a hit with None records an earlier generation failure."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return False, None
        if "error" in data:
            return True, None
        return True, Knowledge.from_json(data["knowledge"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False, None  # missing or corrupt: regenerate


def _write_cache(path: Path, content: Mapping[str, Any]) -> None:
    from claude_lint.core.atomic import (
        write_bytes_atomically,  # deferred: only when the SDK is read from source
    )

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Concurrent linters never see half a file.
        write_bytes_atomically(path, json.dumps(content, sort_keys=True).encode("utf-8"), durable=False, follow_symlinks=False)
    except OSError:
        pass  # an unwritable cache only costs speed
