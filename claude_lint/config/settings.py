"""Reading `[tool.claude-lint]` (or `claude-lint.toml`) into validated settings.

Every key is checked here, once, so a typo in a user's pyproject is an error
that names the key instead of an option silently ignored.
"""

from __future__ import annotations

import keyword
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

CONFIG_FILENAMES = ("claude-lint.toml", "pyproject.toml")

DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".mypy_cache", ".nox",
    ".pants.d", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", "__pypackages__",
    "_build", "buck-out", "build", "dist", "node_modules", "site-packages", "venv",
    ".claude_lint_cache",
)


class ConfigError(Exception):
    """A configuration problem, reported as one line and exit code 2."""


@dataclass(frozen=True)
class Settings:
    """Effective settings for the files under one configuration root."""

    root: Path = field(default_factory=Path.cwd)
    config_file: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    client_factories: tuple[str, ...] = ()
    # Where H fixes import the helper from; None: not configured, so H fixes are shown
    # (`--diff`) but never written (a fixed app must not need claude-lint at run time).
    helper_module: str | None = None
    min_attempts: int = 2
    max_attempts: int = 10
    sdk_version: str | None = None
    cache_dir: str = ".claude_lint_cache"

    @property
    def trigger_names(self) -> tuple[str, ...]:
        """Names whose presence makes the prefilter parse a file: factories and helper calls."""
        return (*self.client_factories, "create_message", "stream_message")

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _str_list(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"`{key}` must be a list of strings, got {value!r}")
    return tuple(value)


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"`{key}` must be true or false, got {value!r}")
    return value


def _str(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"`{key}` must be a non-empty string, got {value!r}")
    return value


_DOTTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def _dotted_name(key: str, value: Any) -> str:
    """A module or function name. It is only ever matched or written into fixed code as a
    name (never imported), so anything but a dotted identifier is refused."""
    if not isinstance(value, str) or not _DOTTED_NAME.fullmatch(value) or any(
        keyword.iskeyword(part) for part in value.split(".")
    ):
        raise ConfigError(f"`{key}` must be a dotted Python name such as `myapp.llm`, got {value!r}")
    return value


def _dotted_names(key: str, value: Any) -> tuple[str, ...]:
    names = _str_list(key, value)
    for name in names:
        _dotted_name(key, name)
    return names


def _selectors(key: str, value: Any) -> tuple[str, ...]:
    """Rule codes or prefixes (`CL1`, `CL101`, `ALL`), checked against the rule index."""
    from claude_lint.config.selection import SelectorError, check_selectors

    codes = _str_list(key, value)
    try:
        check_selectors(codes)
    except SelectorError as e:
        raise ConfigError(f"`{key}`: {e}") from None
    return codes


def _sdk_version(key: str, value: Any) -> str:
    from claude_lint.sdk.load import available_snapshots

    version = _str(key, value)
    available = available_snapshots()
    wanted = version.strip().lstrip("vV")
    if wanted not in available and not any(v.startswith(wanted + ".") for v in available):
        raise ConfigError(
            f"`{key}` {version!r} has no bundled SDK snapshot; available: {', '.join(available)}"
        )
    return version


def _positive_int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"`{key}` must be a positive integer, got {value!r}")
    return value


def _per_file_ignores(key: str, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"`{key}` must be a table of glob = [codes], got {value!r}")
    return tuple((pattern, _selectors(f"{key}.{pattern}", codes)) for pattern, codes in value.items())


# key in the file -> (Settings field, validator)
_KEYS: dict[str, tuple[str, Any]] = {
    "select": ("select", _selectors),
    "extend-select": ("extend_select", _selectors),
    "ignore": ("ignore", _selectors),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _str_list),
    "extend-exclude": ("extend_exclude", _str_list),
    "respect-gitignore": ("respect_gitignore", _bool),
    "force-exclude": ("force_exclude", _bool),
    "client-factories": ("client_factories", _dotted_names),
    "helper-module": ("helper_module", _dotted_name),
    "min-attempts": ("min_attempts", _positive_int),
    "max-attempts": ("max_attempts", _positive_int),
    "sdk-version": ("sdk_version", _sdk_version),
    "cache-dir": ("cache_dir", _str),
}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: not UTF-8 ({e.reason} at byte {e.start})") from e
    except RecursionError as e:
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from e
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from e


