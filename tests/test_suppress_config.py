"""Suppression comments (`claude_lint.engine.suppress`), configuration files
(`claude_lint.config.settings`) and rule selection (`claude_lint.engine.registry`)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from claude_lint.config import selection
from claude_lint.config.selection import SelectorError, resolve_selection
from claude_lint.config.settings import (
    DEFAULT_EXCLUDE,
    ConfigError,
    ConfigResolver,
    Settings,
    load_config_file,
    settings_from_table,
)
from claude_lint.engine import registry
from claude_lint.engine.suppress import find_suppressions
from claude_lint.lint.rule import Rule


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def suppressed(text: str, code: str) -> list[int]:
    """The lines (1..n) on which `code` is suppressed."""
    s = find_suppressions(src(text))
    n = src(text).count("\n") + 1
    return [line for line in range(1, n + 1) if s.suppresses(line, code)]


# ---------------------------------------------------------------- noqa


def test_bare_noqa_suppresses_every_code_on_its_line_only() -> None:
    text = """
        x = 1  # noqa
        y = 2
        """
    assert suppressed(text, "CL101") == [1]
    assert suppressed(text, "CL504") == [1]


def test_noqa_with_one_code() -> None:
    text = "x = 1  # noqa: CL101\n"
    assert suppressed(text, "CL101") == [1]
    assert suppressed(text, "CL102") == []


@pytest.mark.parametrize(
    "comment",
    ["# noqa:CL101,CL102", "# noqa: CL101, CL102", "# noqa: CL101 CL102", "#noqa:CL101,CL102"],
)
def test_noqa_with_several_codes(comment: str) -> None:
    text = f"x = 1  {comment}\n"
    assert suppressed(text, "CL101") == [1]
    assert suppressed(text, "CL102") == [1]
    assert suppressed(text, "CL104") == []


def test_noqa_codes_are_case_insensitive_and_trailing_text_is_ignored() -> None:
    assert suppressed("x = 1  # noqa: cl101\n", "CL101") == [1]
    assert suppressed("x = 1  # noqa: CL101 because the docs say so\n", "CL101") == [1]
    assert suppressed("x = 1  # noqa: CL101 because the docs say so\n", "CL102") == []


def test_uppercase_noqa() -> None:
    assert suppressed("x = 1  # NOQA\n", "CL101") == [1]
    assert suppressed("x = 1  # NOQA: CL101\n", "CL101") == [1]


def test_noqa_in_string_literal_does_not_count() -> None:
    assert suppressed('x = "# noqa"\n', "CL101") == []
    assert suppressed("x = '# noqa: CL101'\n", "CL101") == []
    text = '''
        doc = """
        # noqa
        # claude-lint: ignore[CL101]
        """
        y = 2
        '''
    assert suppressed(text, "CL101") == []


def test_noqa_as_part_of_another_word_does_not_count() -> None:
    assert suppressed("x = 1  # this is not a noqa-ish marker\n", "CL101") == []


def test_file_that_does_not_tokenize_has_no_suppressions() -> None:
    # An unclosed bracket: tokenize fails; the engine reports CL001 elsewhere.
    assert find_suppressions("x = (  # noqa\n").by_line == {}


# ---------------------------------------------------------------- claude-lint: ignore[...]


def test_ignore_end_of_line_applies_to_that_line() -> None:
    text = """
        x = 1  # claude-lint: ignore[CL101, CL102]
        y = 2
        """
    assert suppressed(text, "CL101") == [1]
    assert suppressed(text, "CL102") == [1]
    assert suppressed(text, "CL104") == []


def test_ignore_own_line_applies_to_next_statement_only() -> None:
    text = """
        # claude-lint: ignore[CL101]
        x = 1
        y = 2
        """
    assert suppressed(text, "CL101") == [2]
    assert suppressed(text, "CL102") == []


def test_ignore_own_line_covers_a_multi_line_statement() -> None:
    text = """
        before = 0
        # claude-lint: ignore[CL101,CL102]
        result = client.messages.create(
            model="claude-sonnet-4-5",
            max_tokens=10,
        )
        after = 1
        """
    assert suppressed(text, "CL101") == [3, 4, 5, 6]
    assert suppressed(text, "CL102") == [3, 4, 5, 6]


def test_ignore_own_line_skips_blank_lines_and_comments() -> None:
    text = """
        # claude-lint: ignore[CL101]

        # an explanation
        x = 1
        y = 2
        """
    assert suppressed(text, "CL101") == [4]


def test_ignore_own_line_before_compound_statement_covers_its_header() -> None:
    # Decision: "the next statement" of a compound statement is its header line
    # (the logical line), not the whole block.
    text = """
        def f():
            # claude-lint: ignore[CL101]
            try:
                pass
            # claude-lint: ignore[CL102]
            except:
                pass
        """
    assert suppressed(text, "CL101") == [3]
    assert suppressed(text, "CL102") == [6]


def test_ignore_end_of_line_on_a_continuation_line() -> None:
    text = """
        r = f(
            a,  # claude-lint: ignore[CL305]
        )
        """
    assert suppressed(text, "CL305") == [2]


# ---------------------------------------------------------------- through the engine


BARE_EXCEPT = """
    import anthropic
    client = anthropic.Anthropic()

    def ask():
        try:
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=5, messages=[])
        except:{comment}
            raise
    """


def _cl101(code_text: str):
    from claude_lint.engine.lint import lint_bytes

    result = lint_bytes("case.py", src(code_text).encode(), Settings(sdk_version="2.14.0"), frozenset({"CL101"}))
    assert result.errors == []
    return [(d.code, d.start.line, d.suppressed) for d in result.diagnostics]


@pytest.mark.parametrize(
    ("comment", "is_suppressed"),
    [
        ("", False),
        ("  # noqa", True),
        ("  # noqa: CL101", True),
        ("  # noqa: CL102", False),
        ("  # claude-lint: ignore[CL101]", True),
        ("  # claude-lint: ignore[CL102]", False),
    ],
)
def test_engine_marks_suppressed_diagnostics(comment: str, is_suppressed: bool) -> None:
    assert _cl101(BARE_EXCEPT.format(comment=comment)) == [("CL101", 7, is_suppressed)]


def test_engine_own_line_ignore_before_except() -> None:
    text = """
        import anthropic
        client = anthropic.Anthropic()

        def ask():
            try:
                return client.messages.create(model="claude-sonnet-4-5", max_tokens=5, messages=[])
            # claude-lint: ignore[CL101]
            except:
                raise
        """
    assert _cl101(text) == [("CL101", 8, True)]


# ---------------------------------------------------------------- config files


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(src(text))
    return path


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config_file(path)
    return str(info.value)


def test_pyproject_settings_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pyproject.toml",
        """
        [project]
        name = "x"

        [tool.claude-lint]
        select = ["CL1", "CL201"]
        extend-select = ["CL205"]
        ignore = ["CL104"]
        per-file-ignores = { "tests/*" = ["CL101"] }
        extend-exclude = ["generated"]
        respect-gitignore = false
        client-factories = ["myapp.llm.get_client"]
        min-attempts = 3
        max-attempts = 6
        sdk-version = "0.121.0"
        """,
    )
    s = load_config_file(path)
    assert s.select == ("CL1", "CL201")
    assert s.extend_select == ("CL205",)
    assert s.ignore == ("CL104",)
    assert s.per_file_ignores == (("tests/*", ("CL101",)),)
    assert s.extend_exclude == ("generated",)
    assert s.exclude == DEFAULT_EXCLUDE
    assert s.respect_gitignore is False
    assert s.client_factories == ("myapp.llm.get_client",)
    assert (s.min_attempts, s.max_attempts) == (3, 6)
    assert s.sdk_version == "0.121.0"
    assert s.root == tmp_path.resolve()
    assert s.config_file == path.resolve()


def test_unknown_key_error_names_the_key_and_file(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", '[tool.claude-lint]\nselct = ["CL1"]\n')
    message = config_error(path)
    assert "`selct`" in message
    assert "pyproject.toml" in message
    path = write(tmp_path / "claude-lint.toml", "max-retries = 3\n")
    message = config_error(path)
    assert "`max-retries`" in message
    assert "claude-lint.toml" in message


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('select = "CL1"', "select"),
        ("select = [1, 2]", "select"),
        ('ignore = "CL101"', "ignore"),
        ('extend-select = "CL205"', "extend-select"),
        ('respect-gitignore = "yes"', "respect-gitignore"),
        ("force-exclude = 1", "force-exclude"),
        ("min-attempts = 0", "min-attempts"),
        ("max-attempts = true", "max-attempts"),
        ('max-attempts = "5"', "max-attempts"),
        ('helper-module = ""', "helper-module"),
        ("sdk-version = 2", "sdk-version"),
        ('client-factories = "myapp.get_client"', "client-factories"),
        ('per-file-ignores = ["tests/*"]', "per-file-ignores"),
    ],
)
def test_wrong_type_error_names_the_key(tmp_path: Path, line: str, key: str) -> None:
    path = write(tmp_path / "pyproject.toml", f"[tool.claude-lint]\n{line}\n")
    message = config_error(path)
    assert f"`{key}`" in message
    assert str(path) in message


def test_wrong_type_inside_per_file_ignores_names_the_pattern(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", '[tool.claude-lint.per-file-ignores]\n"tests/*" = "CL101"\n')
    assert "`per-file-ignores.tests/*`" in config_error(path)


def test_min_attempts_above_max_attempts(tmp_path: Path) -> None:
    path = write(tmp_path / "claude-lint.toml", "min-attempts = 5\nmax-attempts = 3\n")
    message = config_error(path)
    assert "`min-attempts`" in message and "`max-attempts`" in message


def test_tool_table_that_is_not_a_table(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", '[tool]\nclaude-lint = "strict"\n')
    assert "`tool.claude-lint`" in config_error(path)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "sub" / "pyproject.toml", "[tool.claude-lint\nselect = [\n")
    message = config_error(path)
    assert str(path) in message
    assert "not valid TOML" in message
    # The same error when found by walking up from a file.
    with pytest.raises(ConfigError) as info:
        ConfigResolver().for_path(tmp_path / "sub" / "pkg" / "mod.py")
    assert str(path.resolve()) in str(info.value)


def test_missing_explicit_config_file(tmp_path: Path) -> None:
    assert "not found" in config_error(tmp_path / "nope.toml")


def test_explicit_pyproject_without_table_gives_defaults(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", "[tool.black]\nline-length = 100\n")
    s = load_config_file(path)
    assert s.select is None and s.ignore == () and s.client_factories == ()
    assert s.config_file == path.resolve()


def test_nearest_config_walking_up(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.claude-lint]\nselect = ["CL1"]\n')
    # A pyproject without [tool.claude-lint] is skipped, not an empty config.
    write(tmp_path / "pkg" / "pyproject.toml", "[tool.black]\nline-length = 100\n")
    write(tmp_path / "pkg" / "sub" / "deep" / "mod.py", "")
    write(tmp_path / "other" / "pyproject.toml", '[tool.claude-lint]\nignore = ["CL101"]\n')

    resolver = ConfigResolver()
    deep = resolver.for_path(tmp_path / "pkg" / "sub" / "deep" / "mod.py")
    assert deep.config_file == (tmp_path / "pyproject.toml").resolve()
    assert deep.root == tmp_path.resolve()
    assert deep.select == ("CL1",)

    # Nearest wins outright: the parent's `select` is not merged in.
    other = resolver.for_path(tmp_path / "other" / "x.py")
    assert other.config_file == (tmp_path / "other" / "pyproject.toml").resolve()
    assert other.select is None
    assert other.ignore == ("CL101",)
    # Cached per directory.
    assert resolver.for_path(tmp_path / "pkg" / "sub" / "deep" / "other.py") is deep


def test_claude_lint_toml_is_found_and_preferred_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.claude-lint]\nselect = ["CL2"]\n')
    write(tmp_path / "claude-lint.toml", 'select = ["CL1"]\n')
    s = ConfigResolver().for_path(tmp_path / "a" / "b.py")
    assert s.config_file == (tmp_path / "claude-lint.toml").resolve()
    assert s.select == ("CL1",)


def test_empty_claude_lint_toml_is_a_config(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.claude-lint]\nselect = ["CL2"]\n')
    write(tmp_path / "sub" / "claude-lint.toml", "")
    s = ConfigResolver().for_path(tmp_path / "sub" / "m.py")
    assert s.config_file == (tmp_path / "sub" / "claude-lint.toml").resolve()
    assert s.select is None


def test_no_config_anywhere_gives_defaults(tmp_path: Path) -> None:
    for parent in tmp_path.resolve().parents:
        if any((parent / name).is_file() for name in ("pyproject.toml", "claude-lint.toml")):
            pytest.skip(f"a config file exists above the temporary directory: {parent}")
    s = ConfigResolver().for_path(tmp_path / "m.py")
    assert s.config_file is None
    assert s.select is None and s.ignore == () and s.exclude == DEFAULT_EXCLUDE


def test_resolver_override_wins(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.claude-lint]\nselect = ["CL2"]\n')
    override = Settings(select=("CL101",))
    assert ConfigResolver(override).for_path(tmp_path / "m.py") is override


def test_settings_from_table_and_overrides(tmp_path: Path) -> None:
    s = settings_from_table(tmp_path / "claude-lint.toml", {"ignore": ["CL1"], "cache-dir": ".cache"})
    assert s.ignore == ("CL1",) and s.cache_dir == ".cache"
    t = s.with_overrides(select=("CL101",), ignore=None)
    assert t.select == ("CL101",) and t.ignore == ("CL1",)


# ---------------------------------------------------------------- selection


def _rule(code: str, default: bool) -> type[Rule]:
    return type(f"Fake{code}", (Rule,), {"code": code, "name": code.lower(), "summary": "", "default": default})


FAKE_RULES = tuple(
    _rule(code, default)
    for code, default in [
        ("CL101", True), ("CL102", True), ("CL201", True), ("CL205", False),
        ("CL209", False), ("CL301", False), ("CL302", True),
    ]
)
DEFAULTS = {"CL101", "CL102", "CL201", "CL302"}
EVERY = {r.code for r in FAKE_RULES}


@pytest.fixture
def fake_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed catalogue with opt-in rules, independent of which rules exist today."""
    monkeypatch.setattr(selection, "rule_index", lambda: tuple(registry.rule_info(r) for r in FAKE_RULES))


