"""The bad-input matrix: every input becomes a CL001/CL002 diagnostic or a one-line message, and the run goes on.

Each case lints a directory holding the bad file next to a good one, in
this process (`runner.run`), and checks the bad file's exact diagnostics and
that the good file is still reported. Files without a trigger string are
never parsed, so syntax-error fixtures start with `import anthropic`.
"""

from __future__ import annotations

import codecs
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from conftest import CL101_MESSAGE, CL102_MESSAGE, GOOD, GOOD_FINDINGS, findings, is_root
from hypothesis import given, settings
from hypothesis import strategies as st

from claude_lint.app import cache
from claude_lint.app.runner import Outcome

HEAD = b"import anthropic\n"


def cpython_syntax_error(data: bytes) -> tuple[str, int, int, str]:
    """CL001 as CPython words and places the error (the engine's contract)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(data, "bad.py", "exec", dont_inherit=True)
        except SyntaxError as e:
            return ("CL001", e.lineno or 1, (e.offset or 1) - 1, f"SyntaxError: {e.msg}")
    raise AssertionError("the fixture compiles")


def _lint_with_good(tmp_path: Path, lint_tree, name: str, data: bytes) -> Outcome:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / name).write_bytes(data)
    outcome = lint_tree()
    assert outcome.errors == []
    assert findings(outcome)["good.py"] == GOOD_FINDINGS
    return outcome


# (id, source, a piece of CPython's message that pins what kind of error it is)
SYNTAX_ERRORS = [
    ("unclosed-paren", HEAD + b"x = (1,\n", "'(' was never closed"),
    ("missing-indent", HEAD + b"def f():\nreturn 1\n", "expected an indented block"),
    ("unexpected-indent", HEAD + b"x = 1\n    y = 2\n", "unexpected indent"),
    ("unindent-mismatch", HEAD + b"if x:\n        a = 1\n    b = 2\n", "unindent does not match"),
    ("python2-print", HEAD + b'print "x"\n', "Missing parentheses in call to 'print'"),
    ("python2-exec", HEAD + b'exec "code"\n', "Missing parentheses in call to 'exec'"),
    ("backticks", HEAD + b"x = `1`\n", "invalid syntax"),
    ("diamond-operator", HEAD + b"x = 1 <> 2\n", "invalid syntax"),
    ("invalid-fstring", HEAD + b"x = f'{'\n", "f-string"),
    ("tab-space-mix", HEAD + b"if True:\n        x = 1\n\ty = 2\n", "inconsistent use of tabs and spaces"),
    ("python2-raise", HEAD + b'raise ValueError, "bad"\n', "invalid syntax"),
    ("python2-octal", HEAD + b"x = 0777\n", "leading zeros"),
    ("python2-long", HEAD + b"x = 10L\n", "invalid decimal literal"),
    ("python2-ur-prefix", HEAD + b'x = ur"x"\n', "invalid syntax"),
    ("python2-tuple-parameter", HEAD + b"def f((a, b)):\n    pass\n", "cannot be parenthesized"),
    ("async-as-name", HEAD + b"async = 1\n", "invalid syntax"),
    # libcst raises CSTValidationError (not ParserSyntaxError) for this one; CPython's compiler words it.
    ("bare-except-not-last", HEAD + b"try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass\n", "default 'except:' must be last"),
    ("unterminated-string", HEAD + b'x = "abc\n', "unterminated string literal"),
    ("unterminated-triple-quote", HEAD + b'x = """abc\n', "unterminated triple-quoted string"),
    ("stray-closing-bracket", HEAD + b"x = 1)\n", "unmatched ')'"),
    ("lone-backslash", HEAD + b"x = 1 + \\\n", ""),
]


@pytest.mark.parametrize(("source", "kind"), [pytest.param(s, k, id=i) for i, s, k in SYNTAX_ERRORS])
def test_syntax_errors_are_cl001_at_cpythons_position(tmp_path: Path, lint_tree, source: bytes, kind: str) -> None:
    expected = cpython_syntax_error(source)
    assert kind in expected[3]
    outcome = _lint_with_good(tmp_path, lint_tree, "bad.py", source)
    assert findings(outcome)["bad.py"] == [expected]


def test_code_that_parses_but_does_not_compile_lints_normally(tmp_path: Path, lint_tree) -> None:
    """Errors of CPython's compiler, not its parser (and `except A, B:`, valid from 3.14): no
    CL001, the file is linted like any other."""
    source = GOOD.replace("    except:\n", "    except ValueError, TypeError:\n        raise\n    except:\n")
    source += "\nreturn 1\nbreak\ndef f(x, x):\n    nonlocal y\n"
    outcome = _lint_with_good(tmp_path, lint_tree, "other.py", source.encode())
    assert findings(outcome)["other.py"] == [(code, 11, col, message) for code, _, col, message in GOOD_FINDINGS]


