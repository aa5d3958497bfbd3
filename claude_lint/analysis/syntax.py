"""Small questions about libcst nodes: dotted names, literal values, keyword arguments, names used.

Pure functions of a node (no module model): every analysis and rule asks these
the same way.
"""

from __future__ import annotations

import ast
import warnings
from typing import Any

import libcst as cst

from claude_lint.analysis.walk import walk

_LITERAL_TYPES = (cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)
_LITERALS: dict[str, object] = {}  # literal text -> value; the same few texts recur


def literal_value(node: cst.BaseExpression) -> Any:
    """A string or number literal's value, as libcst's `evaluated_value` gives it; None when
    Python cannot evaluate it (a string with an escape CPython rejects).

    `evaluated_value` calls `ast.literal_eval`, which builds four nested closures
    per call (reference cycles left for the garbage collector): this parses the
    literal's text directly and remembers it.
    """
    if not isinstance(node, _LITERAL_TYPES):
        try:
            return node.evaluated_value  # type: ignore[attr-defined]  # concatenated strings
        except (SyntaxError, ValueError):
            return None
    text = node.value
    try:
        return _LITERALS[text]
    except KeyError:
        pass
    try:
        with warnings.catch_warnings():  # `"\d"`: the user's invalid escape is not ours to warn about
            warnings.simplefilter("ignore")
            expression = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError):  # `"\N{no such name}"`: libcst parses it, Python does not
        return None
    value = expression.value if isinstance(expression, ast.Constant) else None
    if len(_LITERALS) < 4096:
        _LITERALS[text] = value
    return value


def dotted(expr: cst.BaseExpression) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    # Type identity, not isinstance: libcst's node classes are ABCs, and an isinstance test that
    # fails goes through ABCMeta (five times slower); this runs about once per node of a file.
    kind = type(expr)
    if kind is cst.Name:
        return expr.value  # type: ignore[attr-defined]
    if kind is cst.Attribute:
        base = dotted(expr.value)  # type: ignore[attr-defined]
        return None if base is None else f"{base}.{expr.attr.value}"  # type: ignore[attr-defined]
    return None


class OwnScopeVisitor(cst.CSTVisitor):
    """A visitor that stays in the code it is given: nested functions, classes and lambdas
    are other scopes (their statements run elsewhere, or never)."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False




class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: set[str] = set()

    def visit_Name(self, name: cst.Name) -> None:
        self.found.add(name.value)

    # `obj.attr` and `f(key=value)` use `obj` and `value`, not `attr` or `key`.
    def visit_Attribute(self, attribute: cst.Attribute) -> bool:
        walk(attribute.value, self)
        return False

    def visit_Arg(self, arg: cst.Arg) -> bool:
        walk(arg.value, self)
        return False


def names_in(node: cst.CSTNode) -> set[str]:
    """Every identifier used inside a node."""
    names = _Names()
    walk(node, names)
    return names.found



def keyword_arg(call: cst.Call, name: str) -> cst.Arg | None:
    """The call's `name=` argument, if written."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def keyword_args(call: cst.Call) -> dict[str, cst.Arg]:
    """The call's keyword arguments by name (the last one wins, as it would in a `dict`)."""
    return {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}


def number_literal(expr: cst.BaseExpression) -> int | float | None:
    """The value of an integer or float literal, negative ones (`-1`, `-0.5`) included; None for
    anything else, and for an integer with more decimal digits than Python converts
    (`sys.get_int_max_str_digits()`: CPython refuses such a decimal literal, libcst does not;
    a hexadecimal one it takes, but it has no decimal form to show)."""
    if isinstance(expr, (cst.Integer, cst.Float)):
        value = literal_value(expr)
        if type(value) is int and value.bit_length() > 10_000 and not _has_decimal_form(value):
            return None  # `0xfff...f` CPython takes, but no message could print it (ValueError)
        return value if type(value) in (int, float) else None
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        inner = number_literal(expr.expression)
        return None if inner is None else -inner
    return None


def _has_decimal_form(value: int) -> bool:
    try:
        str(value)
    except ValueError:  # more digits than sys.get_int_max_str_digits()
        return False
    return True


def int_literal(expr: cst.BaseExpression) -> int | None:
    """The value of an integer literal, negative ones (`-1`) included; None for anything else."""
    value = number_literal(expr)
    return value if isinstance(value, int) else None


def ends_with(block: cst.BaseSuite, kinds: tuple[type, ...]) -> bool:
    """Whether control always leaves the block through one of `kinds`."""
    statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
    if not statements:
        return False
    last = statements[-1]
    if isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return any(isinstance(small, kinds) for small in last.body)
    if isinstance(last, cst.If):
        if last.orelse is None:
            return False
        other = last.orelse.body if isinstance(last.orelse, cst.Else) else last.orelse
        if isinstance(other, cst.If):
            return ends_with(last.body, kinds) and ends_with(cst.IndentedBlock(body=[other]), kinds)
        return ends_with(last.body, kinds) and ends_with(other, kinds)
    return False


def contains_kind(node: cst.CSTNode, kind: type) -> bool:
    """Whether `kind` occurs in `node`, outside nested functions (and nested loops, for `continue`)."""
    find = _FindKind(kind, _LOOP_BARRIERS if kind in (cst.Continue, cst.Break) else _SCOPE_BARRIERS)
    walk(node, find)
    return find.hit


_SCOPE_BARRIERS: tuple[type, ...] = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
_LOOP_BARRIERS = (*_SCOPE_BARRIERS, cst.For, cst.While)


class _FindKind(cst.CSTVisitor):
    def __init__(self, kind: type, barriers: tuple[type, ...]) -> None:
        self.kind = kind
        self.barriers = barriers
        self.hit = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, self.kind):
            self.hit = True
        return not self.hit and not isinstance(node, self.barriers)


def statements_after(root: cst.CSTNode, target: cst.CSTNode) -> list[cst.BaseStatement] | None:
    """The statements that follow `target` in the block that holds it."""
    find = _StatementsAfter(target)
    walk(root, find)
    return find.found


class _StatementsAfter(cst.CSTVisitor):
    def __init__(self, target: cst.CSTNode) -> None:
        self.target = target
        self.found: list[cst.BaseStatement] | None = None

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.found is not None:
            return False
        if isinstance(node, (cst.IndentedBlock, cst.Module)):
            for index, statement in enumerate(node.body):
                if statement is self.target:
                    self.found = list(node.body[index + 1 :])
                    return False
        return True


def contains_node(root: cst.CSTNode, target: cst.CSTNode) -> bool:
    """Whether `target` (that very node) is inside `root`, or is `root`."""
    finder = _FindNode(target)
    walk(root, finder)
    return finder.found


class _FindNode(cst.CSTVisitor):
    def __init__(self, target: cst.CSTNode) -> None:
        self.target = target
        self.found = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if node is self.target:
            self.found = True
        return not self.found


def contains_raise(node: cst.CSTNode) -> bool:
    """Whether a `raise` occurs in `node`, outside nested functions and classes."""
    return contains_kind(node, cst.Raise)
