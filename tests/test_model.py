"""The module model (`claude_lint.analysis.model.build_model`): imports, clients, call sites,
LLM-calling functions, try/except structure, manual retry loops, library roots.

Every test parses a small module and asserts exact facts about what the model
resolved. Sources are dedented with the leading newline stripped, so line 1 is
the first line of the snippet.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from claude_lint.analysis.model import CallSite, ModuleModel, build_model
from claude_lint.sdk.load import load_knowledge

SDK = "2.14.0"


class Built:
    """A model plus the positions of its nodes."""

    def __init__(self, model: ModuleModel, positions) -> None:
        self.model = model
        self._positions = positions

    def line(self, node: cst.CSTNode) -> int:
        return self._positions[node].start.line

    @property
    def sites(self) -> list[CallSite]:
        return self.model.call_sites

    def direct(self) -> list[tuple]:
        """(line, method, client class or None, async, max_retries, origin, heuristic)."""
        out = []
        for site in self.model.call_sites:
            if not site.direct:
                continue
            c = site.client
            out.append((
                self.line(site.node),
                site.method,
                None if c is None else c.class_name,
                site.is_async,
                None if c is None else c.max_retries,
                None if c is None else c.origin,
                site.heuristic,
            ))
        return out

    def indirect(self) -> list[tuple[int, str]]:
        """(line, target function name) of every indirect call site."""
        return [(self.line(s.node), s.target.name) for s in self.model.call_sites if not s.direct]

    def site_at(self, line: int) -> CallSite:
        found = [s for s in self.model.call_sites if self.line(s.node) == line]
        assert len(found) == 1, f"{len(found)} call sites on line {line}"
        return found[0]

    def function(self, name: str):
        found = [f for f in self.model.functions if f.name == name]
        assert len(found) == 1
        return found[0]


def build(src: str, client_factories: Sequence[str] = (), sdk: str = SDK) -> Built:
    module = cst.parse_module(textwrap.dedent(src).lstrip("\n"))
    # unsafe_skip_copy keeps node identity, so positions can be looked up by the
    # very nodes the model holds.
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    model = build_model(module, load_knowledge(sdk), client_factories=client_factories)
    return Built(model, positions)


def code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


# ---------------------------------------------------------------- imports


def test_import_styles_resolve_clients_and_qualify() -> None:
    b = build(
        """
        import anthropic
        import anthropic as ac
        from anthropic import Anthropic
        from anthropic import AsyncAnthropic as AC
        a = anthropic.Anthropic(max_retries=3)
        a.messages.create()
        b = ac.Anthropic(max_retries=4)
        b.messages.create()
        c = Anthropic(max_retries=5)
        c.messages.create()
        d = AC(max_retries=6)
        d.messages.create()
        """
    )
    assert b.direct() == [
        (6, "messages.create", "Anthropic", False, 3, "constructor", False),
        (8, "messages.create", "Anthropic", False, 4, "constructor", False),
        (10, "messages.create", "Anthropic", False, 5, "constructor", False),
        (12, "messages.create", "AsyncAnthropic", True, 6, "constructor", False),
    ]
    imports = b.model.imports
    assert imports.qualify(cst.parse_expression("ac.RateLimitError")) == "anthropic.RateLimitError"
    assert imports.qualify(cst.parse_expression("AC")) == "anthropic.AsyncAnthropic"
    assert imports.qualify(cst.parse_expression("Anthropic")) == "anthropic.Anthropic"
    assert imports.qualify(cst.parse_expression("anthropic.types.Message")) == "anthropic.types.Message"
    assert imports.qualify(cst.parse_expression("json.loads")) == "json.loads"
    assert imports.qualify(cst.parse_expression("f()")) is None


def test_from_import_exception_gives_handler_sdk_name() -> None:
    b = build(
        """
        import anthropic as ac
        from anthropic import RateLimitError
        from anthropic import APIStatusError as StatusErr
        client = ac.Anthropic()
        try:
            client.messages.create()
        except RateLimitError:
            pass
        except StatusErr as err:
            pass
        except ac.APIConnectionError:
            pass
        except ValueError:
            pass
        """
    )
    types = [[(t.qualname, t.sdk_name) for t in h.types] for h in b.model.handlers]
    assert types == [
        [("anthropic.RateLimitError", "RateLimitError")],
        [("anthropic.APIStatusError", "APIStatusError")],
        [("anthropic.APIConnectionError", "APIConnectionError")],
        [("ValueError", None)],
    ]
    assert [h.name for h in b.model.handlers] == [None, "err", None, None]


def test_import_submodule_binds_package_name() -> None:
    b = build(
        """
        import anthropic.types
        client = anthropic.Anthropic(max_retries=1)
        client.messages.create()
        """
    )
    assert b.direct() == [(3, "messages.create", "Anthropic", False, 1, "constructor", False)]
    assert b.model.imports.names["anthropic"] == "anthropic"


def test_client_class_imported_from_submodule() -> None:
    b = build(
        """
        from anthropic.lib.bedrock import AnthropicBedrock
        AnthropicBedrock().messages.create()
        """
    )
    assert b.direct() == [(2, "messages.create", "AnthropicBedrock", False, None, "constructor", False)]


# ---------------------------------------------------------------- client forms


def test_module_global_and_function_local_clients() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic(max_retries=7)

        def uses_global():
            return client.messages.create()

        def uses_local():
            client = anthropic.Anthropic(max_retries=1)
            return client.messages.create()

        def after_global():
            return client.messages.create()
        """
    )
    assert b.direct() == [
        (5, "messages.create", "Anthropic", False, 7, "constructor", False),
        (9, "messages.create", "Anthropic", False, 1, "constructor", False),
        (12, "messages.create", "Anthropic", False, 7, "constructor", False),
    ]


