"""Run `check --select ALL --fix --unsafe-fixes` over copies of directories and count what it did.

Usage: python tools/fix_check.py [--helper-module NAME] [--diff-out FILE] DIR [DIR ...]

Each DIR is copied to a temporary directory (the original is never touched),
fixed there, and compared with the original: files changed, edited hunks, files
that no longer parse or compile, fixing twice differing from once, and findings
the fixed code has that the original did not (per file and code, beyond the
count before). `--helper-module` writes a claude-lint.toml with that
`helper-module` at the copy's root, as a team that vendored the helper would
have; without it helper fixes are display-only and not written. `--diff-out`
saves every hunk, for reading.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox"}


def _not_needed(directory: str, names: list[str]) -> set[str]:
    """Copy only what linting reads: Python files, config files, .gitignore (data stays behind)."""
    keep = (".py", "pyproject.toml", "claude-lint.toml", ".gitignore")
    base = Path(directory)
    return {
        name for name in names
        if name in SKIP_DIRS or (not (base / name).is_dir() and not name.endswith(keep))
    }


def _python_files(root: Path) -> dict[str, str]:
    files = {}
    for path in root.rglob("*.py"):
        if any(part in SKIP_DIRS for part in path.relative_to(root).parts):
            continue
        try:
            files[str(path.relative_to(root))] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return files


def _findings(root: Path) -> Counter[tuple[str, str]]:
    run = subprocess.run(
        [sys.executable, "-m", "claude_lint", "check", "--select", "ALL", "--no-cache", "--output-format", "json", "--exit-zero", "."],
        check=False, cwd=root, capture_output=True, text=True, timeout=1800,
    )
    counts: Counter[tuple[str, str]] = Counter()
    for d in json.loads(run.stdout or "[]"):
        counts[(str(Path(d["filename"]).resolve().relative_to(root.resolve())), d["code"])] += 1
    return counts


def _fix(root: Path) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "claude_lint", "check", "--select", "ALL", "--no-cache", "--fix", "--unsafe-fixes", "--exit-zero", "-q", "."],
        check=False, cwd=root, capture_output=True, text=True, timeout=1800,
    )
    return run.stderr


def check(directory: Path, helper_module: str | None, diff_out: list[str]) -> dict[str, int]:
    with tempfile.TemporaryDirectory(prefix="fix_check_") as tmp:
        copy = Path(tmp) / directory.name
        shutil.copytree(directory, copy, symlinks=True, ignore=_not_needed)
        if helper_module:
            (copy / "claude-lint.toml").write_text(f'helper-module = "{helper_module}"\n', encoding="utf-8")
        original = _python_files(copy)
        before = _findings(copy)
        warnings = _fix(copy)
        fixed = _python_files(copy)
        after = _findings(copy)
        snapshot = dict(fixed)
        _fix(copy)
        twice = sum(1 for name, text in _python_files(copy).items() if snapshot.get(name) != text)
    counts = Counter(files=0, hunks=0, parse_failures=0, compile_failures=0, twice_differs=twice, new_findings=0)
    for name, text in fixed.items():
        old = original.get(name)
        if old is None or old == text:
            continue
        counts["files"] += 1
        diff = list(difflib.unified_diff(old.splitlines(keepends=True), text.splitlines(keepends=True), f"a/{name}", f"b/{name}"))
        counts["hunks"] += sum(1 for line in diff if line.startswith("@@"))
        diff_out.append(f"### {directory.name}/{name}\n" + "".join(diff))
        try:
            ast.parse(text)
        except SyntaxError:
            counts["parse_failures"] += 1
            continue
        try:
            compile(text, name, "exec")
        except (SyntaxError, ValueError):
            counts["compile_failures"] += 1
    for key, n in after.items():
        if n > before.get(key, 0):
            counts["new_findings"] += n - before.get(key, 0)
            diff_out.append(f"### new finding: {directory.name}/{key[0]} {key[1]} ({before.get(key, 0)} -> {n})\n")
    if warnings.strip():
        diff_out.append(f"### warnings {directory.name}\n{warnings}\n")
    return dict(counts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="+", type=Path)
    parser.add_argument("--helper-module", default=None)
    parser.add_argument("--diff-out", type=Path, default=None)
    args = parser.parse_args()
    total: Counter[str] = Counter()
    diff_out: list[str] = []
    for directory in args.directories:
        counts = check(directory, args.helper_module, diff_out)
        total.update(counts)
        print(f"{directory.name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print("total: " + ", ".join(f"{k} {v}" for k, v in total.items()))
    if args.diff_out is not None:
        args.diff_out.write_text("\n".join(diff_out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
