"""The language server, driven over stdio by pygls's own client, as an editor would."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

FIX_ALL = "source.fixAll.claude-lint"

# Line 14 (index 13) holds an emoji before the finding: 2 UTF-16 units, 1 code point.
APP = textwrap.dedent(
    """\
    import anthropic

    client = anthropic.Anthropic()


    class TicketError(Exception):
        pass


    def ask(prompt):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[])
        except anthropic.APIError as e:
            note = "é😀"; raise TicketError(f"failed: {e}")
    """
)
BARE = textwrap.dedent(
    """\
    import anthropic

    client = anthropic.Anthropic()


    def ask(prompt):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[])
        except:
            raise
    """
)
CL105_MESSAGE = (
    "`raise TicketError(...)` in a handler of a Claude call drops the API error: "
    "add `from e` to keep it as the cause"
)


def _pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def _range(line: int, start: int, end: int) -> types.Range:
    return types.Range(start=_pos(line, start), end=_pos(line, end))


def _apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Apply LSP edits (UTF-16 positions) the way an editor does."""
    lines = text.split("\n")

    def offset(p: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: p.line])
        units = lines[p.line].encode("utf-16-le")[: 2 * p.character].decode("utf-16-le") if p.line < len(lines) else ""
        return before + len(units)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


class Editor:
    """A client with a queue of published diagnostics per document."""

    def __init__(self) -> None:
        self.client = LanguageClient("test-editor", "1")
        self.published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
            self.published.put_nowait(params)

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def on_message(client: LanguageClient, params: types.ShowMessageParams) -> None:
            self.published.put_nowait(params)  # type: ignore[arg-type]

    async def diagnostics_for(self, uri: str) -> types.PublishDiagnosticsParams:
        while True:
            params = await asyncio.wait_for(self.published.get(), timeout=20)
            if isinstance(params, types.PublishDiagnosticsParams) and params.uri == uri:
                return params
            assert not isinstance(params, types.ShowMessageParams), params.message

    def open(self, uri: str, text: str) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
            )
        )

    def change(self, uri: str, version: int, text: str) -> None:
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def save(self, uri: str) -> None:
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    async def actions(self, uri: str, rng: types.Range, only: list[str] | None = None) -> list[types.CodeAction]:
        result = await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=rng,
                context=types.CodeActionContext(diagnostics=[], only=only),
            )
        )
        assert result is not None
        return [a for a in result if isinstance(a, types.CodeAction)]


def _summary(diagnostic: types.Diagnostic) -> tuple:
    return (
        diagnostic.code,
        (diagnostic.range.start.line, diagnostic.range.start.character),
        (diagnostic.range.end.line, diagnostic.range.end.character),
        diagnostic.severity,
        diagnostic.source,
        diagnostic.code_description.href if diagnostic.code_description else None,
    )