def test_self_attribute_assigned_in_init_used_in_other_method() -> None:
    b = build(
        """
        import anthropic

        class Service:
            def __init__(self):
                self.client = anthropic.Anthropic(max_retries=0)

            def ask(self):
                return self.client.messages.create(model="m")
        """
    )
    assert b.direct() == [(8, "messages.create", "Anthropic", False, 0, "constructor", False)]
    site = b.sites[0]
    assert code(site.client_node) == "self.client"
    assert code(site.client.max_retries_node) == "max_retries=0"
    assert site.client.effective_max_retries(b.model.knowledge) == 0


def test_self_attribute_from_annotated_init_parameter() -> None:
    b = build(
        """
        import anthropic

        class Service:
            def __init__(self, client: anthropic.AsyncAnthropic):
                self.client = client

            async def ask(self):
                return await self.client.messages.create()
        """
    )
    assert b.direct() == [(8, "messages.create", "AsyncAnthropic", True, None, "annotation", False)]


def test_class_level_annotation_types_self_attribute() -> None:
    b = build(
        """
        import anthropic

        class Service:
            client: anthropic.Anthropic

            def ask(self):
                return self.client.messages.create()
        """
    )
    assert b.direct() == [(7, "messages.create", "Anthropic", False, None, "annotation", False)]
    assert b.sites[0].client.effective_max_retries(b.model.knowledge) == 2


def test_class_attribute_constructor_used_through_self() -> None:
    b = build(
        """
        import anthropic

        class Service:
            client = anthropic.Anthropic(max_retries=0)

            def ask(self):
                return self.client.messages.create()
        """
    )
    assert b.direct() == [(7, "messages.create", "Anthropic", False, 0, "constructor", False)]


def test_annotated_class_attribute_with_value_keeps_max_retries() -> None:
    b = build(
        """
        import anthropic

        class Service:
            client: anthropic.Anthropic = anthropic.Anthropic(max_retries=0)

            def ask(self):
                return self.client.messages.create()
        """
    )
    assert b.direct() == [(7, "messages.create", "Anthropic", False, 0, "constructor", False)]


@pytest.mark.parametrize(
    "annotation",
    [
        "anthropic.Anthropic",
        '"anthropic.Anthropic"',
        "Optional[Anthropic]",
        "Anthropic | None",
        "Union[None, anthropic.Anthropic]",
        '"Anthropic | None"',
    ],
)
def test_annotated_parameter(annotation: str) -> None:
    b = build(
        f"""
        import anthropic
        from typing import Optional, Union
        from anthropic import Anthropic

        def ask(client: {annotation}, prompt):
            return client.messages.create(messages=[prompt])
        """
    )
    assert b.direct() == [(6, "messages.create", "Anthropic", False, None, "annotation", False)]
    assert code(b.sites[0].client.node) == annotation


def test_annotated_parameter_shadows_global_client() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic(max_retries=0)

        def ask(client: anthropic.AsyncAnthropic):
            return client.messages.create()
        """
    )
    assert b.direct() == [(5, "messages.create", "AsyncAnthropic", True, None, "annotation", False)]


def test_unannotated_parameter_shadows_global_client() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic(max_retries=0)

        def ask(client):
            return client.messages.create()
        """
    )
    # The parameter is not known to be a client: heuristic fallback (anthropic is
    # imported), construction not visible, so not the global's max_retries=0.
    assert b.direct() == [(5, "messages.create", None, False, None, None, True)]


