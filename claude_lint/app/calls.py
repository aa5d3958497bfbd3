"""`claude-lint calls`: every Claude call site under the given paths, with its posture, in this process."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from claude_lint.app.discover import discover
from claude_lint.app.runner import read_file  # the same rules for what a file is and how it is read
from claude_lint.config.settings import ConfigResolver
from claude_lint.core.source import SourceError, decode_source
from claude_lint.engine.prefilter import needs_parsing, triggers_for

if TYPE_CHECKING:
    from claude_lint.engine.calls import CallPosture


def collect_calls(paths: list[str], resolver: ConfigResolver) -> list[CallPosture]:
    """Postures of the call sites of every file the prefilter lets through, in discovery order."""
    from claude_lint.app.project import project_for
    from claude_lint.engine.calls import call_postures

    registry: dict = {}
    found: list[CallPosture] = []
    for candidate in discover(paths, resolver):
        if candidate.skipped is not None:
            continue
        data = read_file(candidate.path)
        if isinstance(data, str):
            continue
        settings = resolver.for_path(candidate.path)
        if not needs_parsing(data, triggers_for(settings.client_factories)):
            continue  # a call site is a `messages.create`-style call: the SDK triggers are enough
        try:
            text = decode_source(data).text
        except SourceError:
            continue
        project = project_for(candidate.path, settings, registry)
        project.preload(candidate.path, data)
        shown = _shown(candidate.path)
        found.extend(call_postures(shown, text, settings, project.spec_for(candidate.path)))
    return found


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
