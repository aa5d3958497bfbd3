"""What a rule sees: the module model, settings, and a way to report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import libcst as cst

from claude_lint.analysis.model import CallSite, HandlerInfo, ModuleModel
from claude_lint.analysis.responses import ModuleFrames, frames_for, short_code
from claude_lint.analysis.retries import RetryAnalysis, retry_analysis
from claude_lint.analysis.symbols import absolute_name
from claude_lint.analysis.values import Values, values_for
from claude_lint.config.settings import Settings
from claude_lint.core.diagnostics import Applicability, Edit, Fix, Location
from claude_lint.sdk.knowledge import Knowledge

# Handler diagnostics underline the `except` keyword only.
EXCEPT_WIDTH = len("except")

if TYPE_CHECKING:
    from claude_lint.analysis.positions import ChosenOffsets, Range, StatementOffsets


@dataclass(frozen=True)
class Finding:
    code: str
    node: cst.CSTNode
    message: str
    fix: Fix | None
    # Report a sub-range of the node's first line, e.g. just the `except` keyword.
    width: int | None = None
    secret: bool = False  # the node is a secret literal: output masks it (`Diagnostic.secret`)


@dataclass
class RuleContext:
    path: str
    model: ModuleModel
    settings: Settings
    findings: list[Finding] = field(default_factory=list)
    code: str = ""  # the rule being run
    text: str = ""  # the file's source text (`module.code` would re-render it on every use)
    _ranges: dict[int, Range] = field(default_factory=dict)
    _offset_ranges: dict[int, tuple[int, int]] | ChosenOffsets | StatementOffsets = field(default_factory=dict)
    # The language server's index of node offsets kept across edits (None: computed here).
    positions: StatementOffsets | None = None
    _line_starts: list[int] | None = None  # of the file's text
    _to_text: Callable[[int], int] | None = None  # a generated-code offset as a text offset, where they differ
    _all_ranges: bool = False
    _offsets: list[int] | None = None
    # Per file, asked again by every fix that adds an import.
    _from_imports: dict[str, cst.ImportFrom | None] = field(default_factory=dict)

    @property
    def knowledge(self) -> Knowledge:
        return self.model.knowledge

    # -- the shared analyses, each computed once per file ------------------------------

    @property
    def frames(self) -> ModuleFrames:
        """Where each call's value goes (responses, streams, coroutines)."""
        return frames_for(self.model)

    @property
    def values(self) -> Values:
        """What values reach a call's arguments."""
        if any(f.direct_call_sites for f in self.model.functions):
            frames_for(self.model)  # its walk of each calling function collects their value facts too
        return values_for(self.model)

    @property
    def retries(self) -> RetryAnalysis:
        """The retry mechanisms around the call sites."""
        return retry_analysis(self.model)

    def chosen_note(self, sites: Sequence[CallSite]) -> str:
        """`; `llm_function()` may be `chat_anthropic()` (line 71), which makes a Claude call` for a
        callee chosen at run time among functions of which only some make Claude calls."""
        notes = dict.fromkeys(
            f"; `{short_code(s.node.func)}()` may be `{s.target.name}()` (line {self.start(s.target.node.name).line}), "
            "which makes a Claude call"
            if s.target is not None
            else f"; `{short_code(s.node.func)}()` may be `{s.remote.name}()` ({s.remote.where}), which makes a Claude call"  # type: ignore[union-attr]
            for s in sites
            if s.chosen
        )
        return "".join(list(notes)[:2])

    def remote_note(self, sites: Sequence[CallSite]) -> str:
        """`; ask_claude() in app/llm.py:12 makes the Claude call` when every call site is a function of another
        module; for a callee chosen among functions at run time, which of them makes the call (`chosen_note`)."""
        if any(site.chosen for site in sites):
            return self.chosen_note(sites)
        if not sites or any(site.remote is None for site in sites):
            return ""
        named = [s.remote for s in sites if s.remote is not None and not s.remote.via]
        labels = list(dict.fromkeys(remote.label for remote in named))
        # Calls through an object's class: the method called, and where the Claude call it reaches is.
        reached = list(
            dict.fromkeys(
                s.remote.reached_from(short_code(s.node.func)) for s in sites if s.remote is not None and s.remote.via
            )
        )
        notes = []
        if labels:
            shown = ", ".join(labels[:2]) + (f" and {len(labels) - 2} more" if len(labels) > 2 else "")
            notes.append(f"{shown} make{'s' if len(labels) == 1 else ''} the Claude call")
        notes.extend(reached[:2])
        return "".join(f"; {note}" for note in notes)

    @staticmethod
    def reply_note(site: CallSite) -> str:
        """`; the reply comes from ask_claude() in app/llm.py:12` for a reply a function of another module returns."""
        return f"; the reply comes from {site.remote.label}" if site.remote is not None else ""

    def report(
        self, node: cst.CSTNode, message: str, fix: Fix | None = None, width: int | None = None, *, secret: bool = False
    ) -> None:
        self.findings.append(Finding(self.code, node, message, fix, width, secret))

    # Positions are computed only for files with findings, and only for nodes rules use:
    # first for every node they usually report or edit, then (on a miss) for all nodes of the
    # top-level statement holding it, and only for a node in none of them for the whole module.
    def range_of(self, node: cst.CSTNode) -> Range:
        key = id(node)
        found = self._ranges.get(key)
        if found is not None:
            return found
        offsets = self._offset_ranges.get(key)
        if offsets is None:
            from claude_lint.analysis.positions import (
                ChosenOffsets,
                likely_reported,
                line_starts_for,
                offset_ranges,
            )

            module = self.model.module
            if self.positions is not None and not self._all_ranges:
                length = self.positions.update(module)
                self._offset_ranges = self.positions
                self._all_ranges = True
            elif not self._offset_ranges:
                chosen = ChosenOffsets(module, [*likely_reported(self.model), node])
                self._offset_ranges, length = chosen, chosen.length
            elif not self._all_ranges:  # in no top-level statement (`ChosenOffsets.get` looked there)
                self._offset_ranges, length = offset_ranges(module, None)
                self._all_ranges = True
            else:
                length = -1
            if length >= 0 and self._line_starts is None:
                self._line_starts, self._to_text = line_starts_for(module, self.text, length)
            offsets = self._offset_ranges.get(key)
            if offsets is None:  # a node built by a rule, not part of the module
                raise KeyError(f"no position for {type(node).__name__}: not a node of this module")
        from claude_lint.analysis.positions import location

        starts = self._line_starts
        assert starts is not None
        if self._to_text is not None:  # libcst's code dropped characters of the file
            offsets = (self._to_text(offsets[0]), self._to_text(offsets[1]))
        found = self._ranges[key] = (location(starts, offsets[0]), location(starts, offsets[1]))
        return found

    def start(self, node: cst.CSTNode) -> Location:
        return self.range_of(node)[0]

    def end(self, node: cst.CSTNode) -> Location:
        return self.range_of(node)[1]

    def replace(self, node: cst.CSTNode, text: str) -> Edit:
        return Edit(self.start(node), self.end(node), text)

    def insert_after(self, node: cst.CSTNode, text: str) -> Edit:
        end = self.end(node)
        return Edit(end, end, text)

    def except_clause(self, handler: HandlerInfo) -> str:
        """How messages quote a handler: `except:` or `except anthropic.APIError`."""
        if handler.node.type is None:
            return "except:"
        return f"except {self.code_for(handler.node.type)}"

    def code_for(self, node: cst.CSTNode) -> str:
        """A node rendered alone (continuation lines lose their block indentation)."""
        return self.model.module.code_for_node(node)

    @property
    def line_offsets(self) -> list[int]:
        """The text offset where each line starts (computed once per file)."""
        if self._offsets is None:
            from claude_lint.core.lines import line_offsets

            self._offsets = line_offsets(self.text)
        return self._offsets

    def source_of(self, node: cst.CSTNode) -> str:
        """The node's exact text in the file, continuation-line indentation included."""
        start, end = self.start(node), self.end(node)
        offsets = self.line_offsets
        return self.text[offsets[start.line - 1] + start.column : offsets[end.line - 1] + end.column]

    def import_name(self, module: str, name: str | None = None, *, from_import: bool = True) -> tuple[str, list[Edit]]:
        """How this file can refer to `module.name` (or `module`), with the import to add if any.

        Reuses an existing import under any alias; otherwise adds
        `from module import name` (or, with `from_import=False` or no name,
        `import module` and spells `module.name`) after the last top-level
        import. Every fix that needs an import goes through here.
        """
        target = f"{module}.{name}" if name else module
        project = self.model.resolver.project
        # Relative imports (`from .claude_helper import create_message`) by the names they stand for.
        names = {
            local: absolute_name(qualname, project.module, project.is_package) or qualname
            for local, qualname in self.model.imports.names.items()
        }
        for local, qualname in names.items():
            if qualname == target:
                return local, []
        if name is not None:
            for local, qualname in names.items():
                if qualname == module:
                    return f"{local}.{name}", []
        if name is not None and not from_import:
            return f"{module}.{name}", [self.import_statement_edit(f"import {module}")]
        if name is not None:
            existing = self._from_import(module)
            if existing is not None:  # `from m import a` becomes `from m import a, name`
                assert not isinstance(existing.names, cst.ImportStar)
                return name, [self.insert_after(existing.names[-1].name if existing.names[-1].asname is None else existing.names[-1].asname, f", {name}")]
        statement = f"from {module} import {name}" if name else f"import {module}"
        return (name or module), [self.import_statement_edit(statement)]

    def has_from_import(self, module: str) -> bool:
        return self._from_import(module) is not None

    def _from_import(self, module: str) -> cst.ImportFrom | None:
        """A top-level `from module import ...` (not `*`) to extend, if the file has one."""
        if module not in self._from_imports:
            self._from_imports[module] = self._find_from_import(module)
        return self._from_imports[module]

    def _find_from_import(self, module: str) -> cst.ImportFrom | None:
        for node in self.model.module.body:
            if not isinstance(node, cst.SimpleStatementLine):
                continue
            for small in node.body:
                if (
                    isinstance(small, cst.ImportFrom)
                    and self._imported_module(small) == module
                    and not isinstance(small.names, cst.ImportStar)
                ):
                    return small
        return None

    def _imported_module(self, node: cst.ImportFrom) -> str | None:
        """The module a `from ... import` reads, relative ones placed in the project."""
        name = self.model.module.code_for_node(node.module) if node.module is not None else ""
        if not node.relative:
            return name
        project = self.model.resolver.project
        return absolute_name("." * len(node.relative) + name, project.module, project.is_package)

    def import_statement_edit(self, statement: str) -> Edit:
        """Insert an import statement after the module's last top-level import."""
        module = self.model.module
        newline = module.default_newline
        anchor = self._import_anchor
        if anchor is None:
            return Edit(Location(1, 0), Location(1, 0), statement + newline)
        end = self.end(anchor)
        return Edit(end, end, newline + statement)

    @cached_property
    def _import_anchor(self) -> cst.CSTNode | None:
        """The last top-level import statement, else the module docstring, else None."""
        module = self.model.module
        last_import: cst.CSTNode | None = None
        docstring: cst.CSTNode | None = None
        for index, node in enumerate(module.body):
            if isinstance(node, cst.SimpleStatementLine) and any(
                isinstance(small, (cst.Import, cst.ImportFrom)) for small in node.body
            ):
                last_import = node
            elif index == 0 and isinstance(node, cst.SimpleStatementLine) and module.get_docstring() is not None:
                docstring = node
        return last_import or docstring

    @staticmethod
    def fix(message: str, *edits: Edit, safe: bool) -> Fix:
        return Fix(message, Applicability.SAFE if safe else Applicability.UNSAFE, tuple(edits))
