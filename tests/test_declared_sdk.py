"""The SDK version a project declares, used when no SDK is installed where the linter runs."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_precommit import (  # tests/ is on sys.path (rootdir-relative import)
    PRE_COMMIT,
    _copy_of_this_repository,
    _git,
)

from claude_lint.sdk.declared import (
    DeclaredVersion,
    bracketing_snapshots,
    choose_snapshot,
    declared_in,
    find_declared_version,
    spec_allows,
)
from claude_lint.sdk.load import available_snapshots

SNAPSHOTS = ["0.40.0", "0.121.0", "0.125.0", "1.17.0", "2.14.0"]

# temperature= exists in 0.40 and 0.121 but not in 2.x; OverloadedError does not exist in 0.40.
APP = textwrap.dedent(
    """\
    import anthropic

    client = anthropic.Anthropic()


    def ask(prompt):
        try:
            return client.messages.create(
                model="claude-sonnet-4-6", max_tokens=100, temperature=0.2,
                messages=[{"role": "user", "content": prompt}],
            )
        except anthropic.OverloadedError:
            raise
    """
)


def test_bundled_snapshots_are_the_ones_these_tests_assume() -> None:
    assert available_snapshots() == SNAPSHOTS


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("requirements.txt", "requests\nanthropic==0.40.0  # pinned\n", DeclaredVersion("==0.40.0", "requirements.txt")),
        ("requirements-dev.txt", "anthropic[bedrock] >= 0.3, < 1 ; python_version > '3.8'\n", DeclaredVersion(">=0.3,<1", "requirements-dev.txt")),
        ("requirements.txt", "anthropic-bedrock==0.1\n", None),
        ("requirements.txt", "anthropic\n", DeclaredVersion("", "requirements.txt")),
        ("pyproject.toml", '[project]\ndependencies = ["anthropic~=0.41"]\n', DeclaredVersion("~=0.41", "pyproject.toml")),
        ("pyproject.toml", '[project.optional-dependencies]\nllm = ["anthropic (>=0.96.0)"]\n', DeclaredVersion(">=0.96.0", "pyproject.toml")),
        ("pyproject.toml", '[tool.poetry.dependencies]\nanthropic = "^0.40"\n', DeclaredVersion("^0.40", "pyproject.toml")),
        ("pyproject.toml", '[tool.poetry.dependencies]\nanthropic = {version = "0.121.0"}\n', DeclaredVersion("==0.121.0", "pyproject.toml")),
        ("setup.cfg", "[options]\ninstall_requires =\n    click\n    anthropic>=0.26.1\n", DeclaredVersion(">=0.26.1", "setup.cfg")),
        ("uv.lock", 'version = 1\n[[package]]\nname = "anthropic"\nversion = "0.39.0"\n', DeclaredVersion("==0.39.0", "uv.lock", locked=True)),
        ("poetry.lock", '[[package]]\nname = "anthropic"\nversion = "0.47.0"\n', DeclaredVersion("==0.47.0", "poetry.lock", locked=True)),
        ("Pipfile.lock", json.dumps({"default": {"anthropic": {"version": "==1.17.0"}}}), DeclaredVersion("==1.17.0", "Pipfile.lock", locked=True)),
        ("pyproject.toml", "not toml [", None),
    ],
)
def test_declarations_in_each_kind_of_file(tmp_path: Path, name: str, content: str, expected: DeclaredVersion | None) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    assert declared_in(tmp_path) == expected


def test_a_lock_file_wins_over_a_range_and_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    project = tmp_path / "repo"
    (project / ".git").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\ndependencies = ["anthropic>=0.3"]\n', encoding="utf-8")
    (project / "uv.lock").write_text('[[package]]\nname = "anthropic"\nversion = "0.121.0"\n', encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("anthropic==0.40.0\n", encoding="utf-8")
    (project / "src" / "app").mkdir(parents=True)
    assert find_declared_version(project / "src" / "app") == DeclaredVersion("==0.121.0", "uv.lock", locked=True)
    (project / "uv.lock").unlink()
    (project / "pyproject.toml").unlink()
    assert find_declared_version(project / "src" / "app") is None  # the parent of the repository is not searched


@pytest.mark.parametrize(
    ("spec", "snapshot", "description"),
    [
        ("==0.40.0", "0.40.0", "pinned in requirements.txt"),
        ("==0.39.0", "0.40.0", "pinned in requirements.txt"),
        ("==0.89.0", "0.121.0", "pinned in requirements.txt"),
        (">=0.3", "2.14.0", "the newest bundled release allowed by `anthropic>=0.3` in requirements.txt"),
        (">=0.3,<1", "0.125.0", "the newest bundled release allowed by `anthropic>=0.3,<1` in requirements.txt"),
        ("~=0.41", "0.125.0", "the newest bundled release allowed by `anthropic~=0.41` in requirements.txt"),
        ("~=1.0", "1.17.0", "the newest bundled release allowed by `anthropic~=1.0` in requirements.txt"),
        ("^0.40", "0.40.0", "the newest bundled release allowed by `anthropic^0.40` in requirements.txt"),
        ("==0.121.*", "0.121.0", "the newest bundled release allowed by `anthropic==0.121.*` in requirements.txt"),
        ("", None, "the newest bundled release allowed by `anthropic` in requirements.txt"),
    ],
)
def test_choosing_a_snapshot(spec: str, snapshot: str | None, description: str) -> None:
    declared = DeclaredVersion(spec, "requirements.txt")
    assert choose_snapshot(declared, SNAPSHOTS) == snapshot
    assert declared.describe() == description


def test_specifiers_and_brackets() -> None:
    assert spec_allows(">=0.3,!=2.14.0", "1.17.0") and not spec_allows(">=0.3,!=2.14.0", "2.14.0")
    assert spec_allows("<=1.17", "1.17.0") and not spec_allows(">1.17", "1.17.0")
    assert bracketing_snapshots("0.47.0", SNAPSHOTS) == ("0.40.0", "0.121.0")
    assert bracketing_snapshots("0.30.0", SNAPSHOTS) == ("0.40.0",)
    assert bracketing_snapshots("3.0.0", SNAPSHOTS) == ("2.14.0",)


def _site_without_anthropic(tmp: Path) -> Path:
    """A site directory linking every package of this interpreter except `anthropic`."""
    site_dir = tmp / "site-without-anthropic"
    site_dir.mkdir()
    for base in site.getsitepackages():
        for entry in sorted(Path(base).iterdir()):
            if not entry.name.lower().startswith("anthropic") and not (site_dir / entry.name).exists():
                (site_dir / entry.name).symlink_to(entry)
    return site_dir


def _lint_without_sdk(site_dir: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # -S: no site-packages but our links (whose .pth files make the editable install work).
    boot = (
        "import importlib.util, site, sys; site.addsitedir(sys.argv.pop(1)); "
        "assert importlib.util.find_spec('anthropic') is None; "
        "from claude_lint.cli import main; main()"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # -P: the project directory must not shadow the standard library (a `types.py` there).
    command = [sys.executable, "-S", "-P", "-c", boot, str(site_dir), "check", "--no-cache", "--output-format", "concise", *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=env, check=False, timeout=120)


@pytest.mark.slow
def test_cli_without_the_sdk_reads_the_projects_declared_version(tmp_path: Path) -> None:
    site_dir = _site_without_anthropic(tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(APP, encoding="utf-8")

    # Pinned to 0.40.0: temperature= is a parameter there, OverloadedError is not a class.
    (project / "requirements.txt").write_text("anthropic==0.40.0\n", encoding="utf-8")
    done = _lint_without_sdk(site_dir, project, "app.py")
    assert done.stderr == ""
    assert done.stdout.splitlines()[0] == (
        "app.py:12:22: CL107 `anthropic.OverloadedError` is not an exception class of anthropic 0.40.0 "
        "(pinned in requirements.txt): looking it up while matching an error raises AttributeError and "
        "masks the real error"
    )
    assert "CL305" not in done.stdout

    # A lock file at 2.14.0: OverloadedError exists, temperature= does not.
    (project / "requirements.txt").unlink()
    (project / "uv.lock").write_text('[[package]]\nname = "anthropic"\nversion = "2.14.0"\n', encoding="utf-8")
    done = _lint_without_sdk(site_dir, project, "app.py")
    assert done.stdout.splitlines()[0] == (
        "app.py:9:56: CL305 `temperature=` is not a parameter of `messages.create` in anthropic 2.14.0 "
        "(locked in uv.lock): the SDK raises TypeError before sending the request (anthropic 0.125.0 took it)"
    )
    assert "CL107" not in done.stdout

    # `sdk-version` still wins over what the project declares.
    (project / "pyproject.toml").write_text('[tool.claude-lint]\nsdk-version = "0.40.0"\n', encoding="utf-8")
    done = _lint_without_sdk(site_dir, project, "app.py")
    assert done.stdout.splitlines()[0].startswith(
        "app.py:12:22: CL107 `anthropic.OverloadedError` is not an exception class of anthropic 0.40.0: "
    )
    assert "CL305" not in done.stdout

    # Nothing declared: facts that differ between versions are unknown, so neither is reported.
    (project / "pyproject.toml").unlink()
    (project / "uv.lock").unlink()
    done = _lint_without_sdk(site_dir, project, "app.py")
    assert (done.returncode, done.stdout.splitlines()) == (0, ["All checks passed!"]), done.stdout + done.stderr


@pytest.mark.slow
def test_pre_commit_hook_uses_the_projects_pinned_sdk(tmp_path: Path) -> None:
    hook_repo = _copy_of_this_repository(tmp_path / "hook-repo")
    project = tmp_path / "project"
    project.mkdir()
    _git("init", "-q", cwd=project)
    (project / "app.py").write_text(APP, encoding="utf-8")
    (project / "requirements.txt").write_text("anthropic==0.40.0\n", encoding="utf-8")
    _git("add", "-A", cwd=project)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    done = subprocess.run(
        [*PRE_COMMIT, "try-repo", str(hook_repo), "claude-lint", "--all-files", "--color", "never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "app.py:12:22: CL107 `anthropic.OverloadedError` is not an exception class of anthropic 0.40.0 "
        "(pinned in requirements.txt)" in done.stdout
    )
    assert "CL305" not in done.stdout  # temperature= is a parameter of 0.40.0's messages.create
