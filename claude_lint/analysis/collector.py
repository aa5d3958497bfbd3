"""The one pass over a module's tree that records imports, scopes, functions, calls, trys, handlers, loops."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from claude_lint.analysis.imports import ImportTable
from claude_lint.analysis.records import (
    CallRecord,
    CaughtType,
    FunctionInfo,
    HandlerInfo,
    LoopInfo,
    Part,
    RaiseRecord,
    Scope,
    TryContext,
    TryInfo,
    WithRecord,
)
from claude_lint.analysis.syntax import dotted, names_in


class ModelCollector(cst.CSTVisitor):
    """Records everything the model needs in one traversal."""

    def __init__(self, module: cst.Module) -> None:
        self.imports = ImportTable()
        self.module_scope = Scope("module", module, None)
        self.scope = self.module_scope
        self.frame: FunctionInfo | None = None
        self.functions: list[FunctionInfo] = []
        self.classes: list[Scope] = []
        self.calls: list[CallRecord] = []
        self.trys: list[TryInfo] = []
        self.handlers: list[HandlerInfo] = []
        self.raises: list[RaiseRecord] = []
        self.loops: list[LoopInfo] = []
        self.withs: list[WithRecord] = []
        self.except_type_exprs: list[cst.BaseExpression] = []
        # Per function frame: the try and loop context stacks.
        self._try_stack: list[TryContext] = []
        self._loop_stack: list[LoopInfo] = []
        self._frames: list[tuple[list[TryContext], list[LoopInfo]]] = []
        self._awaited: set[int] = set()
        self._outer_frames: list[FunctionInfo | None] = []

    # scopes ---------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        self.imports.add_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.imports.add_import_from(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope = Scope("class", node, self.scope, node.name.value)
        self.classes.append(self.scope)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = Scope("function", node, self.scope, node.name.value)
        info = FunctionInfo(
            node=node,
            name=node.name.value,
            scope=scope,
            is_async=node.asynchronous is not None,
            decorators=tuple(node.decorators),
        )
        self.scope.functions.setdefault(node.name.value, info)
        self.functions.append(info)
        for param in all_params(node.params):
            # A parameter is bound to an unknown value: it shadows module globals.
            scope.bindings.setdefault(param.name.value, [])
            if param.annotation is not None:
                scope.annotations[param.name.value] = param.annotation.annotation
        self.scope = scope
        self._frames.append((self._try_stack, self._loop_stack))
        self._try_stack, self._loop_stack = [], []
        self._outer_frames.append(self.frame)
        self.frame = info

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._try_stack, self._loop_stack = self._frames.pop()
        assert self.scope.parent is not None
        self.scope = self.scope.parent
        self.frame = self._outer_frames.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        # A lambda's body runs later, outside the try it is written in.
        self._frames.append((self._try_stack, self._loop_stack))
        self._try_stack, self._loop_stack = [], []

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._try_stack, self._loop_stack = self._frames.pop()

    # bindings -------------------------------------------------------------

    def visit_Global(self, node: cst.Global) -> None:
        if self.scope.kind == "function":
            self.scope.declared_global.update(item.name.value for item in node.names)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            scope = self.scope
            if target.value in scope.declared_global:  # `global client; client = Anthropic(...)`
                while scope.parent is not None:
                    scope = scope.parent
            scope.bindings.setdefault(target.value, []).append(value)
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value in ("self", "cls")
        ):
            owner = self.scope.class_scope
            if owner is not None:
                owner.bindings.setdefault(f"self.{target.attr.value}", []).append(value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        target = node.target
        if node.value is not None:
            self._bind(target, node.value)
        if isinstance(target, cst.Name):
            key = target.value
            # A class-level `client: Anthropic` annotates `self.client`.
            if self.scope.kind == "class":
                self.scope.annotations[f"self.{key}"] = node.annotation.annotation
            self.scope.annotations[key] = node.annotation.annotation
        elif isinstance(target, cst.Attribute) and dotted(target.value) in ("self", "cls"):
            owner = self.scope.class_scope
            if owner is not None:
                owner.annotations[f"self.{target.attr.value}"] = node.annotation.annotation

    def visit_With(self, node: cst.With) -> None:
        self.withs.append(WithRecord(node, self.frame, self.scope))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, (cst.Name, cst.Attribute)):
            self._bind(node.asname.name, node.item)

    # control flow ---------------------------------------------------------

    def _enter_try(self, node: cst.Try | cst.TryStar) -> None:
        info = TryInfo(node=node, frame=self.frame, loops=tuple(self._loop_stack))
        self.trys.append(info)
        self._try_stack.append(TryContext(info, "body"))

    def visit_Try(self, node: cst.Try) -> None:
        self._enter_try(node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._enter_try(node)

    def leave_Try(self, original_node: cst.Try) -> None:
        self._try_stack.pop()

    def leave_TryStar(self, original_node: cst.TryStar) -> None:
        self._try_stack.pop()

    def _current_try(self) -> TryInfo:
        return self._try_stack[-1].try_info

    def _enter_handler(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
        info = self._current_try()
        name = None
        if node.name is not None and isinstance(node.name.name, cst.Name):
            name = node.name.name.value
        types: list[CaughtType] = []
        if node.type is not None:
            self.except_type_exprs.append(node.type)
            exprs = (
                [el.value for el in node.type.elements]
                if isinstance(node.type, cst.Tuple)
                else [node.type]
            )
            types = [CaughtType(expr, self.imports.qualify(expr), None) for expr in exprs]
        handler = HandlerInfo(node, info, tuple(types), name, tuple(self._loop_stack))
        info.handlers.append(handler)
        self.handlers.append(handler)
        self._try_stack[-1] = TryContext(info, "handler", handler)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._enter_handler(node)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._enter_handler(node)

    def _set_part(self, part: Part) -> None:
        if self._try_stack:
            self._try_stack[-1] = TryContext(self._try_stack[-1].try_info, part)

    def visit_Try_orelse(self, node: cst.Try) -> None:
        self._set_part("else")

    def visit_Try_finalbody(self, node: cst.Try) -> None:
        self._set_part("finally")

    def visit_TryStar_orelse(self, node: cst.TryStar) -> None:
        self._set_part("else")

    def visit_TryStar_finalbody(self, node: cst.TryStar) -> None:
        self._set_part("finally")

    def _enter_loop(self, node: cst.For | cst.While) -> None:
        loop = LoopInfo(node, self.frame, tuple(self._try_stack))
        self.loops.append(loop)
        self._loop_stack.append(loop)

    def visit_For(self, node: cst.For) -> None:
        for name in names_in(node.target):
            self.scope.bindings.setdefault(name, [])  # bound to an unknown value
        self._enter_loop(node)

    def leave_For(self, original_node: cst.For) -> None:
        self._loop_stack.pop()

    def visit_While(self, node: cst.While) -> None:
        self._enter_loop(node)

    def leave_While(self, original_node: cst.While) -> None:
        self._loop_stack.pop()

    def visit_Yield(self, node: cst.Yield) -> None:
        if self.frame is not None and not self._frames_is_lambda():
            self.frame.is_generator = True

    def _frames_is_lambda(self) -> bool:
        # A lambda pushes a try/loop frame without a function: its yield is not the function's.
        return len(self._frames) > len(self._outer_frames)

    def visit_Raise(self, node: cst.Raise) -> None:
        handler = None
        for ctx in reversed(self._try_stack):
            if ctx.part == "handler":
                handler = ctx.handler
                break
        self.raises.append(RaiseRecord(node, handler))

    # calls ----------------------------------------------------------------

    def visit_Await(self, node: cst.Await) -> None:
        self._awaited.add(id(node.expression))

    def visit_Call(self, node: cst.Call) -> None:
        record = CallRecord(
            node=node,
            frame=self.frame,
            scope=self.scope,
            trys=tuple(self._try_stack),
            loops=tuple(self._loop_stack),
            awaited=id(node) in self._awaited,
        )
        self.calls.append(record)
        if self.frame is not None:
            self.frame.calls.append(record)
        for ctx in self._try_stack:
            if ctx.part == "body":
                ctx.try_info.body_calls.append(record)


def all_params(params: cst.Parameters) -> Iterator[cst.Param]:
    yield from params.posonly_params
    yield from params.params
    yield from params.kwonly_params
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg
    if params.star_kwarg is not None:
        yield params.star_kwarg

