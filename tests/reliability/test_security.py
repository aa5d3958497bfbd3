"""Security: nothing under analysis is imported or run; API keys never reach any output or the cache;
configuration cannot make the tool run code."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import GOOD

from claude_lint.cli import main

FORMATS = ["text", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit"]


def _booby_trapped(tmp_path: Path) -> tuple[Path, Path]:
    """A tree whose every Python file writes a marker when imported or run (and passes the prefilter)."""
    marker = tmp_path / "MARKER"
    trap = textwrap.dedent(
        f"""\
        import anthropic
        open({str(marker)!r}, "a").write(__name__ + "\\n")
        __import__("os").system("touch {marker}-system")
        """
    )
    project = tmp_path / "project"
    (project / "pkg" / "sub").mkdir(parents=True)
    for name in ("conftest.py", "setup.py", "sitecustomize.py", "usercustomize.py", "__main__.py", "noxfile.py",
                 "pkg/__init__.py", "pkg/sub/__init__.py", "pkg/evil.py", "pkg/sub/__main__.py", "pkg/evil.pyi"):
        (project / name).write_text(trap + GOOD.replace("import anthropic\n", ""), encoding="utf-8")
    (project / "app.py").write_text("from pkg import evil\nimport setup\n" + GOOD, encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.claude-lint]\nhelper-module = "pkg.evil"\nclient-factories = ["pkg.evil.make_client", "setup.client"]\n',
        encoding="utf-8",
    )
    (project / "project.pth").write_text(f"import os; os.system('touch {marker}-pth')\n", encoding="utf-8")
    return project, marker


@pytest.mark.parametrize(
    "args",
    [
        ["check", "."],
        ["check", "--fix", "--unsafe-fixes", "."],
        ["check", "--add-noqa", "."],
        ["check", "--output-format", "sarif", "--statistics", "."],
        ["check", "--stdin-filename", "pkg/evil.py", "-"],
    ],
    ids=["check", "fix", "add-noqa", "sarif", "stdin"],
)
def test_nothing_under_analysis_is_imported_or_run(tmp_path: Path, run_cli, args: list[str]) -> None:
    project, _ = _booby_trapped(tmp_path)
    stdin = (project / "pkg" / "evil.py").read_bytes() if "-" in args else None
    done = run_cli(*args, cwd=project, stdin=stdin)
    assert done.returncode in (0, 1), done.stderr
    assert b"Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("MARKER")) == []


def test_nothing_under_analysis_enters_sys_modules(tmp_path: Path, lint_tree, monkeypatch: pytest.MonkeyPatch) -> None:
    project, marker = _booby_trapped(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.syspath_prepend(str(project))
    before = set(sys.modules)
    outcome = lint_tree(".", fix=True, unsafe_fixes=True)
    assert outcome.errors == []
    assert len(outcome.checked) == 12
    new = set(sys.modules) - before
    assert not {"pkg", "pkg.evil", "setup", "conftest", "sitecustomize", "noxfile", "app"} & new
    assert not marker.exists()


def test_helper_module_and_client_factories_are_only_names(tmp_path: Path, run_cli) -> None:
    """The helper fix writes `from pkg.evil import create_message` into the code; nothing imports it."""
    project, marker = _booby_trapped(tmp_path)
    (project / "uses_helper.py").write_text(
        textwrap.dedent(
            """\
            import anthropic

            client = anthropic.Anthropic(max_retries=0)


            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": prompt}])
            """
        ),
        encoding="utf-8",
    )
    done = run_cli("check", "--fix", "--unsafe-fixes", "--select", "CL201", "uses_helper.py", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "from pkg.evil import create_message" in (project / "uses_helper.py").read_text(encoding="utf-8")
    assert not marker.exists()


# ---------------------------------------------------------------- API keys

KEY = "sk-ant-api03-Qw3rTy8UiOp2AsDf6GhJk1LzXc9VbNm4-Ab5Cd7Ef9Gh1Ij3Kl5Mn7Op9Qr1St3Uv5Wx7Yz9AaBbCcDdEe-FfGg"
OTHER_KEY = "zk-live-77a1f0c9e2b84d55"  # CL501 reports it as `api_key=`; not of Anthropic's form
KEYED = textwrap.dedent(
    f"""\
    import os
    import anthropic

    KEY = "{KEY}"
    client = anthropic.Anthropic(api_key="{KEY}")
    other = anthropic.Anthropic(api_key="{OTHER_KEY}")
    os.environ["ANTHROPIC_API_KEY"] = "{KEY}"
    retryless = anthropic.Anthropic(max_retries=0)


    def ask(prompt):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[{{"role": "user", "content": "{KEY}"}}])
        except:
            pass


    def summarise(text):
        return retryless.messages.create(model="claude-sonnet-4-6", max_tokens=100, system="key {KEY}", messages=[{{"role": "user", "content": text}}])
    """
)
SECRETS = (KEY, KEY[20:60], OTHER_KEY, OTHER_KEY[8:])


def _keyed_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app.py").write_text(KEYED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"a key leaks through {where}"


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe-fixes"])
def test_api_keys_never_appear_in_any_output_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str, unsafe: bool) -> None:
    _keyed_project(tmp_path, monkeypatch)
    args = ["check", "--no-cache", "-j", "1", "--output-format", output_format, "--extend-select", "ALL"]
    result = CliRunner().invoke(main, args + (["--unsafe-fixes"] if unsafe else []) + ["app.py"])
    assert result.exit_code == 1, result.output
    assert "CL501" in result.stdout
    _assert_no_secret(result.stdout, output_format)
    _assert_no_secret(result.stderr, "stderr")


def test_excerpts_mask_keys_and_keep_carets_aligned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _keyed_project(tmp_path, monkeypatch)
    result = CliRunner().invoke(main, ["check", "--no-cache", "-j", "1", "--select", "CL501", "app.py"])
    masked = "sk-ant-" + "*" * (len(KEY) - 7)
    lines = result.stdout.splitlines()
    other = f'other = anthropic.Anthropic(api_key="{OTHER_KEY[:7]}{"*" * (len(OTHER_KEY) - 7)}")'
    assert lines[:9] == [
        (
            "app.py:5:38: CL501 [-] An API key (`sk-ant-...`) is written in the code as `api_key=`: anyone who can "
            "read the code can use it. Read it from the environment (`ANTHROPIC_API_KEY`), and revoke this one"
        ),
        "  |",
        "3 |",
        f'4 | KEY = "{masked}"',  # not reported (no client uses it), masked all the same
        f'5 | client = anthropic.Anthropic(api_key="{masked}")',
        "  |                                      " + "^" * (len(KEY) + 2) + " CL501",
        f"6 | {other}",  # reported by CL501: masked after its first 7 characters
        f'7 | os.environ["ANTHROPIC_API_KEY"] = "{masked}"',
        "  |",
    ]


def test_a_warm_run_masks_the_reported_key_as_the_cold_run_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Which ranges are secrets travels with each diagnostic (`Diagnostic.secret`), through the cache too.
    _keyed_project(tmp_path, monkeypatch)
    args = ["check", "-j", "1", "--select", "CL501", "app.py"]
    cold = CliRunner().invoke(main, args)
    warm = CliRunner().invoke(main, args)
    assert (tmp_path / ".claude_lint_cache").is_dir()
    assert warm.stdout == cold.stdout
    assert f'6 | other = anthropic.Anthropic(api_key="{OTHER_KEY[:7]}{"*" * (len(OTHER_KEY) - 7)}")' in warm.stdout.splitlines()


def test_json_leaves_out_a_fix_whose_new_text_carries_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _keyed_project(tmp_path, monkeypatch)
    result = CliRunner().invoke(main, ["check", "--no-cache", "-j", "1", "--output-format", "json", "--select", "CL201", "app.py"])
    [finding] = json.loads(result.stdout)
    assert (finding["code"], finding["location"]["row"], finding["fix"]) == ("CL201", 19, None)


def test_api_keys_never_appear_in_a_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _keyed_project(tmp_path, monkeypatch)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--extend-select", "ALL", "--write-baseline", "baseline.json", "app.py"])
    assert result.exit_code == 0, result.output
    baseline = (tmp_path / "baseline.json").read_text(encoding="utf-8")
    assert '"code": "CL501"' in baseline
    _assert_no_secret(baseline, "the baseline")
    _assert_no_secret(result.output, "the output")


def _cache_text(root: Path) -> str:
    cache = root / ".claude_lint_cache"
    assert cache.is_dir()
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in cache.rglob("*") if p.is_file())


def test_api_keys_reported_by_cl501_never_appear_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app.py").write_text(KEYED.split("\n\n\ndef summarise")[0] + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["check", "-j", "1", "--extend-select", "ALL", "app.py"])
    text = _cache_text(tmp_path)
    assert "CL501" in text
    _assert_no_secret(text, "the cache")


def test_api_keys_in_rewritten_calls_never_appear_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _keyed_project(tmp_path, monkeypatch)
    CliRunner().invoke(main, ["check", "-j", "1", "--extend-select", "ALL", "app.py"])
    _assert_no_secret(_cache_text(tmp_path), "the cache")


def test_sdk_knowledge_cache_holds_no_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user-level cache (`~/.cache/claude-lint`) is SDK knowledge only."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    _keyed_project(tmp_path, monkeypatch)
    from claude_lint.sdk import load

    load.reset_memo()
    CliRunner().invoke(main, ["check", "--no-cache", "-j", "1", "app.py"])
    load.reset_memo()
    for path in home.rglob("*"):
        if path.is_file():
            _assert_no_secret(path.read_text(encoding="utf-8", errors="replace"), str(path))


SDK_TYPE_ERROR = (
    "`sk-ant-...=` is not a parameter of `messages.create` in anthropic 2.14.0: the SDK raises TypeError "
    "before sending the request"
)
BAD_ROLE = (
    "`messages` has a message with role `sk-ant-...`: the API accepts only `user` and `assistant` "
    "and answers 400 invalid_request_error"
)


@pytest.mark.parametrize("output_format", FORMATS)
def test_keys_quoted_in_rule_messages_are_masked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str) -> None:
    """Rules quote what they report: a key pasted as a model name, a role or a keyword would come out whole."""
    source = GOOD.replace('model="claude-sonnet-4-6"', f'model="claude-{KEY}"').replace('"role": "user"', f'"role": "{KEY}"')
    source = source.replace("max_tokens=100,", f'max_tokens=100, **{{"{KEY}": 1}},')
    (tmp_path / "app.py").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = ["check", "--no-cache", "-j", "1", "--output-format", output_format, "--extend-select", "ALL", "app.py"]
    result = CliRunner().invoke(main, args)
    for code in ("CL304", "CL305"):
        assert code in result.stdout
    _assert_no_secret(result.stdout, output_format)
    if output_format == "concise":
        assert [line.split(" ", 2)[1:] for line in result.stdout.splitlines() if " CL304 " in line or " CL305 " in line] == [
            ["CL304", "`claude-sk-ant-...` is not a Claude model id: the API answers 404 for it."],
            ["CL305", SDK_TYPE_ERROR],
            ["CL305", BAD_ROLE],
        ]


def test_config_keys_are_data_and_nothing_imports_by_name(tmp_path: Path) -> None:
    """Every key the configuration accepts is data, and the only dynamic imports in the package
    load its own rule and formatter modules: no setting names code that gets imported or run."""
    import ast

    from claude_lint.config.settings import _KEYS

    assert sorted(_KEYS) == [
        "cache-dir", "client-factories", "exclude", "extend-exclude", "extend-select", "force-exclude",
        "helper-module", "ignore", "max-attempts", "min-attempts", "per-file-ignores", "respect-gitignore",
        "sdk-version", "select",
    ]
    root = Path(__file__).resolve().parents[2]
    # Calls in the code itself (rule docs and cases quote `eval(...)` in strings: not calls).
    dynamic_calls = {"import_module", "__import__", "exec", "eval", "exec_module", "spec_from_file_location", "run_module", "run_path"}
    found = []
    for path in [*(root / "claude_lint").rglob("*.py"), *(root / "rules").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [alias.name for alias in node.names] + [getattr(node, "module", None) or ""]
                if any(name.split(".")[0] in ("runpy", "pickle") for name in names):
                    found.append((path.relative_to(root).as_posix(), lines[node.lineno - 1].strip()))
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in dynamic_calls or (name in ("load", "loads") and "pickle" in ast.unparse(func)):
                found.append((path.relative_to(root).as_posix(), lines[node.lineno - 1].strip()))
    found.sort()
    assert found == [
        ("claude_lint/engine/registry.py", 'module = importlib.import_module(f"{package.__name__}.{info.name}")'),
        ("claude_lint/output/format_names.py", 'formats = importlib.import_module("claude_lint.output.ci_formats")'),
    ]
