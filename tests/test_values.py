"""Value tracking (claude_lint.analysis.values), model lifecycle (claude_lint.sdk.models) and the retired-model table."""

from __future__ import annotations

import json
import textwrap
from datetime import date

import libcst as cst
import pytest

from claude_lint.analysis.model import build_model
from claude_lint.analysis.responses import frames_for
from claude_lint.analysis.values import Values, values_for
from claude_lint.config.settings import Settings
from claude_lint.engine.lint import lint_bytes
from claude_lint.sdk import models as model_ids
from claude_lint.sdk.load import available_snapshots, load_knowledge

K = load_knowledge("2.14.0")


def _model(code: str):
    return build_model(cst.parse_module(textwrap.dedent(code).lstrip("\n")), K)


def _request(code: str, keyword: str):
    """The values layer and the `keyword=` item of the module's only direct call site."""
    model = _model(code)
    (site,) = model.direct_call_sites
    values = values_for(model)
    return values, values.request_arguments(site), site, keyword


def _strings(code: str, keyword: str = "model") -> tuple[list[str], bool]:
    values, args, _, key = _request(code, keyword)
    item = args.keywords[key]
    possible = values.possible(item.expr, item.scope)
    return [str(k.value) for k in possible.strings()], possible.complete


# ---------------------------------------------------------------- scalars


def test_module_constant_and_local_constant() -> None:
    code = """
        import anthropic
        MODEL = "claude-haiku-4-5"
        client = anthropic.Anthropic()
        def ask(prompt):
            chosen = MODEL
            return client.messages.create(model=chosen, max_tokens=8, messages=[])
        """
    assert _strings(code) == (["claude-haiku-4-5"], True)


def test_parameter_shadows_module_constant_and_its_default_is_only_possible() -> None:
    code = """
        import anthropic
        model = "claude-3-haiku-20240307"
        client = anthropic.Anthropic()
        def ask(prompt, model="claude-sonnet-4-6"):
            return client.messages.create(model=model, max_tokens=8, messages=[])
        """
    assert _strings(code) == (["claude-sonnet-4-6"], False)


def test_parameter_rebound_in_the_body_keeps_both_values() -> None:
    code = """
        import anthropic
        DEFAULT = "claude-opus-4-8"
        client = anthropic.Anthropic()
        def ask(prompt, model=None):
            model = model or DEFAULT
            return client.messages.create(model=model, max_tokens=8, messages=[])
        """
    values, complete = _strings(code)
    assert values == ["claude-opus-4-8"] and not complete


def test_conditional_env_default_and_dict_lookup() -> None:
    code = """
        import os
        import anthropic
        MODELS = {"fast": "claude-haiku-4-5", "smart": "claude-opus-4-8"}
        client = anthropic.Anthropic()
        def ask(prompt, fast):
            model = MODELS["fast"] if fast else os.getenv("SMART_MODEL", "claude-sonnet-4-6")
            return client.messages.create(model=model, max_tokens=8, messages=[])
        """
    values, complete = _strings(code)
    assert values == ["claude-haiku-4-5", "claude-sonnet-4-6"] and not complete


def test_fstring_with_placeholders_has_no_value_and_without_is_literal() -> None:
    built = """
        import anthropic
        client = anthropic.Anthropic()
        def ask(size):
            return client.messages.create(model=f"claude-{size}-4-5", max_tokens=8, messages=[])
        """
    plain = """
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model=f"claude-sonnet-4-6", max_tokens=8, messages=[])
        """
    assert _strings(built) == ([], False)
    assert _strings(plain) == (["claude-sonnet-4-6"], True)


def test_name_bound_by_a_for_loop_is_unknown() -> None:
    code = """
        import anthropic
        model = "claude-3-haiku-20240307"
        client = anthropic.Anthropic()
        def ask_all(models):
            for model in models:
                client.messages.create(model=model, max_tokens=8, messages=[])
        """
    assert _strings(code) == ([], False)


