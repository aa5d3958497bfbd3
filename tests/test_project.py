"""Project-wide analysis: Claude calls, clients and retry mechanisms followed across modules.

The fixture project tests/projects/shapes holds one module per shape (a
wrapper imported from another module, a home-made retry decorator factory, a
retry applied at the call site, a client and a client factory built
elsewhere, a base class in another module, replies returned by a wrapper and
read by the caller, relative imports, `import pkg.mod`, a re-export through
`__init__.py`, an import cycle, a star import, a parameter shadowing an
imported name). A full
run, a run on each file alone, stdin and a warm run must give the same
findings; the cache re-lints the users of a changed wrapper and nothing else.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claude_lint.app.runner import Outcome, RunOptions, run
from claude_lint.config.settings import ConfigResolver

EXPECTED = [
    ('app/bot.py', 10, 9, 'CL101',
     'Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error happened; `Assistant.ask()` in app/base.py:7 makes the Claude call'),
    ('app/bot.py', 10, 9, 'CL102',
     '`except:` swallows the Claude call\'s error: the handler only does `return ""`; log it, re-raise it, or return a real fallback; `Assistant.ask()` in app/base.py:7 makes the Claude call'),
    ('app/chat.py', 7, 12, 'CL201',
     "This Claude call's client has SDK retries disabled (`max_retries=0` in app/clients.py:6) and nothing retries it: a 429, 529 or dropped connection fails the request at once"),
    ('app/chat.py', 15, 12, 'CL201',
     "This Claude call's client has SDK retries disabled (`max_retries=0` in app/clients.py:9) and nothing retries it: a 429, 529 or dropped connection fails the request at once"),
    ('app/cycle_b.py', 18, 5, 'CL101',
     'Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error happened; `pong()` in app/cycle_a.py:6 makes the Claude call'),
    ('app/cycle_b.py', 18, 5, 'CL102',
     '`except:` swallows the Claude call\'s error: the handler only does `return ""`; log it, re-raise it, or return a real fallback; `pong()` in app/cycle_a.py:6 makes the Claude call'),
    ('app/dotted.py', 9, 5, 'CL101',
     'Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error happened; `ask_claude()` in app/llm.py:6 makes the Claude call'),
    ('app/dotted.py', 9, 5, 'CL102',
     '`except:` swallows the Claude call\'s error: the handler only does `return ""`; log it, re-raise it, or return a real fallback; `ask_claude()` in app/llm.py:6 makes the Claude call'),
    ('app/handlers.py', 9, 5, 'CL101',
     'Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error happened; `ask_claude()` in app/llm.py:6 makes the Claude call'),
    ('app/handlers.py', 9, 5, 'CL102',
     "`except:` swallows the Claude call's error: the handler only does `return None`; log it, re-raise it, or return a real fallback; `ask_claude()` in app/llm.py:6 makes the Claude call"),
    ('app/llm.py', 16, 12, 'CL402',
     '`reply.content[0]` assumes the reply has content: a reply with no blocks raises IndexError here. Check `reply.content` first'),
    ('app/models.py', 10, 1, 'CL202',
     '`@retry_on_specific_exceptions(...)` (defined in app/retrying.py:6) retries `RateLimitError`, `APIStatusError`, including BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), PermissionDeniedError (403) and 6 more, which fail the same way on every attempt'),
    ('app/models.py', 10, 1, 'CL203',
     '`@retry_on_specific_exceptions(...)` (defined in app/retrying.py:6) around a Claude call has no attempt bound as applied here, so it retries forever'),
    ('app/models.py', 10, 1, 'CL205',
     '`@retry_on_specific_exceptions(...)` (defined in app/retrying.py:6) backs off exponentially with no random jitter: parallel workers retry in lockstep and hit the rate limit together again'),
    ('app/models.py', 10, 1, 'CL207',
     '`@retry_on_specific_exceptions(...)` (defined in app/retrying.py:6) retries a Claude call whose client also retries: each attempt makes up to 3 requests; call through `client.with_options(max_retries=0)`'),
    ('app/models.py', 27, 12, 'CL202',
     '`retry_handler(...)` (defined in app/retrying.py:24) retries every exception, including BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), PermissionDeniedError (403) and 6 more, which fail the same way on every attempt'),
    ('app/models.py', 27, 12, 'CL204',
     '`retry_handler(...)` (defined in app/retrying.py:24) tries the Claude call again at once: add a sleep with exponential backoff and jitter'),
    ('app/models.py', 27, 12, 'CL207',
     '`retry_handler(...)` (defined in app/retrying.py:24) retries a Claude call whose client also retries: 3 attempts x 3 SDK attempts = up to 9 requests per call; call through `client.with_options(max_retries=0)`'),
    # No CL207 for the `for` loop at line 10: it goes round again at once (CL204), so it is no
    # stand-in for the SDK's waiting retries (issue 12).
    ('app/providers/claude.py', 10, 5, 'CL210',
     'After its last failed attempt, the `for` retry loop falls through without raising: the caller gets `None` instead of the API error'),
    ('app/providers/claude.py', 13, 9, 'CL202',
     'The `for` retry loop retries whatever `except Exception` catches without looking at the error, including BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), PermissionDeniedError (403) and 6 more, which fail the same way on every attempt'),
    ('app/providers/claude.py', 13, 9, 'CL204',
     'The `for` retry loop tries the Claude call again at once: add a sleep with exponential backoff and jitter'),
    ('app/providers/claude.py', 18, 5, 'CL203',
     'The `while` retry loop around a Claude call has no attempt bound, so it retries forever'),
    ('app/providers/claude.py', 18, 5, 'CL207',
     'The `while` loop calls Claude again after an error while its client also retries: each pass makes up to 3 requests; call through `client.with_options(max_retries=0)`; `ask_claude()` in app/llm.py:6 makes the Claude call'),
    ('app/providers/claude.py', 21, 9, 'CL202',
     'The `while` retry loop retries whatever `except Exception` catches without looking at the error, including BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), PermissionDeniedError (403) and 6 more, which fail the same way on every attempt'),
    ('app/providers/claude.py', 23, 13, 'CL205',
     'This retry wait (fixed) has no random jitter: parallel workers retry in lockstep and hit the rate limit together again'),
    ('app/report.py', 10, 12, 'CL402',
     '`ask_claude(...).content[0]` assumes the reply has content: a reply with no blocks raises IndexError here. Check `ask_claude(...).content` first; the reply comes from `ask_claude()` in app/llm.py:6'),
    ('app/report.py', 15, 12, 'CL404',
     "`json.loads` of Claude's reply text has no handler for `json.JSONDecodeError`: a reply that is not pure JSON (a sentence first, a code fence, JSON cut off at `max_tokens`) raises here; the reply comes from `ask_claude()` in app/llm.py:6"),
    ('app/report.py', 15, 23, 'CL402',
     '`reply.content[0]` assumes the reply has content: a reply with no blocks raises IndexError here. Check `reply.content` first; the reply comes from `ask_claude()` in app/llm.py:6'),
    ('app/report.py', 19, 12, 'CL401',
     '`ask_with_tools(question, tools).content[0]` is read as text, but the call passes `tools=`: the block can be a `tool_use` block, which has no `.text` (AttributeError). Check `block.type == "text"` first; the reply comes from `ask_with_tools()` in app/tools.py:6'),
    ('app/views.py', 9, 5, 'CL102',
     "`except Exception` swallows the Claude call's error: the handler only does `pass`; log it, re-raise it, or return a real fallback; `ask_claude()` in app/llm.py:6 makes the Claude call"),
]


@pytest.fixture
def shapes(project_copy) -> Path:
    return project_copy("shapes")


def findings(outcome: Outcome, root: Path) -> list[tuple[str, int, int, str, str]]:
    return [
        (Path(d.path).resolve().relative_to(root).as_posix(), d.start.line, d.start.column + 1, d.code, d.message)
        for d in outcome.diagnostics
    ]


def json_findings(stdout: bytes, root: Path, name: str | None = None) -> list[tuple[str, int, int, str, str]]:
    out = []
    for d in json.loads(stdout):
        path = name if name is not None else Path(d["filename"]).resolve().relative_to(root).as_posix()
        out.append((path, d["location"]["row"], d["location"]["column"], d["code"], d["message"]))
    return out


def test_a_full_run_follows_calls_clients_and_retries_across_modules(shapes: Path) -> None:
    outcome = run(["."], ConfigResolver(), RunOptions())
    assert findings(outcome, shapes) == EXPECTED
    assert outcome.errors == []


def test_a_full_run_in_worker_processes_gives_the_same(shapes: Path) -> None:
    outcome = run(["."], ConfigResolver(), RunOptions(jobs=2))
    assert findings(outcome, shapes) == EXPECTED


def each_file_alone(root: Path, expected: list, files: list[str], run_cli) -> None:  # type: ignore[type-arg]
    """A run on each file alone gives that file's share of the full run's findings."""
    for name in files:
        done = run_cli("check", "--no-cache", "--output-format", "json", name, cwd=root)
        assert done.stderr == b""
        assert json_findings(done.stdout, root) == [f for f in expected if f[0] == name], name


def each_file_on_stdin(root: Path, expected: list, files: list[str], run_cli) -> None:  # type: ignore[type-arg]
    """A file's text on stdin (named with --stdin-filename) gives the same findings as the file."""
    for name in files:
        done = run_cli(
            "check", "--output-format", "json", "--stdin-filename", name, "-",
            cwd=root, stdin=(root / name).read_bytes(),
        )
        assert json_findings(done.stdout, root, name) == [f for f in expected if f[0] == name], name