def test_loop_target_shadows_global_client() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic(max_retries=0)

        def ask(clients):
            for client in clients:
                client.messages.create()
        """
    )
    assert b.direct() == [(6, "messages.create", None, False, None, None, True)]


def test_annotated_factory_return() -> None:
    b = build(
        """
        import anthropic

        def make() -> anthropic.AsyncAnthropic:
            return build_somehow()

        async def ask():
            return await make().messages.create()

        async def ask_bound():
            c = make()
            return await c.messages.create()
        """
    )
    assert b.direct() == [
        (7, "messages.create", "AsyncAnthropic", True, None, "factory", False),
        (11, "messages.create", "AsyncAnthropic", True, None, "factory", False),
    ]
    assert all(s.record.awaited for s in b.sites)


def test_configured_client_factory() -> None:
    src = """
        from myapp.llm import get_client

        def ask():
            return get_client().messages.create(model="m")

        def ask_bound():
            c = get_client()
            return c.messages.create(model="m")
        """
    b = build(src, client_factories=["myapp.llm.get_client"])
    assert b.direct() == [
        (4, "messages.create", "", False, None, "factory", False),
        (8, "messages.create", "", False, None, "factory", False),
    ]
    # Without the configuration, and with no anthropic import / claude model /
    # max_tokens+messages, the same calls are not call sites at all.
    assert build(src).direct() == []


def test_with_statement_client() -> None:
    b = build(
        """
        import anthropic

        def ask():
            with anthropic.Anthropic(max_retries=4) as c:
                return c.messages.create()

        async def aask():
            async with anthropic.AsyncAnthropic() as ac:
                return await ac.messages.create()
        """
    )
    assert b.direct() == [
        (5, "messages.create", "Anthropic", False, 4, "constructor", False),
        (9, "messages.create", "AsyncAnthropic", True, None, "constructor", False),
    ]


def test_with_options_inline_and_bound() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic()
        client.with_options(max_retries=0).messages.create()
        fast = client.with_options(max_retries=5)
        fast.messages.create()
        slow = client.with_options(timeout=30)
        slow.messages.create()
        client.with_options(max_retries=1).with_options(timeout=3).beta.messages.create()
        """
    )
    assert b.direct() == [
        (3, "messages.create", "Anthropic", False, 0, "with_options", False),
        (5, "messages.create", "Anthropic", False, 5, "with_options", False),
        # with_options without max_retries keeps the base client's settings
        (7, "messages.create", "Anthropic", False, None, "constructor", False),
        (8, "beta.messages.create", "Anthropic", False, 1, "with_options", False),
    ]
    assert code(b.site_at(3).client.max_retries_node) == "max_retries=0"
    assert code(b.site_at(3).client_node) == "client.with_options(max_retries=0)"