def _raw(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _table_of(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """The claude-lint table of a config file, or None if a pyproject has none."""
    if path.name != "pyproject.toml":
        return data
    tool = data.get("tool", {})
    table = tool.get("claude-lint") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: `tool.claude-lint` must be a table")
    return table


def settings_from_table(path: Path, table: dict[str, Any]) -> Settings:
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            where = "[tool.claude-lint]" if path.name == "pyproject.toml" else path.name
            raise ConfigError(f"{path}: unknown key `{key}` in {where}")
        attr, validate = _KEYS[key]
        try:
            values[attr] = validate(key, value)
        except ConfigError as e:
            raise ConfigError(f"{path}: {e}") from None
    settings = Settings(root=path.parent.resolve(), config_file=path.resolve(), **values)
    if settings.min_attempts > settings.max_attempts:
        raise ConfigError(f"{path}: `min-attempts` is larger than `max-attempts`")
    return settings


def load_config_file(path: Path) -> Settings:
    """Settings from an explicit `--config FILE` (a pyproject.toml or claude-lint.toml)."""
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    table = _table_of(path, _read_toml(path))
    return settings_from_table(path, table or {})


class ConfigResolver:
    """Finds the nearest configuration walking up from each file; caches by directory."""

    def __init__(self, override: Settings | None = None) -> None:
        self._override = override
        self._by_dir: dict[Path, Settings] = {}
        self._resolved: dict[Path, Path] = {}  # a directory as given -> resolved, once per run

    def for_path(self, path: Path) -> Settings:
        if self._override is not None:
            return self._override
        directory = path.parent if not path.is_dir() else path
        resolved = self._resolved.get(directory)
        if resolved is None:
            resolved = self._resolved[directory] = directory.resolve()
        return self._for_dir(resolved)

    def for_directory(self, directory: Path, resolved: Path, names: set[str] | None = None) -> Settings:
        """`for_path` of a directory the caller has resolved (a walk: its parent's resolved path and its
        name); `names`: the names in it that are not directories, when the caller listed it."""
        if self._override is not None:
            return self._override
        self._resolved[directory] = resolved
        return self._for_dir(resolved, names)

    def _for_dir(self, directory: Path, names: set[str] | None = None) -> Settings:
        cached = self._by_dir.get(directory)
        if cached is not None:
            return cached
        settings = self._read_dir(directory, names)
        if settings is None:
            parent = directory.parent
            settings = Settings(root=Path.cwd()) if parent == directory else self._for_dir(parent)
        self._by_dir[directory] = settings
        return settings

    @staticmethod
    def _read_dir(directory: Path, names: set[str] | None = None) -> Settings | None:
        for name in CONFIG_FILENAMES:
            if names is not None and name not in names:
                continue  # listed, and not there (a config file is no directory)
            candidate = directory / name
            if candidate.is_file():
                try:
                    data = _read_toml(candidate)
                except ConfigError:
                    # A broken pyproject that is not ours (a project template, say) must not
                    # stop the run; one that mentions claude-lint is a real config error.
                    if name == "pyproject.toml" and b"claude-lint" not in _raw(candidate):
                        continue
                    raise
                table = _table_of(candidate, data)
                if table is not None:
                    return settings_from_table(candidate, table)
        return None


# ---------------------------------------------------------------- recording `helper-module`

_HEADER = re.compile(r"""^\[\s*tool\s*\.\s*(?:claude-lint|"claude-lint"|'claude-lint')\s*\]\s*(?:#.*)?$""")
_ANY_HEADER = re.compile(r"^\s*\[")
_HELPER_KEY = re.compile(r"""^\s*(?:helper-module|"helper-module")\s*=""")


def nearest_config_file(directory: Path) -> Path | None:
    """The config file that governs `directory`: the nearest claude-lint.toml, or pyproject.toml."""
    current = directory.resolve()
    while True:
        for name in CONFIG_FILENAMES:
            if (current / name).is_file():
                return current / name
        if current.parent == current:
            return None
        current = current.parent


def module_name_for(path: Path, root: Path) -> str | None:
    """`src/myapp/claude_helper.py` under `root` -> "myapp.claude_helper"; None if not importable."""
    try:
        parts = list(path.resolve().relative_to(root.resolve()).with_suffix("").parts)
    except ValueError:
        return None
    if len(parts) > 1 and parts[0] in ("src", "lib"):
        parts = parts[1:]
    if not parts or not all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
        return None
    return ".".join(parts)


def with_helper_module(config: Path, text: str, module: str) -> str:
    """The config file's text with `helper-module = "<module>"` set (other lines kept as they are)."""
    line = f'helper-module = "{module}"'
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    if config.name == "pyproject.toml":
        start = next((i for i, raw in enumerate(lines) if _HEADER.match(raw.strip())), None)
        if start is None:
            sep = "" if not text or text.endswith(("\n", "\r")) else newline
            return f"{text}{sep}{newline if text.strip() else ''}[tool.claude-lint]{newline}{line}{newline}"
        end = next((i for i in range(start + 1, len(lines)) if _ANY_HEADER.match(lines[i])), len(lines))
    else:  # claude-lint.toml: top-level keys, before any table
        start = -1
        end = next((i for i, raw in enumerate(lines) if _ANY_HEADER.match(raw)), len(lines))
    for i in range(start + 1, end):
        if _HELPER_KEY.match(lines[i]):
            lines[i] = line + newline
            return "".join(lines)
    lines.insert(start + 1, line + newline)
    return "".join(lines)


def record_helper_module(config: Path, module: str) -> None:
    """Set `helper-module` in a config file, checking the result still reads as intended."""
    from claude_lint.core.atomic import write_bytes_atomically

    text = config.read_bytes().decode("utf-8")
    updated = with_helper_module(config, text, module)
    try:
        table = _table_of(config, tomllib.loads(updated))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{config}: cannot record `helper-module` ({e})") from None
    if not table or table.get("helper-module") != module:
        raise ConfigError(f"{config}: cannot record `helper-module`; add `{module!r}` by hand")
    write_bytes_atomically(config, updated.encode("utf-8"))
