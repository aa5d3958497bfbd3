"""Lint one file: decode, prefilter, parse, build the model, run rules, suppress.

libcst and the rules are imported only when a file gets past the prefilter,
so a run over files that never mention the SDK stays cheap.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from claude_lint.config.selection import matches_any, rule_enabled
from claude_lint.config.settings import Settings
from claude_lint.core.diagnostics import Diagnostic, Location
from claude_lint.core.garbage import collector_paused
from claude_lint.core.nesting import ParseCost, check_nesting
from claude_lint.core.nesting import parse_cost as measured_cost
from claude_lint.core.paths import resolve
from claude_lint.core.source import SourceError, decode_source
from claude_lint.engine.prefilter import needs_parsing, triggers_for

if TYPE_CHECKING:
    import libcst as cst

    from claude_lint.analysis.positions import StatementOffsets
    from claude_lint.analysis.symbols import ProjectSpec, ProjectView, Symbol
    from claude_lint.core.diagnostics import Fix
    from claude_lint.engine.elide import Elided
    from claude_lint.lint.context import Finding, RuleContext


@dataclass
class LintResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Internal failures (a rule crashed): reported, and the run exits 2.
    errors: list[str] = field(default_factory=list)
    parsed: bool = False
    # The module's summary (when asked for), and the project names its analysis asked
    # about with a fingerprint of each answer: its findings depend on exactly those.
    summary: dict[str, object] | None = None
    asked: dict[str, str] = field(default_factory=dict)


def _file_diagnostic(path: str, code: str, message: str, line: int = 1, column: int = 0) -> Diagnostic:
    start = Location(line, column)
    return Diagnostic(path, code, message, start, start, noqa_line=line)


def ignored_for_path(path: str, settings: Settings) -> set[str]:
    """Selectors that `per-file-ignores` turns off for this path."""
    if not settings.per_file_ignores:
        return set()
    pure = PurePath(path)
    try:
        relative = resolve(pure).relative_to(settings.root).as_posix() if pure.is_absolute() else pure.as_posix()
    except ValueError:
        relative = pure.as_posix()
    out: set[str] = set()
    for pattern, codes in settings.per_file_ignores:
        if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(pure.name, pattern):
            out.update(codes)
    return out


def _is_enabled(code: str, enabled: frozenset[str], ignored: set[str]) -> bool:
    return code in enabled and not matches_any(code, ignored)


def engine_code_enabled(code: str, path: str, settings: Settings) -> bool:
    """CL001/CL002 (default rules) decided without importing any rule module."""
    ignored = ignored_for_path(path, settings)
    return rule_enabled(code, True, settings.select, settings.extend_select, settings.ignore) and not matches_any(
        code, ignored
    )


def lint_bytes(
    path: str,
    data: bytes,
    settings: Settings,
    enabled: frozenset[str] | None = None,
    project: ProjectSpec | None = None,
    summarize: bool = False,
) -> LintResult:
    """Lint one file's bytes. `enabled=None`: the settings' selection, resolved only if parsed.

    `project`: the file's place in its project and what the project tells it about
    the names it imports; `summarize`: also compute the module's summary.
    """
    result = LintResult(path)
    try:
        source = decode_source(data)
    except SourceError as e:
        if enabled is None and engine_code_enabled("CL002", path, settings) or (
            enabled is not None and _is_enabled("CL002", enabled, ignored_for_path(path, settings))
        ):
            result.diagnostics.append(_file_diagnostic(path, "CL002", f"Cannot read file: {e}"))
        return result
    if not needs_parsing(data, file_triggers(settings, project)):
        return result
    return lint_text(path, source.text, settings, enabled, project, summarize)


def file_triggers(settings: Settings, project: ProjectSpec | None = None) -> tuple[bytes, ...]:
    """The prefilter's triggers for a file: the SDK's, the configured names and the project's."""
    names = project.names if project is not None else ()
    return triggers_for((*settings.trigger_names, *names))


def stand_ins_may_need_names(data: bytes, settings: Settings) -> bool:
    """Whether the project's Claude-calling names (`ProjectSpec.names`, triggers) can change which
    top-level statements of `data` are stood in (engine/elide.py): never in a small file, nor in
    one whose long top-level statements are too few to be worth it."""
    from claude_lint.engine.elide import MIN_STATEMENTS_FILE, may_stand_in_statements

    if len(data) < MIN_STATEMENTS_FILE:  # a character takes a byte or more: fewer characters
        return False
    try:
        return may_stand_in_statements(decode_source(data).text, triggers_for(settings.trigger_names))
    except SourceError:
        return False  # not linted: CL002


