"""The real command line, run as a user would, on real files."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

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
            pass
    """
)
CLEAN = textwrap.dedent(
    """\
    import anthropic

    client = anthropic.Anthropic()


    def ask(prompt):
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=100,
            messages=[{"role": "user", "content": prompt}],
        )
    """
)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_examples_give_the_expected_findings_and_exit_1(run_cli) -> None:
    done = run_cli("check", "examples", "--output-format", "json", cwd=ROOT)
    assert done.returncode == 1, done.stderr
    found = sorted(
        (Path(d["filename"]).name, d["location"]["row"], d["location"]["column"], d["code"])
        for d in json.loads(done.stdout)
    )
    assert found == [
        ("agent.py", 26, 9, "CL106"),
        ("llm.py", 21, 5, "CL102"),
        ("llm.py", 34, 22, "CL107"),
        ("retrying.py", 15, 1, "CL202"),
        ("retrying.py", 15, 1, "CL207"),
        ("retrying.py", 15, 1, "CL208"),
        ("retrying.py", 26, 5, "CL210"),
        ("retrying.py", 34, 9, "CL202"),
        ("retrying.py", 47, 5, "CL211"),
        ("tickets.py", 26, 5, "CL101"),
        ("tickets.py", 43, 16, "CL404"),
        ("tickets.py", 45, 9, "CL105"),
        ("tickets.py", 46, 5, "CL104"),
        ("tickets.py", 56, 9, "CL102"),
        ("tickets.py", 70, 5, "CL106"),
    ]