@pytest.mark.parametrize(
    ("select", "extend", "ignore", "expected"),
    [
        pytest.param(None, [], [], DEFAULTS, id="defaults"),
        pytest.param(["ALL"], [], [], EVERY, id="all-enables-opt-in"),
        pytest.param(["CL"], [], [], DEFAULTS, id="cl-prefix-not-opt-in"),
        pytest.param(["CL2"], [], [], {"CL201"}, id="prefix-only-defaults"),
        pytest.param(["CL20"], [], [], {"CL201"}, id="longer-prefix-only-defaults"),
        pytest.param(["CL2", "CL205"], [], [], {"CL201", "CL205"}, id="opt-in-by-exact-code"),
        pytest.param(["CL301"], [], [], {"CL301"}, id="only-opt-in"),
        pytest.param([], [], [], set(), id="empty-select"),
        pytest.param(None, ["CL205"], [], DEFAULTS | {"CL205"}, id="extend-select-exact"),
        pytest.param(None, ["CL2"], [], DEFAULTS, id="extend-select-prefix"),
        pytest.param(["CL1"], ["CL209"], [], {"CL101", "CL102", "CL209"}, id="select-plus-extend"),
        pytest.param(["CL1"], [], ["CL101"], {"CL102"}, id="ignore-more-specific"),
        pytest.param(["CL101"], [], ["CL1"], {"CL101"}, id="select-more-specific"),
        pytest.param(["CL1"], [], ["CL1"], set(), id="tie-goes-to-ignore"),
        pytest.param(["CL101"], [], ["CL101"], set(), id="exact-tie-goes-to-ignore"),
        pytest.param(["ALL"], [], ["CL2"], {"CL101", "CL102", "CL301", "CL302"}, id="all-minus-prefix"),
        pytest.param(["ALL"], [], ["ALL"], set(), id="all-minus-all"),
        pytest.param(None, [], ["ALL"], set(), id="ignore-all"),
        pytest.param(["CL205"], [], ["CL2"], {"CL205"}, id="exact-opt-in-beats-ignore-prefix"),
        pytest.param(["CL2"], [], ["CL205"], {"CL201"}, id="ignore-opt-in"),
        pytest.param(None, ["CL101"], ["CL1"], DEFAULTS - {"CL102"}, id="extend-exact-beats-ignore-prefix"),
    ],
)
def test_selection_precedence(fake_rules, select, extend, ignore, expected) -> None:
    assert resolve_selection(select, extend, ignore) == frozenset(expected)