def test_syntax_error_in_a_file_without_trigger_strings_is_not_parsed(tmp_path: Path, lint_tree) -> None:
    outcome = _lint_with_good(tmp_path, lint_tree, "other.py", b'print "x"\n')
    assert sorted(findings(outcome)) == ["good.py"]
    assert "other.py" in outcome.checked


CL002 = "CL002"
ENCODING_CASES = [
    ("invalid-utf8", HEAD + b"x = '\xff\xfe'\n", "Cannot read file: cannot decode as utf-8: invalid start byte"),
    ("unknown-cookie", b"# -*- coding: nope -*-\n" + HEAD, "Cannot read file: bad encoding declaration: unknown encoding: nope"),
    (
        "lying-cookie",
        b"# -*- coding: utf-8 -*-\n" + HEAD + "x = 'été'\n".encode("latin-1"),
        "Cannot read file: cannot decode as utf-8: invalid continuation byte",
    ),
    ("nul-byte", HEAD + b"x = 1\x00\n", "Cannot read file: file contains NUL bytes"),
    (
        "bom-and-other-cookie",
        codecs.BOM_UTF8 + b"# coding: latin-1\n" + HEAD,
        "Cannot read file: bad encoding declaration: a UTF-8 BOM, and a `latin-1` coding cookie",
    ),
    ("nul-without-trigger", b"x = 1\x00\n", "Cannot read file: file contains NUL bytes"),
    ("invalid-utf8-without-trigger", b"x = '\xff'\n", "Cannot read file: cannot decode as utf-8: invalid start byte"),
    ("not-a-text-codec", b"# coding: rot13\n" + HEAD, "Cannot read file: cannot decode as rot13: 'rot13' is not a text encoding; use codecs.decode() to handle arbitrary codecs"),
    ("codec-that-raises-unicodeerror", b"# coding: punycode\n" + HEAD, "Cannot read file: cannot decode as punycode: decoding with 'punycode' codec failed (UnicodeError: Invalid extended code point '#')"),
    ("bom-then-invalid-utf8", codecs.BOM_UTF8 + HEAD + b"x = '\xff'\n", "Cannot read file: cannot decode as utf-8: invalid start byte"),
]


@pytest.mark.parametrize(("source", "message"), [pytest.param(s, m, id=i) for i, s, m in ENCODING_CASES])
def test_undecodable_files_are_cl002(tmp_path: Path, lint_tree, source: bytes, message: str) -> None:
    outcome = _lint_with_good(tmp_path, lint_tree, "bad.py", source)
    assert findings(outcome)["bad.py"] == [(CL002, 1, 0, message)]


def test_huge_file_is_cl002_size(tmp_path: Path, lint_tree) -> None:
    data = HEAD + b"#" * (20 * 1024 * 1024) + b"\n"
    outcome = _lint_with_good(tmp_path, lint_tree, "huge.py", data)
    assert findings(outcome)["huge.py"] == [(CL002, 1, 0, "Cannot read file: file is 20.0 MB, over the 10 MB limit")]


def test_empty_file_has_no_findings(tmp_path: Path, lint_tree) -> None:
    outcome = _lint_with_good(tmp_path, lint_tree, "empty.py", b"")
    assert sorted(findings(outcome)) == ["good.py"]
    assert sorted(outcome.checked) == ["empty.py", "good.py"]


# ---------------------------------------------------------------- files that decode and lint normally

GOOD_BYTES = GOOD.encode("utf-8")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(codecs.BOM_UTF8 + GOOD_BYTES, id="bom"),
        pytest.param(GOOD_BYTES.replace(b"\n", b"\r\n"), id="crlf"),
        pytest.param(GOOD_BYTES.replace(b"\n", b"\r"), id="cr-only"),
        pytest.param(b"# -*- coding: latin-1 -*-\n" + GOOD_BYTES.replace(b"    try:", "    x = 'é'; y = 1\n    try:".encode("latin-1")), id="latin-1"),
        # tokenize refuses a Latin-1 byte in the cookie's own line; CPython reads it.
        pytest.param("# coding: latin-1 (café)\n".encode("latin-1") + GOOD_BYTES.replace(b"    try:", "    x = 'é'; y = 1\n    try:".encode("latin-1")), id="latin-1-in-cookie-line"),
    ],
)
def test_bom_line_endings_and_cookies_lint_normally(tmp_path: Path, lint_tree, data: bytes) -> None:
    outcome = _lint_with_good(tmp_path, lint_tree, "other.py", data)
    shift = 2 if data.startswith(b"# ") else 0  # the cookie line and the added line
    assert findings(outcome)["other.py"] == [(c, line + shift, col, m) for c, line, col, m in GOOD_FINDINGS]