def test_with_options_keeps_constructor_retries() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic(max_retries=0)
        slow = client.with_options(timeout=30)
        slow.messages.create()
        """
    )
    assert b.direct() == [(4, "messages.create", "Anthropic", False, 0, "constructor", False)]


def test_bedrock_vertex_and_client_aliases() -> None:
    b = build(
        """
        import anthropic
        from anthropic import AnthropicVertex, AsyncAnthropicBedrock
        anthropic.AnthropicBedrock(max_retries=2).messages.create()
        AnthropicVertex().messages.create()
        AsyncAnthropicBedrock().messages.create()
        anthropic.AsyncAnthropicVertex().messages.create()
        anthropic.Client().messages.create()
        anthropic.AsyncClient().messages.create()
        """
    )
    assert b.direct() == [
        (3, "messages.create", "AnthropicBedrock", False, 2, "constructor", False),
        (4, "messages.create", "AnthropicVertex", False, None, "constructor", False),
        (5, "messages.create", "AsyncAnthropicBedrock", True, None, "constructor", False),
        (6, "messages.create", "AsyncAnthropicVertex", True, None, "constructor", False),
        (7, "messages.create", "Client", False, None, "constructor", False),
        (8, "messages.create", "AsyncClient", True, None, "constructor", False),
    ]


def test_inline_constructor_call_site() -> None:
    b = build(
        """
        import anthropic
        anthropic.Anthropic().messages.create(model="claude-sonnet-4-5")
        """
    )
    assert b.direct() == [(2, "messages.create", "Anthropic", False, None, "constructor", False)]
    assert code(b.sites[0].client_node) == "anthropic.Anthropic()"
    assert b.sites[0].client.effective_max_retries(b.model.knowledge) == 2


def test_client_classes_follow_the_sdk_version() -> None:
    src = """
        import anthropic
        anthropic.AnthropicFoundry().messages.create()
        """
    assert build(src, sdk="2.14.0").direct() == [
        (2, "messages.create", "AnthropicFoundry", False, None, "constructor", False)
    ]
    # 0.40 has no AnthropicFoundry: only the heuristic (anthropic is imported) counts it.
    assert build(src, sdk="0.40.0").direct() == [(2, "messages.create", None, False, None, None, True)]


# ---------------------------------------------------------------- methods


def test_every_api_method_shape() -> None:
    b = build(
        """
        import anthropic
        c = anthropic.Anthropic()
        c.messages.create()
        c.messages.stream()
        c.messages.parse()
        c.messages.count_tokens()
        c.messages.batches.create()
        c.beta.messages.create()
        c.beta.messages.stream()
        c.beta.messages.batches.create()
        c.completions.create()
        c.messages.with_raw_response.create()
        c.messages.with_streaming_response.create()
        c.beta.messages.with_raw_response.stream()
        """
    )
    assert [(line, method) for line, method, *_ in b.direct()] == [
        (3, "messages.create"),
        (4, "messages.stream"),
        (5, "messages.parse"),
        (6, "messages.count_tokens"),
        (7, "messages.batches.create"),
        (8, "beta.messages.create"),
        (9, "beta.messages.stream"),
        (10, "beta.messages.batches.create"),
        (11, "completions.create"),
        (12, "messages.create"),
        (13, "messages.create"),
        (14, "beta.messages.stream"),
    ]
    assert {s.client.class_name for s in b.sites} == {"Anthropic"}
    assert [s.raw_response for s in b.sites] == [False] * 9 + [True] * 3


def test_non_api_methods_are_not_call_sites() -> None:
    b = build(
        """
        import anthropic
        c = anthropic.Anthropic()
        c.models.list()
        c.messages.batches.list()
        c.messages.batches.retrieve("id")
        c.messages.batches.cancel("id")
        c.completions.stream()
        c.close()
        c.with_options(max_retries=0)
        """
    )
    assert b.sites == []


# ---------------------------------------------------------------- async


def test_async_call_sites_and_awaited_flag() -> None:
    b = build(
        """
        import asyncio
        import anthropic
        client = anthropic.AsyncAnthropic()
        sync_client = anthropic.Anthropic()

        async def run():
            r = await client.messages.create()
            coro = client.messages.create()
            await asyncio.gather(client.messages.create())
            await (client.messages.create())
            sync_client.messages.create()
            return client.messages.create()
        """
    )
    assert [(line, s_async) for line, _, _, s_async, *_ in b.direct()] == [
        (7, True), (8, True), (9, True), (10, True), (11, False), (12, True),
    ]
    assert [s.record.awaited for s in b.sites] == [True, False, False, True, False, False]


def test_indirect_call_site_is_async_when_target_is() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.AsyncAnthropic()

        async def ask():
            return await client.messages.create()

        async def run():
            return await ask()

        def sync_wrapper():
            return ask()
        """
    )
    assert b.indirect() == [(8, "ask"), (11, "ask")]
    assert [(s.is_async, s.record.awaited) for s in b.sites if not s.direct] == [(True, True), (True, False)]


# ---------------------------------------------------------------- heuristic fallback


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        pytest.param("import anthropic\nx.messages.create()\n", [(2, "messages.create")], id="imports-anthropic"),
        pytest.param(
            "from anthropic import RateLimitError\nx.messages.create()\n", [(2, "messages.create")],
            id="from-anthropic-import",
        ),
        pytest.param('x.messages.create(model="claude-sonnet-4-5")\n', [(1, "messages.create")], id="claude-model"),
        pytest.param(
            "x.messages.create(max_tokens=10, messages=[])\n", [(1, "messages.create")], id="max-tokens-and-messages"
        ),
        pytest.param("import anthropic\nx.beta.messages.stream()\n", [(2, "beta.messages.stream")], id="beta-stream"),
        pytest.param("x.messages.create()\n", [], id="nothing"),
        pytest.param("x.messages.create(max_tokens=10)\n", [], id="max-tokens-only"),
        pytest.param("x.messages.create(messages=[])\n", [], id="messages-only"),
        pytest.param('x.messages.create(model="gpt-4o", messages=[])\n', [], id="other-model"),
        pytest.param("import anthropic_tools\nx.messages.create()\n", [], id="similar-module-name"),
    ],
)
def test_heuristic_fallback(src: str, expected: list) -> None:
    b = build(src)
    assert [(line, method) for line, method, *_ in b.direct()] == expected
    assert all(s.heuristic and s.client is None for s in b.sites)


