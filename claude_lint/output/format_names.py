"""Output formats by name (the local ones, and the CI ones imported on use), and where each one's paths are relative to."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path

from claude_lint.output.report import Report
from claude_lint.output.text_formats import (
    format_concise,
    format_json,
    format_json_lines,
    format_text,
)

Formatter = Callable[[Report], str]


_LOCAL: dict[str, Formatter] = {
    "text": format_text,
    "full": format_text,
    "concise": format_concise,
    "json": format_json,
    "json-lines": format_json_lines,
}


# name -> function in claude_lint.output.ci_formats (imported on use: it may need the rules' metadata)
_CI = {"sarif": "format_sarif", "github": "format_github", "gitlab": "format_gitlab", "junit": "format_junit"}


OUTPUT_FORMATS = (*_LOCAL, *_CI)


HUMAN_FORMATS = frozenset({"text", "full", "concise"})


def formatter(name: str) -> Formatter:
    if name in _LOCAL:
        return _LOCAL[name]
    formats = importlib.import_module("claude_lint.output.ci_formats")
    return getattr(formats, _CI[name])  # type: ignore[no-any-return]


def base_directory(output_format: str, env: Mapping[str, str], cwd: Path) -> Path:
    """The directory a format's paths are relative to: where its consumer resolves them."""
    if output_format == "github" and env.get("GITHUB_WORKSPACE"):
        return Path(env["GITHUB_WORKSPACE"])
    if output_format == "gitlab" and env.get("CI_PROJECT_DIR"):
        return Path(env["CI_PROJECT_DIR"])
    if output_format == "sarif":
        from claude_lint.app.baseline import project_root

        return project_root(cwd)  # code scanning wants repository-relative URIs
    return cwd
