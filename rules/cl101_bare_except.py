"""CL101 bare-except: Bare `except:` around a Claude call."""

from claude_lint.core.diagnostics import Edit, FixKind, Location
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import EXCEPT_WIDTH, RuleContext
from claude_lint.lint.rule import Rule


class BareExcept(Rule):
    """## What it does
    Finds a bare `except:` whose `try` body calls Claude, directly or through
    a function of the same module that does.

    ## Why is this bad?
    A bare `except:` also catches `KeyboardInterrupt` and `SystemExit`, so
    Ctrl-C during a slow Claude call is swallowed, and it hides which API
    error happened: a rate limit, an expired key and a malformed request all
    look the same to the handler.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def summarise(text):
        try:
            return client.messages.create(
                model="claude-sonnet-4-6", max_tokens=512,
                messages=[{"role": "user", "content": text}],
            )
        except:
            log_failure()
            raise
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def summarise(text):
        try:
            return client.messages.create(
                model="claude-sonnet-4-6", max_tokens=512,
                messages=[{"role": "user", "content": text}],
            )
        except anthropic.APIError:
            log_failure()
            raise
    ```

    ## Fix safety
    The fix rewrites `except:` to `except Exception:`. It is unsafe: the
    handler stops catching `KeyboardInterrupt`, `SystemExit` and
    `GeneratorExit`, which changes behaviour when one of those is raised.
    """

    code = "CL101"
    name = "bare-except"
    summary = "Bare `except:` around a Claude call"
    fix = FixKind.UNSAFE

    VALID = [
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[])
            except anthropic.APIError:
                raise
            """
        ),
        # A bare except that wraps no call site is another linter's business (E722).
        Valid(
            """
            import anthropic
            try:
                value = int("3")
            except:
                value = 0
            """
        ),
        # OpenAI's client is not a Claude call site.
        Valid(
            """
            import openai
            client = openai.OpenAI()
            try:
                client.beta.threads.messages.create(thread_id="t", role="user", content="hi")
            except:
                pass
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            def summarise(text):
                try:
                    return client.messages.create(
                        model="claude-sonnet-4-6", max_tokens=512,
                        messages=[{"role": "user", "content": text}],
                    )
                except:
                    log_failure()
                    raise
            """,
            line=11,
            column=5,
            message=(
                "Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit "
                "and hides which API error happened"
            ),
            fixed="""
            import anthropic

            client = anthropic.Anthropic()

            def summarise(text):
                try:
                    return client.messages.create(
                        model="claude-sonnet-4-6", max_tokens=512,
                        messages=[{"role": "user", "content": text}],
                    )
                except Exception:
                    log_failure()
                    raise
            """,
        ),
        # An indirect call site: `ask` calls Claude.
        Invalid(
            """
            from anthropic import AsyncAnthropic as Claude

            claude = Claude()

            async def ask(q):
                return await claude.messages.create(model="claude-haiku-4-5", max_tokens=64, messages=[{"role": "user", "content": q}])

            async def main():
                try:
                    await ask("hi")
                except :
                    print("failed")
            """,
            line=11,
            column=5,
            fixed="""
            from anthropic import AsyncAnthropic as Claude

            claude = Claude()

            async def ask(q):
                return await claude.messages.create(model="claude-haiku-4-5", max_tokens=64, messages=[{"role": "user", "content": q}])

            async def main():
                try:
                    await ask("hi")
                except Exception:
                    print("failed")
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for handler in ctx.model.handlers:
            if not handler.is_bare or not handler.try_info.holds_call_site:
                continue
            start = ctx.start(handler.node)
            keyword_end = Location(start.line, start.column + EXCEPT_WIDTH)
            after_space = Location(
                start.line, keyword_end.column + len(handler.node.whitespace_after_except.value)
            )
            # After an `except Exception:` of the same try, `except Exception:` would be unreachable.
            earlier = handler.try_info.handlers[: handler.try_info.handlers.index(handler)]
            shadowed = any(other.catches_broad() for other in earlier)
            fix = None if shadowed else ctx.fix(
                "Replace with `except Exception:`",
                Edit(keyword_end, after_space, " Exception"),
                safe=False,
            )
            ctx.report(
                handler.node,
                "Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit "
                f"and hides which API error happened{ctx.remote_note(handler.try_info.call_sites)}",
                fix,
                width=EXCEPT_WIDTH,
            )