def test_mixed_line_endings_give_the_right_lines(tmp_path: Path, lint_tree) -> None:
    # \r\n, \n, \r, \n\n... : Python counts each of them as one line break.
    data = (
        b"import anthropic\r\n"
        b"client = anthropic.Anthropic()\n"
        b"\r"
        b"try:\r\n"
        b'    client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[{"role": "user", "content": "x"}])\r'
        b"except:\n"
        b"    pass\r\n"
    )
    outcome = _lint_with_good(tmp_path, lint_tree, "mixed.py", data)
    assert findings(outcome)["mixed.py"] == [("CL101", 6, 0, CL101_MESSAGE), ("CL102", 6, 0, CL102_MESSAGE)]


def test_form_feed_and_unicode_line_separators_do_not_shift_lines(tmp_path: Path, lint_tree) -> None:
    # \f and \u2028 are not line breaks for Python (str.splitlines thinks they are).
    data = GOOD.replace("client = anthropic.Anthropic()", "\fclient = anthropic.Anthropic()  # \u2028 \x1c").encode()
    outcome = _lint_with_good(tmp_path, lint_tree, "ff.py", data)
    assert findings(outcome)["ff.py"] == GOOD_FINDINGS
    assert outcome.sources["ff.py"].count("\n") == GOOD.count("\n")


# ---------------------------------------------------------------- deep nesting (libcst would crash the process)

DEEP = "Cannot parse: the code is nested too deeply for the parser"
DEEP_MODEL = "Cannot analyse: the code is nested too deeply"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("x = " + "(" * 1000 + "1" + ")" * 1000, (2, 204, "SyntaxError: too many nested parentheses"), id="1000-parens"),
        pytest.param("x = " + "[" * 1000 + "]" * 1000, (2, 204, "SyntaxError: too many nested parentheses"), id="1000-lists"),
        pytest.param("x = " + "f(" * 1000 + "1" + ")" * 1000, (2, 405, "SyntaxError: too many nested parentheses"), id="1000-calls"),
        pytest.param("x = " + "not " * 1000 + "1", (1, 0, DEEP_MODEL), id="1000-not"),
        pytest.param("x = " + "-" * 1000 + "1", (1, 0, DEEP_MODEL), id="1000-unary"),
        pytest.param("x = a" + ".b" * 1000, (1, 0, DEEP_MODEL), id="1000-attributes"),
        pytest.param("x = a" + ".b" * 5000, (2, 4005, DEEP), id="5000-attributes"),
        pytest.param("x = " + " and ".join(["a"] * 20000), (2, 12006, DEEP), id="20000-and"),
        pytest.param("x = " + "+".join(["1"] * 100000), (2, 4005, DEEP), id="100000-plus"),
        pytest.param("x = " + " ".join(['"a"'] * 5000), (2, 8004, DEEP), id="5000-implicit-concatenation"),
        pytest.param("if a:\n    pass\n" + "elif a:\n    pass\n" * 1001, (2004, 0, DEEP), id="1001-elifs"),
    ],
)
def test_deep_nesting_is_cl001(tmp_path: Path, lint_tree, source: str, expected: tuple[int, int, str]) -> None:
    outcome = _lint_with_good(tmp_path, lint_tree, "deep.py", HEAD + source.encode() + b"\n")
    assert findings(outcome)["deep.py"] == [("CL001", *expected)]


NESTING_TOKENS = ("a", "(", ")", "[", "]", "{", "}", ",", "=", ".", "+", "**", "-", " and ", " not ", " if ", "'s'",
                  '"""t"""', "# c\n", "\n", "f(", "x.y", "elif", "\\\n", ";")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(NESTING_TOKENS), max_size=400), st.integers(min_value=1, max_value=300))
def test_the_character_count_shortcut_never_passes_what_the_scan_refuses(tokens: list[str], repeat: int) -> None:
    """`check_nesting` skips its token scan when counting characters shows the scan's estimate cannot
    reach its bounds (thousands of short statements in a big file ask for it): whenever the
    shortcut says so, the scan (forced by asking for groups) finds nothing too deep either."""
    from claude_lint.core import nesting

    text = "".join(tokens) * repeat
    if nesting._within_bounds(text):
        assert nesting.check_nesting(text, groups=[]) is None
    assert (nesting.check_nesting(text) is None) == (nesting.check_nesting(text, groups=[]) is None)


