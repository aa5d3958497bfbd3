"""The results cache trusts nothing it reads, lives only in a directory of its own, and keeps runs with
different settings warm side by side."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GOOD

import claude_lint
from claude_lint.app import cache
from claude_lint.config.settings import Settings

CONCISE_GOOD = [
    "app.py:9:5: CL101 [-] Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error happened",
    "app.py:9:5: CL102 `except:` swallows the Claude call's error: the handler only does `pass`; log it, re-raise it, or return a real fallback",
]


def _cli(cwd: Path, *args: str, timeout: float = 60, memory: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "claude_lint", "check", "-j", "1", "--output-format", "concise", "-q", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit if memory is not None else None,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(GOOD, encoding="utf-8")
    return tmp_path


def _entry(project: Path) -> Path:
    [entry] = sorted((project / ".claude_lint_cache" / claude_lint.__version__).glob("*.json"))
    return entry


def _warm(project: Path) -> Path:
    done = _cli(project, ".")
    assert done.stdout.splitlines() == CONCISE_GOOD
    return _entry(project)


# ---------------------------------------------------------------- poisoned entries (item 7)


def test_an_edited_entry_that_is_still_valid_json_is_not_served(project: Path) -> None:
    entry = _warm(project)
    header, body = cache.entry_parts(entry.read_bytes())
    body["diagnostics"][0][0] = "CL999"
    body["diagnostics"][0][2] = 3
    entry.write_bytes(json.dumps(header).encode() + b"\n" + json.dumps(body).encode())  # the old checksum
    done = _cli(project, ".")
    assert done.stdout.splitlines() == CONCISE_GOOD
    assert (done.returncode, done.stderr) == (1, "")


def _poison(entry: Path, change) -> None:
    """Change an entry and give it the right checksum: what the bounds must catch on their own."""
    header, body = cache.entry_parts(entry.read_bytes())
    change(body["diagnostics"])
    entry.write_bytes(cache.sealed_entry(header, body))


@pytest.mark.parametrize(
    "change",
    [
        lambda ds: ds[0].__setitem__(5, 10**12),  # an end column past any line: a MemoryError in the caret
        lambda ds: ds[0].__setitem__(4, 10**6),  # a line past the file
        lambda ds: ds[0].__setitem__(0, "../../etc"),  # not a code
        lambda ds: ds[0].__setitem__(1, "x" * 200_000),  # a message no rule writes
        lambda ds: ds[0].__setitem__(2, -1),
    ],
    ids=["column", "line", "code", "message", "negative"],
)
def test_an_entry_out_of_bounds_is_a_miss_even_with_its_checksum(project: Path, change) -> None:
    entry = _warm(project)
    _poison(entry, change)
    done = _cli(project, ".", memory=2 << 30)
    assert done.stdout.splitlines() == CONCISE_GOOD
    assert (done.returncode, done.stderr) == (1, "")


def _poison_compact(entry: Path, change) -> None:
    """Change the compact form an entry holds (`[strings, rows, fixes, edits]`) and seal it with the right checksum."""
    header, _, body = entry.read_bytes().partition(b"\n")
    diagnostics, asked, summary = body.split(b"\n")
    compact = json.loads(diagnostics)
    change(*compact)
    body = b"\n".join([json.dumps(compact).encode(), asked, summary])
    fields = json.loads(header)
    fields["sum"] = cache._checksum(fields["key"], body)
    entry.write_bytes(json.dumps(fields).encode() + b"\n" + body)


@pytest.mark.parametrize(
    "change",
    [
        lambda strings, rows, fixes, edits: rows.pop(),  # a row one number short
        lambda strings, rows, fixes, edits: rows.__setitem__(7, True),  # flags as a JSON `true`
        lambda strings, rows, fixes, edits: rows.__setitem__(2, 9.0),  # a line that is no int
        lambda strings, rows, fixes, edits: rows.__setitem__(8, 5),  # a fix that is not there
        lambda strings, rows, fixes, edits: rows.__setitem__(0, -2),  # a negative index: Python would wrap it to "CL102"
        lambda strings, rows, fixes, edits: rows.__setitem__(6, 10**6),  # a noqa line past the file
        lambda strings, rows, fixes, edits: fixes.__setitem__(3, 2),  # more edits than there are
        lambda strings, rows, fixes, edits: fixes.__setitem__(1, 3),  # no such applicability
        lambda strings, rows, fixes, edits: edits.__setitem__(4, 99),  # content past the strings
        lambda strings, rows, fixes, edits: edits.__setitem__(3, 10**9),  # an edit past the content
        lambda strings, rows, fixes, edits: strings.append(5),  # a string that is not one
    ],
    ids=[
        "short-row", "bool", "float", "fix-index", "negative-index", "noqa", "edit-count", "applicability",
        "edit-content", "edit-column", "not-a-string",
    ],
)
def test_a_compact_entry_out_of_shape_is_a_miss_even_with_its_checksum(
    project: Path, change, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claude_lint.config.settings import ConfigResolver

    entry = _warm(project)
    monkeypatch.chdir(project)  # the entry is keyed by the path as the run reports it
    spec = cache.ResultCache().spec_for(ConfigResolver().for_path(project / "app.py"))
    assert spec is not None
    data = (project / "app.py").read_bytes()
    served = cache.load(spec, "app.py", data)
    assert served is not None and [(d.code, d.fix is not None) for d in served.diagnostics] == [("CL101", True), ("CL102", False)]
    _poison_compact(entry, change)
    assert cache.load(spec, "app.py", data) is None
    done = _cli(project, ".")
    assert done.stdout.splitlines() == CONCISE_GOOD
    assert (done.returncode, done.stderr) == (1, "")


def test_deeply_nested_json_is_a_miss_not_a_traceback(project: Path) -> None:
    entry = _warm(project)
    entry.write_text("[" * 100_000, encoding="utf-8")
    done = _cli(project, ".")
    assert (done.returncode, done.stderr) == (1, "")  # 1: the findings, not a crash that reads as findings
    assert done.stdout.splitlines() == CONCISE_GOOD
    assert cache.entry_parts(_entry(project).read_bytes())[0]["format"] == cache.FORMAT  # rewritten whole


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_an_entry_that_is_a_fifo_is_a_miss_and_never_blocks(project: Path) -> None:
    entry = _warm(project)
    entry.unlink()
    os.mkfifo(entry)
    done = _cli(project, ".", timeout=30)
    assert done.stdout.splitlines() == CONCISE_GOOD
    assert entry.is_file() and not entry.is_symlink()  # replaced by a real entry


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symlinks")
@pytest.mark.parametrize("target", ["huge", "elsewhere"])
def test_an_entry_that_is_a_symlink_is_neither_followed_nor_written_through(project: Path, tmp_path: Path, target: str) -> None:
    """A link to a 6 GB sparse file stands for the issue's `/dev/zero` (which a run as root would
    have replaced, writing through the link); a link to a valid entry elsewhere is not ours either."""
    entry = _warm(project)
    outside = tmp_path / "outside"
    outside.mkdir()
    linked = outside / ("huge.json" if target == "huge" else "elsewhere.json")
    if target == "huge":
        with open(linked, "wb") as f:
            f.truncate(6 * 1024**3)
    else:
        os.replace(entry, linked)
    before = linked.read_bytes() if target == "elsewhere" else None
    entry.unlink(missing_ok=True)
    os.symlink(linked, entry)
    done = _cli(project, ".", timeout=60, memory=2 << 30)
    assert done.stdout.splitlines() == CONCISE_GOOD
    assert (done.returncode, done.stderr) == (1, "")
    assert not entry.is_symlink() and cache.entry_parts(entry.read_bytes())[0]["format"] == cache.FORMAT
    assert sorted(os.listdir(outside)) == [linked.name]
    if before is not None:
        assert linked.read_bytes() == before
    else:
        assert linked.stat().st_size == 6 * 1024**3 and linked.stat().st_blocks == 0


def test_an_oversized_entry_is_not_read_whole(project: Path, tmp_path: Path) -> None:
    entry = _warm(project)
    with open(entry, "r+b") as f:
        f.truncate(cache.MAX_ENTRY_BYTES + 1)
    spec = cache.ResultCache().spec_for(Settings(root=project))
    assert spec is not None
    assert cache.load(spec, "app.py", (project / "app.py").read_bytes()) is None


# ---------------------------------------------------------------- where the cache may live (item 8)


def _config(project: Path, cache_dir: str) -> Path:
    config = project / "pyproject.toml"
    config.write_text(f"[tool.claude-lint]\ncache-dir = {json.dumps(cache_dir)}\n", encoding="utf-8")
    return config


@pytest.mark.parametrize(
    ("cache_dir", "why"),
    [
        (".", "is the project root; the cache needs a directory of its own"),
        ("./", "is the project root; the cache needs a directory of its own"),
        ("..", "is {parent}, a directory above the project; the cache needs a directory of its own"),
        ("~", "is the home directory; the cache needs a directory of its own"),
        ("src", "is {project}/src, an existing directory that is not a claude-lint cache"),
        ("a\u0000b", None),
    ],
    ids=["root", "root-slash", "parent", "home", "other-directory", "nul"],
)
def test_a_cache_dir_that_is_not_its_own_is_refused(tmp_path: Path, cache_dir: str, why: str | None) -> None:
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "src" / "mod.py").write_text("x = 1\n", encoding="utf-8")
    (project / "app.py").write_text(GOOD, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(project)], check=False, capture_output=True)
    config = _config(project, cache_dir)
    home = tmp_path / "home"
    home.mkdir()
    before = sorted(p.name for p in project.iterdir()), sorted(home.iterdir()), sorted(tmp_path.iterdir())
    done = subprocess.run(
        [sys.executable, "-m", "claude_lint", "check", "."],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HOME": str(home)},
        check=False,
    )
    if why is None:
        expected = f"claude-lint: error: {config}: `cache-dir` contains a NUL character"
    else:
        shown = json.dumps(cache_dir).replace('"', "'")
        expected = f"claude-lint: error: {config}: `cache-dir` = {shown} " + why.format(parent=tmp_path, project=project)
    assert (done.returncode, done.stdout, done.stderr.splitlines()) == (2, "", [expected])
    assert (sorted(p.name for p in project.iterdir()), sorted(home.iterdir()), sorted(tmp_path.iterdir())) == before
    assert not (project / ".gitignore").exists() and not (project / "CACHEDIR.TAG").exists()


@pytest.mark.parametrize("cache_dir", [".claude_lint_cache", "build/cache", "empty"])
def test_a_cache_dir_of_its_own_is_used(project: Path, cache_dir: str) -> None:
    (project / "empty").mkdir()
    _config(project, cache_dir)
    for _ in range(2):  # created, then found to be ours
        done = _cli(project, ".")
        assert (done.returncode, done.stderr, done.stdout.splitlines()) == (1, "", CONCISE_GOOD)
    assert (project / cache_dir / "CACHEDIR.TAG").read_text(encoding="utf-8") == cache.CACHEDIR_TAG
    assert not (project / ".gitignore").exists()


def test_the_cache_is_never_what_switches_linting_off(tmp_path: Path) -> None:
    """The issue's report: with `cache-dir = "."` in a git repository, the `.gitignore` of `*` made
    the next run see no files and say "All checks passed!" on a bare `except:`."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=False, capture_output=True)
    (tmp_path / "app.py").write_text(GOOD, encoding="utf-8")
    _config(tmp_path, ".")
    assert _cli(tmp_path, ".").returncode == 2
    assert _cli(tmp_path, ".").returncode == 2  # and again: nothing was written in between
    assert not (tmp_path / ".gitignore").exists()