def test_heuristic_never_openai_assistants_threads() -> None:
    b = build(
        """
        import anthropic
        client.beta.threads.messages.create(thread_id="t", role="user", content="hi")
        client.beta.threads.messages.create(model="claude-sonnet-4-5", max_tokens=1, messages=[])
        """
    )
    assert b.sites == []


def test_heuristic_never_twilio() -> None:
    b = build(
        """
        import anthropic
        from twilio.rest import Client
        client.messages.create(to="+15550001", from_="+15550002", body="hi")
        tw = Client()
        tw.messages.create(to="+15550001", from_="+15550002", body="hi")
        """
    )
    assert b.sites == []


def test_openai_client_messages_create_is_not_a_call_site() -> None:
    b = build(
        """
        import anthropic
        import openai
        from openai import OpenAI
        oc = openai.OpenAI()
        oc.messages.create(model="claude-sonnet-4-5", max_tokens=1, messages=[])
        oc2 = OpenAI()
        oc2.beta.messages.create(max_tokens=1, messages=[])
        oc2.completions.create(model="gpt-3.5-turbo-instruct", prompt="x")

        def local():
            client = openai.AsyncOpenAI()
            return client.messages.create(max_tokens=1, messages=[])
        """
    )
    assert b.sites == []


def test_openai_chat_completions_is_not_a_call_site() -> None:
    b = build(
        """
        import anthropic
        import openai
        oc = openai.OpenAI()
        oc.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        """
    )
    assert b.sites == []


def test_openai_chat_completions_without_anthropic_is_not_a_call_site() -> None:
    b = build(
        """
        from openai import OpenAI
        client = OpenAI()
        client.chat.completions.create(model="gpt-4o", max_tokens=100, messages=[{"role": "user", "content": "hi"}])
        """
    )
    assert b.sites == []


def test_openai_annotated_parameter_is_not_a_call_site() -> None:
    b = build(
        """
        import anthropic
        import openai

        def ask(client: openai.OpenAI):
            return client.messages.create(max_tokens=1, messages=[])
        """
    )
    assert b.sites == []


def test_openai_self_attribute_is_not_a_call_site() -> None:
    b = build(
        """
        import anthropic
        import openai

        class Bot:
            def __init__(self):
                self.oc = openai.OpenAI()

            def ask(self):
                return self.oc.messages.create(max_tokens=1, messages=[])
        """
    )
    assert b.sites == []


# ---------------------------------------------------------------- LLM-calling functions


def test_llm_calling_functions_transitive_methods_and_nested() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic()

        def ask(q):
            return client.messages.create(model="m", messages=[q])

        def summarise(t):
            return ask(t)

        def top():
            return summarise("x")

        def unrelated():
            return len("x")

        class Bot:
            def _call(self):
                return client.messages.create()

            def helper(self):
                return self._call()

            def run(self):
                return self.helper()

            def idle(self):
                return self.unknown()

        def outer():
            def inner():
                return client.messages.create()
            return inner()
        """
    )
    calls_llm = {f.name: f.calls_llm for f in b.model.functions}
    assert calls_llm == {
        "ask": True, "summarise": True, "top": True, "unrelated": False,
        "_call": True, "helper": True, "run": True, "idle": False,
        "outer": True, "inner": True,
    }
    assert b.indirect() == [(8, "ask"), (11, "summarise"), (21, "_call"), (24, "helper"), (32, "inner")]
    assert [line for line, *_ in b.direct()] == [5, 18, 31]
    assert [len(b.function(n).direct_call_sites) for n in ("ask", "summarise", "_call", "inner", "outer")] == [1, 0, 1, 1, 0]


def test_mutual_recursion_without_llm_terminates() -> None:
    b = build(
        """
        def a(n):
            return b(n - 1)

        def b(n):
            return a(n)
        """
    )
    assert {f.name: f.calls_llm for f in b.model.functions} == {"a": False, "b": False}
    assert b.sites == []


def test_imported_name_is_not_a_local_function() -> None:
    b = build(
        """
        import anthropic
        from other import ask
        client = anthropic.Anthropic()

        def local():
            return client.messages.create()

        def caller():
            return ask()
        """
    )
    assert b.indirect() == []
    assert b.function("caller").calls_llm is False


def test_try_around_indirect_call_site_holds_it() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic()

        def summarise(text):
            return client.messages.create(messages=[text])

        def guarded():
            try:
                return summarise("x")
            except Exception:
                return None
        """
    )
    (inner_try,) = b.model.trys
    assert inner_try.holds_call_site
    assert [(b.line(s.node), s.direct, s.target.name) for s in inner_try.call_sites] == [(9, False, "summarise")]
    (handler,) = inner_try.handlers
    assert handler.catches_call_site_errors()
    assert list(b.site_at(9).enclosing_handlers()) == [handler]