def lint_text(
    path: str,
    text: str,
    settings: Settings,
    enabled: frozenset[str] | None = None,
    project: ProjectSpec | None = None,
    summarize: bool = False,
) -> LintResult:
    """Lint decoded source text (the fixer re-lints its output this way)."""
    result = LintResult(path)
    if enabled is None:
        from claude_lint.config.selection import resolve_selection

        enabled = resolve_selection(settings.select, settings.extend_select, settings.ignore)
    with collector_paused():
        _lint_text(result, text, settings, enabled, ignored_for_path(path, settings), project, summarize)
    return result


def summarize_text(text: str, settings: Settings) -> dict[str, object] | None:
    """A module's summary alone (no rules); None when it does not parse or is not analysed.

    Parsed as a linted file is (`parse_checked`): with its big literals stood in for, so a
    module of 9 MB of data imported by a 100-byte file costs seconds, not 100 s and 12 GB.
    """
    from claude_lint.analysis.summary import summarize_module
    from claude_lint.sdk.load import load_knowledge

    with collector_paused():
        module = parse_checked(LintResult(""), text, frozenset(), set(), file_triggers(settings))
        if module is None:
            return None
        try:
            knowledge = load_knowledge(settings.sdk_version, project=settings.root)
            return summarize_module(module, text, knowledge, settings.client_factories)
        except Exception:  # noqa: BLE001  (a module we cannot read tells the project nothing)
            return None


def _lint_text(
    result: LintResult,
    text: str,
    settings: Settings,
    enabled: frozenset[str],
    ignored: set[str],
    project: ProjectSpec | None = None,
    summarize: bool = False,
) -> None:
    module = parse_checked(result, text, enabled, ignored, file_triggers(settings, project))
    if module is not None:
        lint_module(result, module, text, settings, enabled, ignored, project=project, summarize=summarize)


def parse_checked(
    result: LintResult, text: str, enabled: frozenset[str], ignored: set[str], triggers: tuple[bytes, ...] | None = None
) -> cst.Module | None:
    """The parsed module, or None with CL001 (or an internal error) recorded on `result`.

    `triggers` (`file_triggers`): in a big file, top-level statements that mention none and
    cannot matter otherwise are stood in for (engine/elide.py); the same must reach `lint_module`.
    """
    # Its patterns compile only once a file is parsed.
    from claude_lint.engine.elide import elide, settle

    path = result.path
    # Big flat literals (and statements that cannot matter) stood in for first (libcst's cost
    # is per node, engine/elide.py), so the depth scan and libcst see only the rest.
    triggers = triggers or file_triggers(Settings())
    elided = elide(text, triggers)
    while True:
        too_much = elided.code_size()
        if too_much > MAX_ANALYSED_CHARS:
            if _is_enabled("CL002", enabled, ignored):
                result.diagnostics.append(_file_diagnostic(path, "CL002", _over_budget(too_much)))
            return None
        cost = ParseCost()
        too_deep = check_nesting(elided.text, cost=cost)  # libcst would crash the process (stack overflow) on it
        if too_deep is not None:
            if _is_enabled("CL001", enabled, ignored):
                result.diagnostics.append(
                    _file_diagnostic(path, "CL001", too_deep.message, too_deep.line, too_deep.column)
                )
            return None
        if cost.units > MAX_PARSE_COST:
            if _is_enabled("CL002", enabled, ignored):
                result.diagnostics.append(_file_diagnostic(path, "CL002", _too_dense(cost.units)))
            return None
        # A file that does not parse, with statements stood in for at boundaries of its own: CPython
        # words its error from the rest as from the whole, without compiling a 10 MB line again.
        wording = text if elided.refused is None else elided.text
        module = _parse(result, wording, elided.text, enabled, ignored)
        if module is None or elided.refused is None:
            break
        # CPython's parser refused the text with statements stood in for and libcst takes it: the
        # file is parsed without them (and the lint that follows asks for the same stand-ins).
        elided = settle(text, triggers, elided.refused)
    if module is None:
        return None
    if _may_hold_unconvertible_integer(text):
        rejected = _compile_error(path, text)
        if rejected is not None:  # CPython refuses the file; its values are not ours to guess
            if _is_enabled("CL001", enabled, ignored):
                result.diagnostics.append(rejected)
            return None
    return module