def test_deep_nesting_that_crashed_libcst_does_not_kill_the_cli(tmp_path: Path) -> None:
    """Each of these made libcst overflow its stack (SIGSEGV). The CLI, in a subprocess: a
    regression must fail this test, not kill the test run."""
    shapes = {
        "parens.py": "x = " + "(" * 3000 + "1" + ")" * 3000,
        "attrs.py": "x = a" + ".b" * 10000,
        "ands.py": "x = " + " and ".join(["a"] * 20000),
        "elifs.py": "if a:\n    pass\n" + "elif a:\n    pass\n" * 20000,
        "unary.py": "x = " + "-" * 20000 + "1",
        "plus.py": "x = " + "+".join(["1"] * 10000),
    }
    for name, source in shapes.items():
        (tmp_path / name).write_text("import anthropic\n" + source + "\n", encoding="utf-8")
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "claude_lint", "check", "--output-format", "concise", "--no-cache", "-j", "1", "."],
        cwd=tmp_path, capture_output=True, timeout=120, check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr == b""
    lines = done.stdout.decode().splitlines()
    assert [line.split(":")[0] + " " + line.split(" ")[1] for line in lines[:-2]] == [
        "ands.py CL001", "attrs.py CL001", "elifs.py CL001", "good.py CL101", "good.py CL102",
        "parens.py CL001", "plus.py CL001", "unary.py CL001",
    ]


# ---------------------------------------------------------------- the file system


def test_directory_named_like_a_python_file_is_walked(tmp_path: Path, lint_tree) -> None:
    (tmp_path / "x.py").mkdir()
    (tmp_path / "x.py" / "inner.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    assert findings(lint_tree()) == {"good.py": GOOD_FINDINGS, os.path.join("x.py", "inner.py"): GOOD_FINDINGS}
    # Named on the command line, it is a directory too.
    assert findings(lint_tree("x.py")) == {os.path.join("x.py", "inner.py"): GOOD_FINDINGS}


def test_symlink_loop_is_cl002(tmp_path: Path, lint_tree) -> None:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    os.symlink("loop.py", tmp_path / "loop.py")
    os.symlink("b.py", tmp_path / "a.py")
    os.symlink("a.py", tmp_path / "b.py")
    outcome = lint_tree()
    loop = (CL002, 1, 0, "Cannot read file: Too many levels of symbolic links")
    assert findings(outcome) == {"a.py": [loop], "b.py": [loop], "good.py": GOOD_FINDINGS, "loop.py": [loop]}
    assert outcome.errors == []


def test_directory_symlink_loop_is_not_followed(tmp_path: Path, lint_tree) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "good.py").write_text(GOOD, encoding="utf-8")
    os.symlink("..", tmp_path / "pkg" / "up")
    assert findings(lint_tree()) == {os.path.join("pkg", "good.py"): GOOD_FINDINGS}


def test_dangling_symlink_is_cl002_under_its_own_name(tmp_path: Path, lint_tree) -> None:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    os.symlink("nowhere.py", tmp_path / "dangling.py")
    outcome = lint_tree()
    assert findings(outcome)["dangling.py"] == [(CL002, 1, 0, "Cannot read file: No such file or directory")]
    from claude_lint.output.report import Report
    from claude_lint.output.text_formats import format_concise

    text = format_concise(Report(outcome.diagnostics, base=tmp_path))
    assert text.splitlines()[0] == "dangling.py:1:1: CL002 Cannot read file: No such file or directory"


