"""`claude-lint server`: the language server (LSP over stdio, pygls 2.x).

Diagnostics on open, change and save; per diagnostic a quick fix (when the
rule has one; unsafe ones say so) and a "suppress with noqa" action; and a
`source.fixAll.claude-lint` action that applies every safe fix, re-linting
until none is left (`claude_lint.engine.fix_loop`, which also drops any fix whose
result would not parse). Settings come from the document's own
pyproject.toml or claude-lint.toml, read afresh on each lint so edits to them
apply at once.

Our diagnostics count columns in code points; LSP counts in the negotiated
position encoding (UTF-16 unless the client offers another), so every
position sent is converted, and a request's range is compared in the
client's units.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from claude_lint import __version__
from claude_lint.config.settings import ConfigError, ConfigResolver, Settings
from claude_lint.core.diagnostics import Applicability, Diagnostic, Location
from claude_lint.core.lines import split_lines
from claude_lint.lint.rule import DOCS_URL

SOURCE = "claude-lint"
FIX_ALL_KIND = "source.fixAll.claude-lint"


class ClaudeLintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("claude-lint", __version__)
        self.shown_errors: set[str] = set()
        # uri -> (document version, text, diagnostics) of the last lint
        self.last_lint: dict[str, tuple[int | None, str, list[Diagnostic]]] = {}


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


def _settings(server: ClaudeLintServer, path: Path) -> Settings | None:
    try:
        return ConfigResolver().for_path(path)
    except ConfigError as e:
        _show_error_once(server, str(e))
        return None


def _show_error_once(server: ClaudeLintServer, message: str) -> None:
    if message in server.shown_errors:
        return
    server.shown_errors.add(message)
    server.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"claude-lint: {message}"))


def _log_errors(server: ClaudeLintServer, errors: list[str]) -> None:
    for error in errors:  # a rule crashed: the editor's log, not a popup on every keystroke
        server.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=error))


def lint_document(server: ClaudeLintServer, text: str, path: Path) -> list[Diagnostic]:
    """Diagnostics for the document's text (suppressed ones dropped); [] if it is excluded."""
    from claude_lint.app.discover import is_excluded
    from claude_lint.engine.lint import lint_text
    from claude_lint.engine.prefilter import needs_parsing, triggers_for

    settings = _settings(server, path)
    if settings is None or is_excluded(path, settings):
        return []
    if not needs_parsing(text.encode("utf-8", "surrogatepass"), triggers_for(settings.client_factories)):
        return []
    try:
        result = lint_text(str(path), text, settings)
    except ValueError as e:  # an unknown selector in the config
        _show_error_once(server, f"{settings.config_file}: {e}")
        return []
    _log_errors(server, result.errors)
    return [d for d in result.diagnostics if not d.suppressed]


def _current(server: ClaudeLintServer, document: TextDocument) -> list[Diagnostic]:
    cached = server.last_lint.get(document.uri)
    if cached is not None and cached[0] == document.version and cached[1] == document.source:
        return cached[2]
    diagnostics = lint_document(server, document.source, _document_path(document))
    server.last_lint[document.uri] = (document.version, document.source, diagnostics)
    return diagnostics


def _lsp_diagnostic(d: Diagnostic, lines: list[str], encoding: str | None) -> types.Diagnostic:
    return types.Diagnostic(
        range=_range(lines, d.start, d.end, encoding),
        message=d.message,
        severity=types.DiagnosticSeverity.Warning,
        code=d.code,
        code_description=types.CodeDescription(href=DOCS_URL.format(code=d.code)),
        source=SOURCE,
    )


def publish(server: ClaudeLintServer, uri: str) -> None:
    document = server.workspace.get_text_document(uri)
    encoding = server.workspace.position_encoding
    lines = _lines(document.source)
    diagnostics = [_lsp_diagnostic(d, lines, encoding) for d in _current(server, document)]
    server.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, version=document.version, diagnostics=diagnostics)
    )


# ---------------------------------------------------------------- fixes


def fix_all(server: ClaudeLintServer, text: str, path: Path) -> str:
    """The text with every safe fix applied, re-linted to a fixpoint by the fixer."""
    from claude_lint.engine.fix_loop import fix_text

    settings = _settings(server, path)
    if settings is None:
        return text
    try:
        outcome = fix_text(str(path), text, settings)
    except ValueError as e:  # an unknown selector in the config
        _show_error_once(server, f"{settings.config_file}: {e}")
        return text
    _log_errors(server, outcome.errors)
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


def code_actions(server: ClaudeLintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    document = server.workspace.get_text_document(uri)
    encoding = server.workspace.position_encoding
    text = document.source
    lines = _lines(text)
    only = [str(kind) for kind in params.context.only] if params.context.only else None
    actions: list[types.CodeAction] = []
    diagnostics = _current(server, document)
    if _kind_wanted(types.CodeActionKind.QuickFix, only):
        for d in diagnostics:
            lsp = _lsp_diagnostic(d, lines, encoding)
            if not _overlaps(lsp.range, params.range):
                continue
            if d.fix is not None:
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
        fixed = fix_all(server, text, _document_path(document))
        if fixed != text:
            actions.append(
                types.CodeAction(
                    title="Fix all safely fixable claude-lint problems",
                    kind=FIX_ALL_KIND,
                    edit=types.WorkspaceEdit(
                        changes={uri: [types.TextEdit(range=_whole_document(lines, encoding), new_text=fixed)]}
                    ),
                )
            )
    return actions


# ---------------------------------------------------------------- the server


def create_server() -> ClaudeLintServer:
    server = ClaudeLintServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ClaudeLintServer, params: types.DidOpenTextDocumentParams) -> None:
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ClaudeLintServer, params: types.DidChangeTextDocumentParams) -> None:
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=True))
    def did_save(ls: ClaudeLintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.last_lint.pop(params.text_document.uri, None)  # a config file may have changed too
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ClaudeLintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.last_lint.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]),
    )
    def on_code_action(ls: ClaudeLintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return code_actions(ls, params)

    return server


def start_server() -> None:
    create_server().start_io()