# libcst's parse and the analysis cost about 7 s per MB of dense call-site code on one core (4 s per MB
# the parse alone): a file holding more code than this is reported, not analysed for a minute or more,
# so that any file under the size limit is checked in 5 s and fixed in 15 s (README, Reliability).
MAX_ANALYSED_CHARS = 512 * 1024


# libcst's cost is per node and grows with nesting (core/nesting.py's ParseCost): about 30 us a unit
# (45 with a syntax error in deep code). The call-site shapes of bench/huge_files.py at 520,000
# characters cost 42,000-125,000; real modules far less (the costliest of our corpus: 17,731).
MAX_PARSE_COST = 128 * 1024


def _too_dense(units: int) -> str:
    return (
        f"Cannot analyse file: its code is too dense or nested too deeply to be analysed in time (a parse "
        f"cost of {units:,}: one for each bracket, operator, string and separator, and two thirds of each "
        f"bracket's depth; one file may cost {MAX_PARSE_COST:,}); split the file, or exclude it"
    )


def parse_cost(text: str) -> int:
    """The `ParseCost` units of `text` (with its stand-ins), as the budget counts them."""
    return measured_cost(text).units


def _over_budget(size: int) -> str:
    return (
        f"Cannot analyse file: {size:,} characters of code, more than the {MAX_ANALYSED_CHARS:,} one file may hold"
        " to be analysed in time (big data literals are not counted); split the file, or exclude it"
    )


def _parse(result: LintResult, text: str, elided: str, enabled: frozenset[str], ignored: set[str]) -> cst.Module | None:
    """libcst's module of `elided` (`text` with stand-ins), or None with CL001 (or an internal error)
    recorded; CPython words the error from `text`."""
    import libcst as cst

    path = result.path
    try:
        # A syntax error is never inside a stand-in (a flat literal, or a statement that parses
        # alone between two top-level ones): it is where libcst found it, and CPython, given the
        # whole text, words it.
        return _parsed_before(elided) or cst.parse_module(elided)
    except (cst.ParserSyntaxError, cst.CSTValidationError) as e:  # the latter: `except:` not last, say
        if _is_enabled("CL001", enabled, ignored):
            result.diagnostics.append(_syntax_error(path, text, e))
        return None
    except (RecursionError, MemoryError):
        if _is_enabled("CL001", enabled, ignored):
            result.diagnostics.append(
                _file_diagnostic(path, "CL001", "Cannot parse: the code is nested too deeply for the parser")
            )
        return None
    except BaseException as e:  # a parser bug on one file must not stop the run
        # libcst's Rust panics arrive as pyo3's PanicException, a BaseException.
        if not isinstance(e, Exception) and type(e).__name__ != "PanicException":
            raise
        result.errors.append(_internal_error(path, "the parser (libcst)"))
        return None


def remember_parse(text: str, module: cst.Module) -> None:
    """The fix loop parsed `text` (a fixed candidate, stand-ins in) to check it: the lint of it
    that comes next takes this module instead of a second parse of a big file."""
    _PARSED[:] = [(text, module)]


def _parsed_before(text: str) -> cst.Module | None:
    """The module `remember_parse` kept for exactly this text, once."""
    if _PARSED and _PARSED[0][0] == text:
        return _PARSED.pop()[1]
    _PARSED.clear()
    return None


_PARSED: list[tuple[str, cst.Module]] = []


def lint_module(
    result: LintResult,
    module: cst.Module,
    text: str,
    settings: Settings,
    enabled: frozenset[str],
    ignored: set[str],
    positions: StatementOffsets | None = None,
    project: ProjectSpec | None = None,
    summarize: bool = False,
) -> None:
    """Build the model of a parsed module and run the enabled rules on it.

    `positions` (the language server's per-document index) supplies node
    offsets kept across edits instead of a code-generation pass over the
    whole module. `project` answers the names the module imports from its
    project; what was asked is recorded on `result.asked`.
    """
    from claude_lint.analysis.model import build_model
    from claude_lint.analysis.symbols import ProjectView
    from claude_lint.lint.context import RuleContext
    from claude_lint.sdk.load import load_knowledge

    path = result.path
    result.parsed = True
    view = project.view() if project is not None else ProjectView()
    try:
        knowledge = load_knowledge(settings.sdk_version, project=settings.root)
        helpers = (settings.helper_module,) if settings.helper_module else ()
        model = build_model(module, knowledge, settings.client_factories, view, helpers)
        if summarize:
            from claude_lint.analysis.summary import summarize as summary_of
            from claude_lint.analysis.summary import summarize_module

            # A summary depends on the content alone: only a model that got no answer from the project.
            if not any(view.asked.values()):
                result.summary = summary_of(model, text)
            else:
                result.summary = summarize_module(module, text, knowledge, settings.client_factories, helpers)
            own = _own_answers(project, view, result.summary)
            if own and project is not None:
                from claude_lint.analysis.values import carry_facts

                view = dataclasses.replace(project, answers={**project.answers, **own}).view()
                first, model = model, build_model(module, knowledge, settings.client_factories, view, helpers)
                carry_facts(first, model)
                first.release()
    except RecursionError:
        if _is_enabled("CL001", enabled, ignored):
            result.diagnostics.append(
                _file_diagnostic(path, "CL001", "Cannot analyse: the code is nested too deeply")
            )
        return
    except Exception:  # noqa: BLE001  (a model bug on one file must not stop the run)
        result.errors.append(_internal_error(path, "the module model"))
        return
    ctx = RuleContext(path=path, model=model, settings=settings, text=text, positions=positions)
    try:
        _run_rules(result, ctx, enabled, ignored, file_triggers(settings, project))
    finally:
        result.asked = view.fingerprints()  # rules ask too (a retry decorator's definition)
        model.release()


