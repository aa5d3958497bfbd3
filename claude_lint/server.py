"""`claude-lint server`: the language server (LSP over stdio, pygls 2.x).

Diagnostics on open, change and save; per diagnostic a quick fix (when the
rule has one; unsafe ones say so) and a "suppress with noqa" action; and a
`source.fixAll.claude-lint` action that applies every safe fix, re-linting
until none is left (`claude_lint.engine.fix_loop`, which also drops any fix whose
result would not parse). Settings come from the document's own
pyproject.toml or claude-lint.toml, read afresh on each lint so edits to them
apply at once.

Keeping up with typing: changes are coalesced (a lint starts `DEBOUNCE`
seconds after the last change of a burst), a lint runs in a worker thread
and its result is dropped if the document changed meanwhile, and each
document keeps a `DocumentLinter` that re-parses only the statements an edit
touched. Code actions are answered from the current version's diagnostics;
the fix-all edit (the fixer's whole run) is computed on `codeAction/resolve`
when the client can resolve edits, else with the action.

Our diagnostics count columns in code points; LSP counts in the negotiated
position encoding (UTF-16 unless the client offers another), so every
position sent is converted, and a request's range is compared in the
client's units.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from claude_lint import __version__
from claude_lint.config.settings import ConfigError, ConfigResolver, Settings
from claude_lint.core.diagnostics import Applicability, Diagnostic, Location
from claude_lint.core.lines import split_lines
from claude_lint.lint.rule import DOCS_URL

if TYPE_CHECKING:
    from claude_lint.analysis.symbols import ProjectSpec

SOURCE = "claude-lint"
FIX_ALL_KIND = "source.fixAll.claude-lint"
FIX_ALL_TITLE = "Fix all safely fixable claude-lint problems"
DEBOUNCE = 0.04  # seconds after the last change of a burst before a lint starts


@dataclass
class _Lint:
    """One lint's outcome, made in the worker thread; messages are sent from the event loop."""

    version: int | None
    text: str
    diagnostics: list[Diagnostic]
    errors: list[str] = field(default_factory=list)  # rule crashes: the log
    problems: list[str] = field(default_factory=list)  # config errors: shown once


@dataclass
class _Document:
    linter: Any  # claude_lint.engine.incremental.DocumentLinter, imported with the engine
    last: _Lint | None = None  # the newest lint that was published
    timer: asyncio.TimerHandle | None = None
    running: tuple[int | None, str, asyncio.Future[_Lint]] | None = None


class ClaudeLintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("claude-lint", __version__)
        self.shown_errors: set[str] = set()
        self.documents: dict[str, _Document] = {}
        # One worker: lints run one at a time, off the event loop, so changes keep arriving.
        self.linting = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claude-lint")


# ---------------------------------------------------------------- positions


def _lines(text: str) -> list[str]:
    """Lines split the way Python (and so our line numbers) split them."""
    return split_lines(text)


def _units(text: str, encoding: str | None) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _position(lines: list[str], location: Location, encoding: str | None) -> types.Position:
    index = location.line - 1
    if index >= len(lines):
        return types.Position(line=len(lines) - 1, character=_units(lines[-1], encoding))
    return types.Position(line=index, character=_units(lines[index][: location.column], encoding))


def _range(lines: list[str], start: Location, end: Location, encoding: str | None) -> types.Range:
    return types.Range(start=_position(lines, start, encoding), end=_position(lines, end, encoding))


def _whole_document(lines: list[str], encoding: str | None) -> types.Range:
    end = types.Position(line=len(lines) - 1, character=_units(lines[-1], encoding))
    return types.Range(start=types.Position(line=0, character=0), end=end)


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


# ---------------------------------------------------------------- linting


def _document_path(document: TextDocument) -> Path:
    if document.uri.startswith("file:") and document.path:
        return Path(document.path)
    return Path.cwd() / "untitled.py"  # unsaved buffers take the working directory's config


