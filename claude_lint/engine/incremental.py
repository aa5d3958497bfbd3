"""Re-lint an edited document, re-parsing only the top-level statements the edit touched.

libcst has no incremental parse. The language server keeps, per document, the
last module and where each top-level statement's text starts; after an edit
it finds the statements the changed text overlaps, widens that by one
statement on each side (so the comments and blank lines at their borders are
attributed afresh), parses just that region, and puts the new statements
between the unchanged ones. The result
equals a full parse (tests/test_incremental.py checks `deep_equals` and the
diagnostics over random edits); whenever that cannot be shown cheaply it
parses the whole text instead:

- the edit reaches the first statement holding an indented block, or any
  statement before it (that block's indentation is the module's default
  indent; the first line's ending is its default newline; the coding
  cookie sits in the first two lines);
- the region does not parse on its own, or leaves trailing lines the module
  would attribute elsewhere, or is too deeply nested for the parser, or its
  own default indent or newline (which libcst detects from the region, and
  which decide how its nodes record theirs) differs from the module's;
- the generated code is not the text (libcst drops a form feed that starts a
  line, for one).

Everything after the parse (model, rules, suppressions) runs as for any file;
node offsets are kept per statement (`analysis.positions.StatementOffsets`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import libcst as cst
from libcst._nodes.internal import CodegenState

from claude_lint.analysis.positions import StatementOffsets
from claude_lint.config.settings import Settings
from claude_lint.core.nesting import ParseCost, check_nesting, parse_cost
from claude_lint.engine.lint import (
    MAX_ANALYSED_CHARS,
    MAX_PARSE_COST,
    LintResult,
    collector_paused,
    file_triggers,
    ignored_for_path,
    lint_module,
    parse_checked,
)

if TYPE_CHECKING:
    from claude_lint.analysis.symbols import ProjectSpec


@dataclass
class _Parsed:
    text: str
    module: cst.Module
    starts: list[int]  # text offset of each top-level statement
    ends: list[int]
    first_block: int  # index of the first statement that holds an indented block (len(body) if none)
    cost: ParseCost  # the text's, as the budget counts it (a reparse adds up the regions')


class DocumentLinter:
    """Lints successive versions of one document, reusing what an edit left alone."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._parsed: _Parsed | None = None
        self._lengths: dict[int, int] = {}  # statement id -> length of its code
        self._positions = StatementOffsets()
        # (statements re-parsed, statements in the module) of the last parse; None: a full parse.
        self.last_reparse: tuple[int, int] | None = None

    def lint(
        self, text: str, settings: Settings, enabled: frozenset[str] | None = None, project: ProjectSpec | None = None
    ) -> LintResult:
        if enabled is None:
            from claude_lint.config.selection import resolve_selection

            enabled = resolve_selection(settings.select, settings.extend_select, settings.ignore)
        result = LintResult(self.path)
        ignored = ignored_for_path(self.path, settings)
        with collector_paused():
            module = self.parse(text, result, enabled, ignored, file_triggers(settings, project))
            if module is not None:
                lint_module(result, module, text, settings, enabled, ignored, self._positions, project=project)
        return result

    def parse(
        self,
        text: str,
        result: LintResult | None = None,
        enabled: frozenset[str] = frozenset(),
        ignored: set[str] | None = None,
        triggers: tuple[bytes, ...] | None = None,
    ) -> cst.Module | None:
        """The module for `text`, re-using unchanged statements of the previous version when it can.

        On a syntax error, None, with CL001 recorded on `result` as a full lint would.
        """
        previous = self._parsed
        if len(text) > MAX_ANALYSED_CHARS:  # may be more code than a file may hold: parse_checked says
            previous = self._parsed = None
        if previous is not None and previous.text == text:
            self.last_reparse = (0, len(previous.module.body))
            return previous.module
        if previous is not None:
            reparsed = self._reparse(previous, text)
            if reparsed is not None:
                self._parsed = reparsed
                return reparsed.module
        self.last_reparse = None
        module = parse_checked(result or LintResult(self.path), text, enabled, ignored or set(), triggers)
        if module is None:  # typing goes through such versions: the next one is compared with the last good one
            return None
        self._parsed = None
        self._lengths = {}
        header = _code(module, module.header)
        layout = _layout(module, text, self._lengths, len(header))
        if module.code == text:  # otherwise offsets into the text cannot be carried over
            # No stand-ins: the text is what parse_checked counted.
            self._parsed = _Parsed(text, module, *layout, parse_cost(text))
        return module

    def _reparse(self, old: _Parsed, text: str) -> _Parsed | None:
        body = old.module.body
        if not body:
            return None
        old_text = old.text
        limit = min(len(old_text), len(text))
        prefix = _common_prefix(old_text, text, limit)
        suffix = _common_suffix(old_text, text, limit - prefix)
        change_end = len(old_text) - suffix  # in the old text
        first = max(bisect_left(old.ends, prefix) - 1, 0)
        last = min(bisect_right(old.starts, change_end), len(body) - 1)
        if first <= old.first_block:
            return None
        at_end = last == len(body) - 1
        delta = len(text) - len(old_text)
        start = old.starts[first]
        end = len(text) if at_end else old.ends[last] + delta
        region_text = text[start:end]
        region_cost = ParseCost()
        if check_nesting(region_text, cost=region_cost) is not None:
            return None
        # The edit may take the file past the parse-cost budget: then the full parse reports it.
        replaced = parse_cost(old_text[start : len(old_text) if at_end else old.ends[last]])
        cost = ParseCost(
            old.cost.tokens - replaced.tokens + region_cost.tokens, old.cost.depths - replaced.depths + region_cost.depths
        )
        if cost.units > MAX_PARSE_COST:
            return None
        module = old.module
        try:
            region = cst.parse_module(region_text)
        except Exception:  # noqa: BLE001  (any failure: the full parse decides, and reports)
            return None
        except BaseException as e:  # libcst's Rust panics arrive as a BaseException
            if type(e).__name__ != "PanicException":
                raise
            return None
        if not region.body or (not at_end and (region.footer or not region.has_trailing_newline)):
            return None
        # libcst detects the region's own indent and newline (it ignores the config's): a node
        # written with the default one records None, so the defaults must agree.
        if region.default_newline != module.default_newline:
            return None
        if region.default_indent != module.default_indent and any(_holds_block(stmt) for stmt in region.body):
            return None
        new_body = list(region.body)
        if region.header:
            head = new_body[0]
            new_body[0] = head.with_changes(leading_lines=[*region.header, *head.leading_lines])
        # The statements' code is the region's text (libcst round-trips but for rare cases, such as
        # a form feed starting a line); their lengths are kept for the next edit.
        pieces = [_code(module, [stmt]) for stmt in new_body]
        generated = "".join(pieces) + (_code(module, region.footer) if at_end else "")
        if at_end and not region.has_trailing_newline and generated.endswith(module.default_newline):
            generated = generated[: -len(module.default_newline)]
        if generated != region_text:
            return None
        changes: dict[str, Any] = {"body": [*body[:first], *new_body, *body[last + 1 :]]}
        if at_end:
            changes["footer"] = region.footer
            changes["has_trailing_newline"] = region.has_trailing_newline
        new_module = module.with_changes(**changes)
        live = {id(stmt) for stmt in new_module.body}
        self._lengths = {key: length for key, length in self._lengths.items() if key in live}
        self._lengths.update((id(stmt), len(piece)) for stmt, piece in zip(new_body, pieces))
        starts, ends, _ = _layout(new_module, text, self._lengths, old.starts[0])
        self.last_reparse = (len(new_body), len(new_module.body))
        return _Parsed(text, new_module, starts, ends, old.first_block, cost)