def test_unreadable_file_is_cl002_simulated(tmp_path: Path, lint_tree, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads anything, so the permission error is simulated where the file is read."""
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "secret.py").write_text(GOOD, encoding="utf-8")
    from claude_lint.app import runner

    real = runner.read_source_file

    def read(path: Path) -> bytes:
        if Path(path).name == "secret.py":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(runner, "read_source_file", read)
    outcome = lint_tree()
    assert findings(outcome) == {
        "good.py": GOOD_FINDINGS,
        "secret.py": [(CL002, 1, 0, "Cannot read file: Permission denied")],
    }
    assert outcome.errors == []


@pytest.mark.skipif(is_root() or not hasattr(os, "geteuid"), reason="root reads a mode-000 file (simulated above)")
def test_unreadable_file_is_cl002_real(tmp_path: Path, lint_tree) -> None:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    secret = tmp_path / "secret.py"
    secret.write_text(GOOD, encoding="utf-8")
    secret.chmod(0)
    try:
        outcome = lint_tree()
    finally:
        secret.chmod(0o644)
    assert findings(outcome)["secret.py"] == [(CL002, 1, 0, "Cannot read file: Permission denied")]
    assert findings(outcome)["good.py"] == GOOD_FINDINGS


def test_other_os_errors_are_cl002_with_their_reason(tmp_path: Path, lint_tree, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "flaky.py").write_text(GOOD, encoding="utf-8")
    from claude_lint.app import runner

    real = runner.read_source_file

    def read(path: Path) -> bytes:
        if Path(path).name == "flaky.py":
            raise OSError(5, "Input/output error", str(path))
        return real(path)

    monkeypatch.setattr(runner, "read_source_file", read)
    assert findings(lint_tree())["flaky.py"] == [(CL002, 1, 0, "Cannot read file: Input/output error")]


def test_file_deleted_after_discovery_is_cl002(tmp_path: Path, lint_tree, monkeypatch: pytest.MonkeyPatch) -> None:
    from claude_lint.app import runner

    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "gone.py").write_text(GOOD, encoding="utf-8")
    real = runner.discover

    def discover_then_delete(*args, **kwargs):
        found = list(real(*args, **kwargs))
        assert [str(c.path) for c in found] == ["gone.py", "good.py"]
        (tmp_path / "gone.py").unlink()
        return iter(found)

    monkeypatch.setattr(runner, "discover", discover_then_delete)
    outcome = lint_tree()
    assert findings(outcome) == {
        "gone.py": [(CL002, 1, 0, "Cannot read file: No such file or directory")],
        "good.py": GOOD_FINDINGS,
    }


def test_file_deleted_between_reads_is_cl002(tmp_path: Path, lint_tree, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run reads a file to prefilter it, and again to lint it: it may vanish in between."""
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    gone = tmp_path / "gone.py"
    gone.write_text(GOOD, encoding="utf-8")
    from claude_lint.app import runner

    real = runner.read_source_file

    def read(path: Path) -> bytes:
        data = real(path)
        if Path(path).name == "gone.py":
            gone.unlink(missing_ok=True)  # gone as soon as it was read once
        return data

    monkeypatch.setattr(runner, "read_source_file", read)
    outcome = lint_tree()
    assert findings(outcome)["good.py"] == GOOD_FINDINGS
    # Either the content read first is linted, or the second read finds it gone: never a crash.
    assert findings(outcome)["gone.py"] in (GOOD_FINDINGS, [(CL002, 1, 0, "Cannot read file: No such file or directory")])
    assert outcome.errors == []


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux")
def test_non_utf8_file_name(tmp_path: Path, lint_tree) -> None:
    name = os.fsdecode(b"caf\xe9.py")  # 'caf\udce9.py'
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    with open(os.fsencode(tmp_path) + b"/caf\xe9.py", "wb") as f:
        f.write(GOOD_BYTES)
    outcome = lint_tree()
    assert findings(outcome) == {name: GOOD_FINDINGS, "good.py": GOOD_FINDINGS}


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux")
@pytest.mark.parametrize("output_format", ["text", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit"])
def test_non_utf8_file_name_in_every_format_on_a_strict_utf8_stdout(tmp_path: Path, output_format: str) -> None:
    with open(os.fsencode(tmp_path) + b"/caf\xe9.py", "wb") as f:
        f.write(GOOD_BYTES)
    done = subprocess.run(
        [sys.executable, "-m", "claude_lint", "check", "--no-cache", "--output-format", output_format, "."],
        cwd=tmp_path, capture_output=True, timeout=60, check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8:strict", "GITHUB_WORKSPACE": str(tmp_path), "CI_PROJECT_DIR": str(tmp_path)},
    )
    assert (done.returncode, done.stderr) == (1, b"")
    out = done.stdout.decode("utf-8")  # valid UTF-8: no raw undecodable byte, no surrogate
    expected = {
        "text": "caf\ufffd.py:9:5: CL101",
        "concise": "caf\ufffd.py:9:5: CL101",
        "json": '"filename": ' + '"' + str(tmp_path) + '/caf\\ufffd.py"',
        "json-lines": '"filename": ' + '"' + str(tmp_path) + '/caf\\ufffd.py"',
        "sarif": '"uri": "caf%E9.py"',
        "github": "::error file=caf\ufffd.py,line=9",
        "gitlab": '"path": "caf\ufffd.py"',
        "junit": 'name="caf\ufffd.py"',
    }[output_format]
    assert expected in out


@pytest.mark.skipif(sys.platform != "linux", reason="file names may hold control characters on Linux")
def test_file_name_with_newline_and_escape_cannot_forge_output_lines(tmp_path: Path, lint_tree) -> None:
    from claude_lint.output.report import Report
    from claude_lint.output.text_formats import format_concise, format_text

    evil = "a\nfake.py:1:1: CL999 forged\x1b[2J.py"
    (tmp_path / evil).write_text(GOOD, encoding="utf-8")
    outcome = lint_tree()
    report = Report(outcome.diagnostics, sources=outcome.sources, base=tmp_path)
    shown = "a\u240afake.py:1:1: CL999 forged\u241b[2J.py"
    assert format_concise(report).splitlines() == [f"{shown}:9:5: CL101 [-] {CL101_MESSAGE}", f"{shown}:9:5: CL102 {CL102_MESSAGE}"]
    assert "\x1b" not in format_text(report)


def test_control_characters_in_source_do_not_reach_the_terminal(tmp_path: Path, lint_tree) -> None:
    from claude_lint.output.report import Report
    from claude_lint.output.text_formats import format_text

    source = GOOD.replace("    except:\n", "    except:  # '\x1b[2J\x1b]0;pwned\x07\u202e'\n")
    (tmp_path / "esc.py").write_text(source, encoding="utf-8")
    outcome = lint_tree()
    text = format_text(Report(outcome.diagnostics, sources=outcome.sources, base=tmp_path))
    assert "9 |     except:  # '\u241b[2J\u241b]0;pwned\u2407\ufffd'\n" in text
    assert not any(ch in text for ch in "\x1b\x07\u202e")


# ---------------------------------------------------------------- configuration errors: exit 2, one line naming file and key


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[tool.claude-lint]\nselect = [\n", "{path}: not valid TOML: Invalid value (at end of document)"),
        (b'[tool.claude-lint]\nselect = ["\xff"]\n', "{path}: not valid TOML: not UTF-8 (invalid start byte at byte 30)"),
        ("a = " + "[" * 3000 + "]" * 3000 + "\n[tool.claude-lint]\n", "{path}: not valid TOML: nested too deeply"),
        ('[tool.claude-lint]\nselect = "CL1"\n', "{path}: `select` must be a list of strings, got 'CL1'"),
        ("[tool.claude-lint]\nselect = [1]\n", "{path}: `select` must be a list of strings, got [1]"),
        ('[tool.claude-lint]\nselect = ["XX9"]\n', "{path}: `select`: unknown rule selector `XX9`"),
        ('[tool.claude-lint]\nper-file-ignores = { "a.py" = "CL101" }\n', "{path}: `per-file-ignores.a.py` must be a list of strings, got 'CL101'"),
        ('[tool.claude-lint]\nper-file-ignores = { "a.py" = ["CL9"] }\n', "{path}: `per-file-ignores.a.py`: unknown rule selector `CL9`"),
        ("[tool.claude-lint]\nmin-attempts = 0\n", "{path}: `min-attempts` must be a positive integer, got 0"),
        ("[tool.claude-lint]\nmax-attempts = true\n", "{path}: `max-attempts` must be a positive integer, got True"),
        ('[tool.claude-lint]\nrespect-gitignore = "yes"\n', "{path}: `respect-gitignore` must be true or false, got 'yes'"),
        ("[tool.claude-lint]\ncache-dir = 5\n", "{path}: `cache-dir` must be a non-empty string, got 5"),
        ('[tool]\nclaude-lint = "strict"\n', "{path}: `tool.claude-lint` must be a table"),
        ("[tool.claude-lint]\nmax-retries = 3\n", "{path}: unknown key `max-retries` in [tool.claude-lint]"),
        ('[tool.claude-lint]\nsdk-version = "9.9.9"\n', "{path}: `sdk-version` '9.9.9' has no bundled SDK snapshot; available: 0.40.0, 0.121.0, 0.125.0, 1.17.0, 2.14.0"),
        ('[tool.claude-lint]\nsdk-version = "../../etc/passwd"\n', "{path}: `sdk-version` '../../etc/passwd' has no bundled SDK snapshot; available: 0.40.0, 0.121.0, 0.125.0, 1.17.0, 2.14.0"),
        ('[tool.claude-lint]\nhelper-module = "x\\nimport os"\n', "{path}: `helper-module` must be a dotted Python name such as `myapp.llm`, got 'x\\nimport os'"),
        ('[tool.claude-lint]\nclient-factories = ["os.system(1)"]\n', "{path}: `client-factories` must be a dotted Python name such as `myapp.llm`, got 'os.system(1)'"),
        ('[tool.claude-lint]\nhelper-module = "myapp.class"\n', "{path}: `helper-module` must be a dotted Python name such as `myapp.llm`, got 'myapp.class'"),
    ],
)
def test_bad_config_is_exit_2_with_one_line(tmp_path: Path, run_cli, config: str | bytes, message: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_bytes(config if isinstance(config, bytes) else config.encode())
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    done = run_cli("check", "--no-cache", "good.py")
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode() == "claude-lint: error: " + message.format(path=path) + "\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100000 + b"]" * 100000, "baseline {path} is not a claude-lint baseline: nested too deeply"),
        (b"\xff\xfe{}", "baseline {path} is not UTF-8 text"),
        (b"{", "baseline {path} is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        (b"[]", "baseline {path} is not a claude-lint baseline (version 1); write one with --write-baseline"),
        (
            b'{"claude-lint-baseline": 1, "findings": {"a.py": [{"code": "CL101", "fingerprint": "x", "count": 1e400}]}}',
            (
                'baseline {path}: bad entry for `a.py`: {{"code": "CL101", "fingerprint": "x", "count": Infinity}} '
                "(want code, fingerprint and a positive count)"
            ),
        ),
        (None, "cannot read baseline {path}: Is a directory"),
    ],
    ids=["deep", "not-utf8", "not-json", "not-a-baseline", "infinite-count", "directory"],
)
def test_bad_baseline_is_exit_2_with_one_line(tmp_path: Path, run_cli, content: bytes | None, message: str) -> None:
    path = tmp_path / "baseline.json"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    done = run_cli("check", "--no-cache", "--baseline", "baseline.json", "good.py")
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode() == "claude-lint: error: " + message.format(path="baseline.json") + "\n"


def test_broken_pyproject_that_is_not_ours_is_skipped(tmp_path: Path, run_cli) -> None:
    (tmp_path / "pyproject.toml").write_text("a = " + "[" * 3000 + "]" * 3000 + "\n[project\n", encoding="utf-8")
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    done = run_cli("check", "--no-cache", "--output-format", "concise", "good.py")
    assert (done.returncode, done.stderr) == (1, b"")
    assert done.stdout.decode().splitlines()[:2] == [f"good.py:9:5: CL101 [-] {CL101_MESSAGE}", f"good.py:9:5: CL102 {CL102_MESSAGE}"]


# ---------------------------------------------------------------- the whole matrix through the real CLI


def test_the_whole_matrix_in_one_cli_run(tmp_path: Path, run_cli) -> None:
    """Every bad input side by side: one run, no traceback, each file its one diagnostic, exit 1."""
    files: dict[str, bytes] = {name: source for name, source, _ in SYNTAX_ERRORS}
    files |= {name: source for name, source, _ in ENCODING_CASES}
    files |= {"good": GOOD_BYTES, "bom": codecs.BOM_UTF8 + GOOD_BYTES, "crlf": GOOD_BYTES.replace(b"\n", b"\r\n"), "empty": b""}
    files["huge"] = HEAD + b"#" * (11 * 1024 * 1024)
    files["deep"] = HEAD + b"x = " + b"(" * 1000 + b")" * 1000 + b"\n"
    for name, data in files.items():
        (tmp_path / f"{name}.py").write_bytes(data)
    (tmp_path / "dir.py").mkdir()
    os.symlink("loop.py", tmp_path / "loop.py")
    os.symlink("nowhere.py", tmp_path / "dangling.py")
    done = run_cli("check", "--output-format", "concise", "-j", "2", ".")
    assert done.returncode == 1
    assert done.stderr == b""
    lines = done.stdout.decode().splitlines()
    by_file: dict[str, list[str]] = {}
    for line in lines[:-2]:
        by_file.setdefault(line.split(":")[0], []).append(line.split(" ")[1])
    one_cl001 = {f"{name}.py": ["CL001"] for name, _, _ in SYNTAX_ERRORS} | {"deep.py": ["CL001"]}
    one_cl002 = {f"{name}.py": ["CL002"] for name, _, _ in ENCODING_CASES} | {"huge.py": ["CL002"], "loop.py": ["CL002"], "dangling.py": ["CL002"]}
    two = {name: ["CL101", "CL102"] for name in ("good.py", "bom.py", "crlf.py")}
    assert by_file == one_cl001 | one_cl002 | two
    assert lines[-2:] == [f"Found {len(lines) - 2} errors.", "[-] 3 fixable with the `--fix --unsafe-fixes` options."]


# ---------------------------------------------------------------- stdin and the cache


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (HEAD + b"x = 1\x00\n", "-:1:1: CL002 Cannot read file: file contains NUL bytes"),
        (HEAD + b"x = '\xff'\n", "-:1:1: CL002 Cannot read file: cannot decode as utf-8: invalid start byte"),
        (HEAD + b"x = (1,\n", "-:2:5: CL001 SyntaxError: '(' was never closed"),
        (HEAD + b"x = " + b"(" * 3000 + b")" * 3000 + b"\n", "-:2:205: CL001 SyntaxError: too many nested parentheses"),
        (HEAD + b"x = a" + b".b" * 10000 + b"\n", "-:2:4006: CL001 Cannot parse: the code is nested too deeply for the parser"),
    ],
    ids=["nul", "invalid-utf8", "syntax-error", "deep-brackets", "deep-chain"],
)
def test_bad_input_on_stdin(run_cli, data: bytes, expected: str) -> None:
    done = run_cli("check", "--output-format", "concise", "-", stdin=data)
    assert (done.returncode, done.stderr) == (1, b"")
    assert done.stdout.decode().splitlines() == [expected, "Found 1 error."]