def test_each_file_alone_gives_its_share_of_the_full_run(shapes: Path, run_cli) -> None:
    files = sorted({path for path, *_ in EXPECTED} | {"app/star.py", "app/llm.py", "app/retrying.py"})
    each_file_alone(shapes, EXPECTED, files, run_cli)


def test_stdin_gives_the_same_as_the_file(shapes: Path, run_cli) -> None:
    each_file_on_stdin(shapes, EXPECTED, ["app/handlers.py", "app/models.py", "app/views.py"], run_cli)


def test_a_warm_run_lints_nothing_and_a_changed_wrapper_relints_its_users_only(shapes: Path, parses: list[str]) -> None:
    cold = run(["."], ConfigResolver(), RunOptions(cache=True))
    assert findings(cold, shapes) == EXPECTED
    parses.clear()
    warm = run(["."], ConfigResolver(), RunOptions(cache=True))
    assert parses == []
    assert findings(warm, shapes) == EXPECTED

    # ask_claude() stops calling Claude: its module and the files that call it are linted again.
    llm = shapes / "app" / "llm.py"
    llm.write_text(llm.read_text(encoding="utf-8").replace("return client.messages.create(", "return dict("), encoding="utf-8")
    after = run(["."], ConfigResolver(), RunOptions(cache=True))
    # (app/star.py asked nothing: its star import is not followed. app/dotted.py and
    # app/handlers.py name no Claude function now: the prefilter skips them, with no findings.)
    assert sorted(set(parses)) == ["app/llm.py", "app/providers/claude.py", "app/report.py", "app/views.py"]
    # Its callers' loops and handlers no longer wrap a Claude call.
    assert {f[0] for f in findings(after, shapes)} == {
        "app/bot.py", "app/chat.py", "app/cycle_b.py", "app/models.py", "app/report.py",
    }
    assert [f[3] for f in findings(after, shapes) if f[0] == "app/report.py"] == ["CL401"]  # ask_with_tools() is unchanged

    # A change that does not change what the module tells others re-lints that module only.
    parses.clear()
    llm.write_text(llm.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    run(["."], ConfigResolver(), RunOptions(cache=True))
    assert parses == ["app/llm.py"]


def test_a_changed_retry_helper_relints_the_modules_that_apply_it(shapes: Path, parses: list[str]) -> None:
    run(["."], ConfigResolver(), RunOptions(cache=True))
    helper = shapes / "app" / "retrying.py"
    # The bound now holds even with max_retries=None: CL203 goes away at the decorator use.
    helper.write_text(
        helper.read_text(encoding="utf-8").replace(
            "while max_retries is None or attempt < max_retries:", "while attempt < (max_retries or 5):"
        ),
        encoding="utf-8",
    )
    parses.clear()
    after = run(["."], ConfigResolver(), RunOptions(cache=True))
    assert parses == ["app/models.py"]  # retrying.py never passes the prefilter; models.py applies it
    assert [f[3] for f in findings(after, shapes) if f[0] == "app/models.py" and f[1] == 10] == ["CL202", "CL205", "CL207"]


def test_calls_lists_each_call_site_with_its_posture(shapes: Path, run_cli) -> None:
    done = run_cli("calls", "--output-format", "json", "app/chat.py", "app/models.py", cwd=shapes)
    assert done.stderr == b""
    sites = json.loads(done.stdout)

    def sdk(where: str, attempts: int) -> dict:
        return {"kind": "sdk", "name": "the SDK", "where": where, "attempts": attempts, "bounded": True,
                "wait": "jittered" if attempts > 1 else "none", "reraise": True, "retries_nothing": False, "via": [],
                "other_chains": 0}

    assert [(s["filename"], s["location"]["row"], s["function"], s["client"], s["retries"]) for s in sites] == [
        ("app/chat.py", 7, "reply",
         {"class": "Anthropic", "max_retries": 0, "where": "app/clients.py:6", "sdk_attempts": 1},
         [sdk("app/clients.py:6", 1)]),
        ("app/chat.py", 15, "reply_fresh",
         {"class": "Anthropic", "max_retries": 0, "where": "app/clients.py:9", "sdk_attempts": 1},
         [sdk("app/clients.py:9", 1)]),
        ("app/models.py", 15, "complete",
         {"class": "Anthropic", "max_retries": None, "where": "app/models.py:7", "sdk_attempts": 3},
         [sdk("app/models.py:7", 3),
          {"kind": "project", "name": "`@retry_on_specific_exceptions(...)` (defined in app/retrying.py:6)",
           "where": "app/models.py:10", "attempts": None, "bounded": False, "wait": "exponential", "reraise": True,
           "retries_nothing": False, "via": [], "other_chains": 0}]),
        ("app/models.py", 23, "anthropic_chat_request",
         {"class": "Anthropic", "max_retries": None, "where": "app/models.py:7", "sdk_attempts": 3},
         [sdk("app/models.py:7", 3),
          {"kind": "project", "name": "`retry_handler(...)` (defined in app/retrying.py:24)",
           "where": "app/models.py:27", "attempts": 3, "bounded": True, "wait": "none", "reraise": True,
           "retries_nothing": False, "via": [{"function": "chat", "where": "app/models.py:27"}], "other_chains": 0}]),
    ]
    assert [(s["model"], s["streaming"], s["async"], s["handlers"], s["requests"]) for s in sites] == [
        ('"claude-sonnet-4-6"', False, False, [],
         [{"max": 1, "bounded": True, "product": "1 SDK attempt", "via": [], "paths": 1}]),
        ('"claude-sonnet-4-6"', False, False, [],
         [{"max": 1, "bounded": True, "product": "1 SDK attempt", "via": [], "paths": 1}]),
        ('"claude-sonnet-4-6"', False, False, [],
         [{"max": None, "bounded": False, "product": "unbounded retry_on_specific_exceptions x 3 SDK attempts",
           "via": [], "paths": 1}]),
        ("", False, False, [],
         [{"max": 9, "bounded": True, "product": "3 retry_handler attempts x 3 SDK attempts",
           "via": [{"function": "chat", "where": "app/models.py:27"}], "paths": 1}]),
    ]
    text = run_cli("calls", "app/providers/claude.py", "app/handlers.py", cwd=shapes)
    assert text.stdout.decode() == "No Claude call sites found.\n"  # calls of wrappers: the sites are in app/llm.py
    text = run_cli("calls", "app/chat.py", cwd=shapes)
    assert text.stdout.decode().splitlines()[:7] == [
        "app/chat.py:7:12: messages.create in reply()",
        '  request:  model "claude-sonnet-4-6" (active), max_tokens 256, 1 message, not streaming, not validated before sending',
        "  client:   Anthropic (app/clients.py:6), SDK retries 0",
        "  requests: 1 per call, no retry (1 SDK attempt)",
        "  retries:  SDK: 1 attempt, no wait",
        "  handlers: none",
        "  callers:  none found in the project",
    ]


def test_a_runs_module_finder_reads_listings_and_finds_what_probing_finds(tmp_path: Path) -> None:
    """A run's project (`snapshot`) finds modules in directory listings read once; the language
    server's probes the files each time. Both find the same file for every name: a module before
    a package of the same name, the first base that has it, packages through a symlinked
    directory, not a directory named like a module, nor a broken symlink, nor a FIFO; a name with
    an empty part is probed as its path reads (`pkg..mod` is `pkg/mod.py`)."""
    from claude_lint.app.project import Project
    from claude_lint.config.settings import Settings

    root = tmp_path / "proj"
    for relative in ("a.py", "pkg/__init__.py", "pkg/mod.py", "pkg/sub/__init__.py", "pkg/sub/deep.py",
                     "both.py", "both/__init__.py", "nopkg/x.py", "src/lib/__init__.py", "src/lib/util.py",
                     "src/a.py", "dirmod.py/__init__.py", "other/pkg/extra.py"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("x = 1\n")
    (root / "linked").symlink_to(root / "pkg", target_is_directory=True)
    (root / "broken.py").symlink_to(root / "missing.py")
    os.mkfifo(root / "fifo.py")
    names = ["a", "pkg", "pkg.mod", "pkg.sub", "pkg.sub.deep", "pkg.missing", "both", "nopkg", "nopkg.x",
             "lib", "lib.util", "dirmod", "linked.mod", "linked.sub.deep", "broken", "fifo", "numpy", "os.path",
             "pkg.extra", "a.b", "pkg..mod"]
    expected = {
        "a": root / "a.py", "pkg": root / "pkg/__init__.py", "pkg.mod": root / "pkg/mod.py",
        "pkg.sub": root / "pkg/sub/__init__.py", "pkg.sub.deep": root / "pkg/sub/deep.py", "both": root / "both.py",
        "nopkg.x": root / "nopkg/x.py", "lib": root / "src/lib/__init__.py", "lib.util": root / "src/lib/util.py",
        "linked.mod": root / "linked/mod.py", "pkg..mod": root / "pkg/mod.py",
        "linked.sub.deep": root / "linked/sub/deep.py", "pkg.extra": root / "other/pkg/extra.py",
    }
    settings = Settings(root=root)
    for snapshot in (True, False):
        project = Project(root, settings, snapshot=snapshot)
        project.bases.append(root / "other")
        assert {name: project.find(name) for name in names} == {name: expected.get(name) for name in names}


def _wrapper_and_callers(tmp_path: Path) -> None:
    """`pkg/llm.py` makes a Claude call; `app/use.py` (no SDK name in it) swallows its errors; more
    than a few plain files beside it."""
    from claude_lint.app.runner import FEW_FILES

    (tmp_path / "pyproject.toml").write_text("[tool.claude-lint]\n", encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pkg" / "llm.py").write_text(
        "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(q: str):\n"
        '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=9, messages=[{"role": "user", "content": q or "?"}])\n',
        encoding="utf-8",
    )
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "use.py").write_text(
        "from pkg.llm import ask\n\n\ndef go():\n    try:\n        return ask('hi')\n    except Exception:\n        pass\n",
        encoding="utf-8",
    )
    for index in range(FEW_FILES):
        (tmp_path / "app" / f"plain_{index}.py").write_text("X = 1\n", encoding="utf-8")


def _wrapper_of_the_wrapper(tmp_path: Path) -> None:
    """`app/helpers.py` wraps `ask()`; `app/use2.py` swallows the errors of that wrapper."""
    (tmp_path / "app" / "helpers.py").write_text(
        "from pkg.llm import ask\n\n\ndef summarise(text: str):\n    return ask(text)\n", encoding="utf-8"
    )
    (tmp_path / "app" / "use2.py").write_text(
        "from helpers import summarise\n\n\ndef go():\n    try:\n        return summarise('x')\n"
        "    except Exception:\n        pass\n",
        encoding="utf-8",
    )


SWALLOWED_ASK = (
    "`except Exception` swallows the Claude call's error: the handler only does `pass`; log it, re-raise it, "
    "or return a real fallback; `ask()` in pkg/llm.py:6 makes the Claude call"
)


def test_a_run_over_part_of_a_project_sees_wrappers_outside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """More than a few files in `app/`, none naming the SDK: the wrapper they call lives in `pkg/`,
    outside the run. What each file imports is loaded as when it is linted alone."""
    _wrapper_and_callers(tmp_path)
    _wrapper_of_the_wrapper(tmp_path)
    monkeypatch.chdir(tmp_path)
    summarise = SWALLOWED_ASK.replace("`ask()` in pkg/llm.py:6", "`summarise()` in app/helpers.py:4")
    for jobs in (1, 2):
        outcome = run(["app"], ConfigResolver(), RunOptions(jobs=jobs))
        assert findings(outcome, tmp_path) == [
            ("app/use.py", 7, 5, "CL102", SWALLOWED_ASK),
            ("app/use2.py", 7, 5, "CL102", summarise),
        ]


def test_a_file_let_in_for_a_project_name_is_linted_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]) -> None:
    """`app/use.py` joins the run for `ask`: its analysis gets what the model resolved for the names
    it mentions up front, instead of being linted again with them."""
    _wrapper_and_callers(tmp_path)
    monkeypatch.chdir(tmp_path)
    outcome = run(["."], ConfigResolver(), RunOptions(jobs=2))
    assert findings(outcome, tmp_path) == [("app/use.py", 7, 5, "CL102", SWALLOWED_ASK)]
    assert sorted(parses) == ["app/use.py", "pkg/llm.py"]