async def _session(tmp_path: Path) -> None:
    # Only the CL1 rules, so rules added later do not change what this test sees.
    (tmp_path / "pyproject.toml").write_text('[tool.claude-lint]\nselect = ["CL1"]\n', encoding="utf-8")
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "pyproject.toml").write_text('[tool.claude-lint]\nselect = ["CL1"]\nignore = ["CL105"]\n', encoding="utf-8")
    app = tmp_path / "app.py"
    bare = tmp_path / "bare.py"
    app_uri, bare_uri = app.as_uri(), bare.as_uri()
    editor = Editor()
    await editor.client.start_io(sys.executable, "-m", "claude_lint", "server", cwd=str(tmp_path))
    try:
        init = await editor.client.initialize_async(
            types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=tmp_path.as_uri())
        )
        assert init.server_info is not None and init.server_info.name == "claude-lint"
        editor.client.initialized(types.InitializedParams())

        # Open: a CL105 after `        note = "é😀"; ` -- 21 code points, 22 UTF-16 units.
        editor.open(app_uri, APP)
        published = await editor.diagnostics_for(app_uri)
        assert published.version == 1
        url = "https://github.com/claude-lint/claude-lint/blob/main/docs/rules/CL105.md"
        assert [_summary(d) for d in published.diagnostics] == [
            ("CL105", (13, 22), (13, 55), types.DiagnosticSeverity.Warning, "claude-lint", url)
        ]
        assert published.diagnostics[0].message == CL105_MESSAGE

        # Code actions at the finding: its safe fix, suppress, and fix-all.
        actions = await editor.actions(app_uri, _range(13, 30, 30))
        assert [(a.title, a.kind) for a in actions] == [
            ("Fix CL105: Add `from e`", types.CodeActionKind.QuickFix),
            ("Suppress CL105 with noqa", types.CodeActionKind.QuickFix),
            ("Fix all safely fixable claude-lint problems", FIX_ALL),
        ]
        quick_fix, suppress, fix_all = actions
        assert quick_fix.is_preferred and quick_fix.diagnostics is not None
        assert [_summary(d) for d in quick_fix.diagnostics] == [_summary(published.diagnostics[0])]
        assert quick_fix.edit is not None and quick_fix.edit.changes is not None
        assert list(quick_fix.edit.changes[app_uri]) == [types.TextEdit(range=_range(13, 55, 55), new_text=" from e")]
        assert suppress.edit is not None and suppress.edit.changes is not None
        assert list(suppress.edit.changes[app_uri]) == [
            types.TextEdit(
                range=_range(13, 0, 55),
                new_text='        note = "é😀"; raise TicketError(f"failed: {e}")  # noqa: CL105',
            )
        ]
        fixed = APP.replace('{e}")\n', '{e}") from e\n')
        assert fix_all.edit is not None and fix_all.edit.changes is not None
        assert list(fix_all.edit.changes[app_uri]) == [
            types.TextEdit(range=types.Range(start=_pos(0, 0), end=_pos(14, 0)), new_text=fixed)
        ]
        # Asking for fix-all only (what fix-on-save sends) gives just that action.
        assert [a.title for a in await editor.actions(app_uri, _range(0, 0, 0), only=[FIX_ALL])] == [
            "Fix all safely fixable claude-lint problems"
        ]
        # Nothing at a line without findings except fix-all.
        assert [a.kind for a in await editor.actions(app_uri, _range(2, 0, 0))] == [FIX_ALL]

        # Apply fix-all as the editor would; the change clears the diagnostics.
        editor.change(app_uri, 2, _apply(APP, fix_all.edit.changes[app_uri]))
        published = await editor.diagnostics_for(app_uri)
        assert (published.version, list(published.diagnostics)) == (2, [])

        # The document's own config is honoured: CL105 is ignored under legacy/.
        legacy_uri = (tmp_path / "legacy" / "app.py").as_uri()
        editor.open(legacy_uri, APP)
        assert list((await editor.diagnostics_for(legacy_uri)).diagnostics) == []

        # An unsafe fix is labelled and not part of fix-all.
        editor.open(bare_uri, BARE)
        published = await editor.diagnostics_for(bare_uri)
        assert [_summary(d)[:3] for d in published.diagnostics] == [("CL101", (8, 4), (8, 10))]
        actions = await editor.actions(bare_uri, _range(8, 4, 4))
        assert [a.title for a in actions] == [
            "Fix CL101: Replace with `except Exception:` (unsafe)",
            "Suppress CL101 with noqa",
        ]
        assert not actions[0].is_preferred
        # Suppressing with noqa clears it, through the same change path.
        assert actions[1].edit is not None and actions[1].edit.changes is not None
        editor.change(bare_uri, 2, _apply(BARE, actions[1].edit.changes[bare_uri]))
        published = await editor.diagnostics_for(bare_uri)
        assert list(published.diagnostics) == []

        # Save re-lints; close clears.
        editor.save(bare_uri)
        assert list((await editor.diagnostics_for(bare_uri)).diagnostics) == []
        editor.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=app_uri))
        )
        assert list((await editor.diagnostics_for(app_uri)).diagnostics) == []

        await editor.client.shutdown_async(None)
    finally:
        editor.client.exit(None)  # the server process ends on `exit`, shut down or not
        await asyncio.wait_for(editor.client.stop(), timeout=10)


def test_language_server_over_stdio(tmp_path: Path) -> None:
    asyncio.run(_session(tmp_path))


def test_server_without_pygls_is_one_line_and_exit_2(tmp_path: Path) -> None:
    code = "import sys; sys.modules['pygls'] = None\nfrom claude_lint.cli import main\nmain(['server'])\n"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        "claude-lint: error: `claude-lint server` needs pygls: pip install 'claude-lint[server]'\n",
    )


def test_positions_follow_the_negotiated_encoding() -> None:
    from claude_lint.core.diagnostics import Location
    from claude_lint.server import _lines, _position

    lines = _lines('x = "a😀b"\r\ny = 1\n')
    after_b = Location(1, 8)  # code points: the emoji is one
    assert [_position(lines, after_b, enc).character for enc in (None, "utf-16", "utf-8", "utf-32")] == [9, 9, 11, 8]
    assert _position(lines, Location(2, 5), None) == types.Position(line=1, character=5)


RESOLVING = types.ClientCapabilities(
    text_document=types.TextDocumentClientCapabilities(
        code_action=types.CodeActionClientCapabilities(
            resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]), data_support=True
        )
    )
)