def test_clean_file_exits_0_with_nothing_to_report(run_cli, tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": CLEAN})
    done = run_cli("check", "app.py")
    assert (done.returncode, done.stdout.decode()) == (0, "All checks passed!\n")


def test_text_output_is_ruff_style(run_cli, tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": BAD})
    done = run_cli("check", "app.py", "--select", "CL101")
    assert done.returncode == 1
    assert done.stdout.decode() == textwrap.dedent(
        """\
        app.py:12:5: CL101 [-] Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error happened
           |
        10 |             messages=[{"role": "user", "content": prompt}],
        11 |         )
        12 |     except:
           |     ^^^^^^ CL101
        13 |         pass
           |
           = help: Replace with `except Exception:` (unsafe)

        Found 1 error.
        [-] 1 fixable with the `--fix --unsafe-fixes` options.
        """
    )


def test_syntax_error_is_reported_and_the_run_goes_on(run_cli, tmp_path: Path) -> None:
    _write(tmp_path, {"a_broken.py": "import anthropic\ndef f(:\n", "b_app.py": BAD})
    done = run_cli("check", ".", "--output-format", "concise", "-q")
    assert done.returncode == 1
    assert done.stdout.decode().splitlines() == [
        "a_broken.py:2:7: CL001 SyntaxError: invalid syntax",
        "b_app.py:12:5: CL101 [-] Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error happened",
        "b_app.py:12:5: CL102 `except:` swallows the Claude call's error: the handler only does `pass`; log it, re-raise it, or return a real fallback",
    ]


def test_json_output_has_ruffs_keys(run_cli, tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": BAD})
    done = run_cli("check", "app.py", "--select", "CL101", "--output-format", "json")
    [item] = json.loads(done.stdout)
    assert item == {
        "cell": None,
        "code": "CL101",
        "message": "Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error happened",
        "filename": str((tmp_path / "app.py").resolve()),
        "location": {"row": 12, "column": 5},
        "end_location": {"row": 12, "column": 11},
        "fix": {
            "applicability": "unsafe",
            "message": "Replace with `except Exception:`",
            "edits": [{"content": " Exception", "location": {"row": 12, "column": 11}, "end_location": {"row": 12, "column": 11}}],
        },
        "noqa_row": 12,
        "url": "https://github.com/claude-lint/claude-lint/blob/main/docs/rules/CL101.md",
    }


def test_stdin_with_filename(run_cli) -> None:
    done = run_cli("check", "-", "--stdin-filename", "src/app.py", "--output-format", "concise", "-q", stdin=BAD.encode())
    assert done.returncode == 1
    assert done.stdout.decode().splitlines()[0].startswith("src/app.py:12:5: CL101 ")


def test_no_subcommand_means_check(run_cli, tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": BAD})
    done = run_cli("app.py", "--select", "CL102", "--output-format", "concise", "-q")
    assert done.returncode == 1
    assert done.stdout.decode().startswith("app.py:12:5: CL102 ")


def test_select_ignore_and_exit_zero(run_cli, tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": BAD})
    assert run_cli("check", "app.py", "--ignore", "CL1").returncode == 0
    assert run_cli("check", "app.py", "--select", "CL105").returncode == 0
    done = run_cli("check", "app.py", "--exit-zero")
    assert done.returncode == 0 and b"Found 2 errors." in done.stdout


def test_statistics(run_cli, tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": BAD, "other.py": BAD})
    done = run_cli("check", ".", "--statistics")
    # check's fix marker (CL101's fix is unsafe: `[-]`), then check's summary, as ruff does.
    assert done.stdout.decode() == (
        "2\tCL101\t[-] bare-except\n"
        "2\tCL102\t    swallowed-api-error\n"
        "Found 4 errors.\n"
        "[-] 2 fixable with the `--fix --unsafe-fixes` options.\n"
    )
    assert " CL101 [-] " in run_cli("check", "app.py", "--output-format", "concise").stdout.decode()
    assert run_cli("check", ".", "--statistics", "--quiet").stdout.decode().splitlines()[-1].endswith("swallowed-api-error")
    done = run_cli("check", ".", "--statistics", "--output-format", "json")
    assert (done.returncode, json.loads(done.stdout)) == (1, [
        {"code": "CL101", "name": "bare-except", "count": 2, "fixable": False},
        {"code": "CL102", "name": "swallowed-api-error", "count": 2, "fixable": False},
    ])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "--select", "CL999"), "claude-lint: error: unknown rule selector `CL999`\n"),
        (
            ("check", "--output-format", "xml"),
            (
                "claude-lint: error: invalid value for '--output-format': 'xml' is not one of 'text', 'full', "
                "'concise', 'json', 'json-lines', 'sarif', 'github', 'gitlab', 'junit'; "
                "`claude-lint check --help` lists the options\n"
            ),
        ),
        # Unknown options: the same one-line form as every other usage error, exit 2.
        (
            ("check", "--bogus", "app.py"),
            (
                "claude-lint: error: no such option '--bogus' (did you mean '--jobs'?); "
                "`claude-lint check --help` lists the options\n"
            ),
        ),
        (
            ("--nope",),
            (
                "claude-lint: error: no such option '--nope' (did you mean one of: '--ignore', '--no-cache'?); "
                "`claude-lint check --help` lists the options\n"
            ),
        ),
        (("rules", "--fast"), "claude-lint: error: no such option '--fast'; `claude-lint rules --help` lists the options\n"),
        (("rule", "CL999"), "claude-lint: error: unknown rule code `CL999`; `claude-lint rules` lists them\n"),
    ],
)
def test_bad_options_exit_2_without_traceback(run_cli, args, message) -> None:
    done = run_cli(*args)
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr
    if message is not None:
        assert done.stderr.decode() == message


def test_bad_config_is_one_line_naming_the_key(run_cli, tmp_path: Path) -> None:
    _write(tmp_path, {"pyproject.toml": "[tool.claude-lint]\nselct = ['CL1']\n", "app.py": BAD})
    done = run_cli("check", "app.py")
    assert done.returncode == 2
    assert done.stderr.decode() == (
        f"claude-lint: error: {tmp_path / 'pyproject.toml'}: unknown key `selct` in [tool.claude-lint]\n"
    )


def test_config_select_per_file_ignores_and_exclude(run_cli, tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": textwrap.dedent(
                """\
                [tool.claude-lint]
                select = ["CL1"]
                ignore = ["CL102"]
                extend-exclude = ["generated"]
                per-file-ignores = { "tests/*" = ["CL101"] }
                """
            ),
            "src/app.py": BAD,
            "tests/test_app.py": BAD,
            "generated/client.py": BAD,
        },
    )
    done = run_cli("check", ".", "--output-format", "concise", "-q")
    assert done.stdout.decode().splitlines() == [
        "src/app.py:12:5: CL101 [-] Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error happened",
    ]
    # An explicitly named excluded file is linted unless --force-exclude.
    assert run_cli("check", "generated/client.py").returncode == 1
    assert run_cli("check", "--force-exclude", "generated/client.py").returncode == 0