def test_class_attribute_assigned_from_an_init_parameter_default() -> None:
    code = """
        import anthropic
        class Bot:
            def __init__(self, model="claude-haiku-4-5"):
                self.client = anthropic.Anthropic()
                self.model = model
            def ask(self, prompt):
                return self.client.messages.create(model=self.model, max_tokens=8, messages=[])
        """
    assert _strings(code)[0] == ["claude-haiku-4-5"]


def test_single_int_through_constant_and_negative_literal() -> None:
    values, args, _, _ = _request(
        """
        import anthropic
        LIMIT = -1
        client = anthropic.Anthropic()
        client.messages.create(model="claude-haiku-4-5", max_tokens=LIMIT, messages=[])
        """,
        "max_tokens",
    )
    item = args.keywords["max_tokens"]
    known = values.single(item.expr, item.scope)
    assert known is not None and known.value == -1


def test_class_attribute_through_self_unless_an_instance_attribute_replaces_it() -> None:
    kept = """
        import anthropic
        class Bot:
            MODEL = "claude-haiku-4-5"
            def ask(self, prompt):
                return anthropic.Anthropic().messages.create(model=self.MODEL, max_tokens=8, messages=[])
        """
    replaced = """
        import anthropic
        class Bot:
            model = "claude-3-haiku-20240307"
            def __init__(self, model=None):
                self.model = model or "claude-sonnet-4-6"
            def ask(self, prompt):
                return anthropic.Anthropic().messages.create(model=self.model, max_tokens=8, messages=[])
        """
    assert _strings(kept)[0] == ["claude-haiku-4-5"]
    assert _strings(replaced)[0] == ["claude-sonnet-4-6"]


# ---------------------------------------------------------------- containers


def test_messages_list_appended_to_is_not_known_empty() -> None:
    values, args, _, _ = _request(
        """
        import anthropic
        client = anthropic.Anthropic()
        def ask(prompt):
            messages = []
            messages.append({"role": "user", "content": prompt})
            return client.messages.create(model="claude-haiku-4-5", max_tokens=8, messages=messages)
        """,
        "messages",
    )
    item = args.keywords["messages"]
    sequence = values.sequence(item.expr, item.scope)
    assert sequence is not None and not sequence.complete and not sequence.definitely_empty


def test_messages_passed_to_another_function_may_change() -> None:
    values, args, _, _ = _request(
        """
        import anthropic
        client = anthropic.Anthropic()
        def ask(history):
            messages = [{"role": "system", "content": "x"}]
            trim(messages)
            return client.messages.create(model="claude-haiku-4-5", max_tokens=8, messages=messages)
        """,
        "messages",
    )
    item = args.keywords["messages"]
    sequence = values.sequence(item.expr, item.scope)
    assert sequence is not None and sequence.may_shrink and not sequence.complete


@pytest.mark.parametrize(("bindings", "read"), [(16, True), (17, False)])
def test_a_list_name_bound_more_than_sixteen_times_is_not_read(bindings: int, read: bool) -> None:
    """Each binding's elements are possible elements (bindings are not ordered): a script rebinding
    `messages` before each of thousands of calls would have every call read them all."""
    rebinds = "".join(f'    messages = [{{"role": "user", "content": "q{i}"}}]\n' for i in range(bindings - 1))
    values, args, _, _ = _request(
        "import anthropic\nclient = anthropic.Anthropic()\ndef ask():\n"
        '    messages = [{"role": "system", "content": "x"}]\n'
        + rebinds
        + '    return client.messages.create(model="claude-haiku-4-5", max_tokens=8, messages=messages)\n',
        "messages",
    )
    item = args.keywords["messages"]
    sequence = values.sequence(item.expr, item.scope)
    if read:
        assert sequence is not None and sequence.complete
        assert [values.message_role(i)[0] for i in sequence.items] == ["system"] + ["user"] * 15  # type: ignore[index]
    else:
        assert sequence is None


def test_concatenated_lists_and_dict_constructor_roles() -> None:
    values, _, site, _ = _request(
        """
        import anthropic
        client = anthropic.Anthropic()
        SYSTEM = dict(role="system", content="Be brief.")
        def ask(history, prompt):
            return client.messages.create(
                model="claude-haiku-4-5", max_tokens=8,
                messages=[SYSTEM] + history + [{"role": "user", "content": prompt}],
            )
        """,
        "messages",
    )
    (sequence,) = values.request_messages(site)
    roles = [values.message_role(item) for item in sequence.items]
    assert [r[0] for r in roles if r] == ["system", "user"]
    assert not sequence.complete  # `history` is unknown


