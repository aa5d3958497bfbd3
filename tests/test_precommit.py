"""The pre-commit hook manifest, checked by pre-commit itself, and the hook run end to end."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]

BAD = textwrap.dedent(
    """\
    import anthropic

    client = anthropic.Anthropic()


    def ask(prompt):
        try:
            return client.messages.create(
                model="claude-sonnet-4-6", max_tokens=100,
                messages=[{"role": "user", "content": prompt}],
            )
        except:
            raise
    """
)
CLEAN = BAD.replace("    except:\n", "    except anthropic.APIError:\n")


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_manifest_is_valid_for_pre_commit() -> None:
    done = subprocess.run(
        [*PRE_COMMIT, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_manifest_hooks() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    common = {
        "language": "python",
        "types_or": ["python", "pyi"],
        "require_serial": True,
        "minimum_pre_commit_version": "2.9.2",
    }
    assert hooks[0] == {
        "id": "claude-lint",
        "name": "claude-lint",
        "description": "Lint error handling around Claude API calls (Anthropic Python SDK).",
        "entry": "claude-lint check --force-exclude",
        **common,
    }
    # The fixing hook relies on these options of `check`.
    help_text = subprocess.run(
        [sys.executable, "-m", "claude_lint", "check", "--help"], capture_output=True, text=True, check=True
    ).stdout
    ids = [hook["id"] for hook in hooks]
    assert "--fix" in help_text and "--exit-non-zero-on-fix" in help_text
    assert ids == ["claude-lint", "claude-lint-fix"]
    assert hooks[1] == {
        "id": "claude-lint-fix",
        "name": "claude-lint (fix)",
        "description": "Apply claude-lint's safe fixes, then lint; fails when it changed a file.",
        "entry": "claude-lint check --fix --exit-non-zero-on-fix --force-exclude",
        **common,
    }


def _copy_of_this_repository(destination: Path) -> Path:
    """This work tree as it is now (tracked and new files, not ignored ones), committed in a new repo.

    `try-repo` on the real checkout would use its last commit plus changes to
    tracked files only; a copy makes the test see exactly what is on disk.
    """
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.is_file():
            continue  # deleted in the work tree
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    _git("init", "-q", cwd=destination)
    _git("add", "-A", cwd=destination)
    _git("commit", "-q", "-m", "hook repository", cwd=destination)
    return destination


@pytest.mark.slow
def test_pre_commit_try_repo_runs_the_hook(tmp_path: Path) -> None:
    hook_repo = _copy_of_this_repository(tmp_path / "hook-repo")
    project = tmp_path / "project"
    project.mkdir()
    _git("init", "-q", cwd=project)
    (project / "app.py").write_text(BAD, encoding="utf-8")
    (project / "notes.txt").write_text("except:\n", encoding="utf-8")  # not Python: not passed to the hook
    _git("add", "-A", cwd=project)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*PRE_COMMIT, "try-repo", str(hook_repo), "claude-lint", "--all-files", "--color", "never"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )

    done = try_repo()
    assert done.returncode == 1, done.stdout + done.stderr
    assert "claude-lint" in done.stdout and "Failed" in done.stdout
    assert "app.py:12:5: CL101 [-] Bare `except:` around a Claude call" in done.stdout
    assert "notes.txt" not in done.stdout

    (project / "app.py").write_text(CLEAN, encoding="utf-8")
    _git("add", "-A", cwd=project)
    done = try_repo()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout and "CL101" not in done.stdout