def test_lambda_and_nested_def_in_try_body_are_not_in_the_try() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic()

        def deferred():
            try:
                f = lambda: client.messages.create()
                def later():
                    return client.messages.create()
                g = later
            except Exception:
                pass
            return f, g
        """
    )
    (info,) = b.model.trys
    assert info.call_sites == []
    assert info.body_calls == []
    assert not info.holds_call_site
    (handler,) = info.handlers
    assert not handler.catches_call_site_errors()
    assert [line for line, *_ in b.direct()] == [6, 8]
    for site in b.sites:
        assert list(site.enclosing_handlers()) == []


def test_comprehension_in_try_body_is_in_the_try() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic()
        try:
            results = [client.messages.create(messages=[p]) for p in prompts]
        except anthropic.APIError:
            pass
        """
    )
    (info,) = b.model.trys
    assert [b.line(s.node) for s in info.call_sites] == [4]


# ---------------------------------------------------------------- try structure


def test_else_and_finally_are_not_protected() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic()
        try:
            client.messages.create()
        except anthropic.RateLimitError:
            client.messages.create()
        else:
            client.messages.create()
        finally:
            client.messages.create()
        """
    )
    (info,) = b.model.trys
    assert [b.line(s.node) for s in info.call_sites] == [4]
    assert [len(list(b.site_at(line).enclosing_handlers())) for line in (4, 6, 8, 10)] == [1, 0, 0, 0]
    assert [ctx.part for ctx in b.site_at(6).record.trys] == ["handler"]
    assert [ctx.part for ctx in b.site_at(8).record.trys] == ["else"]
    assert [ctx.part for ctx in b.site_at(10).record.trys] == ["finally"]


def test_nested_try_handlers_innermost_first() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic()
        try:
            try:
                client.messages.create()
            except ValueError:
                client.messages.create()
            else:
                client.messages.create()
        except anthropic.APIError as outer:
            raise
        """
    )
    outer_try, inner_try = b.model.trys
    assert [b.line(s.node) for s in outer_try.call_sites] == [5, 7, 9]
    assert [b.line(s.node) for s in inner_try.call_sites] == [5]

    def qualnames(line: int) -> list[list[str]]:
        return [[t.qualname for t in h.types] for h in b.site_at(line).enclosing_handlers()]

    assert qualnames(5) == [["ValueError"], ["anthropic.APIError"]]
    assert qualnames(7) == [["anthropic.APIError"]]
    assert qualnames(9) == [["anthropic.APIError"]]
    (raise_record,) = b.model.raises
    assert raise_record.handler.name == "outer"


def test_except_star() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic()
        try:
            client.messages.create()
        except* anthropic.RateLimitError as group:
            pass
        """
    )
    (info,) = b.model.trys
    assert isinstance(info.node, cst.TryStar)
    (handler,) = info.handlers
    assert isinstance(handler.node, cst.ExceptStarHandler)
    assert handler.name == "group"
    assert [(t.qualname, t.sdk_name) for t in handler.types] == [("anthropic.RateLimitError", "RateLimitError")]
    assert handler.catches_call_site_errors()
    assert list(b.site_at(4).enclosing_handlers()) == [handler]


def test_tuple_handler_types_and_name() -> None:
    b = build(
        """
        import anthropic as ac
        from anthropic import RateLimitError
        client = ac.Anthropic()
        try:
            client.messages.create()
        except (RateLimitError, ac.APIConnectionError, OSError) as exc:
            raise
        """
    )
    (handler,) = b.model.handlers
    assert handler.name == "exc"
    assert [(t.qualname, t.sdk_name) for t in handler.types] == [
        ("anthropic.RateLimitError", "RateLimitError"),
        ("anthropic.APIConnectionError", "APIConnectionError"),
        ("OSError", None),
    ]
    assert [code(t.node) for t in handler.types] == ["RateLimitError", "ac.APIConnectionError", "OSError"]


def test_handler_classification() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic()
        try:
            x = 1
        except:
            pass
        try:
            client.messages.create()
        except:
            pass
        try:
            client.messages.create()
        except Exception:
            pass
        try:
            x = 2
        except anthropic.APIError:
            pass
        try:
            client.messages.create()
        except anthropic.types.Message:
            pass
        try:
            client.messages.create()
        except anthropic._exceptions.OverloadedError:
            pass
        """
    )
    rows = [
        (h.is_bare, h.catches_broad(), h.catches_sdk_error(), h.catches_call_site_errors(),
         [t.sdk_name for t in h.types])
        for h in b.model.handlers
    ]
    assert rows == [
        (True, True, False, False, []),
        (True, True, False, True, []),
        (False, True, False, True, [None]),
        # an SDK exception type counts even with no call site in the try body
        (False, False, True, True, ["APIError"]),
        (False, False, False, False, [None]),
        (False, False, True, True, ["OverloadedError"]),
    ]


