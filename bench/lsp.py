"""The language server at typing speed, measured through a real LSP client (pygls) over stdio.

    python bench/lsp.py [--rounds 5] [--json OUT]

On a generated 1,000-line module with Claude calls (the benchmark's
`dense_1000.py`, seed 11) it measures, each figure the median of `--rounds`:

- open: didOpen -> first diagnostics;
- burst: 20 keystrokes 30 ms apart (typing a comment inside a function), last
  keystroke -> diagnostics of the final version; and how many lints ran;
- code action: a request at a finding's line, the version already linted;
- resolve: `codeAction/resolve` of the fix-all action (runs the fixer; a
  server that computes the edit with the action has no such figure);
- change: one didChange -> its diagnostics (this includes the server's
  debounce), and the re-lint itself (the server's `DocumentLinter` on the same
  kind of edit, in this process), wall and CPU time: the CPU time barely
  moves when other processes share the cores, the wall time does.

The server is started as `python -m claude_lint server`; point PYTHONPATH at
another checkout to measure that one.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent


def _dense_module(path: Path) -> str:
    spec = importlib.util.spec_from_file_location("generate_corpus", HERE / "generate_corpus.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    generator.write_module(path, random.Random(11), 1000)
    return path.read_text(encoding="utf-8")


class Client:
    def __init__(self) -> None:
        self.client = LanguageClient("bench", "1")
        self.published: asyncio.Queue[tuple[float, types.PublishDiagnosticsParams]] = asyncio.Queue()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
            self.published.put_nowait((time.perf_counter(), params))

    async def until_version(self, version: int) -> tuple[float, int, types.PublishDiagnosticsParams]:
        """(arrival time, publications seen, params) of the diagnostics for `version`."""
        seen = 0
        while True:
            arrived, params = await asyncio.wait_for(self.published.get(), timeout=60)
            seen += 1
            if params.version == version:
                return arrived, seen, params

    def change(self, uri: str, version: int, text: str) -> None:
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )


def _typing_point(text: str, round_: int) -> int:
    """The end of a `return` line in the middle of the file (a comment typed there keeps the code valid)."""
    ends = [i for i in range(len(text)) if text.startswith("\n", i) and text.rfind("\n    return ", 0, i) > text.rfind("\n", 0, i) - 1]
    return ends[len(ends) // 2 + round_]


async def measure(rounds: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / "dense_1000.py"
        text = _dense_module(path)
        uri = path.as_uri()
        bench = Client()
        await bench.client.start_io(sys.executable, "-m", "claude_lint", "server", cwd=str(root))
        capabilities = types.ClientCapabilities(
            text_document=types.TextDocumentClientCapabilities(
                code_action=types.CodeActionClientCapabilities(
                    resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]),
                    data_support=True,
                )
            )
        )
        await bench.client.initialize_async(types.InitializeParams(capabilities=capabilities, root_uri=root.as_uri()))
        bench.client.initialized(types.InitializedParams())
        figures: dict[str, list[float]] = {"open": [], "burst": [], "burst_publications": [], "code_action": [],
                                           "resolve": [], "change": []}
        version = 1
        start = time.perf_counter()
        bench.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)
            )
        )
        arrived, _, published = await bench.until_version(version)
        figures["open"].append(arrived - start)
        finding_line = next(d.range.start.line for d in published.diagnostics if d.code == "CL105") if any(
            d.code == "CL105" for d in published.diagnostics
        ) else published.diagnostics[0].range.start.line
        for round_ in range(rounds):
            # A burst of 20 keystrokes, 30 ms apart.
            at = _typing_point(text, round_)
            typed = f"  # note {round_:02d} ok."[:20]
            sent = 0.0
            for n in range(1, 21):
                version += 1
                bench.change(uri, version, text[:at] + typed[:n] + text[at:])
                sent = time.perf_counter()
                if n < 20:
                    await asyncio.sleep(0.03)
            text = text[:at] + typed + text[at:]
            arrived, seen, _ = await bench.until_version(version)
            figures["burst"].append(arrived - sent)
            figures["burst_publications"].append(seen)
            # Code actions at a finding, the version linted.
            for _ in range(5):
                position = types.Position(line=finding_line, character=8)
                start = time.perf_counter()
                actions = await bench.client.text_document_code_action_async(
                    types.CodeActionParams(
                        text_document=types.TextDocumentIdentifier(uri=uri),
                        range=types.Range(start=position, end=position),
                        context=types.CodeActionContext(diagnostics=[]),
                    )
                )
                figures["code_action"].append(time.perf_counter() - start)
            fix_all = [a for a in actions or [] if isinstance(a, types.CodeAction) and a.kind == "source.fixAll.claude-lint"]
            if fix_all and fix_all[0].edit is None:  # a server that computes it on resolve
                start = time.perf_counter()
                resolved = await bench.client.code_action_resolve_async(fix_all[0])
                figures["resolve"].append(time.perf_counter() - start)
                assert resolved.edit is not None
            # One change on its own: a character typed at another line.
            at = _typing_point(text, round_ + rounds)
            text = text[:at] + "#" + text[at:]
            version += 1
            start = time.perf_counter()
            bench.change(uri, version, text)
            arrived, _, _ = await bench.until_version(version)
            figures["change"].append(arrived - start)
        await bench.client.shutdown_async(None)
        bench.client.exit(None)
        await asyncio.wait_for(bench.client.stop(), timeout=10)
        return {key: values for key, values in figures.items()} | {"lines": text.count("\n")}


def relint_in_process(rounds: int) -> tuple[list[float], list[float]]:
    """The server's re-lint of one edit (DocumentLinter), without the protocol or the debounce."""
    from claude_lint.config.settings import Settings

    try:
        from claude_lint.engine.incremental import DocumentLinter
    except ImportError:  # an older checkout: the server ran a full lint on each change
        from claude_lint.engine.lint import lint_text

        class DocumentLinter:  # type: ignore[no-redef]
            def __init__(self, path: str) -> None:
                self.path = path

            def lint(self, text: str, settings: Settings) -> object:
                return lint_text(self.path, text, settings)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dense_1000.py"
        text = _dense_module(path)
    settings = Settings()
    linter = DocumentLinter(str(path))
    linter.lint(text, settings)
    times, cpu = [], []
    for round_ in range(rounds * 4):
        at = _typing_point(text, round_)
        text = text[:at] + "#" + text[at:]
        start, start_cpu = time.perf_counter(), time.thread_time()
        linter.lint(text, settings)
        times.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    figures = asyncio.run(measure(args.rounds))
    figures["relint"], figures["relint_cpu"] = relint_in_process(args.rounds)
    out: dict[str, object] = {"lines": figures.pop("lines")}
    print(f"{out['lines']}-line module, {args.rounds} rounds (median, all in ms unless said)")
    for key, values in figures.items():
        assert isinstance(values, list)
        if not values:
            continue
        median = statistics.median(values)
        if key == "burst_publications":
            out[key] = median
            print(f"  {key:<22} {median:8.0f}   (runs: {', '.join(str(int(v)) for v in values)})")
        else:
            out[f"{key}_ms"] = round(median * 1000, 1)
            print(f"  {key:<22} {median * 1000:8.1f}   (runs: {', '.join(f'{v * 1000:.0f}' for v in values)})")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
