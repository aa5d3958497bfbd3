"""What a module's functions hand back to their callers in the same module, and what the callers do with it.

Two facts rules share: which functions *return a Claude response* (the value of a
call site, returned as is or through local names), so response rules follow it
into the callers; and whether the callers of a function *check its result* before
using it (an `if`, `while`, `assert` or comparison on it), so a sentinel a function
returns on failure is judged by whether anyone looks for it. Both are answered
within one module; the project-wide analysis generalises the same facts across
modules (a function's summary: "returns a response", "callers check").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import libcst as cst

from claude_lint.analysis.model import ModuleModel
from claude_lint.analysis.records import CallRecord, CallSite, FunctionInfo
from claude_lint.analysis.syntax import OwnScopeVisitor, contains_node, names_in
from claude_lint.analysis.walk import walk

ResultUse = Literal["checked", "dropped", "used"]


def same_module_callers(model: ModuleModel, function: FunctionInfo) -> list[CallRecord]:
    """The calls in this module whose callee is `function`, also through a local alias
    (`call_api = call_anthropic` ... `call_api(...)`)."""
    return [record for record in model.shared(_callers).get(id(function), ()) if record.frame is not function]


def _callers(model: ModuleModel) -> dict[int, list[CallRecord]]:
    """id(function) -> the calls of it in the module, in order: each call resolved once (asked per
    function, every call was resolved again for every function: quadratic in a big module)."""
    index: dict[int, list[CallRecord]] = {}
    resolver = model.resolver
    for record in model.calls:
        func = record.node.func
        found = resolver.callee_for(func, record.scope)
        targets = {id(found): found} if found is not None else {}
        if isinstance(func, cst.Name):
            for value in record.scope.bindings.get(func.value, ()):
                if isinstance(value, cst.Name):
                    target = resolver.function_for(value, record.scope)
                    if target is not None:
                        targets[id(target)] = target
        for key in targets:
            index.setdefault(key, []).append(record)
    return index


class _ResultScan(cst.CSTVisitor):
    """How the value of one call is used in the frame that makes it."""

    def __init__(self, call: cst.Call) -> None:
        self.call = call
        self.bound: set[str] = set()
        self.tested: set[str] = set()
        self.call_tested = False
        self.call_statement: cst.CSTNode | None = None
        self.unpacked: set[str] = set()  # `text, ok = f()`
        self.null_tested: set[str] = set()  # `if x is None`, `if not x`, `if x`
        self._tests: list[cst.CSTNode] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested functions are frames of their own

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def _value_is_call(self, value: cst.BaseExpression | None) -> bool:
        if isinstance(value, cst.Await):
            value = value.expression
        return value is self.call

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._value_is_call(node.value):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self.bound.add(target.target.value)
                else:
                    self.call_statement = node  # unpacked or stored: used as is
                    if isinstance(target.target, (cst.Tuple, cst.List)):
                        self.unpacked |= names_in(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self._value_is_call(node.value) and isinstance(node.target, cst.Name):
            self.bound.add(node.target.value)

    def visit_Expr(self, node: cst.Expr) -> None:
        if self._value_is_call(node.value):
            self.call_statement = node

    def _test(self, test: cst.CSTNode) -> None:
        self.tested |= names_in(test)
        self.null_tested |= _null_tested(test)
        self.call_tested = self.call_tested or contains_node(test, self.call)

    def visit_If(self, node: cst.If) -> None:
        self._test(node.test)

    def visit_While(self, node: cst.While) -> None:
        self._test(node.test)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._test(node.test)

    def visit_Assert(self, node: cst.Assert) -> None:
        self._test(node.test)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._test(node)

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self._test(node)


def _null_tested(test: cst.CSTNode) -> set[str]:
    """Names a test checks for a missing value: `x`, `not x`, `x is None`, `x is not None`."""
    parts = [test.left, test.right] if isinstance(test, cst.BooleanOperation) else [test]
    found: set[str] = set()
    for part in parts:
        if isinstance(part, cst.UnaryOperation) and isinstance(part.operator, cst.Not):
            part = part.expression
        if isinstance(part, cst.Name):
            found.add(part.value)
        elif (
            isinstance(part, cst.Comparison) and isinstance(part.left, cst.Name) and len(part.comparisons) == 1
            and isinstance(part.comparisons[0].operator, (cst.Is, cst.IsNot))
            and isinstance(part.comparisons[0].comparator, cst.Name) and part.comparisons[0].comparator.value == "None"
        ):
            found.add(part.left.value)
    return found


def result_use(model: ModuleModel, record: CallRecord, unpacking_checks: bool = False) -> ResultUse:
    """"checked" when the caller tests the result (or a name bound to it), "dropped" when
    it ignores it, "used" otherwise (returned, passed on, read, unpacked).

    `unpacking_checks`: a test for a missing value on a name unpacked from the result
    (`text, ok = f()`, then `if text is None`) counts too; only right when the failure
    value is itself a tuple (unpacking a bare `None` raises before any test).
    """
    body: cst.CSTNode = record.frame.node.body if record.frame is not None else model.module
    scan = _ResultScan(record.node)
    walk(body, scan)
    if scan.call_tested or scan.bound & scan.tested or (unpacking_checks and scan.unpacked & scan.null_tested):
        return "checked"
    if isinstance(scan.call_statement, cst.Expr):
        return "dropped"
    return "used"


def callers_check(model: ModuleModel, function: FunctionInfo, unpacking_checks: bool = False) -> bool | None:
    """Whether every same-module caller of `function` tests or ignores its result.

    None when it has no caller in this module: what its callers do is unknown here.
    """
    callers = same_module_callers(model, function)
    if not callers:
        return None
    return all(result_use(model, record, unpacking_checks) != "used" for record in callers)


# -- functions that return a Claude response ----------------------------------------------


@dataclass(frozen=True)
class ReturnedResponse:
    """A call of a function that returns a Claude response: the caller now holds one."""

    record: CallRecord  # the call of the returning function, in its caller
    site: CallSite  # the call site whose response it returns


class _Returns(OwnScopeVisitor):
    def __init__(self) -> None:
        self.values: list[cst.BaseExpression] = []
        self.assigned: dict[str, list[cst.BaseExpression]] = {}

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.values.append(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.assigned.setdefault(target.target.value, []).append(node.value)


def _unwrap(value: cst.BaseExpression) -> cst.BaseExpression:
    return value.expression if isinstance(value, cst.Await) else value


def returned_values(function: FunctionInfo) -> list[cst.BaseExpression]:
    """The values `function` returns (not those of functions nested in it)."""
    scan = _Returns()
    walk(function.node.body, scan)
    return scan.values


def returned_site(function: FunctionInfo, by_node: dict[int, CallSite]) -> CallSite | None:
    """The call site whose response `function` returns as is (directly or through a local name);
    `by_node`: its call sites by id(node)."""
    if not by_node:
        return None
    scan = _Returns()
    walk(function.node.body, scan)
    for value in scan.values:
        value = _unwrap(value)
        candidates = [value]
        if isinstance(value, cst.Name):
            candidates = [_unwrap(v) for v in scan.assigned.get(value.value, [])]
        for candidate in candidates:
            site = by_node.get(id(candidate))
            if site is not None:
                return site
    return None


def returned_responses(model: ModuleModel, sites: Iterable[CallSite]) -> list[ReturnedResponse]:
    """Calls, anywhere in the module, of functions that return a call site's response."""
    by_frame: dict[int, dict[int, CallSite]] = {}  # grouped once (per function, a scan of all was quadratic)
    for site in sites:
        if site.frame is not None:
            by_frame.setdefault(id(site.frame), {})[id(site.node)] = site
    found = []
    for function in model.functions:
        site = returned_site(function, by_frame.get(id(function), {}))
        if site is None:
            continue
        for record in same_module_callers(model, function):
            found.append(ReturnedResponse(record, site))
    return found