def _settings(path: Path, problems: list[str]) -> Settings | None:
    try:
        return ConfigResolver().for_path(path)
    except ConfigError as e:
        problems.append(str(e))
        return None


def _show_error_once(server: ClaudeLintServer, message: str) -> None:
    if message in server.shown_errors:
        return
    server.shown_errors.add(message)
    server.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"claude-lint: {message}"))


def _report(server: ClaudeLintServer, errors: list[str], problems: list[str]) -> None:
    for problem in problems:
        _show_error_once(server, problem)
    for error in errors:  # a rule crashed: the editor's log, not a popup on every keystroke
        server.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=error))


def lint_document(linter: Any, version: int | None, text: str, path: Path) -> _Lint:
    """Lint one version of a document (in the worker thread): diagnostics not suppressed, [] if excluded."""
    from claude_lint.app.discover import is_excluded
    from claude_lint.engine.prefilter import needs_parsing, triggers_for

    outcome = _Lint(version, text, [])
    settings = _settings(path, outcome.problems)
    if settings is None or is_excluded(path, settings):
        return outcome
    data = text.encode("utf-8", "surrogatepass")
    project = _project_spec(path, data, settings)
    if not needs_parsing(data, triggers_for((*settings.trigger_names, *project.names))):
        return outcome
    try:
        result = linter.lint(text, settings, project=project)
    except ValueError as e:  # an unknown selector in the config
        outcome.problems.append(f"{settings.config_file}: {e}")
        return outcome
    outcome.errors = result.errors
    outcome.diagnostics = [d for d in result.diagnostics if not d.suppressed]
    return outcome


def _project_spec(path: Path, data: bytes, settings: Settings) -> ProjectSpec:
    """The document's project (the same model the command line uses), with the modules it imports loaded."""
    from claude_lint.app.project import project_for

    project = project_for(path, settings)
    project.preload(path, data)
    return project.spec_for(path, names=project.names_for(data))


def project_saved(path: Path, data: bytes) -> None:
    """A saved file may be a module others import: summarise it again (in the linting worker)."""
    from claude_lint.app.project import project_for

    settings = _settings(path, [])
    if settings is None:
        return
    project_for(path, settings).update(path, data)


def _state(server: ClaudeLintServer, uri: str) -> _Document:
    state = server.documents.get(uri)
    if state is None:
        from claude_lint.engine.incremental import DocumentLinter

        path = _document_path(server.workspace.get_text_document(uri))
        state = server.documents[uri] = _Document(DocumentLinter(str(path)))
    return state


def _start_lint(server: ClaudeLintServer, uri: str) -> asyncio.Future[_Lint]:
    """Lint the document's current version in the worker; publish it if still current when done."""
    state = _state(server, uri)
    if state.timer is not None:
        state.timer.cancel()
        state.timer = None
    document = server.workspace.get_text_document(uri)
    version, text = document.version, document.source
    if state.running is not None and state.running[:2] == (version, text):
        return state.running[2]
    future = asyncio.get_running_loop().run_in_executor(
        server.linting, lint_document, state.linter, version, text, _document_path(document)
    )
    state.running = (version, text, future)

    def done(finished: asyncio.Future[_Lint]) -> None:
        if state.running is not None and state.running[2] is finished:
            state.running = None
        if finished.cancelled():
            return
        failure = finished.exception()
        if failure is not None:  # a bug outside the engine's own guards: the log, not a crash
            message = f"claude-lint: the lint of {uri} failed: {failure!r}"
            server.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=message))
            return
        outcome = finished.result()
        _report(server, outcome.errors, outcome.problems)
        current = server.workspace.text_documents.get(uri)
        if current is None or server.documents.get(uri) is not state:
            return  # closed meanwhile
        if (current.version, current.source) != (outcome.version, outcome.text):
            return  # superseded: the newer version has its own lint coming
        state.last = outcome
        publish(server, uri, outcome)

    future.add_done_callback(done)
    return future


