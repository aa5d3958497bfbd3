"""The anthropic version a project declares (lock files, pins, ranges), read without installing anything."""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Where a project says which anthropic it runs, most exact first: a lock file records
# what was installed; a requirement only bounds it.
_LOCK_FILES = ("uv.lock", "poetry.lock", "Pipfile.lock")
_REQUIREMENT_FILES = ("pyproject.toml", "setup.cfg")

_REQUIREMENT_RE = re.compile(r"^\s*anthropic\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;#]*)", re.IGNORECASE)
_CLAUSE_RE = re.compile(r"^\s*(===|==|!=|~=|>=|<=|>|<|\^|~)?\s*v?([0-9][0-9A-Za-z.*+-]*)\s*$")


@dataclass(frozen=True)
class DeclaredVersion:
    """What a project declares: an exact version or a specifier, and where it says so."""

    spec: str  # "==0.40.0", ">=0.3", "" (named without a version)
    file: str  # the declaring file's name, e.g. "requirements.txt"
    locked: bool = False

    @property
    def exact(self) -> str | None:
        match = re.fullmatch(r"===?\s*v?([0-9][0-9.]*)", self.spec.strip())
        return match.group(1) if match else None

    def describe(self) -> str:
        """Where the version comes from, for messages: "pinned in requirements.txt"."""
        if self.locked:
            return f"locked in {self.file}"
        if self.exact is not None:
            return f"pinned in {self.file}"
        return f"the newest bundled release allowed by `anthropic{self.spec}` in {self.file}"


def find_declared_version(start: Path) -> DeclaredVersion | None:
    """The anthropic requirement of the project around `start`, walking up to its root.

    Stops at the first directory that declares anthropic, or at a repository root
    (a `.git` entry). Unreadable or malformed files are skipped: this only refines
    which SDK facts apply, it never stops a run.
    """
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        found = declared_in(candidate)
        if found is not None:
            return found
        if (candidate / ".git").exists():
            return None
    return None


def declared_in(directory: Path) -> DeclaredVersion | None:
    """The most exact anthropic declaration among one directory's files."""
    loose: DeclaredVersion | None = None
    for name in _LOCK_FILES:
        version = _locked_version(directory / name)
        if version is not None:
            return DeclaredVersion(f"=={version}", name, locked=True)
    requirement_files = [directory / n for n in _REQUIREMENT_FILES]
    try:
        requirement_files += sorted(directory.glob("requirements*.txt"))
    except OSError:
        pass
    for path in requirement_files:
        for spec in _requirements_in(path):
            declared = DeclaredVersion(spec, path.name)
            if declared.exact is not None:
                return declared
            if loose is None or (spec and not loose.spec):
                loose = declared
    return loose


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _locked_version(path: Path) -> str | None:
    text = _read(path)
    if text is None or "anthropic" not in text:
        return None
    try:
        if path.name == "Pipfile.lock":
            data = json.loads(text)
            for section in ("default", "develop"):
                entry = (data.get(section) or {}).get("anthropic")
                if isinstance(entry, dict) and isinstance(entry.get("version"), str):
                    return entry["version"].lstrip("=")
            return None
        data = tomllib.loads(text)
    except (ValueError, AttributeError):
        return None
    for package in data.get("package", ()):
        if isinstance(package, dict) and package.get("name") == "anthropic":
            version = package.get("version")
            return version if isinstance(version, str) else None
    return None


def _requirements_in(path: Path) -> list[str]:
    """The specifiers of every anthropic requirement the file lists ("" when unversioned)."""
    text = _read(path)
    if text is None or "anthropic" not in text.lower():
        return []
    if path.suffix == ".txt":
        lines = text.splitlines()
    elif path.name == "setup.cfg":
        lines = _setup_cfg_requirements(text)
    else:
        lines = _pyproject_requirements(text)
    found = []
    for line in lines:
        match = _REQUIREMENT_RE.match(line)
        if match and not re.match(r"[A-Za-z0-9_.-]", line.strip()[len("anthropic"):][:1] or " "):
            found.append(re.sub(r"[\s()]+", "", match.group("spec")))
    return found


def _setup_cfg_requirements(text: str) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    lines: list[str] = []
    if parser.has_option("options", "install_requires"):
        lines += parser.get("options", "install_requires").splitlines()
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            lines += value.splitlines()
    return lines


