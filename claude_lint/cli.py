"""The `claude-lint` command line (click)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from claude_lint import __version__
from claude_lint.config.settings import ConfigError, ConfigResolver, load_config_file
from claude_lint.output.format_names import OUTPUT_FORMATS

if TYPE_CHECKING:
    from claude_lint.app.baseline import Baseline
    from claude_lint.app.runner import Outcome
    from claude_lint.core.diagnostics import Diagnostic

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FIX_LEGEND = (
    "fix: S safe (`--fix` applies it); U unsafe (applied with `--fix --unsafe-fixes`); "
    "H rewrites the call onto the bundled retry helper (also `--unsafe-fixes`); U/H either; - none"
)


class UsageFailure(click.ClickException):
    """A usage or config error: one line on stderr and exit code 2 (click's default is 1)."""

    exit_code = EXIT_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"claude-lint: error: {self.message}", err=True)


class _DefaultToCheck(click.Group):
    """`claude-lint src/` means `claude-lint check src/`, as the spec asks."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # Only a run that started workers imported this module: no import on other exits. A pool
        # stopped by an earlier invocation in the same process (tests, an embedding program) is not this one's.
        workers = sys.modules.get("claude_lint.app.workers")
        before = workers.pools_stopped() if workers is not None else 0
        try:
            return super().main(*args, **kwargs)
        finally:
            workers = sys.modules.get("claude_lint.app.workers")
            if workers is not None and workers.pools_stopped() > before:  # "Aborted!" is printed: end
                sys.stdout.flush()  # without joining the pool's threads
                sys.stderr.flush()
                os._exit(1)

    def invoke(self, ctx: click.Context) -> Any:
        """Usage errors (an unknown option, a bad value) in the one-line form, exit 2."""
        try:
            return super().invoke(ctx)
        except click.UsageError as e:
            message = e.format_message().rstrip(".")
            suggestion = re.fullmatch(r"(.*?)\.\s*\(?Did you mean (.*?)\)?", message, re.DOTALL)
            if suggestion is not None:  # click's suggestion, as a clause of our one line
                message = f"{suggestion.group(1)} (did you mean {suggestion.group(2)})"
            command = e.ctx.command.name if e.ctx is not None and e.ctx.command is not ctx.command else None
            hint = f"; `claude-lint {command} --help` lists the options" if command else ""
            raise UsageFailure(f"{message[:1].lower()}{message[1:]}{hint}") from e


def _split_codes(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="claude-lint", message="%(prog)s %(version)s")
def main() -> None:
    """Lint error handling around Claude API calls (Anthropic Python SDK)."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (replaces the config's), e.g. CL1,CL201 or ALL.")
