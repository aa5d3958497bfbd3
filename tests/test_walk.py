"""`walk(node, visitor)` fires a CSTVisitor's hooks exactly as libcst's `node.visit(visitor)` does."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from claude_lint.analysis.walk import TRIVIA, child_fields, walk

ROOT = Path(__file__).resolve().parent.parent
STDLIB = Path(sysconfig.get_paths()["stdlib"])

TRICKY = (
    "# header\n\n@dec\n# between\n@dec2(1,\n     2)\nclass A(B, metaclass=M):\n"
    "    '''doc'''\n    x: int = 1; y = 2\n\n    async def f(self, *a, b=1, **k) -> 'T':\n"
    "        global g\n        try:\n            pass\n        # lead\n        except* (E, F) as e:\n"
    "            raise X from e\n        else:\n            del a[1:2, ::3]\n        finally:\n            ...\n"
    "        async with a as b, c:\n            await d\n        while (n := n - 1):\n            continue\n"
    "        else:\n            break\n        return [i async for i in g() if i] or {k: v for k, v in z}\n\n"
    "match p:\n    case [1, *rest] if rest:\n        pass\n    case {'k': v, **kw} | Point(x=0) as q:\n"
    "        pass\n    case _:\n        pass\n"
    "lambda: (yield)\nx = f'{a!r:>{w}}' 'tail' \\\n    'next'\nfrom . import (a as b, c)\nfrom x import *\n"
    "import os.path as p\ny = not -a ** ~b if c is not d else e not in f\nz += 1; w @= v\n"
    "t = a[...], *b, {**c}, {1, 2}, (yield from g())\nassert x, 'y'\n"
    "def g[T: int](a, /, *, b: T = 1) -> None: pass\ntype Alias = list[int]\n"
)


def _sources() -> list[tuple[str, str]]:
    """Real files of every kind: our own code, the examples, a spread of the standard library."""
    paths = sorted((ROOT / "claude_lint").glob("*.py")) + sorted((ROOT / "examples").rglob("*.py"))
    paths += [STDLIB / name for name in ("argparse.py", "asyncio/tasks.py", "dataclasses.py", "typing.py",
                                         "json/decoder.py", "re/_parser.py", "email/message.py")]
    out = [(p.name, p.read_text(encoding="utf-8")) for p in paths if p.exists()]
    return out + [("tricky", TRICKY)]


class _Recorder(cst.CSTVisitor):
    """Every hook libcst calls, with the node's identity and the field."""

    visits_trivia = True

    def __init__(self) -> None:
        self.events: list[tuple[str, int, str]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", id(node), type(node).__name__))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", id(original_node), type(original_node).__name__))

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("visit_attr", id(node), attribute))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("leave_attr", id(original_node), attribute))


class _Selective(cst.CSTVisitor):
    """Named hooks only (no trivia): skips function bodies, records try parts."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.events.append(("def", id(node)))
        return node.name.value != "f"  # returning False skips the children

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.events.append(("/def", id(original_node)))

    def visit_Call(self, node: cst.Call) -> None:
        self.events.append(("call", id(node)))

    def visit_Name(self, node: cst.Name) -> None:
        self.events.append(("name", id(node)))

    def visit_Try_orelse(self, node: cst.Try) -> None:
        self.events.append(("orelse", id(node)))

    def leave_Try_finalbody(self, node: cst.Try) -> None:
        self.events.append(("/finalbody", id(node)))

    def leave_Comparison(self, original_node: cst.Comparison) -> None:
        self.events.append(("/cmp", id(original_node)))


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, cst.Module]]:
    # Plus the dense benchmark corpus: every kind of call, retry and handler.
    dense = tmp_path_factory.mktemp("dense")
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate_corpus.py"), "--lines", "3000", "--seed", "3", str(dense)],
        check=True, capture_output=True,
    )
    sources = _sources() + [(p.name, p.read_text(encoding="utf-8")) for p in sorted(dense.rglob("*.py"))]
    return [(name, cst.parse_module(text)) for name, text in sources]


def test_every_hook_in_libcst_order(modules: list[tuple[str, cst.Module]]) -> None:
    for name, module in modules:
        ours, theirs = _Recorder(), _Recorder()
        walk(module, ours)
        module.visit(theirs)
        assert ours.events == theirs.events, name


def test_named_hooks_skip_trivia_and_honour_false(modules: list[tuple[str, cst.Module]]) -> None:
    checked = 0
    for name, module in modules:
        ours, theirs = _Selective(), _Selective()
        walk(module, ours)
        module.visit(theirs)
        assert ours.events == theirs.events, name
        checked += len(ours.events)
    assert checked > 10_000


def test_generic_visitor_without_trivia_sees_everything_else(modules: list[tuple[str, cst.Module]]) -> None:
    class _NoTrivia(_Recorder):
        visits_trivia = False

    for name, module in modules:
        ours, theirs = _NoTrivia(), _Recorder()
        walk(module, ours)
        module.visit(theirs)
        kinds = {t.__name__ for t in TRIVIA}
        inside_trivia: set[int] = set()
        expected = []
        stack: list[bool] = []
        for event in theirs.events:  # drop trivia nodes, their subtrees and attribute events
            kind, key, what = event
            if kind == "visit":
                skipped = what in kinds or (bool(stack) and stack[-1])
                stack.append(skipped)
                if skipped:
                    inside_trivia.add(key)
                    continue
            elif kind == "leave":
                skipped = stack.pop()
                if skipped:
                    continue
            elif stack and stack[-1]:
                continue
            expected.append(event)
        assert ours.events == expected, name


def test_child_order_is_read_from_libcst() -> None:
    assert child_fields(cst.FunctionDef)[:2] == ("leading_lines", "decorators")
    assert child_fields(cst.ExceptHandler).index("type") < child_fields(cst.ExceptHandler).index("body")
    assert child_fields(cst.IfExp).index("body") < child_fields(cst.IfExp).index("test")
    assert child_fields(cst.Name) == ("lpar", "rpar")
    assert child_fields(cst.SimpleWhitespace) == ()


def test_a_walk_leaves_no_cyclic_garbage(modules: list[tuple[str, cst.Module]]) -> None:
    import gc

    module = modules[0][1]
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            walk(module, _Selective())
            walk(module, _Recorder())
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_without_libcsts_sources_every_node_is_still_visited(monkeypatch: pytest.MonkeyPatch) -> None:
    """An install without .py sources: child order falls back to the dataclass fields."""
    import linecache

    from claude_lint.analysis import walk as walk_module

    module = cst.parse_module(TRICKY)
    theirs = _Recorder()
    module.visit(theirs)
    monkeypatch.setattr(linecache, "getlines", lambda *args, **kwargs: [])
    monkeypatch.setattr(walk_module, "_ORDER", {})
    monkeypatch.setattr(walk_module, "_MEANINGFUL", {})
    monkeypatch.setattr(walk_module, "_CONDITIONAL", {})
    ours = _Recorder()
    walk(module, ours)
    visited = sorted(key for kind, key, _ in ours.events if kind == "visit")
    assert visited == sorted(key for kind, key, _ in theirs.events if kind == "visit")