def _pyproject_requirements(text: str) -> list[str]:
    try:
        data = tomllib.loads(text)
    except ValueError:
        return []
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    lines: list[str] = list(_strings(project.get("dependencies")))
    for extra in _values(project.get("optional-dependencies")):
        lines += _strings(extra)
    for group in _values(data.get("dependency-groups")):
        lines += _strings(group)
    poetry = (data.get("tool") or {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    if isinstance(poetry, dict):
        tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
        tables += [g.get("dependencies") for g in _values(poetry.get("group")) if isinstance(g, dict)]
        for table in tables:
            if isinstance(table, dict) and "anthropic" in table:
                lines.append("anthropic" + _poetry_spec(table["anthropic"]))
    return lines


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _values(value: Any) -> list[Any]:
    return list(value.values()) if isinstance(value, dict) else []


def _poetry_spec(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("version", "")
    if not isinstance(value, str) or value.strip() in ("", "*"):
        return ""
    value = value.strip()
    return value if value[0] in "<>=!~^" else f"=={value}"


# -- choosing a bundled snapshot -------------------------------------------------------


def _release(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split("."):
        digits = re.match(r"\d+", piece)
        if digits is None:
            break
        parts.append(int(digits.group()))
    return tuple(parts)


def _padded(a: tuple[int, ...], n: int = 3) -> tuple[int, ...]:
    return a + (0,) * (n - len(a)) if len(a) < n else a


def _clause_allows(op: str, bound: str, version: tuple[int, ...]) -> bool:
    if bound.endswith(".*"):  # ==0.40.* / !=0.40.*
        prefix = _release(bound[:-2])
        same = version[: len(prefix)] == prefix
        return same if op in ("==", "===") else not same if op == "!=" else True
    b = _release(bound)
    v, pb = _padded(version), _padded(b)
    if op in ("", "==", "==="):
        return v == pb
    if op == "!=":
        return v != pb
    if op == ">=":
        return v >= pb
    if op == ">":
        return v > pb
    if op == "<=":
        return v <= pb
    if op == "<":
        return v < pb
    if op == "~=":  # >= bound, same release prefix but the last part
        return v >= pb and version[: len(b) - 1] == b[:-1]
    if op == "^":  # poetry: the leftmost non-zero part stays
        first = next((i for i, x in enumerate(b) if x), len(b) - 1)
        return v >= pb and version[: first + 1] == b[: first + 1]
    if op == "~":  # poetry: ~1.2 allows 1.2.x; ~1 allows 1.x
        keep = 2 if len(b) >= 2 else 1
        return v >= pb and version[:keep] == b[:keep]
    return True


def spec_allows(spec: str, version: str) -> bool:
    """Whether `version` satisfies a comma-separated specifier (PEP 440 subset, poetry ^ and ~)."""
    release = _release(version)
    for clause in filter(None, (c.strip() for c in spec.split(","))):
        match = _CLAUSE_RE.match(clause)
        if match is None:
            return True  # unreadable: do not rule anything out
        if not _clause_allows(match.group(1) or "==", match.group(2), release):
            return False
    return True


def _lower_bound(spec: str) -> tuple[int, ...] | None:
    for clause in spec.split(","):
        match = _CLAUSE_RE.match(clause.strip())
        if match and (match.group(1) or "==") in ("==", "===", ">=", ">", "~=", "^", "~"):
            return _release(match.group(2).rstrip(".*"))
    return None


def nearest_snapshot(version: tuple[int, ...], available: list[str]) -> str:
    """The bundled snapshot closest to `version`: same major first, then by minor and patch."""

    def distance(candidate: str) -> tuple[int, int, int]:
        c, v = _padded(_release(candidate)), _padded(version)
        return (abs(c[0] - v[0]), abs(c[1] - v[1]), abs(c[2] - v[2]))

    return min(available, key=distance)


def choose_snapshot(declared: DeclaredVersion, available: list[str]) -> str | None:
    """The bundled snapshot for a declaration: its newest match, else the nearest to its bound.

    None when the declaration names no version at all (nothing to go on).
    """
    if not declared.spec or not available:
        return None
    matching = [v for v in available if spec_allows(declared.spec, v)]
    if matching:
        return matching[-1]
    bound = _lower_bound(declared.spec)
    return nearest_snapshot(bound, available) if bound else None


def bracketing_snapshots(version: str, available: list[str]) -> tuple[str, ...]:
    """The bundled snapshots just below and just above `version` (one at either end)."""
    release = _padded(_release(version))
    below = [v for v in available if _padded(_release(v)) < release]
    above = [v for v in available if _padded(_release(v)) > release]
    return tuple(filter(None, (below[-1] if below else None, above[0] if above else None)))