def test_gitignore_is_respected(run_cli, tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    _write(tmp_path, {".gitignore": "ignored/\n", "ignored/app.py": BAD, "kept/app.py": BAD})
    done = run_cli("check", ".", "--output-format", "concise", "-q", "--select", "CL101")
    assert [line.split(":")[0] for line in done.stdout.decode().splitlines()] == ["kept/app.py"]


def test_missing_and_unreadable_files_become_cl002(run_cli, tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": CLEAN})
    (tmp_path / "bad.py").write_bytes(b"# -*- coding: ascii -*-\nimport anthropic\nx = '\xc3\xa9'\n")
    done = run_cli("check", "app.py", "missing.py", "bad.py", "--output-format", "concise", "-q")
    assert done.returncode == 1
    assert done.stdout.decode().splitlines() == [
        "bad.py:1:1: CL002 Cannot read file: cannot decode as ascii: ordinal not in range(128)",
        "missing.py:1:1: CL002 Cannot read file: No such file or directory",
    ]


def test_noqa_and_ignore_comments(run_cli, tmp_path: Path) -> None:
    code = BAD.replace("    except:\n", "    except:  # noqa: CL101\n")
    _write(tmp_path, {"app.py": code})
    done = run_cli("check", "app.py", "--output-format", "concise", "-q")
    assert [line.split(" ")[1] for line in done.stdout.decode().splitlines()] == ["CL102"]
    code = BAD.replace("    except:\n", "    # claude-lint: ignore[CL101, CL102]\n    except:\n")
    _write(tmp_path, {"app.py": code})
    assert run_cli("check", "app.py").returncode == 0


def test_rules_and_rule_commands(run_cli) -> None:
    listing = run_cli("rules").stdout.decode().splitlines()
    assert listing[0].startswith("CL001  syntax-error")
    assert any(line.startswith("CL101  bare-except") and "fix: U" in line for line in listing)
    # The fix column is explained under the table.
    assert listing[-2:] == [
        "",
        (
            "fix: S safe (`--fix` applies it); U unsafe (applied with `--fix --unsafe-fixes`); "
            "H rewrites the call onto the bundled retry helper (also `--unsafe-fixes`); U/H either; - none"
        ),
    ]
    page = run_cli("rule", "CL101").stdout.decode()
    assert page == (ROOT / "docs" / "rules" / "CL101.md").read_text(encoding="utf-8")


def test_version(run_cli) -> None:
    from claude_lint import __version__

    done = run_cli("--version")
    assert done.stdout.decode() == f"claude-lint {__version__}\n"


def test_no_parse_no_libcst(tmp_path: Path) -> None:
    """A run where no file passes the prefilter never imports libcst."""
    _write(tmp_path, {"a.py": "print('hello')\n", "b.py": "import os\n"})
    code = (
        "import sys\n"
        "from claude_lint.cli import main\n"
        "try:\n"
        "    main(['check', '.'])\n"
        "except SystemExit as e:\n"
        "    print(e.code, 'libcst' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert done.stdout.splitlines()[-1] == "0 False"


def test_a_broken_pyproject_that_is_not_ours_does_not_stop_the_run(run_cli, tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": BAD, "template/pyproject.toml": "[project.scripts]\n{{name}} = 'a:b'\n", "template/main.py": "print(1)\n"})
    done = run_cli("check", ".", "--select", "CL101", "--output-format", "concise", "-q")
    assert (done.returncode, done.stderr) == (1, b"")
    assert done.stdout.decode().startswith("app.py:12:5: CL101 ")
    # One that is meant for claude-lint is an error that names the file.
    _write(tmp_path, {"template/pyproject.toml": "[tool.claude-lint\nselect = ['CL1']\n"})
    broken = run_cli("check", ".")
    assert broken.returncode == 2
    assert broken.stderr.decode().startswith(f"claude-lint: error: {tmp_path / 'template' / 'pyproject.toml'}: not valid TOML")


def test_linting_pauses_the_garbage_collector_only_for_the_file() -> None:
    import gc

    from claude_lint.engine.lint import lint_code

    code = "import anthropic\nclient = anthropic.Anthropic()\ntry:\n    client.messages.create()\nexcept:\n    pass\n"
    assert gc.isenabled()
    assert "CL101" in [d.code for d in lint_code(code).diagnostics]
    assert gc.isenabled()
    gc.disable()
    try:
        lint_code(code)
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()