async def _typing_session(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.claude-lint]\nselect = ["CL1"]\n', encoding="utf-8")
    uri = (tmp_path / "app.py").as_uri()
    editor = Editor()
    await editor.client.start_io(sys.executable, "-m", "claude_lint", "server", cwd=str(tmp_path))
    try:
        await editor.client.initialize_async(types.InitializeParams(capabilities=RESOLVING, root_uri=tmp_path.as_uri()))
        editor.client.initialized(types.InitializedParams())
        editor.open(uri, APP)
        assert (await editor.diagnostics_for(uri)).version == 1

        # A burst of 20 keystrokes (a comment typed after the raise): coalesced, and only
        # the final version's diagnostics are published -- no lint of a superseded version.
        line = APP.splitlines()[13]
        for n in range(1, 21):
            typed = APP.replace(line, line + "  # retry later!!!!!"[:n])
            editor.change(uri, 1 + n, typed)
        published = await editor.diagnostics_for(uri)
        assert published.version == 21
        assert [_summary(d)[:3] for d in published.diagnostics] == [("CL105", (13, 22), (13, 55))]
        await asyncio.sleep(0.3)
        assert editor.published.empty()  # nothing else came: versions 2-20 were never published

        # Code actions come from that lint; fix-all carries no edit until resolved.
        actions = await editor.actions(uri, _range(13, 30, 30))
        assert [(a.title, a.edit is None) for a in actions] == [
            ("Fix CL105: Add `from e`", False),
            ("Suppress CL105 with noqa", False),
            ("Fix all safely fixable claude-lint problems", True),
        ]
        resolved = await editor.client.code_action_resolve_async(actions[2])
        assert resolved.edit is not None and resolved.edit.changes is not None
        [edit] = resolved.edit.changes[uri]
        assert edit.new_text == typed.replace('{e}")  #', '{e}") from e  #')

        # A code action asked right after a change answers for the new version.
        editor.change(uri, 22, typed.replace('{e}")  #', '{e}") from e  #'))
        assert await editor.actions(uri, _range(13, 30, 30)) == []
        published = await editor.diagnostics_for(uri)
        assert (published.version, list(published.diagnostics)) == (22, [])
        await editor.client.shutdown_async(None)
    finally:
        editor.client.exit(None)
        await asyncio.wait_for(editor.client.stop(), timeout=10)


def test_typing_bursts_are_coalesced_and_fix_all_is_resolved(tmp_path: Path) -> None:
    asyncio.run(_typing_session(tmp_path))


async def _editor_in(root: Path) -> Editor:
    """A language server started in a project's root, initialized."""
    editor = Editor()
    await editor.client.start_io(sys.executable, "-m", "claude_lint", "server", cwd=str(root))
    await editor.client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=root.as_uri())
    )
    editor.client.initialized(types.InitializedParams())
    return editor


async def _project_session(root: Path) -> None:
    handlers, llm = root / "app" / "handlers.py", root / "app" / "llm.py"
    editor = await _editor_in(root)
    try:
        # The wrapper is in another module: the handler around it is found, and the message says where.
        editor.open(handlers.as_uri(), handlers.read_text(encoding="utf-8"))
        published = await editor.diagnostics_for(handlers.as_uri())
        assert [(d.code, d.range.start.line, d.range.start.character, d.message) for d in published.diagnostics] == [
            ("CL101", 8, 4,
             ("Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API "
             "error happened; `ask_claude()` in app/llm.py:6 makes the Claude call")),
            ("CL102", 8, 4,
             ("`except:` swallows the Claude call's error: the handler only does `return None`; log it, re-raise it, "
             "or return a real fallback; `ask_claude()` in app/llm.py:6 makes the Claude call")),
        ]
        # Saving app/llm.py with ask_claude() no longer calling Claude updates the project model:
        # the open handlers.py is linted again and its findings go.
        editor.open(llm.as_uri(), llm.read_text(encoding="utf-8"))
        await editor.diagnostics_for(llm.as_uri())
        changed = llm.read_text(encoding="utf-8").replace("return client.messages.create(", "return dict(")
        editor.change(llm.as_uri(), 2, changed)
        await editor.diagnostics_for(llm.as_uri())
        llm.write_text(changed, encoding="utf-8")
        editor.save(llm.as_uri())
        assert list((await editor.diagnostics_for(handlers.as_uri())).diagnostics) == []
        await editor.client.shutdown_async(None)
    finally:
        editor.client.exit(None)
        await asyncio.wait_for(editor.client.stop(), timeout=10)


def test_language_server_uses_the_project_model_and_updates_it_on_save(project_copy) -> None:
    asyncio.run(_project_session(project_copy("shapes")))


