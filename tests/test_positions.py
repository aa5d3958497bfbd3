"""Our position pass gives exactly libcst's PositionProvider ranges, for chosen nodes or all."""

from __future__ import annotations

import random
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from claude_lint.analysis.positions import node_ranges

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "examples" / "legacy_app").glob("*.py")) + [ROOT / "claude_lint" / "helper.py"]
TRICKY = (
    "# header comment\n\n@dec\n# between\n@dec2(1,\n     2)\nclass A(B, metaclass=M):\n"
    "    '''doc'''\n    x: int = 1; y = 2\n\n    async def f(self, *a, **k) -> 'T':\n"
    "        try:\n            pass\n        # lead\n        except* (E, F) as e:\n            raise X from e\n"
    "        finally:\n            ...\n        async with a as b, c:\n            await d\n"
    "        return [i async for i in g() if i] or {k: v for k, v in z}\n\r\n"
    "match p:\n    case [1, *rest] if rest:\n        pass\n    case {'k': v, **kw}:\n        pass\n"
    "lambda: (yield)\nx = f'{a!r:>{w}}' 'tail' \\\n    'next'\n"
)


def _expected(module: cst.Module) -> dict[int, tuple[tuple[int, int], tuple[int, int]]]:
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return {
        id(node): ((r.start.line, r.start.column), (r.end.line, r.end.column))
        for node, r in positions.items()
        if not isinstance(node, cst.Module)
    }


def _as_tuples(ranges):
    return {key: ((s.line, s.column), (e.line, e.column)) for key, (s, e) in ranges.items()}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_all_ranges_equal_position_provider(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    expected = _expected(module)
    got = _as_tuples(node_ranges(module, None))
    assert {k: got[k] for k in expected} == expected


def test_tricky_syntax_and_chosen_nodes() -> None:
    module = cst.parse_module(TRICKY)
    expected = _expected(module)
    assert {k: v for k, v in _as_tuples(node_ranges(module, None)).items() if k in expected} == expected
    nodes: list[cst.CSTNode] = []

    class _All(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if not isinstance(node, cst.Module):
                nodes.append(node)
            return True

    module.visit(_All())
    chosen = random.Random(3).sample(nodes, 40)
    got = _as_tuples(node_ranges(module, chosen))
    assert set(got) == {id(n) for n in chosen}
    assert got == {id(n): expected[id(n)] for n in chosen}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_likely_reported_nodes_equal_position_provider(path: Path) -> None:
    """The targeted pass (what the engine runs) gives PositionProvider's ranges for every node it is asked for."""
    from claude_lint.analysis.model import build_model
    from claude_lint.analysis.positions import likely_reported
    from claude_lint.sdk.load import load_knowledge

    module = cst.parse_module(path.read_text(encoding="utf-8"))
    expected = _expected(module)
    chosen = list(likely_reported(build_model(module, load_knowledge(None), ())))
    assert chosen
    got = _as_tuples(node_ranges(module, chosen))
    assert got == {id(n): expected[id(n)] for n in chosen}


def test_parenthesized_expressions_leave_out_their_parentheses() -> None:
    module = cst.parse_module("x = ((a.b)(c))\ny = (\n  f(1)\n)\n")
    expected = _expected(module)
    nodes: list[cst.CSTNode] = []

    class _All(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, cst.BaseExpression):
                nodes.append(node)
            return True

    module.visit(_All())
    got = _as_tuples(node_ranges(module, nodes))
    assert got == {id(n): expected[id(n)] for n in nodes}
    assert any(node.lpar for node in nodes)


@pytest.mark.parametrize(
    "text", ["x = 1\n", "x = 1", "x = 1\r\n", "x = 1\r", "", "\n", "# only a comment", "if x:\n    pass", "\n\n# c\n"]
)
def test_offsets_count_in_the_generated_code(text: str) -> None:
    """Offsets index `module.code`, which is the source text except in rare cases (`x = 1\\r`)."""
    from claude_lint.analysis.positions import offset_ranges

    module = cst.parse_module(text)
    _, length = offset_ranges(module, [])
    assert length == len(module.code)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("import x\n\fclient = 1\ny = 2\n", 3, 0),  # libcst drops a form feed that starts a line
        ("import x\n\fy = 2\n", 2, 1),  # ... and the node after it is one column on in the file
        ('\\\n"""Doc."""\nimport x\n\ny = 2\n', 5, 0),  # and a continuation before the first statement
        ('# c\n\\\n\\\nimport x\ny = 2\n', 5, 0),
    ],
)
def test_positions_are_in_the_file_where_libcst_drops_characters(text: str, line: int, column: int) -> None:
    """Offsets index `module.code`; where libcst dropped characters of the file, they are turned into
    the file's, so that a finding's line (and a fix's edit) is where the file has the node."""
    from claude_lint.analysis.positions import line_starts_for, location, offset_ranges

    module = cst.parse_module(text)
    assert module.code != text
    y = module.body[-1].body[0].targets[0].target
    ranges, length = offset_ranges(module, [y])
    starts, to_text = line_starts_for(module, text, length)
    assert to_text is not None
    start, end = (location(starts, to_text(offset)) for offset in ranges[id(y)])
    assert (start.line, start.column, end.line, end.column) == (line, column, line, column + 1)
    assert text.split("\n")[line - 1][column] == "y"  # (splitlines takes a form feed for a line break)