@click.option("--extend-select", multiple=True, help="Rule codes or prefixes to enable on top of the selection.")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
@click.option("--output-format", type=click.Choice(OUTPUT_FORMATS), default="text", show_default=True)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when diagnostics remain.")
@click.option("--statistics", is_flag=True, help="Print counts per rule instead of each diagnostic.")
@click.option("--stdin-filename", type=str, default=None, help="The path to report for code read from stdin (`-`).")
@click.option("--config", "config_file", type=click.Path(path_type=Path), default=None, help="Use this pyproject.toml or claude-lint.toml and no other.")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to paths named on the command line too.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path), default=None, help="Report only findings this baseline file does not accept.")
@click.option("--write-baseline", "write_baseline_file", type=click.Path(path_type=Path), default=None, help="Write every current finding to this baseline file and exit 0.")
@click.option("--add-noqa", is_flag=True, help="Add `# noqa: CODE` to every line with a finding, then exit.")
@click.option("--fix", is_flag=True, help="Apply safe fixes (and unsafe ones with --unsafe-fixes), then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (or offer) unsafe fixes, including adopting the reference helper.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing. Exit 1 if a change is pending.")
@click.option("--fix-only", is_flag=True, help="Apply fixes and report nothing else.")
@click.option("--show-fixes", is_flag=True, help="List the fixes applied, per file.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when a fix was applied, even if nothing remains.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes for parsing (default: the CPU count; 1: none).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the results cache (`cache-dir`).")
@click.option("-q", "--quiet", is_flag=True, help="Print diagnostics only, no summary.")
def check(
    paths: tuple[str, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    exit_zero: bool,
    statistics: bool,
    stdin_filename: str | None,
    config_file: Path | None,
    force_exclude: bool,
    baseline_file: Path | None,
    write_baseline_file: Path | None,
    add_noqa: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    fix_only: bool,
    show_fixes: bool,
    exit_non_zero_on_fix: bool,
    jobs: int | None,
    no_cache: bool,
    quiet: bool,
) -> None:
    """Lint PATHS (files or directories; `-` reads stdin). Default: the current directory."""
    from claude_lint.app.progress import ProgressBar, wants_progress
    from claude_lint.app.runner import RunOptions, default_jobs, run

    if add_noqa and write_baseline_file is not None:
        raise UsageFailure("--add-noqa and --write-baseline do different things; use one")
    if add_noqa and "-" in paths:
        raise UsageFailure("--add-noqa edits files in place and cannot read stdin")
    if add_noqa and (fix or diff or fix_only):
        raise UsageFailure("--add-noqa cannot be combined with --fix, --fix-only or --diff")
    try:
        override = load_config_file(config_file) if config_file is not None else None
    except ConfigError as e:
        raise UsageFailure(str(e)) from None
    baseline = _read_baseline(baseline_file) if baseline_file is not None else None
    options = RunOptions(
        select=_split_codes(select) or None,
        extend_select=_split_codes(extend_select),
        ignore=_split_codes(ignore),
        force_exclude=force_exclude,
        stdin_filename=stdin_filename,
        fix=fix or diff or fix_only,
        unsafe_fixes=unsafe_fixes,
        write=not diff,
        jobs=jobs if jobs is not None else default_jobs(),
        cache=not no_cache,
    )
    progress = ProgressBar() if wants_progress(sys.stderr, output_format, quiet) else None
    try:
        if options.select or options.extend_select or options.ignore:
            from claude_lint.config.selection import check_selectors

            check_selectors([*(options.select or ()), *options.extend_select, *options.ignore])
        with _terminate_as_interrupt():
            outcome = run(list(paths) or ["."], ConfigResolver(override), options, progress)
    except (ConfigError, ValueError) as e:
        raise UsageFailure(str(e)) from None
    for warning in outcome.warnings:
        click.echo(f"claude-lint: warning: {warning}", err=True)
    if options.fix:
        _after_fixes(outcome, paths, diff, fix_only, show_fixes, quiet)
        if diff:
            _exit_after(outcome, EXIT_FINDINGS if outcome.fixes else EXIT_CLEAN)
        if fix_only:
            _exit_after(outcome, EXIT_FINDINGS if exit_non_zero_on_fix and outcome.fixes else EXIT_CLEAN)
    reported: list[Diagnostic] = outcome.diagnostics
    accepted: list[Diagnostic] = []
    if write_baseline_file is not None:
        from claude_lint.app.baseline import Baseline, project_root

        written = Baseline.from_diagnostics(reported, outcome.sources, project_root())
        _write_baseline(written, write_baseline_file, quiet)
        _exit_after(outcome, EXIT_CLEAN)
    if baseline is not None:
        from claude_lint.app.baseline import project_root

        reported, accepted = baseline.split(reported, outcome.sources, project_root())
    if add_noqa:
        _add_noqa(reported, quiet)
        _exit_after(outcome, EXIT_CLEAN)
    _report(outcome, reported, accepted, output_format, statistics, quiet, stdout_taken="-" in paths and fix)
    failed = bool(reported) and not exit_zero
    _exit_after(outcome, EXIT_FINDINGS if failed or (exit_non_zero_on_fix and outcome.fixes) else EXIT_CLEAN)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM ends the run as Ctrl-C does: workers stopped, no write left half done, exit 1."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _after_fixes(outcome: Outcome, paths: tuple[str, ...], diff: bool, fix_only: bool, show_fixes: bool, quiet: bool) -> None:
    """Print what the fixer did: the diff, the fixed stdin, or the list of fixes."""
    if diff:
        from claude_lint.output.diff import format_diff

        for fixed in outcome.fixes:
            click.echo(format_diff(fixed.path, fixed.original, fixed.fixed, fixed.secrets), nl=False)
        if not quiet:
            count = outcome.fixed_count
            click.echo(f"Would fix {count} error{'s' if count != 1 else ''}.", err=True)
        return
    if "-" in paths:
        # Fixed code from stdin goes to stdout; everything else to stderr.
        click.get_binary_stream("stdout").write(next((f.data for f in outcome.fixes), outcome.stdin_data or b""))
    if show_fixes and outcome.fixes:
        lines = [f"Fixed {outcome.fixed_count} error{'s' if outcome.fixed_count != 1 else ''}:"]
        for fixed in outcome.fixes:
            lines.append(f"- {fixed.path}:")
            lines.extend(f"    {count} x {code}" for code, count in sorted(fixed.applied.items()))
        click.echo("\n".join(lines), err="-" in paths)
    elif fix_only and not quiet:
        count = outcome.fixed_count
        click.echo(f"Fixed {count} error{'s' if count != 1 else ''}.", err="-" in paths)


def _exit_after(outcome: Outcome, code: int) -> None:
    """Print internal errors (a rule crashed) and exit: 2 if there were any."""
    for error in outcome.errors:
        click.echo(f"claude-lint: error: {error}", err=True)
    sys.exit(EXIT_ERROR if outcome.errors else code)


def _read_baseline(path: Path) -> Baseline:
    """The baseline file (its module is imported only when one is used)."""
    from claude_lint.app.baseline import BaselineError, read_baseline

    try:
        return read_baseline(path)
    except BaselineError as e:
        raise UsageFailure(str(e)) from None


def _write_baseline(baseline: Baseline, path: Path, quiet: bool) -> None:
    from claude_lint.core.atomic import write_bytes_atomically

    try:
        write_bytes_atomically(path, baseline.to_json().encode("utf-8"))
    except OSError as e:
        raise UsageFailure(f"cannot write baseline {path}: {e.strerror or e}") from None
    if not quiet:
        findings = "finding" if baseline.total == 1 else "findings"
        files = "file" if baseline.files == 1 else "files"
        click.echo(f"Wrote {baseline.total} {findings} in {baseline.files} {files} to {path}.", err=True)


def _add_noqa(diagnostics: list[Diagnostic], quiet: bool) -> None:
    from claude_lint.app.noqa import add_noqa_to_files

    lines_by_path: dict[str, dict[int, set[str]]] = {}
    for d in diagnostics:
        line = d.noqa_line or d.start.line
        lines_by_path.setdefault(d.path, {}).setdefault(line, set()).add(d.code)
    added, warnings = add_noqa_to_files(lines_by_path)
    for warning in warnings:
        click.echo(f"claude-lint: warning: {warning}", err=True)
    if not quiet:
        click.echo(f"Added {added} noqa directive{'' if added == 1 else 's'}.", err=True)


def _report(
    outcome: Outcome,
    reported: list[Diagnostic],
    accepted: list[Diagnostic],
    output_format: str,
    statistics: bool,
    quiet: bool,
    stdout_taken: bool = False,
) -> None:
    """Print the findings; to stderr when stdout carries fixed code from stdin."""
    from claude_lint.output import format_names, report, text_formats

    def echo(text: str = "", nl: bool = True) -> None:
        click.echo(text, nl=nl, err=stdout_taken)

    if statistics:  # as ruff: the table and the summary, or JSON with `--output-format json`
        if output_format == "json":
            echo(text_formats.statistics_json(reported), nl=False)
            return
        echo(text_formats.statistics(reported), nl=False)
        if not quiet:
            echo(text_formats.summary(reported), nl=False)
        return
    data = report.Report(
        diagnostics=reported,
        sources=outcome.sources,
        suppressed=outcome.suppressed,
        baselined=accepted,
        checked=outcome.checked,
        base=format_names.base_directory(output_format, os.environ, Path.cwd()),
        colour=output_format in format_names.HUMAN_FORMATS
        and text_formats.use_colour(sys.stderr if stdout_taken else sys.stdout, os.environ),
    )
    text = format_names.formatter(output_format)(data)
    if output_format in format_names.HUMAN_FORMATS:
        if text:
            echo(text, nl=False)
        if not quiet:
            if text and output_format != "concise":
                echo("")
            summary = text_formats.summary(reported)
            if outcome.fixes:  # ruff's wording: "Found 8 errors (1 fixed, 7 remaining)."
                fixed, remaining = outcome.fixed_count, len(reported)
                total = fixed + remaining
                hints = summary.splitlines(keepends=True)[1:] if remaining else []
                summary = f"Found {total} error{'s' if total != 1 else ''} ({fixed} fixed, {remaining} remaining).\n"
                summary += "".join(hints)
            if outcome.errors and not reported:  # a crash hid what that file may hold: not "passed"
                count = len(outcome.errors)
                summary = f"No findings, but the check is incomplete: {count} internal error{'s' if count != 1 else ''} (below).\n"
            echo(summary, nl=False)
            if accepted:
                echo(f"{len(accepted)} more accepted by the baseline.")
    else:
        echo(text, nl=False)


@main.command("calls")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--output-format", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--no-cache", is_flag=True, help="Neither read nor write module summaries in the cache (`cache-dir`).")
def list_calls(paths: tuple[str, ...], output_format: str, no_cache: bool) -> None:
    """Every Claude call site with its posture: client and SDK retries, retries around it, handlers, model."""
    from claude_lint.app.calls import collect_calls
    from claude_lint.output.calls_report import calls_json, calls_text

    warnings: list[str] = []
    try:
        postures = collect_calls(list(paths) or ["."], ConfigResolver(), cache=not no_cache, warnings=warnings)
    except ConfigError as e:
        raise UsageFailure(str(e)) from None
    for warning in warnings:
        click.echo(f"claude-lint: warning: {warning}", err=True)
    click.echo(calls_json(postures) if output_format == "json" else calls_text(postures))