def test_kwargs_from_a_local_dict_literal() -> None:
    _, args, _, _ = _request(
        """
        import anthropic
        client = anthropic.Anthropic()
        def ask(prompt):
            params = {"model": "claude-haiku-4-5", "max_tokens": 8}
            return client.messages.create(**params, messages=[{"role": "user", "content": prompt}])
        """,
        "model",
    )
    assert set(args.keywords) == {"model", "max_tokens", "messages"}
    assert args.complete
    assert args.arg_nodes["model"].star == "**"


def test_kwargs_dict_that_gains_keys_is_incomplete() -> None:
    _, args, _, _ = _request(
        """
        import anthropic
        client = anthropic.Anthropic()
        def ask(prompt, extra):
            params = {"model": "claude-haiku-4-5"}
            params.update(extra)
            return client.messages.create(**params)
        """,
        "model",
    )
    assert "model" in args.keywords and not args.complete


def test_tools_and_thinking_options() -> None:
    model = _model(
        """
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="m", max_tokens=8, messages=[], tools=[{"name": "t"}])
        client.messages.create(model="m", max_tokens=8, messages=[], tools=[])
        client.messages.create(model="m", max_tokens=8, messages=[], tools=[{"name": "t"}], tool_choice={"type": "none"})
        client.messages.create(model="m", max_tokens=8, messages=[], thinking={"type": "enabled", "budget_tokens": 1024})
        client.messages.create(model="m", max_tokens=8, messages=[], thinking={"type": "disabled"})
        client.messages.create(model="m", max_tokens=8, messages=[], tools=anthropic.NOT_GIVEN, thinking=anthropic.omit)
        client.messages.create(**unknown)
        """
    )
    values = Values(model)
    tools = [values.request_uses_tools(site) for site in model.direct_call_sites]
    thinking = [values.request_uses_thinking(site) for site in model.direct_call_sites]
    assert tools == [True, False, False, False, False, False, None]
    assert thinking == [False, False, False, True, False, False, None]


# ---------------------------------------------------------------- responses


def test_reply_text_through_join_and_names_reaches_json_loads() -> None:
    model = _model(
        """
        import json
        import anthropic
        client = anthropic.Anthropic()
        def extract(doc):
            reply = client.messages.create(model="m", max_tokens=8, messages=[])
            text = "".join(block.text for block in reply.content if block.type == "text")
            data = json.loads(text.strip())
            if reply.stop_reason == "max_tokens":
                raise ValueError
            return data
        """
    )
    (use,) = frames_for(model).messages()
    assert [p.guarded for p in use.json_parses] == [False]
    assert use.stop_reason_checked and use.stop_reasons_compared == {"max_tokens"}
    assert use.loops and use.loops[0].type_checked
    assert use.label() == "reply"


# ---------------------------------------------------------------- model lifecycle