def _code(module: cst.Module, nodes: Sequence[cst.CSTNode]) -> str:
    """The nodes' code as the module generates it."""
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    for node in nodes:
        node._codegen(state)
    return "".join(state.tokens)


def _layout(module: cst.Module, text: str, lengths: dict[int, int], start: int) -> tuple[list[int], list[int], int]:
    """(starts, ends, first_block) of the statements from offset `start`; `lengths` caches their lengths."""
    offset = start
    starts: list[int] = []
    ends: list[int] = []
    first_block = len(module.body)
    for index, stmt in enumerate(module.body):
        length = lengths.get(id(stmt))
        if length is None:
            length = lengths[id(stmt)] = len(_code(module, [stmt]))
        starts.append(offset)
        offset += length
        ends.append(offset)
        if first_block == len(module.body) and _holds_block(stmt):
            first_block = index
    return starts, ends, first_block


def _holds_block(stmt: cst.BaseStatement) -> bool:
    """Whether an indented block (an INDENT token) occurs in the statement."""
    if isinstance(stmt, cst.SimpleStatementLine):
        return False
    stack: list[cst.CSTNode] = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.IndentedBlock):
            return True
        if isinstance(node, (cst.BaseExpression, cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            continue  # no block starts inside these
        stack.extend(node.children)
    return False


def _common_prefix(a: str, b: str, limit: int) -> int:
    """The length of the common prefix (bisecting on slices: C speed on long texts)."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str, limit: int) -> int:
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle : len(a) - low] == b[len(b) - middle : len(b) - low]:
            low = middle
        else:
            high = middle - 1
    return low