@main.command("rules")
@click.option("--output-format", type=click.Choice(("text", "json")), default="text")
def list_rules(output_format: str) -> None:
    """List every rule: code, name, default on/off, fix (S safe, U unsafe, H helper, - none)."""
    import json

    from claude_lint.config.selection import rule_index

    rules = rule_index()  # the generated index: no rule module (nor libcst) is imported
    if output_format == "json":
        click.echo(json.dumps([
            {"code": r.code, "name": r.name, "summary": r.summary, "default": r.default, "fix": r.fix}
            for r in rules
        ], indent=2))
        return
    for r in rules:
        default = "default" if r.default else "opt-in "
        click.echo(f"{r.code}  {r.name:<34} {default}  fix: {r.fix:<3}  {r.summary}")
    click.echo(f"\n{FIX_LEGEND}")


@main.command("rule")
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="Print every rule's documentation.")
def show_rule(code: str | None, show_all: bool) -> None:
    """Print a rule's documentation (the same text as docs/rules/CODE.md)."""
    from claude_lint.engine.registry import all_rules, rules_by_code
    from claude_lint.output.docs import rule_markdown

    if show_all:
        click.echo("\n".join(rule_markdown(r) for r in all_rules()), nl=False)
        return
    if code is None:
        raise UsageFailure("give a rule code, e.g. `claude-lint rule CL101`, or --all")
    rule = rules_by_code().get(code.upper())
    if rule is None:
        raise UsageFailure(f"unknown rule code `{code}`; `claude-lint rules` lists them")
    click.echo(rule_markdown(rule), nl=False)


