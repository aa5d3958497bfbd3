"""CL403 ignored-stop-reason: A reply's text is used without checking `stop_reason`."""

from typing import ClassVar

from claude_lint.analysis.responses import short_code
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule


class IgnoredStopReason(Rule):
    """## What it does
    Finds a Claude reply whose text is used (`.content[0].text`, a loop reading
    `.text`) in the function that made the call, when that function does not
    check the reply's `stop_reason` and does not hand the reply itself on
    (returned or passed to other code, which may check it). A check is a
    condition (`if`, `while`, `assert`, `match`, a conditional expression)
    comparing `stop_reason`, directly or through a name holding it, either
    with `"end_turn"` (every other value is then treated as incomplete) or
    with `"max_tokens"` and, where the SDK in use has it, `"refusal"`.
    Reading `stop_reason` into a log line or a dict is not a check, and
    neither is comparing it only with `"tool_use"`.

    A reply a function hands back is followed into its callers: a function
    or method of the same module (`ask(q)`, `self.ask(q)`, `bot.ask(q)` on
    `bot = Bot()`) or of another module of the project. The message then
    names the call that gives the caller the reply (`bot.ask(...).stop_reason`),
    where the check belongs.

    ## Why is this bad?
    A reply cut off at `max_tokens` looks like a complete one: half a JSON
    document, a summary missing its end. A `refusal` carries text that is not
    an answer. Only `stop_reason` tells them apart from `end_turn`.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def summarise(text):
        response = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": text}],
        )
        return response.content[0].text
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def summarise(text):
        response = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": text}],
        )
        if response.stop_reason != "end_turn":
            raise SummaryIncomplete(response.stop_reason)
        return response.content[0].text
    ```

    ## Fix safety
    There is no fix: what a truncated or refused reply means is the author's call.
    """

    code = "CL403"
    name = "ignored-stop-reason"
    summary = "A reply's text is used without checking `stop_reason`"
    default = False

    VALID: ClassVar[list[Valid]] = [
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(text):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
                if response.stop_reason in ("max_tokens", "refusal"):
                    raise SummaryIncomplete(response.stop_reason)
                return response.content[0].text
            """
        ),
        # The SDK in use has no `refusal` stop reason: `max_tokens` is all there is to handle.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(text):
                response = client.messages.create(model="claude-3-5-sonnet-latest", max_tokens=512, messages=[{"role": "user", "content": text}])
                if response.stop_reason == "max_tokens":
                    log.warning("summary truncated")
                return response.content[0].text
            """,
            sdk_version="0.40.0",
        ),
        # Everything but `end_turn` is incomplete; through a name.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(text):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
                reason = response.stop_reason
                if reason != "end_turn":
                    raise SummaryIncomplete(reason)
                return response.content[0].text
            """
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(text):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
                match response.stop_reason:
                    case "end_turn":
                        return response.content[0].text
                    case other:
                        raise SummaryIncomplete(other)
            """
        ),
        # The whole reply is kept as data for the caller (stop_reason included).
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(record, text):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
                record.raw = response.model_dump()
                return response.content[0].text
            """
        ),
        # The reply is handed on: the caller decides.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(text):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
                log.info("got %s", response.content[0].text[:40])
                return response
            """
        ),
        # The reply is rebound in a branch: both replies reach the check after it.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def answer(text, careful):
                reply = client.messages.create(model="claude-haiku-4-5", max_tokens=512, messages=[{"role": "user", "content": text}])
                if careful:
                    reply = client.messages.create(model="claude-opus-4-1", max_tokens=512, messages=[{"role": "user", "content": text}])
                if reply.stop_reason != "end_turn":
                    raise AnswerIncomplete(reply.stop_reason)
                return reply.content[0].text
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        # The name is rebound to a second reply before the check: the check is the second reply's only.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def draft_and_review(text):
                reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
                draft = reply.content[0].text
                reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": draft}])
                if reply.stop_reason != "end_turn":
                    raise ReviewIncomplete(reply.stop_reason)
                return draft, reply.content[0].text
            """,
            line=5,
            column=13,
            message=(
                "The reply text `reply.content[0].text` is used without checking "
                "`reply.stop_reason`: a reply cut off at `max_tokens`, or a refusal, "
                "passes as a complete answer"
            ),
        ),
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            def summarise(text):
                response = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": text}],
                )
                return response.content[0].text
            """,
            line=10,
            column=12,
            message=(
                "The reply text `response.content[0].text` is used without checking "
                "`response.stop_reason`: a reply cut off at `max_tokens`, or a refusal, "
                "passes as a complete answer"
            ),
        ),
        # A method of the module's own class returns the reply to a caller, which reads its text: the
        # caller holds the reply as `bot.ask(...)`, and checks it there.
        Invalid(
            """
            import anthropic

            class Bot:
                def __init__(self):
                    self.client = anthropic.Anthropic()

                def ask(self, question):
                    return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": question}])

            bot = Bot()
            print(bot.ask("Name a prime.").content[0].text)
            """,
            line=11,
            column=7,
            message=(
                "The reply text `bot.ask(...).content[0].text` is used without checking "
                "`bot.ask(...).stop_reason`: a reply cut off at `max_tokens`, or a refusal, "
                "passes as a complete answer"
            ),
        ),
        # The same through an awaited call: the reply is the awaited value.
        Invalid(
            """
            import anthropic

            client = anthropic.AsyncAnthropic()

            async def ask(question):
                return await client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": question}])

            async def main():
                print((await ask("Name a prime.")).content[0].text)
            """,
            line=9,
            column=11,
            message=(
                "The reply text `(await ask(...)).content[0].text` is used without checking "
                "`(await ask(...)).stop_reason`: a reply cut off at `max_tokens`, or a refusal, "
                "passes as a complete answer"
            ),
        ),
        # Logging `stop_reason` is not checking it.
        Invalid(
            """
            import logging
            import anthropic
            client = anthropic.Anthropic()
            def summarise(text):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
                logging.info("stop reason: %s", response.stop_reason)
                return {"summary": response.content[0].text, "stop_reason": response.stop_reason}
            """,
            line=7,
            column=24,
            message=(
                "The reply text `response.content[0].text` is used without checking "
                "`response.stop_reason` (only stored or logged): a reply cut off at `max_tokens`, or a "
                "refusal, passes as a complete answer"
            ),
        ),
        # Printing the reply is not handing it on to code that checks it.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": "Describe the chart"}])
            print(reply)
            description = reply.content[0].text
            """,
            line=5,
            column=15,
        ),
        # A tool loop that compares `stop_reason` only with "tool_use".
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def run(messages, tools):
                for _ in range(10):
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, tools=tools, messages=messages)
                    if reply.stop_reason == "tool_use":
                        messages.append({"role": "assistant", "content": reply.content})
                        messages.append({"role": "user", "content": run_tools(reply.content)})
                        continue
                    return "".join(block.text for block in reply.content if block.type == "text")
                raise RuntimeError("too many turns")
            """,
            line=10,
            column=24,
            message=(
                "The reply text `block.text` is used, but `reply.stop_reason` is compared only with "
                "\"tool_use\", never with \"max_tokens\" or \"refusal\": a reply cut off at `max_tokens`, "
                "or a refusal, passes as a complete answer"
            ),
        ),
        # `refusal` is a stop reason of the SDK in use, and nothing handles it.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(text):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
                if response.stop_reason == "max_tokens":
                    log.warning("summary truncated")
                return response.content[0].text
            """,
            line=7,
            column=12,
            message=(
                "The reply text `response.content[0].text` is used, but `response.stop_reason` is compared "
                "only with \"max_tokens\", never with \"refusal\": a refusal passes as a complete answer"
            ),
        ),
        # A stream's final message.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def essay(topic):
                with client.messages.stream(model="claude-sonnet-4-6", max_tokens=8000, messages=[{"role": "user", "content": topic}]) as stream:
                    final = stream.get_final_message()
                parts = [block.text for block in final.content if block.type == "text"]
                return "".join(parts)
            """,
            line=6,
            column=14,
        ),
        # Two streams opened as `stream` in turn: each block's `stream` is its own, and the check is
        # the first final message's only.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def essay(topic):
                with client.messages.stream(model="claude-sonnet-4-6", max_tokens=8000, messages=[{"role": "user", "content": topic}]) as stream:
                    final = stream.get_final_message()
                if final.stop_reason != "end_turn":
                    raise EssayIncomplete(final.stop_reason)
                draft = final.content[0].text
                with client.messages.stream(model="claude-sonnet-4-6", max_tokens=8000, messages=[{"role": "user", "content": draft}]) as stream:
                    final = stream.get_final_message()
                return final.content[0].text
            """,
            line=11,
            column=12,
            message=(
                "The reply text `final.content[0].text` is used without checking `final.stop_reason`: a reply "
                "cut off at `max_tokens`, or a refusal, passes as a complete answer"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        known = ctx.knowledge.stop_reasons
        reported: set[int] = set()
        for use in ctx.frames.messages():
            if use.escapes:
                continue
            missing = use.unhandled_stop_reasons(known)
            if not missing:
                continue
            first = use.first_text_read()
            if first is None or id(first) in reported:
                continue  # two calls (`if`/`else`) may share the read
            reported.add(id(first))
            text = f"The reply text `{short_code(first)}` is used"
            stop_reason = f"`{use.label()}.stop_reason`"
            compared = sorted(set().union(*(t.values for t in use.stop_reason_tests)))
            if not use.stop_reason_tests:
                read = " (only stored or logged)" if use.stop_reason_checked else ""
                message = (
                    f"{text} without checking {stop_reason}{read}: a reply cut off at `max_tokens`, or a "
                    f"refusal, passes as a complete answer"
                )
            else:
                cut = "a reply cut off at `max_tokens`" if "max_tokens" in missing else "a refusal"
                also = ", or a refusal," if len(missing) > 1 else ""
                message = (
                    f"{text}, but {stop_reason} is compared only with {_quoted(compared, 'and')}, never "
                    f"with {_quoted(missing, 'or')}: {cut}{also} passes as a complete answer"
                )
            ctx.report(first, message)


def _quoted(values: list[str], joiner: str) -> str:
    words = [f'"{value}"' for value in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {joiner} " + words[-1]