# ---------------------------------------------------------------- runs with other settings stay warm (item 12)


def test_entries_of_runs_with_different_settings_do_not_overwrite_each_other(project: Path) -> None:
    data = (project / "app.py").read_bytes()
    specs = cache.ResultCache()
    everything = specs.spec_for(Settings(root=project))
    fewer = specs.spec_for(Settings(root=project, ignore=("CL102",)))
    assert everything is not None and fewer is not None
    from claude_lint.engine.lint import lint_bytes

    for spec, settings in ((everything, Settings(root=project)), (fewer, Settings(root=project, ignore=("CL102",)))):
        cache.store(spec, "app.py", data, lint_bytes("app.py", data, settings).diagnostics)
    first, second = cache.load(everything, "app.py", data), cache.load(fewer, "app.py", data)
    assert first is not None and second is not None
    assert [d.code for d in first.diagnostics] == ["CL101", "CL102"]
    assert [d.code for d in second.diagnostics] == ["CL101"]
    assert len(list(Path(everything.directory).glob("*.json"))) == 2


def test_alternating_settings_keep_both_runs_warm(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from claude_lint.app.runner import RunOptions, run
    from claude_lint.config.settings import ConfigResolver
    from claude_lint.engine import lint as engine

    parsed: list[str] = []
    real = engine.lint_bytes

    def counting(path: str, *args: object, **kwargs: object):
        parsed.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.chdir(project)
    from claude_lint.app import runner

    monkeypatch.setattr(runner, "lint_bytes", counting)
    for ignore in ((), ("CL102",), (), ("CL102",)):
        run(["."], ConfigResolver(), RunOptions(cache=True, ignore=ignore))
    assert parsed == ["app.py", "app.py"]  # the two cold runs; both warm runs were answered by the cache
