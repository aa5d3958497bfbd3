"""Every output format on one fixture project, compared with the exact expected output.

The project: `src/app.py` (a CL105 on a line with non-ASCII text, and an
`except:` whose CL101 is suppressed by `# noqa` while its CL102 is reported),
`src/legacy, old.py` (CL101 reported, CL102 accepted by a baseline; the name
needs escaping in URIs and GitHub properties) and a clean `src/clean.py`.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from claude_lint import __version__
from claude_lint.cli import main
from claude_lint.core.diagnostics import Diagnostic, Location
from claude_lint.output.format_names import formatter
from claude_lint.output.report import Report

ROOT = Path(__file__).resolve().parent.parent

APP = textwrap.dedent(
    """\
    import anthropic

    client = anthropic.Anthropic()


    class TicketError(Exception):
        pass


    def classify(ticket):
        try:
            return client.messages.create(
                model="claude-sonnet-4-6", max_tokens=100,
                messages=[{"role": "user", "content": ticket}],
            )
        except anthropic.APIError as e:
            raise TicketError(f"Échec de la requête 😀: {e}")


    def summarise(text):
        try:
            return client.messages.create(
                model="claude-sonnet-4-6", max_tokens=100,
                messages=[{"role": "user", "content": text}],
            )
        except:  # noqa: CL101
            pass
    """
)
LEGACY = textwrap.dedent(
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
CLEAN = "import anthropic\n\nclient = anthropic.Anthropic()\n"

M105 = "`raise TicketError(...)` in a handler of a Claude call drops the API error: add `from e` to keep it as the cause"
M102 = "`except:` swallows the Claude call's error: the handler only does `pass`; log it, re-raise it, or return a real fallback"
M101 = "Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error happened"
URL = "https://github.com/claude-lint/claude-lint/blob/main/docs/rules/{}.md"
LEGACY_PATH = "src/legacy, old.py"
# (path, line, start column, end column, code, message): 1-based columns in code points.
# Line 17 is `        raise TicketError(f"Échec de la requête 😀: {e}")`: 56 code points, more in UTF-8/16.
REPORTED = [
    ("src/app.py", 17, 9, 57, "CL105", M105),
    ("src/app.py", 26, 5, 11, "CL102", M102),
    (LEGACY_PATH, 12, 5, 11, "CL101", M101),
]
SUPPRESSED = [("src/app.py", 26, 5, 11, "CL101", M101, "inSource"), (LEGACY_PATH, 12, 5, 11, "CL102", M102, "external")]


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "repo"
    for name, text in {"src/app.py": APP, LEGACY_PATH: LEGACY, "src/clean.py": CLEAN}.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    _git("init", "-q", cwd=repo)
    monkeypatch.chdir(repo)
    for name in ("GITHUB_WORKSPACE", "CI_PROJECT_DIR"):
        monkeypatch.delenv(name, raising=False)
    done = CliRunner().invoke(main, ["check", "--write-baseline", "baseline.json", "--select", "CL102", LEGACY_PATH])
    assert (done.exit_code, done.stderr) == (0, "Wrote 1 finding in 1 file to baseline.json.\n")
    return repo


def lint(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    done = CliRunner().invoke(main, ["check", "src", "--baseline", "baseline.json", "--select", "CL1", *args])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.exit_code, done.stdout


def line_hash(path: str, code: str, line: str, occurrence: int) -> str:
    """The documented fingerprint: path, code and the whitespace-normalised line, not its number."""
    normalized = " ".join(line.split())
    return hashlib.sha256(f"{path}\0{code}\0{normalized}\0{occurrence}".encode()).hexdigest()


def source_line(path: str, line: int) -> str:
    return {"src/app.py": APP, LEGACY_PATH: LEGACY}[path].split("\n")[line - 1]


def test_text(project: Path) -> None:
    assert lint() == (1, textwrap.dedent(
        """\
        src/app.py:17:9: CL105 [*] {M105}
           |
        15 |         )
        16 |     except anthropic.APIError as e:
        17 |         raise TicketError(f"Échec de la requête 😀: {{e}}")
           |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ CL105
        18 |
        19 |
           |
           = help: Add `from e`

        src/app.py:26:5: CL102 {M102}
           |
        24 |             messages=[{{"role": "user", "content": text}}],
        25 |         )
        26 |     except:  # noqa: CL101
           |     ^^^^^^ CL102
        27 |         pass
           |

        {LEGACY_PATH}:12:5: CL101 [-] {M101}
           |
        10 |             messages=[{{"role": "user", "content": prompt}}],
        11 |         )
        12 |     except:
           |     ^^^^^^ CL101
        13 |         pass
           |
           = help: Replace with `except Exception:` (unsafe)

        Found 3 errors.
        [*] 1 fixable with the `--fix` option.
        [-] 1 fixable with the `--fix --unsafe-fixes` options.
        1 more accepted by the baseline.
        """
    ).format(M105=M105, M102=M102, M101=M101, LEGACY_PATH=LEGACY_PATH))


def test_concise(project: Path) -> None:
    marks = {"CL105": "[*] ", "CL101": "[-] ", "CL102": ""}
    expected = "".join(f"{p}:{line}:{col}: {code} {marks[code]}{msg}\n" for p, line, col, _, code, msg in REPORTED)
    assert lint("--output-format", "concise", "-q") == (1, expected)


def _json_object(project: Path, path: str, line: int, col: int, end: int, code: str, msg: str) -> dict:
    fixes = {
        "CL105": {"applicability": "safe", "message": "Add `from e`", "content": " from e"},
        "CL101": {"applicability": "unsafe", "message": "Replace with `except Exception:`", "content": " Exception"},
    }
    fix = None
    if code in fixes:
        at = {"row": line, "column": end}
        fix = {
            "applicability": fixes[code]["applicability"],
            "message": fixes[code]["message"],
            "edits": [{"content": fixes[code]["content"], "location": at, "end_location": at}],
        }
    return {
        "cell": None,
        "code": code,
        "message": msg,
        "filename": str(project / path),
        "location": {"row": line, "column": col},
        "end_location": {"row": line, "column": end},
        "fix": fix,
        "noqa_row": line,
        "url": URL.format(code),
    }


def test_json_and_json_lines_have_the_same_objects(project: Path) -> None:
    objects = [_json_object(project, *row) for row in REPORTED]
    assert lint("--output-format", "json") == (1, json.dumps(objects, indent=2) + "\n")
    assert lint("--output-format", "json-lines") == (1, "".join(json.dumps(o) + "\n" for o in objects))


def test_github(project: Path) -> None:
    expected = "".join(
        f"::error file={p.replace(',', '%2C')},line={line},endLine={line},col={col},endColumn={end},title={code}::{msg}\n"
        for p, line, col, end, code, msg in REPORTED
    )
    assert lint("--output-format", "github") == (1, expected)


def test_github_paths_are_relative_to_the_workspace(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", str(project / "src"))
    lines = lint("--output-format", "github")[1].splitlines()
    assert [line.split(",")[0] for line in lines] == ["::error file=app.py", "::error file=app.py", "::error file=legacy%2C old.py"]


def test_github_escaping() -> None:
    at = Location(3, 0)
    report = Report([Diagnostic("/w/a:b.py", "CL101", "50% done\r\nnext: a, b", at, Location(4, 2))], base=Path("/w"))
    assert formatter("github")(report) == "::error file=a%3Ab.py,line=3,endLine=4,title=CL101::50%25 done%0D%0Anext: a, b\n"


def test_gitlab(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = [
        {
            "description": msg,
            "check_name": code,
            "fingerprint": line_hash(p, code, source_line(p, line), 1)[:32],
            "severity": "major",
            "location": {"path": p, "lines": {"begin": line, "end": line}},
        }
        for p, line, _, _, code, msg in REPORTED
    ]
    assert lint("--output-format", "gitlab") == (1, json.dumps(expected, indent=2, ensure_ascii=False) + "\n")
    monkeypatch.setenv("CI_PROJECT_DIR", str(project / "src"))
    paths = [issue["location"]["path"] for issue in json.loads(lint("--output-format", "gitlab")[1])]
    assert paths == ["app.py", "app.py", "legacy, old.py"]


def test_junit(project: Path) -> None:
    """A failed test case per finding (so `failures` counts findings, as README says), a passed one per clean file."""

    def failure(p: str, line: int, col: int, code: str, msg: str) -> str:
        return (
            f'    <testcase name="{code} {p}:{line}:{col}" classname="{p}" file="{p}" line="{line}">\n'
            f'      <failure type="{code}" message="{code} {msg}">{p}:{line}:{col}: {code} {msg}</failure>\n'
            "    </testcase>\n"
        )

    (app105, app102, legacy101) = [failure(p, line, col, code, msg) for p, line, col, _, code, msg in REPORTED]
    expected = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="claude-lint" tests="4" failures="3" errors="0">\n'
        '  <testsuite name="claude-lint" tests="4" failures="3" errors="0" skipped="0">\n'
        f"{app105}{app102}"
        '    <testcase name="src/clean.py" classname="src/clean.py" file="src/clean.py" />\n'
        f"{legacy101}"
        "  </testsuite>\n"
        "</testsuites>\n"
    )
    assert lint("--output-format", "junit") == (1, expected)
    assert expected.count("<failure ") == 3


def _docs_section(code: str, heading: str) -> str:
    page = (ROOT / "docs" / "rules" / f"{code}.md").read_text(encoding="utf-8")
    match = re.search(re.escape(heading) + r"\n(.*?)\n\n", page, re.DOTALL)
    assert match is not None
    return " ".join(match.group(1).split())


def _sarif_rule(code: str, name: str, summary: str) -> dict:
    what = _docs_section(code, "## What it does")
    why = _docs_section(code, "## Why is this bad?")
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": what},
        "help": {
            "text": f"{what}\n\n{why}\n\n{URL.format(code)}",
            "markdown": (ROOT / "docs" / "rules" / f"{code}.md").read_text(encoding="utf-8"),
        },
        "helpUri": URL.format(code),
        "defaultConfiguration": {"level": "error", "enabled": True},
    }


def _sarif_result(p: str, line: int, col: int, end: int, code: str, msg: str, suppression: str | None = None) -> dict:
    index = {"CL101": 0, "CL102": 1, "CL105": 2}[code]
    result = {
        "ruleId": code,
        "ruleIndex": index,
        "level": "error",
        "message": {"text": msg},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": p.replace(",", "%2C").replace(" ", "%20"), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": line, "startColumn": col, "endLine": line, "endColumn": end},
                }
            }
        ],
        "partialFingerprints": {"claudeLint/v1": line_hash(p, code, source_line(p, line), 0)[:32] + ":1"},
    }
    if suppression is not None:
        result["suppressions"] = [{"kind": suppression}]
    return result


def test_sarif_is_valid_and_exact(project: Path) -> None:
    from sarif_kit.validate import validation_errors

    code, out = lint("--output-format", "sarif")
    log = json.loads(out)
    assert validation_errors(log) == []
    # Sorted by position: reported and suppressed findings interleave.
    results = [
        _sarif_result(*REPORTED[0]),
        _sarif_result(*SUPPRESSED[0]),
        _sarif_result(*REPORTED[1]),
        _sarif_result(*REPORTED[2]),
        _sarif_result(*SUPPRESSED[1]),
    ]
    assert (code, log) == (1, {
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "claude-lint",
                        "version": __version__,
                        "informationUri": "https://github.com/claude-lint/claude-lint",
                        "rules": [
                            _sarif_rule("CL101", "bare-except", "Bare `except:` around a Claude call"),
                            _sarif_rule("CL102", "swallowed-api-error", "A handler around a Claude call swallows the error"),
                            _sarif_rule(
                                "CL105", "raise-without-cause", "A new exception raised in a handler of a Claude call without `from`"
                            ),
                        ],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": project.as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    })


def test_sarif_uris_are_relative_to_the_git_root_from_a_subdirectory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project / "src")
    done = CliRunner().invoke(main, ["check", ".", "--output-format", "sarif"])
    run = json.loads(done.stdout)["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": project.as_uri() + "/"}}
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    assert uris == ["src/app.py", "src/app.py", "src/app.py", "src/legacy%2C%20old.py", "src/legacy%2C%20old.py"]


def test_fingerprints_survive_edits_elsewhere_and_change_with_the_line(project: Path) -> None:
    def prints() -> list[str]:
        log = json.loads(lint("--output-format", "sarif")[1])
        return [r["partialFingerprints"]["claudeLint/v1"] for r in log["runs"][0]["results"]]

    def gitlab_prints() -> list[str]:
        return [issue["fingerprint"] for issue in json.loads(lint("--output-format", "gitlab")[1])]

    before, gitlab_before = prints(), gitlab_prints()
    app = project / "src" / "app.py"
    app.write_text('"""Tickets."""\n\nimport logging\n' + APP, encoding="utf-8")
    assert (prints(), gitlab_prints()) == (before, gitlab_before)
    app.write_text(APP.replace("f\"Échec", "f\"Failed"), encoding="utf-8")
    after = prints()
    assert after[0] != before[0] and after[1:] == before[1:]


def test_identical_lines_get_numbered_fingerprints(tmp_path: Path) -> None:
    at, end = Location(1, 0), Location(1, 6)
    text = "except:\nexcept:\n"
    report = Report(
        [Diagnostic(str(tmp_path / "a.py"), "CL101", "m", at, end), Diagnostic(str(tmp_path / "a.py"), "CL101", "m", Location(2, 0), Location(2, 6))],
        sources={str(tmp_path / "a.py"): text},
        base=tmp_path,
    )
    log = json.loads(formatter("sarif")(report))
    prints = [r["partialFingerprints"]["claudeLint/v1"] for r in log["runs"][0]["results"]]
    first = line_hash("a.py", "CL101", "except:", 0)[:32]
    assert prints == [f"{first}:1", f"{first}:2"]
    gitlab = [issue["fingerprint"] for issue in json.loads(formatter("gitlab")(report))]
    assert gitlab == [line_hash("a.py", "CL101", "except:", 1)[:32], line_hash("a.py", "CL101", "except:", 2)[:32]]


def test_clean_run_in_every_machine_format(project: Path) -> None:
    done = CliRunner().invoke(main, ["check", "src/clean.py", "--output-format", "sarif"])
    assert done.exit_code == 0
    run = json.loads(done.stdout)["runs"][0]
    assert (run["tool"]["driver"]["rules"], run["results"]) == ([], [])
    for fmt, expected in [("json", "[]\n"), ("json-lines", ""), ("github", ""), ("gitlab", "[]\n")]:
        done = CliRunner().invoke(main, ["check", "src/clean.py", "--output-format", fmt])
        assert (fmt, done.exit_code, done.stdout) == (fmt, 0, expected)
    done = CliRunner().invoke(main, ["check", "src/clean.py", "--output-format", "junit"])
    assert done.stdout.splitlines()[1:4] == [
        '<testsuites name="claude-lint" tests="1" failures="0" errors="0">',
        '  <testsuite name="claude-lint" tests="1" failures="0" errors="0" skipped="0">',
        '    <testcase name="src/clean.py" classname="src/clean.py" file="src/clean.py" />',
    ]


def test_human_formats_do_not_import_the_ci_formats() -> None:
    import sys

    code = (
        "import sys\n"
        "from claude_lint.output import format_names\n"
        "format_names.formatter('text'); format_names.formatter('json-lines')\n"
        "print('claude_lint.output.ci_formats' in sys.modules, 'libcst' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "False False\n"


# ---------------------------------------------------------------- progress bar


def _run_with_stderr(tmp_path: Path, args: list[str], tty: bool) -> tuple[int, str, str]:
    """Run the CLI with stdout piped and stderr a pipe or a pseudo-terminal."""
    import os
    import pty
    import sys

    command = [sys.executable, "-m", "claude_lint", "check", *args]
    if not tty:
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=follower, text=True)
        os.close(follower)
        stdout, _ = process.communicate(timeout=60)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    return process.returncode, stdout, b"".join(chunks).decode()


@pytest.fixture
def many_files(tmp_path: Path) -> Path:
    for i in range(60):
        (tmp_path / f"m{i:02}.py").write_text(f"VALUE = {i}\n", encoding="utf-8")
    return tmp_path


def test_progress_bar_only_on_a_terminal_for_human_formats(many_files: Path) -> None:
    code, out, err = _run_with_stderr(many_files, ["."], tty=True)
    assert (code, out) == (0, "All checks passed!\n")
    assert "Checking" in err and "60/60" in err
    # Piped stderr, machine formats, --quiet, or few files: no bar.
    assert _run_with_stderr(many_files, ["."], tty=False) == (0, "All checks passed!\n", "")
    assert _run_with_stderr(many_files, [".", "--output-format", "json"], tty=True) == (0, "[]\n", "")
    assert _run_with_stderr(many_files, [".", "-q"], tty=True) == (0, "", "")
    for name in list(many_files.iterdir())[:10]:
        name.unlink()
    assert _run_with_stderr(many_files, ["."], tty=True) == (0, "All checks passed!\n", "")


def test_progress_bar_redraws_at_most_ten_times_a_second() -> None:
    import io
    import time

    from claude_lint.app.progress import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = ProgressBar(screen)
    bar.start(2000)
    for _ in range(2000):  # files done faster than any eye: one redraw at the start, one at the end
        bar.advance()
    bar.finish()
    assert screen.getvalue().count("\r") <= 3 and "2000/2000" in screen.getvalue()

    screen = Terminal()
    bar = ProgressBar(screen)
    bar.start(60)
    started = time.monotonic()
    for _ in range(60):
        time.sleep(0.01)
        bar.advance()
    elapsed = time.monotonic() - started
    bar.finish()
    redraws = screen.getvalue().count("\r")
    assert "60/60" in screen.getvalue()
    assert 2 <= redraws <= elapsed * 10 + 3


def _run_on_terminal(tmp_path: Path, args: list[str], env: dict[str, str] | None = None) -> str:
    """The CLI's stdout when it is a terminal (a pseudo-terminal)."""
    import os
    import pty
    import sys

    leader, follower = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")} | (env or {})
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "claude_lint", "check", "--no-cache", *args],
            cwd=tmp_path, stdout=follower, stderr=subprocess.DEVNULL, env=environ,
        )
        os.close(follower)
        process.wait(timeout=60)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    return b"".join(chunks).decode().replace("\r\n", "\n")


