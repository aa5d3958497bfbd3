"""Shared helpers for the per-family retry tests (tests/retries/test_*.py).

`analyse(src)` parses a snippet (dedented, leading newline stripped, so line 1
is the snippet's first line), builds the module model against the bundled
anthropic 2.14.0 knowledge and returns the retry analysis with the position of
every node, so a test can assert each mechanism's facts by line.
`lint(src)` runs the CL2xx rules through the engine and returns
`(code, line)` pairs in report order.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from claude_lint.analysis.model import CallSite, ModuleModel, build_model
from claude_lint.analysis.retries import (
    RetryAnalysis,
    RetryMechanism,
    admitted_non_retryable,
    retry_analysis,
)
from claude_lint.config.settings import Settings
from claude_lint.engine.lint import lint_bytes
from claude_lint.sdk.load import load_knowledge

SDK = "2.14.0"
KNOWLEDGE = load_knowledge(SDK)
CL2 = frozenset(f"CL2{n:02d}" for n in range(1, 12))
DEFAULT_CL2 = frozenset(CL2 - {"CL205", "CL209"})  # the default set's CL2xx (RULES.md table)


def dedent(src: str) -> str:
    return textwrap.dedent(src).lstrip("\n")


@dataclass
class Facts:
    """One mechanism, reduced to comparable values."""

    family: str
    line: int  # line of the node diagnostics are reported at
    attempts: int | None
    bounded: bool
    wait: str
    predicate: str
    types: tuple[str, ...]
    excluded: tuple[str, ...]
    reraise: bool
    sites: tuple[int, ...]  # lines of the wrapped call sites


class Analysed:
    def __init__(self, model: ModuleModel, positions) -> None:
        self.model = model
        self.positions = positions
        self.analysis: RetryAnalysis = retry_analysis(model)

    def line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    @property
    def mechanisms(self) -> list[RetryMechanism]:
        return self.analysis.mechanisms

    def facts(self, m: RetryMechanism) -> Facts:
        return Facts(
            family=m.family,
            line=self.line(m.node),
            attempts=m.attempts,
            bounded=m.bounded,
            wait=m.wait,
            predicate=m.predicate.kind,
            types=m.predicate.types,
            excluded=m.predicate.excluded,
            reraise=m.reraise,
            sites=tuple(self.line(s.node) for s in m.call_sites),
        )

    def all_facts(self) -> list[Facts]:
        return [self.facts(m) for m in self.mechanisms]

    def only(self) -> Facts:
        assert len(self.mechanisms) == 1, [self.facts(m) for m in self.mechanisms]
        return self.facts(self.mechanisms[0])

    def only_mechanism(self) -> RetryMechanism:
        assert len(self.mechanisms) == 1, [self.facts(m) for m in self.mechanisms]
        return self.mechanisms[0]

    def families(self) -> list[str]:
        return [m.family for m in self.mechanisms]

    def site_at(self, line: int, direct: bool = True) -> CallSite:
        found = [s for s in self.model.call_sites if self.line(s.node) == line and s.direct == direct]
        assert len(found) == 1, f"{len(found)} call sites on line {line}"
        return found[0]

    def wrapped(self, line: int) -> bool:
        """Whether the direct call site on `line` is wrapped by some mechanism."""
        return self.analysis.is_wrapped(self.site_at(line))

    def admitted(self, m: RetryMechanism | None = None) -> list[str]:
        return admitted_non_retryable((m or self.only_mechanism()).predicate, KNOWLEDGE)


def analyse(src: str, client_factories: tuple[str, ...] = ()) -> Analysed:
    module = cst.parse_module(dedent(src))
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return Analysed(build_model(module, KNOWLEDGE, client_factories=client_factories), positions)


def diagnostics(src: str, codes=CL2, **settings):
    result = lint_bytes("snippet.py", dedent(src).encode(), Settings(sdk_version=SDK, **settings), frozenset(codes))
    return sorted(result.diagnostics, key=lambda d: (d.start.line, d.start.column, d.code))


def lint(src: str, codes=CL2, **settings) -> list[tuple[str, int]]:
    """(code, line) of every CL2xx diagnostic (all eleven rules, opt-in ones included)."""
    return [(d.code, d.start.line) for d in diagnostics(src, codes, **settings)]


def lint_at(src: str, codes=CL2, **settings) -> list[tuple[str, int, int]]:
    """(code, line, 0-based column)."""
    return [(d.code, d.start.line, d.start.column) for d in diagnostics(src, codes, **settings)]


def lint_default(src: str, **settings) -> list[tuple[str, int]]:
    """CL2xx diagnostics of the default rule set (`enabled=None`: the settings' selection)."""
    result = lint_bytes("snippet.py", dedent(src).encode(), Settings(sdk_version=SDK, **settings))
    return sorted((d.code, d.start.line) for d in result.diagnostics if d.code.startswith("CL2"))


def lint_all_default(src: str, **settings) -> list[tuple[str, int]]:
    """Every diagnostic of the default rule set."""
    result = lint_bytes("snippet.py", dedent(src).encode(), Settings(sdk_version=SDK, **settings))
    return sorted((d.code, d.start.line) for d in result.diagnostics)


CREATE = 'client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])'
