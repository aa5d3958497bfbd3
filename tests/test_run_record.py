"""A whole run's record: a rerun with nothing changed is answered by it, and anything its findings
depend on (a file of the run, a module read by name outside it, a place a module was looked for)
makes it a miss."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

import claude_lint
from claude_lint.app import run_record
from claude_lint.app.runner import FEW_FILES, Outcome, RunOptions, run
from claude_lint.config.settings import ConfigResolver

WRAPPER = '''import anthropic

client = anthropic.Anthropic()


def ask(question: str) -> str:
    reply = client.messages.create(
        model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": question or "?"}]
    )
    return reply.content[0].text if reply.content else ""
'''

# A module of the run that calls the wrapper and swallows its errors (CL102 at line 7).
CALLER = '''from pkg.llm import ask


def go() -> str | None:
    try:
        return ask("Summarise the report.")
    except Exception:
        return None
'''

# One that asks a module nobody wrote yet.
HOPEFUL = '''from lib.llm import later


def go() -> str | None:
    try:
        return later("Summarise the report.")
    except Exception:
        return None
'''

PLAIN = "def add(a: int, b: int) -> int:\n    return a + b\n"

MESSAGE = (
    "`except Exception` swallows the Claude call's error: the handler only does `return None`; log it, "
    "re-raise it, or return a real fallback; `{name}()` in {where} makes the Claude call"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of more than a few files: two callers of a wrapper in another package, the rest plain."""
    (tmp_path / "claude-lint.toml").write_text("", encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pkg" / "llm.py").write_text(WRAPPER, encoding="utf-8")
    app = tmp_path / "app"
    app.mkdir()
    (app / "caller.py").write_text(CALLER, encoding="utf-8")
    (app / "hopeful.py").write_text(HOPEFUL, encoding="utf-8")
    for index in range(FEW_FILES):
        (app / f"plain_{index:02}.py").write_text(PLAIN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # The files were written just now: signatures within the racy window are never recorded
    # (test_files_written_just_before_the_run_get_no_record); here they count as old.
    monkeypatch.setattr(run_record, "RACY_NS", 0)
    return tmp_path


def lint(*paths: str, **options: object) -> Outcome:
    return run(list(paths or ["."]), ConfigResolver(), RunOptions(cache=True, **options))  # type: ignore[arg-type]


def found(outcome: Outcome) -> list[tuple[str, str, int, int, str]]:
    return [(Path(d.path).as_posix(), d.code, d.start.line, d.start.column, d.message) for d in outcome.diagnostics]


def records(project: Path) -> list[Path]:
    return sorted((project / ".claude_lint_cache" / claude_lint.__version__ / "runs").glob("*.json"))


def forget_entries(project: Path) -> None:
    """Remove every per-file entry and summary: only the run's record is left to answer."""
    version = project / ".claude_lint_cache" / claude_lint.__version__
    for entry in version.glob("*.json"):
        entry.unlink()
    shutil.rmtree(version / "summaries", ignore_errors=True)


def test_a_rerun_with_nothing_changed_is_answered_by_the_record(project: Path, parses: list[str]) -> None:
    cold = lint("app")
    assert found(cold) == [("app/caller.py", "CL102", 7, 4, MESSAGE.format(name="ask", where="pkg/llm.py:6"))]
    assert len(records(project)) == 1
    forget_entries(project)
    parses.clear()
    warm = lint("app")
    assert parses == []  # without the record, every file would be linted again
    assert found(warm) == found(cold)
    assert warm.sources == cold.sources
    assert warm.checked == cold.checked
    assert warm.files_checked == cold.files_checked == FEW_FILES + 2
    assert not list((project / ".claude_lint_cache" / claude_lint.__version__).glob("*.json"))


def test_a_changed_file_of_the_run_is_linted_again(project: Path, parses: list[str]) -> None:
    lint("app")
    (project / "app" / "plain_00.py").write_text(CALLER.replace("Summarise", "Shorten"), encoding="utf-8")
    parses.clear()
    warm = lint("app")
    assert set(parses) == {"app/plain_00.py"}
    assert [(path, line) for path, _, line, _, _ in found(warm)] == [("app/caller.py", 7), ("app/plain_00.py", 7)]


def test_a_module_read_by_name_outside_the_run_is_part_of_the_record(project: Path) -> None:
    assert [code for _, code, _, _, _ in found(lint("app"))] == ["CL102"]
    # The wrapper stops calling Claude: the handler around it no longer catches a Claude call's error.
    (project / "pkg" / "llm.py").write_text("def ask(question: str) -> str:\n    return question\n", encoding="utf-8")
    assert found(lint("app")) == []


def test_a_module_written_where_one_was_looked_for_is_seen(project: Path) -> None:
    assert [path for path, _, _, _, _ in found(lint("app"))] == ["app/caller.py"]
    (project / "lib").mkdir()
    (project / "lib" / "__init__.py").write_text("", encoding="utf-8")
    (project / "lib" / "llm.py").write_text(WRAPPER.replace("def ask", "def later"), encoding="utf-8")
    assert found(lint("app")) == [
        ("app/caller.py", "CL102", 7, 4, MESSAGE.format(name="ask", where="pkg/llm.py:6")),
        ("app/hopeful.py", "CL102", 7, 4, MESSAGE.format(name="later", where="lib/llm.py:6")),
    ]


def test_another_selection_keeps_its_own_record(project: Path, parses: list[str]) -> None:
    default = found(lint("app"))
    every = found(lint("app", select=("ALL",)))
    assert len(records(project)) == 2
    forget_entries(project)
    parses.clear()
    assert found(lint("app")) == default
    assert found(lint("app", select=("ALL",))) == every
    assert parses == []


@pytest.mark.parametrize(
    "poison",
    [
        lambda raw: raw[: len(raw) // 2],  # cut short
        lambda raw: raw.replace(b'"files"', b'"filez"'),  # changed: the checksum no longer holds
        lambda raw: b"[" * 100_000,  # nested beyond any parser's depth
    ],
)
def test_a_damaged_record_is_a_miss(project: Path, parses: list[str], poison) -> None:  # type: ignore[no-untyped-def]
    cold = found(lint("app"))
    (record,) = records(project)
    record.write_bytes(poison(record.read_bytes()))
    forget_entries(project)
    parses.clear()
    assert found(lint("app")) == cold
    assert "app/caller.py" in parses


def test_a_record_whose_findings_point_past_the_file_is_a_miss(project: Path, parses: list[str]) -> None:
    """A record is checked like an entry: a line beyond the file is refused, even under a valid checksum."""
    from claude_lint.app.cache import RunRecords

    cold = found(lint("app"))
    (path,) = records(project)
    head, _, body = path.read_bytes().partition(b"\n")
    import json

    header, record = json.loads(head), json.loads(body)
    rows = record["files"][0][1][1]
    rows[2] = 10**12  # the start line
    name = path.stem
    RunRecords(path.parent.parent).store(name, header["key"], record)
    forget_entries(project)
    parses.clear()
    assert found(lint("app")) == cold
    assert "app/caller.py" in parses


def test_files_written_just_before_the_run_get_no_record(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_record, "RACY_NS", 2_000_000_000)
    lint("app")
    assert records(project) == []  # a write in the same clock tick as the signature could go unseen
    past = time.time() - 60
    import os

    for path in project.rglob("*.py"):
        os.utime(path, (past, past))
    lint("app")
    assert records(project) == []  # setting the mtime back changed the ctime: still new


def test_a_few_files_or_a_fix_get_no_record(project: Path) -> None:
    lint("app/caller.py", "app/hopeful.py")
    assert records(project) == []
    lint("app", fix=True)
    assert records(project) == []


def test_a_fix_run_is_not_answered_by_the_record(project: Path) -> None:
    (project / "app" / "bare.py").write_text(
        "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef go():\n    try:\n"
        '        return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[])\n'
        "    except:\n        raise\n",
        encoding="utf-8",
    )
    before = found(lint("app"))
    assert ("app/bare.py", "CL101") in [(path, code) for path, code, _, _, _ in before]
    fixed = lint("app", fix=True, unsafe_fixes=True)
    assert [f.applied for f in fixed.fixes] == [{"CL101": 1}]
    assert "    except Exception:\n        raise\n" in (project / "app" / "bare.py").read_text(encoding="utf-8")
    assert "CL101" not in [code for _, code, _, _, _ in found(lint("app"))]