COLOUR_APP = """\
import anthropic

client = anthropic.Anthropic()

try:
    client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
except:
    pass
"""


def test_colour_on_a_terminal_only(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(COLOUR_APP, encoding="utf-8")
    bold, red, reset = "\x1b[1m", "\x1b[1;31m", "\x1b[0m"
    out = _run_on_terminal(tmp_path, ["--select", "CL101", "app.py"])
    # The path bold, the code red, the carets (and their code) red.
    assert out.splitlines()[0].startswith(f"{bold}app.py{reset}:7:1: {red}CL101{reset} [-] Bare `except:`")
    assert f"  | {red}^^^^^^ CL101{reset}" in out
    concise = _run_on_terminal(tmp_path, ["--select", "CL101", "--output-format", "concise", "app.py"])
    assert concise.startswith(f"{bold}app.py{reset}:7:1: {red}CL101{reset} ")
    # Off with NO_COLOR, TERM=dumb, in machine formats and through a pipe.
    for env in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
        assert "\x1b[" not in _run_on_terminal(tmp_path, ["--select", "CL101", "app.py"], env)
    assert "\x1b[" not in _run_on_terminal(tmp_path, ["--select", "CL101", "--output-format", "json", "app.py"])
    piped = subprocess.run(
        [sys.executable, "-m", "claude_lint", "check", "--no-cache", "--select", "CL101", "app.py"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    assert piped.stdout.startswith("app.py:7:1: CL101 [-] ") and "\x1b[" not in piped.stdout