def test_a_relint_works_out_the_projects_claude_names_only_where_they_can_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check app/use.py` (an SDK name in it): its first lint knows nothing of `ask`, its relint gets
    the project's answer. The project's Claude-calling names are triggers only: the SDK already lets
    the file in, and it is too small for top-level statements to be stood in, so the relint goes
    without them (working them out dispatched every method of every class loaded over every subclass
    in the project: 6 s for one file of a big project, against 0.6 s). `app/use2.py`, which the SDK
    does not let in, is let in by `ask`, one of its own words found to reach Claude, and its lint
    needs no other name."""
    from claude_lint.analysis.project import ProjectModel

    _wrapper_and_callers(tmp_path)
    use = tmp_path / "app" / "use.py"
    use.write_text("import anthropic\n" + use.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "app" / "use2.py").write_text(
        "from pkg.llm import ask\n\n\ndef go():\n    try:\n        return ask('hi')\n    except Exception:\n        pass\n",
        encoding="utf-8",
    )
    asked: list[int] = []
    real = ProjectModel.claude_names

    def counted(self):  # type: ignore[no-untyped-def]
        asked.append(1)
        return real(self)

    monkeypatch.setattr(ProjectModel, "claude_names", counted)
    monkeypatch.chdir(tmp_path)
    outcome = run(["app/use.py"], ConfigResolver(), RunOptions(jobs=1))
    assert findings(outcome, tmp_path) == [("app/use.py", 8, 5, "CL102", SWALLOWED_ASK)]
    assert asked == []
    outcome = run(["app/use2.py"], ConfigResolver(), RunOptions(jobs=1))
    assert findings(outcome, tmp_path) == [("app/use2.py", 7, 5, "CL102", SWALLOWED_ASK)]
    assert asked == []  # let in by `ask`, a word of its own, found without working them all out


def test_standard_input_and_the_editor_get_the_names_only_where_they_can_matter(tmp_path: Path) -> None:
    """A file linted alone (standard input, the language server) gets none of its project's Claude
    names when the SDK lets it in, one it mentions when only a name does; the editor's spec is the
    command line's."""
    from claude_lint.app.runner import _in_process_spec
    from claude_lint.server import _project_spec

    _wrapper_and_callers(tmp_path)
    use = tmp_path / "app" / "use.py"
    plain = use.read_bytes()
    settings = ConfigResolver().for_path(use)
    for spec_of in (_in_process_spec, _project_spec):
        assert spec_of(use, plain, settings).names == ("ask",)
        assert spec_of(use, b"import anthropic\n" + plain, settings).names == ()


def test_the_names_a_lint_needs(tmp_path: Path) -> None:
    """`Project.names_for`: none for a file the SDK lets in, a name it mentions for one only a name
    lets in, all of them where a big file's top-level statements may be stood in (and where no
    name it mentions reaches Claude: only all of them settle it)."""
    from claude_lint.app.project import project_for
    from claude_lint.engine.elide import MIN_STATEMENTS_FILE

    _wrapper_and_callers(tmp_path)
    (tmp_path / "pkg" / "more.py").write_text(
        "from pkg.llm import ask\n\n\ndef summarise(text):\n    return ask(text)\n", encoding="utf-8"
    )
    use = tmp_path / "app" / "use.py"
    project = project_for(use, ConfigResolver().for_path(use))
    for name in ("pkg.llm", "pkg.more"):
        project.model.module(name)
    sdk = b"import anthropic\n\nclient = anthropic.Anthropic()\n"
    assert project.names_for(sdk) == ()
    assert project.names_for(b"from pkg.more import summarise\n\nsummarise('x')\n") == ("summarise",)
    assert not project.model.knows_claude_names()  # found without working them all out
    assert project.names_for(b"print('nothing here')\n") == ("ask", "client", "summarise")
    statement = b"PROMPTS = [" + b"'a', " * 40 + b"]\n"  # 211 characters: one that may be stood in
    big = sdk + statement * (MIN_STATEMENTS_FILE // len(statement) + 1)
    assert project.names_for(big) == ("ask", "client", "summarise")
    assert project.names_for(sdk + b"#" * MIN_STATEMENTS_FILE) == ()  # big, but no statement to stand in


def test_constructing_a_class_of_another_module_dispatches_none_of_its_methods(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Bot()` asks the project what `bots.Bot` is: a class, which no lint reads further. Which of its
    methods reach Claude (each dispatched over every subclass) is worked out only where asked (the
    prefilter's names, `claude-lint calls`): a file importing a 520 KB module of a chain of 2,200
    methods took 25 s to check, 8 s of it the module's summary."""
    from claude_lint.analysis.project import ProjectModel

    (tmp_path / "bots.py").write_text(
        "import anthropic\n\n\nclass Bot:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n"
        "    def ask(self, q):\n        return self.client.messages.create(model='claude-sonnet-4-6', max_tokens=9, "
        "messages=[{'role': 'user', 'content': q or '?'}])\n\n    def again(self, q):\n        return self.ask(q)\n",
        encoding="utf-8",
    )
    (tmp_path / "use.py").write_text("import anthropic\nfrom bots import Bot\n\nbot = Bot()\n", encoding="utf-8")
    dispatched: list[str] = []
    real = ProjectModel._dispatch

    def counted(self, home, method):  # type: ignore[no-untyped-def]
        dispatched.append(f"{home}.{method}")
        return real(self, home, method)

    monkeypatch.setattr(ProjectModel, "_dispatch", counted)
    monkeypatch.chdir(tmp_path)
    outcome = run(["use.py"], ConfigResolver(), RunOptions(jobs=1))
    assert findings(outcome, tmp_path) == []
    assert dispatched == []
    from claude_lint.app.project import project_for

    project = project_for(tmp_path / "use.py", ConfigResolver().for_path(tmp_path / "use.py"))
    assert sorted(project.model.class_methods("bots.Bot")) == ["again", "ask"]
    assert project.model.class_methods("bots.Nothing") == {}
    assert {"ask", "again"} <= project.claude_names()


BOT = """import anthropic


class Bot:
    def __init__(self):
        self.client = anthropic.Anthropic()

    def ask(self, prompt):
        return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])


bot = Bot()
answer = bot.ask("Name a prime.").content[0].text
"""
BOT_REPLY = [
    ("bot.py", 13, 10, "CL402", (
        "`bot.ask(...).content[0]` assumes the reply has content: a reply with no blocks raises IndexError here. "
        "Check `bot.ask(...).content` first")),
    ("bot.py", 13, 10, "CL403", (
        "The reply text `bot.ask(...).content[0].text` is used without checking `bot.ask(...).stop_reason`: a reply "
        "cut off at `max_tokens`, or a refusal, passes as a complete answer")),
]


def test_a_file_calling_its_own_class_at_module_level_is_linted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    """`bot.ask()` on `bot = Bot()` at the top level is `Bot.ask` of the file itself, as `self.ask()`
    in a method is: read from the file, not asked of the project (which has no summary of the
    file yet on its first lint, and the run linted the file again once it had)."""
    (tmp_path / "bot.py").write_text(BOT)
    (tmp_path / "other.py").write_text("import anthropic\n\nprint(anthropic.__name__)\n")
    monkeypatch.chdir(tmp_path)
    outcome = run(["."], ConfigResolver(), RunOptions(jobs=1, select=("CL402", "CL403")))
    assert findings(outcome, tmp_path) == BOT_REPLY
    assert sorted(parses) == ["bot.py", "other.py"]


def test_an_instance_of_an_own_class_is_read_without_a_project() -> None:
    """Standard input (no project): `bot.ask(...)` still reaches `Bot.ask` of the same text, and its
    reply is read as `ask()`'s is; the CL403 names the call the text reads, not the `create` inside."""
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    result = lint_text("-", BOT, Settings(select=("CL402", "CL403")))
    assert [(d.start.line, d.start.column, d.code, d.message) for d in result.diagnostics] == [
        (line, column - 1, code, message) for _, line, column, code, message in BOT_REPLY  # 0-based here
    ]
    assert result.asked == {}


def test_a_method_inherited_from_a_class_of_the_file_is_read_without_a_project() -> None:
    """`class Bot(Base): pass` with `Base.ask` in the same file: `bot.ask()` is `Base.ask`, read from
    the file (standard input has no project to ask); with a second base, the project tells."""
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    inherited = BOT.replace("class Bot:", "class Base:") + ""
    inherited = inherited.replace("\n\nbot = Bot()", "\n\nclass Bot(Base):\n    pass\n\n\nbot = Bot()")
    result = lint_text("-", inherited, Settings(select=("CL402",)))
    assert [(d.start.line, d.code, d.message) for d in result.diagnostics] == [(17, "CL402", BOT_REPLY[0][4])]
    mixed = inherited.replace("class Bot(Base):", "class Bot(Base, Mixin):")
    assert lint_text("-", mixed, Settings(select=("CL402",))).diagnostics == []


BASE_BOT = """import anthropic


class Base:
    def ask(self, prompt):
        raise NotImplementedError


class Bot(Base):
    def __init__(self):
        self.client = anthropic.Anthropic()

    def ask(self, prompt):
        return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])


def answer(bot: Base):
    return bot.ask("Name a prime.").content[0].text
"""
BASE_BOT_REPLY = (
    "`bot.ask(...).content[0]` assumes the reply has content: a reply with no blocks raises IndexError here. "
    "Check `bot.ask(...).content` first; the reply comes from `Bot.ask()` in bot.py:13"
)


def test_workers_answer_a_files_own_names_with_its_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`bot.ask()` on a `Base`, whose own `ask` makes no Claude call, asks the project, as a subclass
    may override it (`Bot` does, in the same file). In worker processes (ten files: a run in
    workers) each file's first lint answers that from its own summary, naming the file by the path
    the project shows, as the project's own answer would: no file is linted again."""
    from claude_lint.app import runner

    for i in range(10):
        (tmp_path / f"bot{i}.py").write_text(BASE_BOT)
    monkeypatch.chdir(tmp_path)
    tasks: list[int] = []
    real = runner._run_tasks

    def counted(pending, *args):  # type: ignore[no-untyped-def]
        tasks.append(len(pending))
        return real(pending, *args)

    monkeypatch.setattr(runner, "_run_tasks", counted)
    outcome = run(["."], ConfigResolver(), RunOptions(jobs=2, select=("CL402",)))
    assert tasks == [10]
    assert findings(outcome, tmp_path) == [
        (f"bot{i}.py", 18, 12, "CL402", BASE_BOT_REPLY.replace("bot.py:13", f"bot{i}.py:13")) for i in range(10)
    ]


def test_the_first_lint_answers_its_own_names_from_its_own_summary() -> None:
    """No project answers yet (a run's first lint): `bot.Base.ask` is answered from the summary the
    lint computes (`Bot.ask`, a subclass's, calls Claude), and recorded with that answer for the run
    to check. Standard input, with no project to ask, reports nothing there."""
    from claude_lint.analysis.symbols import ProjectSpec, fingerprint
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    settings = Settings(select=("CL402", "CL403"))
    first = lint_text("bot.py", BASE_BOT, settings, project=ProjectSpec("bot", display="bot.py"), summarize=True)
    assert [(d.start.line, d.code, d.message) for d in first.diagnostics][:1] == [(18, "CL402", BASE_BOT_REPLY)]
    assert [(d.start.line, d.code) for d in first.diagnostics] == [(18, "CL402"), (18, "CL403")]
    assert set(first.asked) == {"bot.Base.ask"} and first.asked["bot.Base.ask"] != fingerprint(None)
    assert lint_text("-", BASE_BOT, settings).diagnostics == []


def test_an_own_name_answered_otherwise_by_the_project_is_linted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    """`Bot.ask` calls Claude only through `Base.ask` of another module: the file's own summary
    cannot tell, so its first lint finds nothing there, and the run lints it again once the
    project answers `bot.Bot.ask`."""
    (tmp_path / "base.py").write_text(BOT.split("\n\nbot = ")[0].replace("class Bot:", "class Base:") + "\n")
    (tmp_path / "bot.py").write_text(
        "from base import Base\n\n\nclass Bot(Base):\n    pass\n\n\n"
        'bot = Bot()\nanswer = bot.ask("Name a prime.").content[0].text\n'
    )
    monkeypatch.chdir(tmp_path)
    outcome = run(["."], ConfigResolver(), RunOptions(jobs=1, select=("CL402",)))
    assert [(path, line, code) for path, line, _, code, _ in findings(outcome, tmp_path)] == [("bot.py", 9, "CL402")]
    assert sorted(parses) == ["base.py", "bot.py", "bot.py"]