def test_a_corrupt_cache_is_ignored_and_rebuilt(tmp_path: Path, run_cli) -> None:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "other.py").write_text(GOOD, encoding="utf-8")
    first = run_cli("check", "--output-format", "concise", ".")
    entries = [p for p in (tmp_path / ".claude_lint_cache").rglob("*.json")]
    assert len(entries) == 2
    garbage = [b"", b"{", b"\xff\xfe\x00", b'{"format": 1, "key": "x", "diagnostics": [{"code": 5}]}']
    for junk in garbage:  # every kind of garbage, in every entry
        for entry in entries:
            entry.write_bytes(junk)
        done = run_cli("check", "--output-format", "concise", ".")
        assert (done.returncode, done.stdout, done.stderr) == (first.returncode, first.stdout, b"")
        for entry in entries:  # rewritten whole
            header, body = cache.entry_parts(entry.read_bytes())
            assert header["format"] == cache.FORMAT and isinstance(body["diagnostics"], list)


def test_nesting_token_gate_finds_the_same_tokens_as_the_plain_pattern() -> None:
    """The gate in front of nesting._TOKEN only skips positions no token can start at."""
    import re
    import sysconfig

    from claude_lint.core import nesting

    gate_end = nesting._TOKEN.pattern.index("(?:\n    (?P<string>")
    plain = re.compile(nesting._TOKEN.pattern[gate_end:], re.VERBOSE | re.DOTALL)
    sources = [Path(__file__).read_text(encoding="utf-8")]
    sources += [p.read_text(encoding="utf-8") for p in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[:60]]
    sources.append("x = a.b(c)[d] and not e or f if g else lambda: await h in i is j\n'''s''' r'\\'' b\"\" # c\n\\\n")
    for text in sources:
        assert [(m.span(), m.lastgroup) for m in nesting._TOKEN.finditer(text)] == [
            (m.span(), m.lastgroup) for m in plain.finditer(text)
        ]


