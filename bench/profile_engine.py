"""Where the engine's time goes on dense files: parse, model, shared analyses, positions, each rule.

    python bench/profile_engine.py FILE_OR_DIR... [--files 20] [--json OUT]

Wraps the engine's stages with exclusive timers (a stage nested in another is
not counted twice: positions computed while a rule builds its fix count as
positions, not as that rule) and lints each file through the real
`lint_bytes`, so the figures add up to the engine's own time. Shared analyses
(`values_for`, `frames_for`, `retry_analysis`) are memoized per module; their
first caller pays for them, and here they get their own line instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

FAMILIES = {
    "CL0": "CL0xx (engine)",
    "CL1": "CL1xx exception handling",
    "CL2": "CL2xx retries",
    "CL3": "CL3xx requests",
    "CL4": "CL4xx responses",
    "CL5": "CL5xx clients",
}


class Timers:
    """Exclusive time per label: a nested timed call is subtracted from its caller."""

    def __init__(self) -> None:
        self.total: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[list[float]] = []  # per active frame: [nested time]

    def wrap(self, label: str | Callable[..., str], function: Callable[..., Any]) -> Callable[..., Any]:
        timers = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            name = label(*args, **kwargs) if callable(label) else label
            timers._stack.append([0.0])
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                nested = timers._stack.pop()[0]
                timers.total[name] += elapsed - nested
                timers.calls[name] += 1
                if timers._stack:
                    timers._stack[-1][0] += elapsed

        timed.__wrapped__ = function  # type: ignore[attr-defined]
        return timed


def _patch_everywhere(original: Any, replacement: Any) -> None:
    """Replace a function in every loaded claude_lint module that imported it by name."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("claude_lint") or module is None:
            continue
        for attribute, value in list(vars(module).items()):
            if value is original:
                setattr(module, attribute, replacement)


def instrument(timers: Timers) -> None:
    import libcst

    import claude_lint.analysis.model
    import claude_lint.analysis.positions
    import claude_lint.analysis.responses
    import claude_lint.analysis.retries
    import claude_lint.analysis.values
    import claude_lint.engine.suppress
    from claude_lint.engine.registry import all_rules

    for rule in all_rules():  # imports every rule module first, so their imports get patched
        rule.check = timers.wrap(f"rule {rule.code}", rule.check)  # type: ignore[method-assign]
    libcst.parse_module = timers.wrap("parse (libcst)", libcst.parse_module)
    for module, function, label in [
        (claude_lint.analysis.model, "build_model", "module model"),
        (claude_lint.analysis.positions, "offset_ranges", "positions"),
        (claude_lint.analysis.values, "values_for", "shared: values"),
        (claude_lint.analysis.responses, "frames_for", "shared: response frames"),
        (claude_lint.analysis.retries, "retry_analysis", "shared: retry analysis"),
        (claude_lint.engine.suppress, "find_suppressions", "suppressions"),
    ]:
        original = getattr(module, function)
        _patch_everywhere(original, timers.wrap(label, original))


def profile(paths: list[Path], limit: int) -> dict[str, Any]:
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_bytes

    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    files = files[:limit]
    settings = Settings()
    lint_bytes("warmup.py", b"import anthropic\nanthropic.Anthropic().messages.create()\n", settings)
    timers = Timers()
    instrument(timers)
    lines = 0
    diagnostics = 0
    start = time.perf_counter()
    engine_timed = timers.wrap("engine (other)", lint_bytes)
    for file in files:
        data = file.read_bytes()
        lines += data.count(b"\n")
        diagnostics += len(engine_timed(str(file), data, settings).diagnostics)
    wall = time.perf_counter() - start
    stages = dict(sorted(timers.total.items(), key=lambda kv: -kv[1]))
    families: dict[str, float] = defaultdict(float)
    for label, seconds in stages.items():
        if label.startswith("rule "):
            families[FAMILIES.get(label[5:8], label[5:8])] += seconds
    return {
        "files": len(files),
        "lines": lines,
        "diagnostics": diagnostics,
        "seconds": wall,
        "lines_per_second": lines / wall if wall else 0.0,
        "stages": stages,
        "rule_families": dict(sorted(families.items(), key=lambda kv: -kv[1])),
    }


def report(result: dict[str, Any]) -> str:
    wall = result["seconds"]
    out = [
        (
            f"{result['files']} files, {result['lines']} lines, {result['diagnostics']} diagnostics: "
            f"{wall:.2f} s in one process, {result['lines_per_second']:,.0f} lines/s"
        ),
        "",
        f"{'stage':<34}{'ms/1k lines':>12}{'share':>8}",
    ]
    per_kline = 1000 / max(result["lines"], 1)
    for label, seconds in result["stages"].items():
        out.append(f"{label:<34}{seconds * 1000 * per_kline:>12.1f}{seconds / wall:>8.1%}")
    out += ["", f"{'rule family (own time)':<34}{'ms/1k lines':>12}{'share':>8}"]
    for label, seconds in result["rule_families"].items():
        out.append(f"{label:<34}{seconds * 1000 * per_kline:>12.1f}{seconds / wall:>8.1%}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--files", type=int, default=20, help="lint at most this many files")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    result = profile(args.paths, args.files)
    print(report(result))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