def test_raise_records_know_their_handler() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic()

        def f():
            try:
                client.messages.create()
            except anthropic.APIError as e:
                raise RuntimeError("x") from e
            raise ValueError("y")
        """
    )
    first, second = b.model.raises
    assert first.handler is b.model.handlers[0]
    assert first.handler.name == "e"
    assert second.handler is None


# ---------------------------------------------------------------- manual retry loops


def _loop_verdicts(b: Built) -> list[tuple[int, str, bool]]:
    out = []
    for loop in b.model.loops:
        sites = [s for s in b.sites if loop in s.record.loops]
        out.append((b.line(loop.node), loop.kind, b.model.is_manual_retry_loop(loop, sites)))
    return out


def test_manual_retry_loop_detection() -> None:
    b = build(
        """
        import itertools
        import time
        import anthropic
        client = anthropic.Anthropic()

        def retry_for():
            for attempt in range(3):
                try:
                    return client.messages.create(model="m")
                except anthropic.RateLimitError:
                    time.sleep(2 ** attempt)

        def retry_while():
            while True:
                try:
                    return client.messages.create(model="m")
                except anthropic.RateLimitError:
                    continue

        def batch(docs):
            for doc in docs:
                try:
                    client.messages.create(messages=[doc])
                except anthropic.APIError:
                    continue

        def index_batch(prompts):
            for i in range(3):
                try:
                    client.messages.create(messages=[prompts[i]])
                except anthropic.APIError:
                    continue

        def retry_count():
            for _ in itertools.count():
                try:
                    return client.messages.create(model="m")
                except anthropic.APIError:
                    pass
        """
    )
    assert _loop_verdicts(b) == [
        (7, "for", True),
        (14, "while", True),
        (21, "for", False),
        (28, "for", False),
        (35, "for", True),
    ]
    assert [len(loop.trys) for loop in b.model.loops] == [0, 0, 0, 0, 0]
    # each handler knows the loop it sits in
    assert [[l.kind for l in h.loops] for h in b.model.handlers] == [["for"], ["while"], ["for"], ["for"], ["for"]]


def test_loop_target_used_through_local_is_not_retry_loop() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic()

        def index_batch(prompts):
            for i in range(len(prompts)):
                prompt = prompts[i]
                try:
                    client.messages.create(messages=[prompt])
                except anthropic.APIError:
                    continue
        """
    )
    assert _loop_verdicts(b) == [(5, "for", False)]


# ---------------------------------------------------------------- library roots


def test_library_roots() -> None:
    b = build(
        """
        import anthropic
        import httpx
        import requests
        client = anthropic.Anthropic()

        def module_function():
            try:
                httpx.get("u")
            except httpx.HTTPError:
                pass

        def bound_session():
            session = requests.Session()
            try:
                session.get("u")
            except requests.RequestException:
                pass

        class C:
            def __init__(self):
                self.http = httpx.Client()

            def go(self):
                try:
                    self.http.get("u")
                except httpx.HTTPError:
                    pass

        def builtin_io():
            try:
                open("f").read()
            except OSError:
                pass

        def fetch():
            return requests.get("u")

        def through_local_function():
            try:
                fetch()
                client.messages.create(timeout=3)
            except requests.RequestException:
                pass

        def only_claude():
            try:
                client.messages.create()
            except Exception:
                pass

        def nothing_known():
            try:
                helper_from_nowhere()
                obj.method()
            except Exception:
                pass
        """
    )
    roots = [sorted(b.model.library_roots(t.body_calls)) for t in b.model.trys]
    assert roots == [
        ["httpx"],
        ["requests"],
        ["httpx"],
        ["io"],
        ["anthropic", "requests", "timeout"],
        ["anthropic"],
        [],
    ]


def test_library_roots_through_from_imported_constructor() -> None:
    b = build(
        """
        from requests import Session
        import socket as sock
        s = Session()
        try:
            s.post("u")
            sock.create_connection(("h", 1))
        except Exception:
            pass
        """
    )
    (info,) = b.model.trys
    assert b.model.library_roots(info.body_calls) == {"requests", "socket"}