@pytest.mark.parametrize(
    ("select", "extend"),
    [(["ALL", "CL2"], []), (["CL2"], ["ALL"])],
)
def test_all_with_another_selector_still_enables_opt_in(fake_rules, select, extend) -> None:
    assert resolve_selection(select, extend, []) == frozenset(EVERY)


@pytest.mark.parametrize(
    ("select", "extend", "ignore", "bad"),
    [
        (["CL9"], [], [], "CL9"),
        (["XYZ"], [], [], "XYZ"),
        (["cl101"], [], [], "cl101"),
        (None, ["CL4"], [], "CL4"),
        (None, [], ["CL999"], "CL999"),
        (["CL1010"], [], [], "CL1010"),
    ],
)
def test_unknown_selector_error(fake_rules, select, extend, ignore, bad) -> None:
    with pytest.raises(SelectorError) as info:
        resolve_selection(select, extend, ignore)
    assert f"`{bad}`" in str(info.value)


def test_real_catalogue_defaults() -> None:
    rules = registry.all_rules()
    default = {r.code for r in rules if r.default}
    assert resolve_selection(None, [], []) == frozenset(default)
    assert resolve_selection(["ALL"], [], []) == frozenset(r.code for r in rules)
    assert {"CL001", "CL002", "CL101", "CL102"} <= default