def _without_flat_groups() -> re.Pattern[str]:
    """nesting._TOKEN without its shortcut for a bracket of names and commas (one token each instead)."""
    from claude_lint.core import nesting

    pattern = nesting._TOKEN.pattern
    start = pattern.index("    # A bracket holding only names")
    end = pattern.index("    | (?P<open>")
    return re.compile(pattern[:start] + pattern[end:], re.VERBOSE | re.DOTALL)


_NESTING_PIECES = ("a", "b1", "k=", "==", " ", ",", "(", ")", "[", "]", "{", "}", ".", "+", " and ", " in ", "band", "'s'",
                   "\n", "\t", ";", "lambda x: ", "#c\n", "f(", "g[", "1.5")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_NESTING_PIECES), max_size=80), st.integers(1, 12), st.integers(2, 40))
def test_nesting_flat_brackets_estimate_as_their_tokens_do(pieces: list[str], brackets: int, depth: int) -> None:
    """A bracket of only names, commas and `=` is one token to the depth scan: the verdict, its
    position and the top-level brackets (with their commas) are those of the scan token by token."""
    from claude_lint.core import nesting

    text = "".join(pieces)
    saved = (nesting.MAX_BRACKETS, nesting.MAX_DEPTH, nesting._TOKEN)
    nesting.MAX_BRACKETS, nesting.MAX_DEPTH = brackets, depth
    try:
        with_flat: list[nesting.Group] = []
        verdict = nesting.check_nesting(text, with_flat)
        nesting._TOKEN = _without_flat_groups()
        token_by_token: list[nesting.Group] = []
        assert verdict == nesting.check_nesting(text, token_by_token)
    finally:
        nesting.MAX_BRACKETS, nesting.MAX_DEPTH, nesting._TOKEN = saved
    if verdict is None:
        assert with_flat == token_by_token


def test_string_escapes_python_rejects_are_unknown_values_not_crashes(tmp_path: Path, lint_tree) -> None:
    # libcst parses `"\N{no such name}"`; Python (and so `evaluated_value`) refuses it.
    data = (
        b"import anthropic\n"
        b"client = anthropic.Anthropic()\n"
        b"try:\n"
        b'    client.messages.create(model="\\N{bogus}", max_tokens=1, messages=[])\n'
        b"except anthropic.APIError:\n"
        b'    x = "\\N{nope}"\n'
    )
    outcome = _lint_with_good(tmp_path, lint_tree, "escape.py", data)
    assert outcome.errors == []
    assert findings(outcome)["escape.py"] == [
        ("CL305", 4, 60, "`messages` is empty: the API needs at least one message and answers 400 invalid_request_error")
    ]