def _own_answers(project: ProjectSpec | None, view: ProjectView, summary: dict[str, Any] | None) -> dict[str, Symbol]:
    """Names of the file's own module its model asked the project, answered from its own summary.

    A run's first lint of a file comes before the project has the file's summary:
    `bot.ask()` on `bot = Bot()` at the top level asked the project about `mod.Bot.ask`
    and got nothing, and the run linted the whole file again once it knew (twice the
    time of a large file). Where its own summary resolves such a name, the model is
    built again with the answer (a model costs a fraction of the parse and the rules);
    the run still checks each answer against the project's.
    """
    if project is None or project.module is None or project.resolve is not None or summary is None:
        return {}
    from claude_lint.analysis.project import LoadedModule, own_answers
    from claude_lint.analysis.symbols import MODEL_USES

    module = project.module
    names = [
        name
        for name, found in view.asked.items()
        if found is None
        and name not in project.answers
        and name.startswith(f"{module}.")
        and not name.endswith(MODEL_USES)  # where other modules send a name: theirs to tell
    ]
    if not names:
        return {}
    return own_answers(LoadedModule(module, project.display, project.is_package, summary), names)


def _run_rules(
    result: LintResult, ctx: RuleContext, enabled: frozenset[str], ignored: set[str], triggers: tuple[bytes, ...]
) -> None:
    from claude_lint.engine.elide import elide
    from claude_lint.engine.registry import all_rules
    from claude_lint.engine.suppress import find_suppressions, unused_suppressions

    path, text = result.path, ctx.text
    elided = elide(text, triggers)  # the stand-ins parse_checked gave libcst (remembered: no second scan)
    for rule_class in all_rules():
        if not _is_enabled(rule_class.code, enabled, ignored):
            continue
        ctx.code = rule_class.code
        before = len(ctx.findings)
        try:
            rule_class().check(ctx)
        except RecursionError:  # deep code, not a rule bug: the file cannot be analysed
            del ctx.findings[before:]
            if _is_enabled("CL001", enabled, ignored):
                result.diagnostics.append(
                    _file_diagnostic(path, "CL001", "Cannot analyse: the code is nested too deeply")
                )
            return
        except Exception:  # noqa: BLE001  (one rule failing on one file must not stop the run)
            del ctx.findings[before:]
            result.errors.append(_internal_error(path, f"rule {rule_class.code}"))
    unused_enabled = _is_enabled("CL003", enabled, ignored)
    if not ctx.findings and not unused_enabled:
        return
    suppressions = find_suppressions(text)
    seen: set[tuple[str, Location, Location, str]] = set()
    for finding in ctx.findings:
        try:
            diagnostic = _to_diagnostic(ctx, finding)
        except Exception:  # noqa: BLE001  (a finding on a node outside the tree: a rule bug)
            result.errors.append(_internal_error(path, f"rule {finding.code}"))
            continue
        # One diagnostic per rule, position and message: a rule that reaches the same node
        # twice (a loop over a function making two Claude calls) says it once.
        key = (diagnostic.code, diagnostic.start, diagnostic.end, diagnostic.message)
        if key in seen:
            continue
        seen.add(key)
        if elided.regions and diagnostic.fix is not None and _writes_a_blank(ctx, elided, diagnostic.fix):
            diagnostic = dataclasses.replace(diagnostic, fix=None)
        if suppressions.suppresses(diagnostic.start.line, diagnostic.code):
            diagnostic = _suppressed(diagnostic)
            suppressions.mark_used(diagnostic.start.line, diagnostic.code)
        result.diagnostics.append(diagnostic)
    if unused_enabled:
        for diagnostic in unused_suppressions(path, text, suppressions, enabled):
            if suppressions.suppresses(diagnostic.start.line, diagnostic.code):
                diagnostic = _suppressed(diagnostic)
            result.diagnostics.append(diagnostic)
    result.diagnostics.sort(key=Diagnostic.sort_key)


