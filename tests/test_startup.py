"""Lazy start: what a command imports, checked in a fresh interpreter.

`--version`, `rules` and a run in which no file passes the prefilter must not
import libcst or any rule module: that is what keeps pre-commit on files that
never mention the SDK, and a sparse repository, cheap.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs the CLI in-process, then prints the heavy modules it loaded (as JSON on the last line).
PROBE = """
import json, sys
from claude_lint.cli import main
try:
    main(sys.argv[1:])
except SystemExit as e:
    code = e.code
heavy = sorted(
    name for name in sys.modules
    if name == "libcst" or name.startswith(("libcst.", "claude_lint.rules", "claude_lint.analysis.model", "claude_lint.lint.context"))
)
print(json.dumps({"exit": code, "heavy": heavy}))
"""


def probe(*args: str, cwd: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_version_imports_neither_libcst_nor_rules(tmp_path: Path) -> None:
    assert probe("--version", cwd=tmp_path) == {"exit": 0, "heavy": []}


def test_rules_listing_reads_the_index_only(tmp_path: Path) -> None:
    assert probe("rules", cwd=tmp_path) == {"exit": 0, "heavy": []}


def test_rules_listing_matches_the_rule_classes(tmp_path: Path, run_cli) -> None:
    from claude_lint.engine.registry import all_rules

    listed = json.loads(run_cli("rules", "--output-format", "json").stdout)
    assert listed == [
        {"code": r.code, "name": r.name, "summary": r.summary, "default": r.default, "fix": r.fix.value}
        for r in all_rules()
    ]


def test_rule_docs_still_import_the_rule(tmp_path: Path) -> None:
    result = probe("rule", "CL101", cwd=tmp_path)
    assert result["exit"] == 0
    assert "claude_lint.rules.cl101_bare_except" in result["heavy"]


@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["cache", "no-cache"])
def test_run_without_sdk_use_imports_neither_libcst_nor_rules(tmp_path: Path, cache: list[str]) -> None:
    (tmp_path / "plain.py").write_text("import json\n\ntry:\n    x = 1\nexcept:\n    pass\n", encoding="utf-8")
    (tmp_path / "other.py").write_text("def f():\n    return 2\n", encoding="utf-8")
    assert probe("check", "-q", *cache, ".", cwd=tmp_path) == {"exit": 0, "heavy": []}
    # Nothing passed the prefilter, so nothing was cached either.
    assert not (tmp_path / ".claude_lint_cache").exists()


def test_run_with_sdk_use_does_import_them(tmp_path: Path) -> None:
    # The control: the probe sees imports when a file does get parsed.
    (tmp_path / "app.py").write_text(
        "import anthropic\n\ntry:\n    anthropic.Anthropic().messages.create()\nexcept:\n    pass\n",
        encoding="utf-8",
    )
    result = probe("check", "-q", "--no-cache", "-j", "1", ".", cwd=tmp_path)
    assert result["exit"] == 1
    assert "libcst" in result["heavy"]
    assert "claude_lint.rules.cl101_bare_except" in result["heavy"]


def test_every_trigger_contains_an_anchor() -> None:
    from claude_lint.engine.prefilter import ANCHORS, TRIGGERS

    assert all(any(anchor in trigger for anchor in ANCHORS) for trigger in TRIGGERS)


@pytest.mark.parametrize(
    ("data", "extra", "expected"),
    [
        (b"import anthropic\n", (), True),
        (b"client.messages.create(model=m)\n", (), True),
        (b"client.messages.count_tokens(x)\n", (), True),
        (b"legacy.completions.create(prompt=p)\n", (), True),
        (b"mailbox.messages.append(m)\n", (), False),  # an anchor, but no trigger
        (b"def add(a, b):\n    return a + b\n", (), False),
        (b"client = make_llm()\n", ("myapp.llm.make_llm",), True),
        (b"client = other()\n", ("myapp.llm.make_llm",), False),
        # Project names are whole names: not part of a longer one.
        (b"if __name__ == '__main__':\n    run()\n", ("app.cli.main",), False),
        (b"from app.cli import main\nmain()\n", ("app.cli.main",), True),
        (b"import multiprocessing\n", ("app.jobs.process",), False),
        (b"pool.process(x)\n", ("app.jobs.process",), True),
        (b"x = make_llm_v2()\n", ("myapp.llm.make_llm",), False),
        (b"x = make_llm\n", ("myapp.llm.make_llm",), True),
    ],
)
def test_prefilter(data: bytes, extra: tuple[str, ...], expected: bool) -> None:
    from claude_lint.engine.prefilter import needs_parsing, triggers_for

    assert needs_parsing(data, triggers_for(extra)) is expected