def schedule_lint(server: ClaudeLintServer, uri: str, delay: float = DEBOUNCE) -> None:
    """Lint after `delay` unless another change comes first (which schedules anew)."""
    state = _state(server, uri)
    if state.timer is not None:
        state.timer.cancel()
    state.timer = asyncio.get_running_loop().call_later(delay, _start_lint, server, uri)


async def current_lint(server: ClaudeLintServer, uri: str) -> _Lint:
    """The lint of the document's current version: the published one, the running one, or a new one."""
    state = _state(server, uri)
    document = server.workspace.get_text_document(uri)
    last = state.last
    if last is not None and (last.version, last.text) == (document.version, document.source):
        return last
    outcome = await _start_lint(server, uri)
    return outcome


def _lsp_diagnostic(d: Diagnostic, lines: list[str], encoding: str | None) -> types.Diagnostic:
    return types.Diagnostic(
        range=_range(lines, d.start, d.end, encoding),
        message=d.message,
        severity=types.DiagnosticSeverity.Warning,
        code=d.code,
        code_description=types.CodeDescription(href=DOCS_URL.format(code=d.code)),
        source=SOURCE,
    )


def publish(server: ClaudeLintServer, uri: str, outcome: _Lint) -> None:
    encoding = server.workspace.position_encoding
    lines = _lines(outcome.text)
    diagnostics = [_lsp_diagnostic(d, lines, encoding) for d in outcome.diagnostics]
    server.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, version=outcome.version, diagnostics=diagnostics)
    )


# ---------------------------------------------------------------- fixes


def fix_all(server: ClaudeLintServer, text: str, path: Path) -> str:
    """The text with every safe fix applied, re-linted to a fixpoint by the fixer."""
    from claude_lint.engine.fix_loop import fix_text

    problems: list[str] = []
    settings = _settings(path, problems)
    if settings is None:
        _report(server, [], problems)
        return text
    try:
        outcome = fix_text(str(path), text, settings, project=_project_spec(path, text.encode("utf-8", "surrogatepass"), settings))
    except ValueError as e:  # an unknown selector in the config
        _report(server, [], [f"{settings.config_file}: {e}"])
        return text
    _report(server, outcome.errors, [])
    return outcome.fixed


def _noqa_edit(text: str, lines: list[str], d: Diagnostic, encoding: str | None) -> types.TextEdit | None:
    from claude_lint.app.noqa import add_noqa_directives

    line = d.noqa_line or d.start.line
    edit = add_noqa_directives(text, {line: {d.code}})
    if not edit.added:
        return None
    new_line = _lines(edit.text)[line - 1]
    old = lines[line - 1]
    return types.TextEdit(
        range=_range(lines, Location(line, 0), Location(line, len(old)), encoding),
        new_text=new_line,
    )


def _kind_wanted(kind: str, only: list[str] | None) -> bool:
    return only is None or any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def _resolves_edits(server: ClaudeLintServer) -> bool:
    """Whether the client fills in a code action's edit through `codeAction/resolve`."""
    try:
        support = server.client_capabilities.text_document.code_action.resolve_support  # type: ignore[union-attr]
    except AttributeError:
        return False
    return support is not None and "edit" in support.properties


def _fix_all_edit(server: ClaudeLintServer, uri: str) -> types.WorkspaceEdit | None:
    document = server.workspace.get_text_document(uri)
    text = document.source
    fixed = fix_all(server, text, _document_path(document))
    if fixed == text:
        return None
    lines = _lines(text)
    encoding = server.workspace.position_encoding
    return types.WorkspaceEdit(changes={uri: [types.TextEdit(range=_whole_document(lines, encoding), new_text=fixed)]})