def _writes_a_blank(ctx: RuleContext, elided: Elided, fix: Fix) -> bool:
    """Whether a fix edits inside a literal libcst saw stood in for, or copies the stand-in into its new text."""
    offsets = ctx.line_offsets
    stand_ins = elided.stand_ins()
    for edit in fix.edits:
        if not (1 <= edit.start.line <= len(offsets) and 1 <= edit.end.line <= len(offsets)):
            return True  # not ours to judge here: the fix loop drops edits outside the text
        start = offsets[edit.start.line - 1] + edit.start.column
        end = offsets[edit.end.line - 1] + edit.end.column
        if elided.touches(start, end) or any(stand_in in edit.content for stand_in in stand_ins):
            return True
    return False


def _internal_error(path: str, what: str) -> str:
    """The message for an internal failure on one file (the run goes on and exits 2)."""
    return (
        f"{path}: {what} crashed; please report this at "
        f"https://github.com/claude-lint/claude-lint/issues with the file if you can:\n"
        + traceback.format_exc(limit=-3)
    )


def _may_hold_unconvertible_integer(text: str) -> bool:
    """Whether the text has a run of more digits than CPython converts to an int (4,300 by
    default): libcst parses `1000...0` with 4,301 digits, CPython refuses the file."""
    limit = sys.get_int_max_str_digits()
    if not limit:
        return False
    pattern = _DIGIT_RUNS.get(limit)
    if pattern is None:
        pattern = _DIGIT_RUNS[limit] = re.compile(f"[0-9][0-9_]{{{limit},}}")
    return pattern.search(text) is not None


_DIGIT_RUNS: dict[int, re.Pattern[str]] = {}


def _compile_error(path: str, text: str) -> Diagnostic | None:
    """CL001 with CPython's wording and position if `compile` refuses the text, else None.

    `compile`, not `ast.parse`: some errors libcst refuses come from CPython's
    compiler (a bare `except:` before another handler). It only builds
    bytecode; nothing is run.
    """
    import warnings

    try:
        with warnings.catch_warnings():  # SyntaxWarnings about the user's code are not ours to print
            warnings.simplefilter("ignore")
            compile(text, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        line = e.lineno or 1
        column = max((e.offset or 1) - 1, 0)
        return _file_diagnostic(path, "CL001", f"SyntaxError: {e.msg}", line, column)
    except (RecursionError, MemoryError, ValueError, OverflowError):
        pass
    return None


def _syntax_error(path: str, text: str, error: Exception) -> Diagnostic:
    """CL001 at CPython's own error position and wording, which beat libcst's."""
    rejected = _compile_error(path, text)
    if rejected is not None:
        return rejected
    # CPython accepts it but libcst cannot parse it (syntax newer than libcst).
    line = getattr(error, "editor_line", 1)
    column = max(getattr(error, "editor_column", 1) - 1, 0)
    message = str(getattr(error, "message", error)).removeprefix("parser error: ")
    return _file_diagnostic(path, "CL001", f"Cannot parse: {message}", line, column)


def _suppressed(diagnostic: Diagnostic) -> Diagnostic:
    from dataclasses import replace

    return replace(diagnostic, suppressed=True)


def _to_diagnostic(ctx: RuleContext, finding: Finding) -> Diagnostic:
    start = ctx.start(finding.node)
    end = ctx.end(finding.node)
    if finding.width is not None:
        end = Location(start.line, start.column + finding.width)
    return Diagnostic(
        path=ctx.path,
        code=finding.code,
        message=finding.message,
        start=start,
        end=end,
        fix=finding.fix,
        noqa_line=start.line,
        secret=finding.secret,
    )


def lint_code(
    code: str,
    select: frozenset[str] | None = None,
    path: str = "example.py",
    settings: Settings | None = None,
) -> LintResult:
    """Lint a string (tests, the language server). `select=None`: the settings' selection."""
    return lint_bytes(path, code.encode("utf-8"), settings or Settings(), select)