async def _models_session(root: Path) -> None:
    config, bot = root / "app" / "config.py", root / "app" / "bot.py"
    editor = await _editor_in(root)
    try:
        # Retired ids app/bot.py sends as models are reported where app/config.py writes them.
        editor.open(config.as_uri(), config.read_text(encoding="utf-8"))
        published = await editor.diagnostics_for(config.as_uri())
        assert [(d.code, d.range.start.line, d.message.rsplit("made by ", 1)[1]) for d in published.diagnostics] == [
            ("CL302", 4, "`answer()` in app/bot.py:8."),
            ("CL302", 8, "`classify()` in app/bot.py:16."),
            ("CL302", 11, "`chat()` in app/bot.py:20."),
        ]
        # app/bot.py saved without sending FAST_MODEL: the open config.py is linted again.
        changed = bot.read_text(encoding="utf-8").replace("model=FAST_MODEL", 'model="claude-haiku-4-5"')
        bot.write_text(changed, encoding="utf-8")
        editor.save(bot.as_uri())
        published = await editor.diagnostics_for(config.as_uri())
        assert [d.range.start.line for d in published.diagnostics] == [4, 11]
        await editor.client.shutdown_async(None)
    finally:
        editor.client.exit(None)
        await asyncio.wait_for(editor.client.stop(), timeout=10)


def test_language_server_reports_a_model_id_another_module_sends(project_copy) -> None:
    asyncio.run(_models_session(project_copy("models")))


async def _subclass_session(root: Path) -> None:
    base, claude = root / "svc" / "llm" / "base.py", root / "svc" / "llm" / "providers" / "claude.py"
    editor = await _editor_in(root)
    try:
        # The base class retries a hook only a subclass in another module implements with a Claude call.
        editor.open(base.as_uri(), base.read_text(encoding="utf-8"))
        published = await editor.diagnostics_for(base.as_uri())
        reaches = "`self._send()` reaches a Claude call in `ClaudeLLM._send()` (svc/llm/providers/claude.py:13) when the object is a `ClaudeLLM`"
        assert [(d.code, d.range.start.line, d.range.start.character) for d in published.diagnostics] == [
            ("CL202", 16, 12), ("CL204", 16, 12), ("CL202", 20, 4), ("CL207", 20, 4),
        ]
        assert published.diagnostics[3].message == (
            "`@tenacity.retry(...)` retries a Claude call whose client also retries: 4 attempts x 3 SDK attempts = "
            f"up to 12 requests per call; call through `client.with_options(max_retries=0)`; {reaches}"
        )
        # Saving the subclass without its Claude call updates the project model: the base class's findings go.
        changed = claude.read_text(encoding="utf-8").replace("self.client.messages.create(", "dict(")
        claude.write_text(changed, encoding="utf-8")
        editor.save(claude.as_uri())
        assert list((await editor.diagnostics_for(base.as_uri())).diagnostics) == []
        await editor.client.shutdown_async(None)
    finally:
        editor.client.exit(None)
        await asyncio.wait_for(editor.client.stop(), timeout=10)


def test_language_server_follows_a_base_class_hook_into_subclasses_and_updates_on_save(project_copy) -> None:
    asyncio.run(_subclass_session(project_copy("dispatch")))


async def _callback_session(root: Path) -> None:
    router, claude = root / "svc" / "router.py", root / "svc" / "clients" / "claude.py"
    editor = await _editor_in(root)
    try:
        # The retry around `b.answer()`: the Claude subclass makes its call in a callback its cache runs.
        editor.open(router.as_uri(), router.read_text(encoding="utf-8"))
        published = await editor.diagnostics_for(router.as_uri())
        assert [(d.code, d.range.start.line, d.range.start.character) for d in published.diagnostics] == [
            ("CL202", 7, 4), ("CL205", 7, 4), ("CL207", 7, 4),
        ]
        assert published.diagnostics[2].message.endswith(
            "`b.answer()` reaches a Claude call in `ClaudeBackend.answer()` (svc/clients/claude.py:13) when the "
            "object is a `ClaudeBackend`"
        )
        # Saved with the callback stored for later instead: `answer()` makes no Claude call, the retry's findings go.
        changed = claude.read_text(encoding="utf-8").replace(
            "return Result(self.lookup(prompt, compute))", "return Result(self.pending.append(compute))"
        )
        claude.write_text(changed, encoding="utf-8")
        editor.save(claude.as_uri())
        assert list((await editor.diagnostics_for(router.as_uri())).diagnostics) == []
        await editor.client.shutdown_async(None)
    finally:
        editor.client.exit(None)
        await asyncio.wait_for(editor.client.stop(), timeout=10)


def test_language_server_follows_a_callback_a_cache_runs_and_updates_on_save(project_copy) -> None:
    asyncio.run(_callback_session(project_copy("callbacks")))
