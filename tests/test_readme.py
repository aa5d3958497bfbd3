"""What README tells a new user runs as written: the sample output, the CI examples, the pre-commit hooks."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
REPOSITORY = "https://github.com/claude-lint/claude-lint"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.DOTALL)


def _claude_lint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_lint", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_sample_output_is_what_the_command_prints_today() -> None:
    intro = README.index("The first prints 15 findings and exits 1")
    sample = re.search(r"```\n(.*?)```", README[intro:], re.DOTALL)
    assert sample is not None
    done = _claude_lint("check", "--no-cache", "examples/", cwd=ROOT)
    assert done.returncode == 1
    assert sample.group(1) in done.stdout
    assert "Found 15 errors." in done.stdout


def test_license_file_is_the_mit_license_pyproject_names() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 claude-lint authors\n")
    assert 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def _ci_examples() -> list[tuple[dict[str, str], list[str]]]:
    """(variables, shell commands) of each CI example in README (GitHub workflows and GitLab jobs)."""
    examples = []
    for block in _blocks("yaml"):
        document = yaml.safe_load(block)
        if "jobs" in document:  # GitHub Actions
            variables = dict(document.get("env", {}))
            commands = [step["run"] for job in document["jobs"].values() for step in job["steps"] if "run" in step]
            examples.append((variables, commands))
        elif "claude-lint" in document and "script" in document["claude-lint"]:  # GitLab
            job = document["claude-lint"]
            examples.append((dict(job.get("variables", {})), list(job["script"])))
    return examples


def test_every_ci_example_installs_from_the_repository_pinned() -> None:
    examples = _ci_examples()
    assert len(examples) == 3
    for variables, commands in examples:
        installs = [c for c in commands if c.startswith("pip install")]
        assert len(installs) == 1 and "CLAUDE_LINT_REF" in variables
        # The requirement, with the variable as the shell expands it, is a pinned direct reference.
        spec = installs[0].removeprefix("pip install ").strip('"').replace("${CLAUDE_LINT_REF}", variables["CLAUDE_LINT_REF"])
        requirement = Requirement(spec)
        assert requirement.name == "claude-lint"
        assert requirement.url == f"git+{REPOSITORY}@{variables['CLAUDE_LINT_REF']}"


def test_every_ci_example_command_runs_as_written(tmp_path: Path) -> None:
    """Each `claude-lint` command of the examples, through a shell, on a copy of the example app."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "examples", project)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    ran = 0
    for _, commands in _ci_examples():
        for command in commands:
            if not command.startswith("claude-lint"):
                continue
            done = subprocess.run(command, shell=True, cwd=project, env=env, capture_output=True, text=True, check=False)
            expected = 0 if "--exit-zero" in command else 1  # the example app has findings
            assert (command, done.returncode, done.stderr) == (command, expected, "")
            ran += 1
    assert ran == 4
    assert (project / "claude-lint.sarif").stat().st_size > 0
    assert (project / "gl-code-quality-report.json").read_text(encoding="utf-8").startswith("[")


def test_pre_commit_snippet_names_the_manifest_hooks() -> None:
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    section = README[README.index("## pre-commit\n") : README.index("## Editors\n")]
    [snippet] = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    [repo] = yaml.safe_load(snippet)["repos"]
    assert repo["repo"] == REPOSITORY
    assert "pin a commit SHA (or a tag) you choose" in snippet
    # Both hooks are documented with the entry they run.
    for hook in manifest:
        assert f"| `{hook['id']}` | `{hook['entry']}` |" in section
    assert [h["id"] for h in manifest] == ["claude-lint", "claude-lint-fix"]
    assert [h["id"] for h in repo["hooks"]] == ["claude-lint"] and "# - id: claude-lint-fix" in snippet