# ---------------------------------------------------------------- file-level noqa and CL003

FILE_APP = """\
import anthropic

client = anthropic.Anthropic()


def ask(prompt):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": prompt}])
    except:
        pass
"""


def _codes_found(text: str, select: frozenset[str] | None = None) -> list[tuple[str, int, bool]]:
    from claude_lint.engine.lint import lint_code

    return [(d.code, d.start.line, d.suppressed) for d in lint_code(text, select).diagnostics]


def test_file_level_noqa_on_its_own_line_exempts_the_whole_file() -> None:
    assert _codes_found(FILE_APP) == [("CL101", 9, False), ("CL102", 9, False)]
    # Every CL code, from a comment on a line of its own anywhere in the file.
    assert _codes_found("# claude-lint: noqa\n" + FILE_APP) == [("CL101", 10, True), ("CL102", 10, True)]
    assert _codes_found(FILE_APP + "# claude-lint: noqa\n") == [("CL101", 9, True), ("CL102", 9, True)]
    # Only the codes named.
    assert _codes_found("# claude-lint: noqa: CL101\n" + FILE_APP) == [("CL101", 10, True), ("CL102", 10, False)]
    # Not on a line of code, and not inside a string.
    assert _codes_found(FILE_APP.replace("client = anthropic.Anthropic()", "client = anthropic.Anthropic()  # claude-lint: noqa")) == [
        ("CL101", 9, False), ("CL102", 9, False)
    ]
    assert _codes_found('NOTE = """\n# claude-lint: noqa\n"""\n' + FILE_APP) == [("CL101", 12, False), ("CL102", 12, False)]


def test_cl003_reports_only_what_suppressed_nothing() -> None:
    from claude_lint.config.selection import resolve_selection
    from claude_lint.engine.lint import lint_code

    enabled = resolve_selection(None, ("CL003",), ())
    text = FILE_APP.replace("    except:\n", "    except:  # noqa: CL101, CL105\n").replace(
        "client = anthropic.Anthropic()\n", "client = anthropic.Anthropic()  # noqa: CL102\n"
    )
    found = [(d.code, d.start.line, d.start.column, d.message, d.suppressed) for d in lint_code(text, enabled).diagnostics]
    assert found == [
        ("CL003", 3, 32, "Unused `noqa` directive (unused: `CL102`)", False),
        ("CL101", 9, 4, found[1][3], True),
        ("CL102", 9, 4, found[2][3], False),
        ("CL003", 9, 13, "Unused `noqa` directive (unused: `CL105`)", False),
    ]
    from claude_lint.config.settings import Settings
    from claude_lint.engine.fix_loop import fix_text

    fixed = fix_text("app.py", text, Settings(extend_select=("CL003",)), enabled).fixed
    assert fixed == FILE_APP.replace("    except:\n", "    except:  # noqa: CL101\n")
