"""The `claude-lint` command line (click)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from claude_lint import __version__
from claude_lint.config import ConfigError, ConfigResolver, Settings, load_config_file
from claude_lint.diagnostics import Diagnostic

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
OUTPUT_FORMATS = ("text", "full", "concise", "json")


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
    quiet: bool,
) -> None:
    """Lint PATHS (files or directories; `-` reads stdin). Default: the current directory."""
    from claude_lint.runner import RunOptions, run

    try:
        override = load_config_file(config_file) if config_file is not None else None
    except ConfigError as e:
        raise UsageFailure(str(e)) from None
    options = RunOptions(
        select=_split_codes(select) or None,
        extend_select=_split_codes(extend_select),
        ignore=_split_codes(ignore),
        force_exclude=force_exclude,
        stdin_filename=stdin_filename,
    )
    try:
        if options.select or options.extend_select or options.ignore:
            from claude_lint.registry import all_rules, validate_selectors

            validate_selectors(
                [*(options.select or ()), *options.extend_select, *options.ignore],
                (rule.code for rule in all_rules()),
            )
        outcome = run(list(paths) or ["."], ConfigResolver(override), options)
    except (ConfigError, ValueError) as e:
        raise UsageFailure(str(e)) from None
    _report(outcome.diagnostics, outcome.sources, output_format, statistics, quiet)
    for error in outcome.errors:
        click.echo(f"claude-lint: error: {error}", err=True)
    if outcome.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if outcome.diagnostics and not exit_zero else EXIT_CLEAN)


def _report(diagnostics: list[Diagnostic], sources: dict[str, str], output_format: str, statistics: bool, quiet: bool) -> None:
    from claude_lint import report

    if statistics:
        click.echo(report.statistics(diagnostics), nl=False)
        return
    text = report.FORMATTERS[output_format](diagnostics, sources)
    if output_format in report.HUMAN_FORMATS:
        if text:
            click.echo(text, nl=False)
        if not quiet:
            if text and output_format != "concise":
                click.echo("")
            click.echo(report.summary(diagnostics), nl=False)
    else:
        click.echo(text, nl=False)


@main.command("rules")
@click.option("--output-format", type=click.Choice(("text", "json")), default="text")
def list_rules(output_format: str) -> None:
    """List every rule: code, name, default on/off, fix."""
    import json

    from claude_lint.registry import all_rules

    rules = all_rules()
    if output_format == "json":
        click.echo(json.dumps([
            {"code": r.code, "name": r.name, "summary": r.summary, "default": r.default, "fix": r.fix.value}
            for r in rules
        ], indent=2))
        return
    for r in rules:
        default = "default" if r.default else "opt-in "
        click.echo(f"{r.code}  {r.name:<34} {default}  fix: {r.fix.value:<3}  {r.summary}")


@main.command("rule")
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="Print every rule's documentation.")
def show_rule(code: str | None, show_all: bool) -> None:
    """Print a rule's documentation (the same text as docs/rules/CODE.md)."""
    from claude_lint.docs import rule_markdown
    from claude_lint.registry import all_rules, rules_by_code

    if show_all:
        click.echo("\n".join(rule_markdown(r) for r in all_rules()), nl=False)
        return
    if code is None:
        raise UsageFailure("give a rule code, e.g. `claude-lint rule CL101`, or --all")
    rule = rules_by_code().get(code.upper())
    if rule is None:
        raise UsageFailure(f"unknown rule code `{code}`; `claude-lint rules` lists them")
    click.echo(rule_markdown(rule), nl=False)


@main.command("generate-docs")
@click.argument("directory", type=click.Path(path_type=Path), default=Path("docs/rules"))
@click.option("--check", is_flag=True, help="Exit 1 if a page is missing or stale; write nothing.")
def generate_docs(directory: Path, check: bool) -> None:
    """Write docs/rules/CLxxx.md from each rule's docs."""
    from claude_lint.docs import stale_rule_docs, write_rule_docs

    if check:
        stale = stale_rule_docs(directory)
        for path in stale:
            click.echo(f"stale: {path}")
        sys.exit(EXIT_FINDINGS if stale else EXIT_CLEAN)
    for path in write_rule_docs(directory):
        click.echo(f"wrote {path}")


if __name__ == "__main__":
    main()