def test_library_roots_through_aliased_module_constructor() -> None:
    b = build(
        """
        import requests as rq
        import socket as sock
        s = rq.Session()
        try:
            s.post("u")
            sock.create_connection(("h", 1))
        except Exception:
            pass
        """
    )
    (info,) = b.model.trys
    assert b.model.library_roots(info.body_calls) == {"requests", "socket"}


# ---------------------------------------------------------------- counts


def test_model_counts() -> None:
    b = build(
        """
        import anthropic
        client = anthropic.Anthropic()

        def a():
            for _ in range(2):
                try:
                    return client.messages.create()
                except anthropic.RateLimitError:
                    pass
                except anthropic.APIError as e:
                    raise
            raise RuntimeError("exhausted")

        def b():
            return a()
        """
    )
    m = b.model
    assert len(m.functions) == 2
    assert len(m.trys) == 1
    assert len(m.handlers) == 2
    assert len(m.raises) == 2
    assert len(m.loops) == 1
    assert len(m.call_sites) == 2
    assert len(m.direct_call_sites) == 1
    # every call, including the constructor, range() and RuntimeError()
    assert [code(r.node.func) for r in m.calls] == [
        "anthropic.Anthropic", "range", "client.messages.create", "RuntimeError", "a",
    ]


def test_call_through_an_alias_of_the_resource() -> None:
    code = (
        "import anthropic\n"
        "client = anthropic.Anthropic(max_retries=0)\n"
        "def ask(q):\n"
        "    messages = client.messages\n"
        "    with messages.stream(model='claude-sonnet-4-6', max_tokens=10, messages=[q]) as s:\n"
        "        return s.get_final_message()\n"
    )
    model = build_model(cst.parse_module(code), load_knowledge("2.14.0"))
    [site] = model.call_sites
    assert (site.method, site.client.class_name, site.client.max_retries) == ("messages.stream", "Anthropic", 0)


@pytest.mark.parametrize(
    "text",
    ["'a'", '"b"', "b'x'", "r'\\d'", "'\\d'", "'''multi\nline'''", "u'x'", "rb'\\x'", "'\\N{BULLET}'",
     "0", "1_000", "0x1F", "0o17", "0b101", "1.5", "1e-3", ".5", "2j", "3.5J"],
)
@pytest.mark.filterwarnings("ignore:invalid escape sequence")
def test_literal_value_is_libcsts_evaluated_value(text: str) -> None:
    from claude_lint.analysis.syntax import literal_value

    node = cst.parse_expression(text)
    assert literal_value(node) == node.evaluated_value
    assert type(literal_value(node)) is type(node.evaluated_value)
    assert literal_value(node) == node.evaluated_value  # from the cache


def test_a_lint_leaves_no_cycles_for_the_collector(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The model's cycles (scopes and their functions, `try`s and their handlers, the analyses
    kept on it) are broken once the file is done: its tree and model are freed by reference
    counting, not found by the cyclic collector (a million objects after 500 KB of code, a
    twentieth of the run). Also the first of two models, where the file's own names were
    answered from its summary and the model built again."""
    import gc
    from pathlib import Path

    from claude_lint.analysis import model as model_module
    from claude_lint.analysis.symbols import ProjectSpec
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    builds: list[object] = []
    real = model_module.build_model

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        builds.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(model_module, "build_model", counted)
    # `bot.ask()` on a `Base`: only a subclass's `ask` calls Claude, which the module's summary tells.
    own = (
        "import anthropic\n\n\nclass Base:\n    def ask(self, p):\n        raise NotImplementedError\n\n\n"
        "class Bot(Base):\n    def ask(self, p):\n        return anthropic.Anthropic().messages.create("
        "model='claude-sonnet-4-6', max_tokens=8, messages=[{'role': 'user', 'content': p}])\n\n\n"
        "def answer(bot: Base):\n    return bot.ask('Name a prime.').content[0].text\n"
    )
    files = [(p.stem, p.read_text()) for p in sorted((Path(__file__).parent.parent / "examples" / "legacy_app").glob("*.py"))]
    gc.collect()
    gc.disable()
    try:
        for name, text in [*files, ("bot", own)]:
            builds.clear()
            spec = ProjectSpec(f"legacy_app.{name}" if name != "bot" else "bot", display=f"{name}.py")
            result = lint_text(f"{name}.py", text, Settings(select=("ALL",)), project=spec, summarize=True)
            assert result.summary is not None and not result.errors
            assert gc.collect() == 0, name
        assert len(builds) == 2  # the own names' path: the first model, and the one built with the answers
        assert [d.code for d in result.diagnostics if d.start.line == 15] == ["CL402", "CL403"]
    finally:
        gc.enable()