async def code_actions(server: ClaudeLintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Actions from the current version's diagnostics; no fixer run unless the client cannot resolve."""
    uri = params.text_document.uri
    outcome = await current_lint(server, uri)
    encoding = server.workspace.position_encoding
    text = outcome.text
    lines = _lines(text)
    only = [str(kind) for kind in params.context.only] if params.context.only else None
    actions: list[types.CodeAction] = []
    diagnostics = outcome.diagnostics
    if _kind_wanted(types.CodeActionKind.QuickFix, only):
        for d in diagnostics:
            lsp = _lsp_diagnostic(d, lines, encoding)
            if not _overlaps(lsp.range, params.range):
                continue
            if d.fix is not None and d.fix.applicability is not Applicability.DISPLAY_ONLY:
                unsafe = " (unsafe)" if d.fix.applicability is Applicability.UNSAFE else ""
                edits = [
                    types.TextEdit(range=_range(lines, e.start, e.end, encoding), new_text=e.content)
                    for e in d.fix.edits
                ]
                actions.append(
                    types.CodeAction(
                        title=f"Fix {d.code}: {d.fix.message}{unsafe}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[lsp],
                        edit=types.WorkspaceEdit(changes={uri: edits}),
                        is_preferred=not unsafe,
                    )
                )
            noqa = _noqa_edit(text, lines, d, encoding)
            if noqa is not None:
                actions.append(
                    types.CodeAction(
                        title=f"Suppress {d.code} with noqa",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[lsp],
                        edit=types.WorkspaceEdit(changes={uri: [noqa]}),
                    )
                )
    if _kind_wanted(FIX_ALL_KIND, only) and any(
        d.fix is not None and d.fix.applicability is Applicability.SAFE for d in diagnostics
    ):
        if _resolves_edits(server):
            actions.append(
                types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, data={"uri": uri, "version": outcome.version})
            )
        else:
            edit = _fix_all_edit(server, uri)
            if edit is not None:
                actions.append(types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, edit=edit))
    return actions


def resolve_code_action(server: ClaudeLintServer, action: types.CodeAction) -> types.CodeAction:
    """Fill in the fix-all edit, for the document as it is now."""
    data = action.data if isinstance(action.data, dict) else {}
    uri = data.get("uri")
    if action.kind == FIX_ALL_KIND and isinstance(uri, str) and uri in server.workspace.text_documents:
        action.edit = _fix_all_edit(server, uri) or types.WorkspaceEdit(changes={uri: []})
    return action


# ---------------------------------------------------------------- the server


def create_server() -> ClaudeLintServer:
    server = ClaudeLintServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: ClaudeLintServer, params: types.DidOpenTextDocumentParams) -> None:
        _forget(ls, params.text_document.uri)
        await current_lint(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ClaudeLintServer, params: types.DidChangeTextDocumentParams) -> None:
        schedule_lint(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=True))
    async def did_save(ls: ClaudeLintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = ls.workspace.get_text_document(uri)
        data = document.source.encode("utf-8", "surrogatepass")
        # The project model is updated where documents are linted, so no lint sees it half-changed.
        await asyncio.get_running_loop().run_in_executor(ls.linting, project_saved, _document_path(document), data)
        for state in ls.documents.values():
            state.last = None  # a config file may have changed too, and other documents' imports
        for open_uri in list(ls.documents):
            if open_uri in ls.workspace.text_documents:
                await current_lint(ls, open_uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ClaudeLintServer, params: types.DidCloseTextDocumentParams) -> None:
        _forget(ls, params.text_document.uri)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True),
    )
    async def on_code_action(ls: ClaudeLintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return await code_actions(ls, params)

    @server.feature(types.CODE_ACTION_RESOLVE)
    def on_resolve(ls: ClaudeLintServer, action: types.CodeAction) -> types.CodeAction:
        return resolve_code_action(ls, action)

    return server


def _forget(server: ClaudeLintServer, uri: str) -> None:
    state = server.documents.pop(uri, None)
    if state is not None and state.timer is not None:
        state.timer.cancel()


def start_server() -> None:
    create_server().start_io()
