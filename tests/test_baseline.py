"""Legacy adoption: --write-baseline / --baseline, and --add-noqa, on real files."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from claude_lint.app.noqa import add_noqa_directives
from claude_lint.cli import main
from claude_lint.core.atomic import write_bytes_atomically

M101 = "Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error happened"
M102 = "`except:` swallows the Claude call's error: the handler only does `pass`; log it, re-raise it, or return a real fallback"
M105 = "`raise TicketError(...)` in a handler of a Claude call drops the API error: add `from e` to keep it as the cause"

HEADER = "import anthropic\n\nclient = anthropic.Anthropic()\n\n\nclass TicketError(Exception):\n    pass\n"
CALL = 'client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": text}])'


def swallowing(name: str) -> str:
    """A function whose handler swallows the error (CL101 and CL102 on `except:`)."""
    return f"\n\ndef {name}(text):\n    try:\n        return {CALL}\n    except:\n        pass\n"


# Two identical swallowing handlers (same code, same line text): the baseline counts them.
LEGACY = HEADER + swallowing("ask") + swallowing("ask_again")
NEW_FUNCTION = (
    f"\n\ndef classify(text):\n    try:\n        return {CALL}\n"
    "    except anthropic.APIError as e:\n        raise TicketError(str(e))\n"
)


def _fingerprint(line: str) -> str:
    return hashlib.sha256(" ".join(line.split()).encode()).hexdigest()[:16]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(LEGACY, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(*args: str) -> tuple[int, str, str]:
    """`claude-lint` in-process, with the CL1 rules only (rules added later must not change these tests)."""
    if args[:1] == ("check",):
        args = (*args, "--select", "CL1")
    done = CliRunner().invoke(main, list(args))
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.exit_code, done.stdout, done.stderr


def concise(*args: str) -> tuple[int, list[str]]:
    code, out, _ = cli("check", "src", "--output-format", "concise", "-q", *args)
    return code, out.splitlines()


def test_write_baseline_then_only_new_findings_are_reported(project: Path) -> None:
    assert cli("check", "src", "--write-baseline", "baseline.json") == (
        0, "", "Wrote 4 findings in 1 file to baseline.json.\n"
    )
    assert json.loads((project / "baseline.json").read_text(encoding="utf-8")) == {
        "claude-lint-baseline": 1,
        "findings": {
            "src/app.py": sorted(
                [
                    {"code": "CL101", "fingerprint": _fingerprint("except:"), "count": 2},
                    {"code": "CL102", "fingerprint": _fingerprint("except:"), "count": 2},
                ],
                key=lambda entry: (entry["code"], entry["fingerprint"]),
            )
        },
    }
    assert concise("--baseline", "baseline.json") == (0, [])

    # A new finding, and lines inserted above the old ones: only the new one is reported.
    app = project / "src" / "app.py"
    app.write_text('"""Tickets."""\n\nimport logging\n\n' + LEGACY + NEW_FUNCTION, encoding="utf-8")
    assert concise("--baseline", "baseline.json") == (1, [f"src/app.py:32:9: CL105 [*] {M105}"])
    code, out, _ = cli("check", "src", "--baseline", "baseline.json")
    assert code == 1 and out.endswith("Found 1 error.\n[*] 1 fixable with the `--fix` option.\n4 more accepted by the baseline.\n")

    # A third identical handler is one more than the baseline's count of two.
    app.write_text(LEGACY + swallowing("ask_once_more"), encoding="utf-8")
    assert concise("--baseline", "baseline.json") == (1, [f"src/app.py:27:5: CL101 [-] {M101}", f"src/app.py:27:5: CL102 {M102}"])


def test_rewriting_drops_findings_that_disappeared(project: Path) -> None:
    cli("check", "src", "--write-baseline", "baseline.json")
    app = project / "src" / "app.py"
    app.write_text(LEGACY.replace("    except:\n        pass\n", "    except Exception:\n        raise\n", 1), encoding="utf-8")
    assert cli("check", "src", "--baseline", "baseline.json", "--write-baseline", "baseline.json")[0] == 0
    entries = json.loads((project / "baseline.json").read_text(encoding="utf-8"))["findings"]["src/app.py"]
    assert [(e["code"], e["count"]) for e in entries] == [("CL101", 1), ("CL102", 1)]
    # The removed handler's slot is gone: bringing it back is a new finding (identical
    # lines are matched in order, so the later one is the one reported).
    app.write_text(LEGACY, encoding="utf-8")
    assert concise("--baseline", "baseline.json") == (1, [f"src/app.py:20:5: CL101 [-] {M101}", f"src/app.py:20:5: CL102 {M102}"])


def test_baseline_keys_are_repository_relative_from_any_directory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("check", "src", "--write-baseline", "baseline.json")
    monkeypatch.chdir(project / "src")
    assert cli("check", ".", "--baseline", "../baseline.json", "-q") == (0, "", "")
    assert cli("check", ".", "--write-baseline", "../baseline2.json", "-q") == (0, "", "")
    assert (project / "baseline2.json").read_text(encoding="utf-8") == (project / "baseline.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read baseline {path}: No such file or directory"),
        ("{not json", "baseline {path} is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ('{"findings": {}}', "baseline {path} is not a claude-lint baseline (version 1); write one with --write-baseline"),
        ('{"claude-lint-baseline": 1, "findings": []}', "baseline {path}: `findings` must be an object of path: [entries]"),
        (
            '{"claude-lint-baseline": 1, "findings": {"a.py": [{"code": "CL101", "count": 0, "fingerprint": "x"}]}}',
            'baseline {path}: bad entry for `a.py`: {{"code": "CL101", "count": 0, "fingerprint": "x"}} (want code, fingerprint and a positive count)',
        ),
    ],
)
def test_bad_baseline_is_one_line_and_exit_2(project: Path, content: str | None, message: str) -> None:
    path = project / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert cli("check", "src", "--baseline", str(path)) == (2, "", f"claude-lint: error: {message.format(path=path)}\n")


def test_baseline_that_is_a_directory_or_unwritable(project: Path) -> None:
    assert cli("check", "src", "--baseline", "src") == (2, "", "claude-lint: error: cannot read baseline src: Is a directory\n")
    assert cli("check", "src", "--write-baseline", "missing/b.json") == (
        2, "", "claude-lint: error: cannot write baseline missing/b.json: No such file or directory\n"
    )


# ---------------------------------------------------------------- --add-noqa


def test_add_noqa_then_clean_and_idempotent(project: Path) -> None:
    app = project / "src" / "app.py"
    app.write_text(LEGACY.replace("    except:\n", "    except:  # noqa: E722\n", 1) + NEW_FUNCTION, encoding="utf-8")
    app.chmod(0o640)
    assert cli("check", "src", "--add-noqa") == (0, "", "Added 3 noqa directives.\n")
    assert app.read_text(encoding="utf-8") == (
        LEGACY.replace("    except:\n", "    except:  # noqa: E722, CL101, CL102\n", 1).replace(
            "    except:\n", "    except:  # noqa: CL101, CL102\n"
        )
        + NEW_FUNCTION.replace("raise TicketError(str(e))", "raise TicketError(str(e))  # noqa: CL105")
    )
    assert stat.S_IMODE(app.stat().st_mode) == 0o640
    assert concise() == (0, [])
    assert cli("check", "src", "--add-noqa") == (0, "", "Added 0 noqa directives.\n")
    assert [p.name for p in (project / "src").iterdir()] == ["app.py"]  # no temporary files left


def test_add_noqa_reports_only_what_the_baseline_does_not_accept(project: Path) -> None:
    cli("check", "src", "--write-baseline", "baseline.json")
    app = project / "src" / "app.py"
    app.write_text(LEGACY + NEW_FUNCTION, encoding="utf-8")
    assert cli("check", "src", "--baseline", "baseline.json", "--add-noqa") == (0, "", "Added 1 noqa directive.\n")
    assert app.read_text(encoding="utf-8") == LEGACY + NEW_FUNCTION.replace("(str(e))", "(str(e))  # noqa: CL105")


def test_add_noqa_keeps_encoding_bom_and_line_endings(project: Path) -> None:
    app = project / "src" / "app.py"
    latin = "# -*- coding: latin-1 -*-\n" + LEGACY.replace("def ask(prompt):", "def ask(prompt):  # café")
    app.write_bytes(latin.replace("\n", "\r\n").encode("latin-1"))
    bom = project / "src" / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + (HEADER + NEW_FUNCTION).encode("utf-8"))
    assert cli("check", "src", "--add-noqa") == (0, "", "Added 3 noqa directives.\n")
    expected = latin.replace("    except:\n", "    except:  # noqa: CL101, CL102\n")
    assert app.read_bytes() == expected.replace("\n", "\r\n").encode("latin-1")
    assert bom.read_bytes() == b"\xef\xbb\xbf" + (HEADER + NEW_FUNCTION).replace("(str(e))", "(str(e))  # noqa: CL105").encode()
    assert concise() == (0, [])


def test_add_noqa_option_errors(project: Path) -> None:
    assert cli("check", "-", "--add-noqa") == (2, "", "claude-lint: error: --add-noqa edits files in place and cannot read stdin\n")
    assert cli("check", "src", "--add-noqa", "--write-baseline", "b.json") == (
        2, "", "claude-lint: error: --add-noqa and --write-baseline do different things; use one\n"
    )


@pytest.mark.parametrize(
    ("text", "lines", "expected", "added", "skipped"),
    [
        ("x = 1\n", {1: {"CL101"}}, "x = 1  # noqa: CL101\n", 1, {}),
        ("x = 1   \t\n", {1: {"CL102", "CL101"}}, "x = 1  # noqa: CL101, CL102\n", 1, {}),
        ("x = 1  # noqa:E501 trailing words\n", {1: {"CL101"}}, "x = 1  # noqa:E501, CL101 trailing words\n", 1, {}),
        ("x = 1  # NOQA: CL1\n", {1: {"CL101"}}, "x = 1  # NOQA: CL1\n", 0, {}),
        ("x = 1  # noqa\n", {1: {"CL101"}}, "x = 1  # noqa\n", 0, {}),
        ("x = 1  # why\n", {1: {"CL101"}}, "x = 1  # why  # noqa: CL101\n", 1, {}),
        ("x = 1\r\ny = 2", {2: {"CL101"}}, "x = 1\r\ny = 2  # noqa: CL101", 1, {}),
        ("x = '#'\n", {1: {"CL101"}}, "x = '#'  # noqa: CL101\n", 1, {}),
        ('x = """a\nb"""\n', {1: {"CL101"}, 2: {"CL102"}}, 'x = """a\nb"""  # noqa: CL102\n', 1, {1: "the line ends inside a string"}),
        ("x = 1 + \\\n    2\n", {1: {"CL101"}}, "x = 1 + \\\n    2\n", 0, {1: "the line continues with a backslash"}),
        ("def f(:\n", {1: {"CL001"}}, "def f(:\n", 0, {1: "the file does not tokenize"}),
        ("x = 1\n", {5: {"CL101"}}, "x = 1\n", 0, {5: "the line is past the end of the file"}),
    ],
)
def test_add_noqa_directives(text: str, lines: dict, expected: str, added: int, skipped: dict) -> None:
    edit = add_noqa_directives(text, lines)
    assert (edit.text, edit.added, edit.skipped) == (expected, added, skipped)


def test_atomic_write_keeps_mode_and_symlinks(tmp_path: Path) -> None:
    target = tmp_path / "real.py"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o751)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    write_bytes_atomically(link, b"new\n")
    assert (link.is_symlink(), target.read_bytes(), stat.S_IMODE(target.stat().st_mode)) == (True, b"new\n", 0o751)
    fresh = tmp_path / "fresh.json"
    write_bytes_atomically(fresh, b"{}")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.json", "link.py", "real.py"]


def test_add_noqa_write_failure_warns_and_leaves_the_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path, data: bytes) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("claude_lint.core.atomic.write_bytes_atomically", refuse)
    assert cli("check", "src", "--add-noqa") == (
        0,
        "",
        "claude-lint: warning: src/app.py: cannot add noqa directives: Permission denied\nAdded 0 noqa directives.\n",
    )
    assert (project / "src" / "app.py").read_text(encoding="utf-8") == LEGACY