def _as_locations(raw):  # type: ignore[no-untyped-def]
    from claude_lint.core.diagnostics import Location

    return (Location(*raw[0]), Location(*raw[1]))


@pytest.mark.parametrize("text", [TRICKY, *(p.read_text(encoding="utf-8") for p in SOURCES[:3]), "x = 1", "x = 1\r"])
def test_a_node_not_chosen_gets_its_offsets_from_its_statement_alone(text: str) -> None:
    """`ChosenOffsets` (what rules use) answers for any node of a top-level statement by generating
    that statement only, and its offsets equal the whole-module pass's, statement by statement
    in any order; a node outside every statement (the header's comment) is not answered."""
    from claude_lint.analysis import positions
    from claude_lint.analysis.positions import ChosenOffsets, offset_ranges

    module = cst.parse_module(text)
    expected, length = offset_ranges(module, None)
    nodes: list[cst.CSTNode] = []

    class _All(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            nodes.append(node)
            return True

    module.visit(_All())
    generated: list[cst.CSTNode] = []
    original = positions._AllPositionsState.after_codegen

    def counting(self: positions._AllPositionsState, node: cst.CSTNode) -> None:
        generated.append(node)
        original(self, node)

    chosen = ChosenOffsets(module, module.body[:1])
    assert chosen.length == length
    in_statements = {id(n) for stmt in module.body for n in _descendants(stmt)}
    positions._AllPositionsState.after_codegen = counting  # type: ignore[method-assign]
    try:
        for node in reversed(random.Random(5).sample(nodes, len(nodes))):
            got = chosen.get(id(node))
            assert got == (expected[id(node)] if id(node) in in_statements else None), type(node).__name__
    finally:
        positions._AllPositionsState.after_codegen = original  # type: ignore[method-assign]
    # Each statement generated once at most: never the module as a whole.
    assert not any(isinstance(n, cst.Module) for n in generated)
    assert len(generated) == len({id(n) for n in generated})


def _descendants(node: cst.CSTNode) -> list[cst.CSTNode]:
    out = [node]
    for child in node.children:
        out += _descendants(child)
    return out


def test_a_file_opening_with_a_continuation_line_is_reported_and_fixed_at_its_own_lines() -> None:
    """Found by the fuzz campaign: libcst drops `\\` and its newline before the first statement, so
    every finding was one line up and CL101's fix (`except:` -> `except Exception:`) was refused as
    not parsing (it edited the line above)."""
    from claude_lint.config.settings import Settings
    from claude_lint.engine.fix_loop import fix_text
    from claude_lint.engine.lint import lint_text

    text = (
        '\\\n"""Doc."""\nimport anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(q):\n    try:\n'
        '        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": q}])\n'
        "    except:\n        return None\n"
    )
    settings = Settings(select=("CL101",))
    [d] = lint_text("m.py", text, settings).diagnostics
    assert (d.code, d.start.line, d.start.column) == ("CL101", 11, 4)
    outcome = fix_text("m.py", text, settings, frozenset({"CL101"}), unsafe=True)
    assert outcome.errors == []
    assert outcome.fixed == text.replace("    except:\n", "    except Exception:\n")