@pytest.mark.parametrize(
    ("model", "kind"),
    [
        ("claude-sonnet-4-6", "active"),
        ("claude-sonnet-4-5", "deprecated"),
        ("claude-3-5-sonnet-20241022", "retired"),
        ("claude-mythos-preview", "retired"),
        ("claude-sonet-4-6", "unknown"),
        ("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "platform"),
        ("anthropic.claude-v2:1", "platform"),
        ("claude-3-5-sonnet-v2@20241022", "platform"),
        ("claude-3-haiku-20240307", "retired"),
    ],
)
def test_model_status(model: str, kind: str) -> None:
    status = model_ids.model_status(model, K, date(2026, 11, 26))
    assert status is not None and status.kind == kind


def test_strings_that_are_not_claude_ids_have_no_status() -> None:
    assert model_ids.model_status("gpt-4o", K) is None
    assert model_ids.model_status("claude", K) is None


def test_end_of_life_on_today_is_retired() -> None:
    assert model_ids.model_status("claude-sonnet-4-5", K, date(2026, 11, 29)).kind == "deprecated"
    assert model_ids.model_status("claude-sonnet-4-5", K, date(2026, 11, 30)).kind == "retired"


def test_today_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(model_ids.TODAY_ENV, "2027-02-01")
    assert model_ids.today() == date(2027, 2, 1)
    monkeypatch.setenv(model_ids.TODAY_ENV, "not a date")
    assert model_ids.today() == date.today()


def test_injected_today_moves_a_model_from_deprecated_to_retired(monkeypatch: pytest.MonkeyPatch) -> None:
    code = b'import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=[])\n'
    settings = Settings(sdk_version="2.14.0")
    monkeypatch.setattr(model_ids, "today", lambda: date(2026, 11, 29))
    before = lint_bytes("a.py", code, settings, frozenset({"CL302", "CL303"})).diagnostics
    monkeypatch.setattr(model_ids, "today", lambda: date(2026, 12, 1))
    after = lint_bytes("a.py", code, settings, frozenset({"CL302", "CL303"})).diagnostics
    assert [(d.code, d.message.split(": ")[-1]) for d in before] == [
        ("CL303", "the API stops serving it on 2026-11-30 (in 1 day), and then answers 404. Use `claude-sonnet-4-6`.")
    ]
    assert [d.code for d in after] == ["CL302"]


# ---------------------------------------------------------------- the retired-model table


def test_retired_table_shape_and_successors_are_current_models_of_the_newest_sdk() -> None:
    data = json.loads(model_ids.RETIRED_MODELS_FILE.read_text(encoding="utf-8"))
    assert set(data) == {"about", "models"}
    assert data["models"], "the table is not empty"
    newest = load_knowledge("2.14.0")
    for model, row in data["models"].items():
        assert model.startswith("claude-"), model
        assert set(row) == {"end_of_life", "successor"}, model
        assert date.fromisoformat(row["end_of_life"]).isoformat() == row["end_of_life"], model
        successor = row["successor"]
        assert successor in newest.known_models, f"{model} -> {successor} is not a model of anthropic 2.14.0"
        assert successor not in data["models"], f"{model} -> {successor}, which is itself on its way out"
    assert list(data["models"]) == sorted(data["models"]), "keep the table sorted"


@pytest.mark.parametrize("version", available_snapshots())
def test_retired_table_holds_every_snapshots_deprecated_models_with_the_same_date(version: str) -> None:
    table = model_ids.retirement_table()
    for model, end_of_life in load_knowledge(version).deprecated_models.items():
        assert model in table, f"{model} (deprecated in anthropic {version}) is missing from the table"
        assert table[model].end_of_life.isoformat() == end_of_life, model


def test_retired_table_ids_are_not_unknown() -> None:
    for model in model_ids.retirement_table():
        assert model_ids.model_status(model, K).kind in ("deprecated", "retired")


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("r.content[0].text", "r.content[0].text"),
        ("client.messages.create(model='x', max_tokens=3)", "client.messages.create(...)"),
        ("f(x)(y).z", "f(...)(...).z"),
        ('d["k"].v', 'd["k"].v'),
        ("a[b.c]", "a[b.c]"),
        ("f(\n x)", "f(...)"),
        ("a.b()[ -1 ]", "a.b()[ -1 ]"),
        ("r.content[ 0 ]", "r.content[ 0 ]"),
        ("(a).b", "(a).b"),
        ("a[0:1]", "a[0:1]"),
        ("a[-1]", "a[-1]"),
        ("a . b", "a . b"),
        ("f ()", "f ()"),
        ("x[\n0]", "x[ 0]"),
    ],
)
def test_short_code_writes_an_expression_as_written_with_arguments_elided(source: str, shown: str) -> None:
    """The usual shapes are written without a transformer pass (one per finding); any other, and any
    written with spaces, through libcst: both give what libcst's code of the elided expression gives."""
    from claude_lint.analysis.responses import _ElideArguments, short_code

    expr = cst.parse_expression(source)
    elided = expr.visit(_ElideArguments())
    assert short_code(expr) == shown == " ".join(cst.Module([]).code_for_node(elided).split())