@main.command("server")
def server_command() -> None:
    """Run the language server (LSP over stdio) for editors; needs the `server` extra."""
    try:
        from claude_lint.server import start_server
    except ModuleNotFoundError as e:
        if (e.name or "").split(".")[0] in ("pygls", "lsprotocol", "cattrs"):
            raise UsageFailure(
                "`claude-lint server` needs pygls: pip install 'claude-lint[server]'"
            ) from None
        raise
    start_server()


@main.command("helper")
@click.option("--write", "target", type=click.Path(path_type=Path), required=True, help="Where to write the helper module (a .py file, or a directory for claude_helper.py).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--module", "module", default=None, help="The import name of the written file (default: from its path under the config file's directory).")
@click.option("--no-config", is_flag=True, help="Do not record `helper-module` in the configuration.")
def vendor_helper(target: Path, force: bool, module: str | None, no_config: bool) -> None:
    """Vendor the reference helper into your project as one standalone file.

    The copy depends only on the standard library and `anthropic`, so the
    fixed code never needs claude-lint at run time. The file's import name is
    recorded as `helper-module` in the nearest claude-lint.toml or
    pyproject.toml ([tool.claude-lint]); helper fixes import from it, and
    until one is configured they are shown (`--diff`) but never written.
    """
    from claude_lint import helper
    from claude_lint.config.settings import (
        module_name_for,
        nearest_config_file,
        record_helper_module,
    )
    from claude_lint.core.atomic import write_bytes_atomically

    path = target / "claude_helper.py" if target.is_dir() else target
    if path.suffix != ".py":
        raise UsageFailure(f"{path}: the helper must be written to a .py file")
    if path.exists() and not force:
        raise UsageFailure(f"{path} already exists; pass --force to overwrite it")
    config = None if no_config else nearest_config_file(path.parent if path.parent.exists() else Path.cwd())
    name = module or (module_name_for(path, config.parent) if config is not None else None)
    if module is not None and not all(part.isidentifier() for part in module.split(".")):
        raise UsageFailure(f"--module {module!r} is not a dotted module name")
    try:
        write_bytes_atomically(path, Path(helper.__file__).read_bytes())
    except OSError as e:
        raise UsageFailure(f"cannot write {path}: {e.strerror or e}") from None
    click.echo(f"Wrote the reference helper to {path}.")
    if no_config:
        return
    if config is None or name is None:
        why = "there is no claude-lint.toml or pyproject.toml above it" if config is None else (
            f"its path under {config.parent} is not an import name"
        )
        click.echo(
            f"Not recorded as `helper-module`: {why}. Set `helper-module` in [tool.claude-lint] to its "
            "import name (or rerun with --module NAME); until then helper fixes are shown, not applied."
        )
        return
    try:
        record_helper_module(config, name)
    except (ConfigError, OSError, UnicodeError) as e:
        raise UsageFailure(f"wrote the helper, but {e}") from None
    click.echo(f'Recorded helper-module = "{name}" in {config}; helper fixes now import from it.')


@main.command("generate-docs")
@click.argument("directory", type=click.Path(path_type=Path), default=Path("docs/rules"))
@click.option("--check", is_flag=True, help="Exit 1 if a page is missing or stale; write nothing.")
def generate_docs(directory: Path, check: bool) -> None:
    """Write docs/rules/CLxxx.md from each rule's docs."""
    from claude_lint.output.docs import stale_rule_docs, write_rule_docs

    if check:
        stale = stale_rule_docs(directory)
        for name in stale:
            click.echo(f"stale: {name}")
        sys.exit(EXIT_FINDINGS if stale else EXIT_CLEAN)
    for written in write_rule_docs(directory):
        click.echo(f"wrote {written}")


if __name__ == "__main__":
    main()
