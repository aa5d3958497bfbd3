"""The results cache: what invalidates it, what it survives, what it never does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import claude_lint
from claude_lint.app import cache
from claude_lint.app.runner import Outcome, RunOptions, run
from claude_lint.config.settings import ConfigResolver
from claude_lint.engine import lint as engine

ROOT = Path(__file__).resolve().parent.parent

APP = '''\
import anthropic

client = anthropic.Anthropic()


def ask(prompt: str) -> str:
    try:
        reply = client.messages.create(
            model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": prompt}]
        )
    except anthropic.APIError as e:
        raise RuntimeError("failed")
    return reply.content[0].text


def quiet(prompt: str) -> None:
    try:
        client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": prompt}])
    except:  # noqa: CL101
        pass
'''

OTHER = '''\
import anthropic

def go():
    try:
        anthropic.Anthropic().messages.create(model="claude-3-opus-20240229", max_tokens=8, messages=[])
    except Exception:
        return None
'''

EXPECTED = [
    ("app.py", "CL303", 9, False),
    ("app.py", "CL105", 12, False),
    ("app.py", "CL303", 18, False),
    ("app.py", "CL102", 19, False),
    ("other.py", "CL302", 5, False),
    ("other.py", "CL305", 5, False),
    ("other.py", "CL102", 6, False),
    ("app.py", "CL101", 19, True),
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "claude-lint.toml").write_text("", encoding="utf-8")
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "other.py").write_text(OTHER, encoding="utf-8")
    (tmp_path / "plain.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the engine parsed, in order (a cache hit parses nothing)."""
    seen: list[str] = []
    real = engine.lint_text

    def counting(path: str, text: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(Path(path).name)
        return real(path, text, *args, **kwargs)

    monkeypatch.setattr(engine, "lint_text", counting)
    return seen


def lint(**options: object) -> Outcome:
    return run(["."], ConfigResolver(), RunOptions(cache=True, **options))  # type: ignore[arg-type]


def summary(outcome: Outcome) -> list[tuple[str, str, int, bool]]:
    return [(Path(d.path).name, d.code, d.start.line, d.suppressed) for d in [*outcome.diagnostics, *outcome.suppressed]]


def full(outcome: Outcome) -> list[tuple[object, ...]]:
    return [
        (d.path, d.code, d.message, d.start, d.end, d.fix, d.noqa_line, d.suppressed)
        for d in [*outcome.diagnostics, *outcome.suppressed]
    ]


def entries(project: Path, version: str = claude_lint.__version__) -> list[Path]:
    return sorted((project / ".claude_lint_cache" / version).glob("*.json"))


def test_a_warm_run_parses_nothing_and_reports_the_same(project: Path, parses: list[str]) -> None:
    cold = lint()
    assert sorted(parses) == ["app.py", "other.py"]  # plain.py never passes the prefilter
    assert summary(cold) == EXPECTED
    parses.clear()
    warm = lint()
    assert parses == []
    assert full(warm) == full(cold)
    assert warm.sources == cold.sources
    assert warm.checked == cold.checked == ["app.py", "other.py", "plain.py"]
    assert len(entries(project)) == 2


def test_the_cache_directory_is_tagged_and_ignored(project: Path) -> None:
    lint()
    directory = project / ".claude_lint_cache"
    assert (directory / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith(
        "Signature: 8a477f597d28d172789f06886806bc55\n"
    )
    assert (directory / ".gitignore").read_text(encoding="utf-8") == "# Automatically created by claude-lint.\n*\n"
    assert sorted(p.name for p in directory.iterdir()) == sorted([".gitignore", "CACHEDIR.TAG", claude_lint.__version__])


def test_a_content_change_relints_that_file_only(project: Path, parses: list[str]) -> None:
    lint()
    parses.clear()
    (project / "other.py").write_text(OTHER.replace("messages=[]", 'messages=[{"role": "user", "content": "x"}]'), encoding="utf-8")
    outcome = lint()
    assert parses == ["other.py"]
    assert summary(outcome) == [e for e in EXPECTED if e[1] != "CL305"]


def test_a_config_change_relints(project: Path, parses: list[str]) -> None:
    lint()
    parses.clear()
    (project / "claude-lint.toml").write_text('ignore = ["CL303"]\n', encoding="utf-8")
    outcome = lint()
    assert sorted(parses) == ["app.py", "other.py"]
    assert summary(outcome) == [e for e in EXPECTED if e[1] != "CL303"]
    parses.clear()
    (project / "claude-lint.toml").write_text("max-attempts = 4\n", encoding="utf-8")
    assert summary(lint()) == EXPECTED
    assert sorted(parses) == ["app.py", "other.py"]


def test_command_line_selection_is_part_of_the_key(project: Path, parses: list[str]) -> None:
    lint()
    parses.clear()
    outcome = lint(ignore=("CL102",))
    assert sorted(parses) == ["app.py", "other.py"]
    assert summary(outcome) == [e for e in EXPECTED if e[1] != "CL102"]


def test_settings_that_only_choose_files_keep_the_cache(project: Path, parses: list[str]) -> None:
    lint()
    parses.clear()
    (project / "claude-lint.toml").write_text('extend-exclude = ["generated"]\nrespect-gitignore = false\n', encoding="utf-8")
    assert summary(lint()) == EXPECTED
    assert parses == []


def test_a_new_version_relints(project: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    lint()
    parses.clear()
    monkeypatch.setattr(claude_lint, "__version__", "99.0.0")
    assert summary(lint()) == EXPECTED
    assert sorted(parses) == ["app.py", "other.py"]
    assert len(entries(project, "99.0.0")) == 2


def test_a_change_in_claude_lint_own_source_relints(project: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    lint()
    parses.clear()
    real = cache._source_stamps
    monkeypatch.setattr(cache, "_source_stamps", lambda: [*real(), ["rules", "cl999_new.py", 10, 1]])
    lint()
    assert sorted(parses) == ["app.py", "other.py"]


def test_another_day_relints(project: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # CL303's message counts the days left; CL302 starts the day a model retires.
    first = lint()
    assert "(in 4 days)" in first.diagnostics[0].message
    parses.clear()
    monkeypatch.setenv("CLAUDE_LINT_TODAY", "2026-11-30")
    outcome = lint()
    assert sorted(parses) == ["app.py", "other.py"]
    assert [(Path(d.path).name, d.code, d.start.line) for d in outcome.diagnostics if d.code in ("CL302", "CL303")] == [
        ("app.py", "CL302", 9),
        ("app.py", "CL302", 18),
        ("other.py", "CL302", 5),
    ]


def test_another_sdk_version_relints(project: Path, parses: list[str]) -> None:
    lint()
    parses.clear()
    (project / "claude-lint.toml").write_text('sdk-version = "0.40.0"\n', encoding="utf-8")
    lint()
    assert sorted(parses) == ["app.py", "other.py"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'{"format": 1}',
        b'{"format": 999, "key": "x", "path": "app.py", "diagnostics": []}',
    ],
    ids=["empty", "truncated", "binary", "wrong-shape", "no-key", "foreign-format"],
)
def test_a_corrupt_or_foreign_entry_is_ignored_and_rebuilt(project: Path, parses: list[str], content: bytes) -> None:
    reference = full(lint())
    for entry in entries(project):
        entry.write_bytes(content)
    parses.clear()
    assert full(lint()) == reference
    assert sorted(parses) == ["app.py", "other.py"]
    parses.clear()
    assert full(lint()) == reference  # rebuilt: warm again
    assert parses == []


def test_an_entry_with_the_right_key_but_bad_diagnostics_is_ignored(project: Path, parses: list[str]) -> None:
    reference = full(lint())
    for entry in entries(project):
        header, body = cache.entry_parts(entry.read_bytes())
        body["diagnostics"] = [["CL101", "message", "one", 0, 1, 0, 1, False, False, None]]
        entry.write_bytes(cache.sealed_entry(header, body))  # the right checksum, a line that is no number
    parses.clear()
    assert full(lint()) == reference
    assert sorted(parses) == ["app.py", "other.py"]


def test_an_entry_is_keyed_by_the_whole_content(project: Path) -> None:
    lint()
    spec = cache.ResultCache().spec_for(ConfigResolver().for_path(project / "app.py"))
    assert spec is not None
    data = (project / "app.py").read_bytes()
    assert cache.load(spec, "app.py", data) is not None
    assert cache.load(spec, "app.py", data + b"\n") is None
    assert cache.load(spec, "./app.py", data) is None  # the path as reported is part of the key


def test_cache_dir_setting(project: Path) -> None:
    (project / "claude-lint.toml").write_text('cache-dir = "build/lint-cache"\n', encoding="utf-8")
    lint()
    assert not (project / ".claude_lint_cache").exists()
    assert len(list((project / "build" / "lint-cache" / claude_lint.__version__).glob("*.json"))) == 2


def test_an_unwritable_cache_only_costs_speed(project: Path, parses: list[str]) -> None:
    (project / "claude-lint.toml").write_text('cache-dir = "blocker/cache"\n', encoding="utf-8")
    (project / "blocker").write_text("a file where the cache directory should go\n", encoding="utf-8")
    assert summary(lint()) == EXPECTED
    assert summary(lint()) == EXPECTED
    assert sorted(parses) == ["app.py", "app.py", "other.py", "other.py"]


def test_a_crashed_rule_is_not_cached(project: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    real = engine.lint_text  # the counting wrapper

    def crashing(path: str, text: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(path, text, *args, **kwargs)
        result.errors.append(f"{path}: rule CL999 crashed")
        return result

    monkeypatch.setattr(engine, "lint_text", crashing)
    assert len(lint().errors) == 2
    assert entries(project) == []


def test_fix_mode_fixes_a_file_whose_cached_result_offers_a_fix(project: Path, parses: list[str]) -> None:
    lint()  # caches app.py's CL105 with its safe fix
    parses.clear()
    outcome = lint(fix=True)
    assert [f.applied for f in outcome.fixes] == [{"CL105": 1}]
    assert 'raise RuntimeError("failed") from e' in (project / "app.py").read_text(encoding="utf-8")
    assert [e for e in summary(outcome) if e[1] == "CL105"] == []
    # app.py was linted, fixed, re-linted; other.py offers no safe fix: its entry served it.
    assert parses.count("other.py") == 0
    assert parses[0] == "app.py"


def test_fix_mode_does_not_cache_what_it_wrote(project: Path, parses: list[str]) -> None:
    fixed = lint(fix=True)
    assert [f.path for f in fixed.fixes] == ["app.py"]
    spec = cache.ResultCache().spec_for(ConfigResolver().for_path(project / "app.py"))
    assert spec is not None
    assert cache.load(spec, "app.py", (project / "app.py").read_bytes()) is None
    assert cache.load(spec, "other.py", (project / "other.py").read_bytes()) is not None
    parses.clear()
    after = lint()
    assert parses == ["app.py"]
    assert summary(after) == summary(fixed)


def test_no_cache_writes_nothing(project: Path, run_cli) -> None:
    done = run_cli("check", "--no-cache", "--output-format", "concise", ".", cwd=project)
    assert done.returncode == 1
    assert not (project / ".claude_lint_cache").exists()
    run([str(project)], ConfigResolver(), RunOptions())  # the library default: no cache either
    assert not (project / ".claude_lint_cache").exists()
    done = run_cli("check", "--output-format", "concise", ".", cwd=project)
    assert len(entries(project)) == 2


def test_no_cache_ignores_a_poisoned_cache(project: Path, run_cli) -> None:
    run_cli("check", ".", cwd=project)
    for entry in entries(project):
        header, body = cache.entry_parts(entry.read_bytes())
        body["diagnostics"] = []
        entry.write_bytes(cache.sealed_entry(header, body))  # poisoned with care
    assert run_cli("check", "-q", ".", cwd=project).returncode == 0  # the (poisoned) cache answers
    done = run_cli("check", "-q", "--no-cache", "--output-format", "concise", ".", cwd=project)
    assert done.returncode == 1
    assert done.stdout.count(b"\n") == 7


def test_two_concurrent_runs_both_report_correctly(tmp_path: Path, run_cli) -> None:
    tree = tmp_path / "tree"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate_corpus.py"), str(tree), "--lines", "3000", "--lines-per-file", "100"],
        check=True,
        capture_output=True,
    )
    expected = run_cli("check", "--no-cache", "--output-format", "json", "tree").stdout
    assert len(json.loads(expected)) > 100
    command = [sys.executable, "-m", "claude_lint", "check", "-j", "2", "--output-format", "json", "tree"]
    for _ in range(2):  # cold against cold, then warm against warm
        first = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        second = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        outputs = [first.communicate(timeout=120), second.communicate(timeout=120)]
        assert [out for out, _ in outputs] == [expected, expected]
        assert [err for _, err in outputs] == [b"", b""]
    cached = sorted((tmp_path / ".claude_lint_cache" / claude_lint.__version__).iterdir())
    assert len(cached) == len(list(tree.rglob("*.py")))  # every file calls Claude; no temp file left
    assert all(p.suffix == ".json" and not p.name.startswith(".tmp-") for p in cached)


@pytest.mark.parametrize("temporary", [False, True], ids=["version-directory", "and-the-tag-being-written"])
def test_a_cache_another_run_is_creating_is_not_refused(tmp_path: Path, run_cli, temporary: bool) -> None:
    """What a run that started a moment earlier has made of the cache before its tag is in place:
    the version directory, then the tag's temporary file. A run that sees it uses the cache (two
    cold runs started together refused each other's: an empty report and exit code 2)."""
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    expected = run_cli("check", "--no-cache", "--output-format", "concise", "app.py")
    assert expected.returncode == 1 and "CL102" in expected.stdout.decode()
    root = tmp_path / ".claude_lint_cache"
    (root / claude_lint.__version__).mkdir(parents=True)
    if temporary:
        (root / ".CACHEDIR.TAG.k3j9x2.tmp").write_text("Signature: 8a477f", encoding="utf-8")
    done = run_cli("check", "--output-format", "concise", "app.py")
    assert (done.returncode, done.stdout, done.stderr) == (1, expected.stdout, b"")
    assert (root / "CACHEDIR.TAG").read_text(encoding="utf-8") == cache.CACHEDIR_TAG
    assert len(list((root / claude_lint.__version__).glob("*.json"))) == 1


def test_a_cache_dir_holding_anything_else_without_the_tag_is_still_refused(tmp_path: Path, run_cli) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    root = tmp_path / ".claude_lint_cache"
    (root / claude_lint.__version__).mkdir(parents=True)
    (root / "notes.txt").write_text("mine\n", encoding="utf-8")
    done = run_cli("check", "--output-format", "concise", "app.py")
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().strip().endswith(
        f"`cache-dir` = '.claude_lint_cache' is {root.resolve()}, an existing directory that is not a claude-lint cache"
    )
    assert sorted(p.name for p in root.iterdir()) == [claude_lint.__version__, "notes.txt"]


# ---------------------------------------------------------------- every output from a warm cache

# Not an `sk-ant-` key: only the finding's `secret` flag masks it in excerpts and diffs.
KEYED = '''\
import anthropic

CLAUDE_KEY = "zk-live-77a1f0c9e2b84d"
client = anthropic.Anthropic(api_key=CLAUDE_KEY)
'''

LLM = '''\
import anthropic

client = anthropic.Anthropic()


def ask_claude(question: str) -> str:
    reply = client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": question}])
    return reply.content[0].text
'''

USES = '''\
from llm import ask_claude


def answer(question: str) -> str | None:
    try:
        return ask_claude(question)
    except:
        return None
'''

WARM_FORMATS = ["concise", "full", "json", "json-lines", "sarif", "github", "gitlab", "junit"]


@pytest.fixture
def outputs_project(project: Path) -> Path:
    (project / "keyed.py").write_text(KEYED, encoding="utf-8")
    (project / "llm.py").write_text(LLM, encoding="utf-8")
    (project / "uses.py").write_text(USES, encoding="utf-8")
    return project


def _stamps(project: Path) -> dict[str, tuple[int, int]]:
    """Each entry's inode and mtime: a run that re-lints a file replaces its entry."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in entries(project)}


def test_every_format_from_a_warm_cache_is_the_output_without_one(outputs_project: Path, run_cli) -> None:
    project = outputs_project
    cold = {f: run_cli("check", "--no-cache", "--output-format", f, ".", cwd=project) for f in WARM_FORMATS}
    cold["statistics"] = run_cli("check", "--no-cache", "--statistics", ".", cwd=project)
    concise = cold["concise"].stdout.decode().splitlines()
    sonnet = "`claude-sonnet-4-5` is deprecated: the API stops serving it on 2026-11-30 (in 4 days), and then answers 404. Use `claude-sonnet-4-6`."
    remote = "`ask_claude()` in llm.py:6 makes the Claude call"
    assert concise == [
        f"app.py:9:19: CL303 [-] {sonnet}",
        "app.py:12:9: CL105 [*] `raise RuntimeError(...)` in a handler of a Claude call drops the API error: add `from e` to keep it as the cause",
        f"app.py:18:38: CL303 [-] {sonnet}",
        "app.py:19:5: CL102 `except:` swallows the Claude call's error: the handler only does `pass`; log it, re-raise it, or return a real fallback",
        "keyed.py:3:14: CL501 [-] An API key (`zk-live...`) is written in the code as `api_key=`: anyone who can read the code can use it."
        " Read it from the environment (`ANTHROPIC_API_KEY`), and revoke this one",
        f"llm.py:7:42: CL303 [-] {sonnet}",
        "other.py:5:53: CL302 [-] `claude-3-opus-20240229` was retired on 2026-01-05; the API answers 404 for it. Use `claude-opus-4-8`.",
        "other.py:5:93: CL305 `messages` is empty: the API needs at least one message and answers 400 invalid_request_error",
        "other.py:6:5: CL102 `except Exception` swallows the Claude call's error: the handler only does `return None`; log it, re-raise it,"
        " or return a real fallback",
        "uses.py:7:5: CL101 [-] Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error"
        f" happened; {remote}",
        "uses.py:7:5: CL102 `except:` swallows the Claude call's error: the handler only does `return None`; log it, re-raise it, or return"
        f" a real fallback; {remote}",
        "Found 11 errors.",
        "[*] 1 fixable with the `--fix` option.",
        "[-] 6 fixable with the `--fix --unsafe-fixes` options.",
    ]
    assert b"zk-live-77a1f0c9e2b84d" not in cold["full"].stdout and b'"zk-live***************"' in cold["full"].stdout
    assert run_cli("check", ".", cwd=project).returncode == 1  # fills the cache
    filled = _stamps(project)
    assert sorted(filled) == sorted(p.name for p in entries(project)) and len(filled) == 5
    for name, done in cold.items():
        args = ["--statistics"] if name == "statistics" else ["--output-format", name]
        warm = run_cli("check", *args, ".", cwd=project)
        assert (warm.returncode, warm.stdout, warm.stderr) == (done.returncode, done.stdout, done.stderr), name
    assert _stamps(project) == filled  # every file was served by its entry


def test_diff_and_fix_from_a_warm_cache_are_the_same_as_without_one(
    outputs_project: Path, tmp_path_factory: pytest.TempPathFactory, run_cli
) -> None:
    import shutil

    project = outputs_project
    assert run_cli("check", ".", cwd=project).returncode == 1  # fills the cache
    for args in (["--diff"], ["--diff", "--unsafe-fixes"]):
        warm = run_cli("check", *args, ".", cwd=project)
        cold = run_cli("check", "--no-cache", *args, ".", cwd=project)
        assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
        assert b'+        raise RuntimeError("failed") from e\n' in warm.stdout
        assert (b'+CLAUDE_KEY = os.environ["ANTHROPIC_API_KEY"]\n' in warm.stdout) == ("--unsafe-fixes" in args)
        assert b"zk-live-77a1f0c9e2b84d" not in warm.stdout
    other = tmp_path_factory.mktemp("copy") / "project"  # outside the project
    shutil.copytree(project, other, ignore=shutil.ignore_patterns(".claude_lint_cache"))
    warm = run_cli("check", "--fix", "--unsafe-fixes", "--output-format", "concise", ".", cwd=project)
    cold = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", "--output-format", "concise", ".", cwd=other)
    assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    for name in ("app.py", "other.py", "keyed.py", "llm.py", "uses.py"):
        assert (project / name).read_text(encoding="utf-8") == (other / name).read_text(encoding="utf-8"), name
    assert 'CLAUDE_KEY = os.environ["ANTHROPIC_API_KEY"]' in (project / "keyed.py").read_text(encoding="utf-8")
