"""The fixer on realistic legacy modules: fixed code parses, re-lints clean, keeps the rest."""

from __future__ import annotations

import codecs
import textwrap

import libcst as cst

from claude_lint.config.settings import Settings
from claude_lint.engine.fix_loop import fix_bytes, fix_text

SETTINGS = Settings(sdk_version="2.14.0")
# Without CL202, whose helper-adopting fix would replace the call (tested below).
NO_HELPER = frozenset({"CL101", "CL102", "CL104", "CL105", "CL106", "CL107", "CL206", "CL207", "CL208"})

LEGACY = textwrap.dedent(
    '''\
    """Ticket summaries (legacy)."""
    import logging
    import time

    import anthropic
    import tenacity

    log = logging.getLogger(__name__)
    client = anthropic.AsyncAnthropic()  # shared client


    class SummaryError(Exception):
        pass


    @tenacity.retry(stop=tenacity.stop_after_attempt(3), wait=tenacity.wait_random_exponential(max=20))
    async def summarise(text: str) -> str:
        try:
            reply = await client.messages.create(
                model="claude-haiku-4-5",   # cheap model
                max_tokens=300,
                messages=[{"role": "user", "content": text}],
            )
        except anthropic.APIError as err:
            raise SummaryError("summary failed")
        except anthropic.RateLimitError:
            time.sleep(5)
            raise
        return reply.content[0].text


    async def fallback(text):
        try:
            return await summarise(text)
        except:
            log.exception("no summary")
            raise
    '''
)


def _codes(outcome) -> list[tuple[str, int]]:
    return [(d.code, d.start.line) for d in outcome.remaining]


def test_safe_fixes_only_by_default() -> None:
    outcome = fix_text("legacy.py", LEGACY, SETTINGS)
    assert dict(outcome.applied) == {"CL105": 1, "CL206": 1}
    assert 'raise SummaryError("summary failed") from err' in outcome.fixed
    assert "await asyncio.sleep(5)" in outcome.fixed
    assert "import asyncio\n" in outcome.fixed
    # Unsafe fixes (CL101, CL104, CL207, CL208) are left for --unsafe-fixes.
    assert _codes(outcome) == [("CL202", 17), ("CL207", 17), ("CL208", 17), ("CL104", 27), ("CL101", 36)]
    cst.parse_module(outcome.fixed)


def test_unsafe_fixes_keep_comments_and_formatting_elsewhere() -> None:
    outcome = fix_text("legacy.py", LEGACY, SETTINGS, NO_HELPER, unsafe=True)
    assert not outcome.errors
    assert dict(outcome.applied) == {"CL101": 1, "CL104": 1, "CL105": 1, "CL206": 1, "CL207": 1, "CL208": 1}
    assert outcome.fixed == textwrap.dedent(
        '''\
        """Ticket summaries (legacy)."""
        import logging
        import time

        import anthropic
        import tenacity
        import asyncio

        log = logging.getLogger(__name__)
        client = anthropic.AsyncAnthropic()  # shared client


        class SummaryError(Exception):
            pass


        @tenacity.retry(stop=tenacity.stop_after_attempt(3), wait=tenacity.wait_random_exponential(max=20), reraise=True)
        async def summarise(text: str) -> str:
            try:
                reply = await client.with_options(max_retries=0).messages.create(
                    model="claude-haiku-4-5",   # cheap model
                    max_tokens=300,
                    messages=[{"role": "user", "content": text}],
                )
            except anthropic.RateLimitError:
                await asyncio.sleep(5)
                raise
            except anthropic.APIError as err:
                raise SummaryError("summary failed") from err
            return reply.content[0].text


        async def fallback(text):
            try:
                return await summarise(text)
            except Exception:
                log.exception("no summary")
                raise
        '''
    )
    assert _codes(outcome) == []


def test_fixing_twice_changes_nothing() -> None:
    once = fix_text("legacy.py", LEGACY, SETTINGS, unsafe=True).fixed
    twice = fix_text("legacy.py", once, SETTINGS, unsafe=True)
    assert twice.fixed == once
    assert not twice.applied


def test_crlf_and_bom_survive() -> None:
    data = codecs.BOM_UTF8 + LEGACY.replace("\n", "\r\n").encode("utf-8")
    result = fix_bytes("legacy.py", data, SETTINGS, NO_HELPER, unsafe=True)
    assert result is not None
    outcome, fixed = result
    assert fixed.startswith(codecs.BOM_UTF8)
    body = fixed[len(codecs.BOM_UTF8):]
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert b"import asyncio\r\n" in body
    assert b"except Exception:\r\n" in body


def test_latin1_cookie_survives() -> None:
    code = "# -*- coding: latin-1 -*-\n" + LEGACY.replace("(legacy)", "(légacy)")
    result = fix_bytes("legacy.py", code.encode("latin-1"), SETTINGS)
    assert result is not None
    _, fixed = result
    assert "(légacy)".encode("latin-1") in fixed
    assert fixed.decode("latin-1").count("from err") == 1


def test_a_fix_that_would_not_parse_is_dropped_and_reported(monkeypatch) -> None:
    from claude_lint.core.diagnostics import Edit
    from claude_lint.engine import fix_loop

    real = fix_loop.apply_edits

    def breaking(text, edits):
        edits = list(edits)
        if any(e.content.startswith(" from ") for e in edits):
            edits = [Edit(e.start, e.end, " from (") for e in edits]
        return real(text, edits)

    monkeypatch.setattr(fix_loop, "apply_edits", breaking)
    outcome = fix_loop.fix_text("legacy.py", LEGACY, SETTINGS)
    assert dict(outcome.applied) == {"CL206": 1}
    assert any("CL105 fix" in e and "would not parse" in e for e in outcome.errors)
    cst.parse_module(outcome.fixed)


def test_an_insertion_touching_an_edited_range_waits_for_the_next_pass() -> None:
    from claude_lint.core.diagnostics import Applicability, Edit, Fix, Location
    from claude_lint.core.text_edits import select_non_overlapping

    def fix(start: tuple[int, int], end: tuple[int, int], content: str) -> Fix:
        return Fix(content, Applicability.SAFE, (Edit(Location(*start), Location(*end), content),))

    delete = fix((3, 0), (4, 10), "")
    at_end, at_start, inside = fix((4, 10), (4, 10), " from e"), fix((3, 0), (3, 0), "x"), fix((4, 2), (4, 2), "y")
    after, adjacent = fix((6, 0), (6, 0), "z"), fix((4, 10), (5, 0), "w")
    assert select_non_overlapping([delete, at_end, at_start, inside, after, adjacent]) == [delete, after, adjacent]
    assert select_non_overlapping([at_end, at_end]) == [at_end]


def test_moving_a_handler_and_chaining_its_raise_settle_together() -> None:
    """Found by fuzzing: CL104 moves a handler whose last line CL105 extends with `from e`.

    The insertion sat at the end of the moved range and stuck to the next line
    (`pass from e`); every pass then fell back to one fix at a time and a module
    with a dozen fixes did not settle in ten passes.
    """
    function = textwrap.dedent(
        """\
        def ask_{n}(prompt):
            try:
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=[])
                except Exception:
                    pass
                except anthropic.APIError as e:
                    raise RuntimeError("claude call failed")
            except:
                pass

        """
    )
    text = "import anthropic\nclient = anthropic.Anthropic()\n\n" + "".join(function.format(n=n) for n in range(6))
    outcome = fix_text("mix.py", text, Settings(sdk_version="2.14.0"), frozenset({"CL101", "CL104", "CL105"}), unsafe=True)
    assert outcome.errors == []
    assert dict(outcome.applied) == {"CL101": 6, "CL104": 6, "CL105": 6}
    assert outcome.fixed.count('raise RuntimeError("claude call failed") from e') == 6
    assert "pass from e" not in outcome.fixed
    compile(outcome.fixed, "mix.py", "exec")


def test_a_tuple_handler_two_earlier_handlers_cover_is_not_moved_back_and_forth() -> None:
    """Found by fuzzing: after CL107 renames `RateLimitException`, `except anthropic.APIConnectionError`
    and `except anthropic.RateLimitError` together cover `except (RateLimitError, APITimeoutError)`.
    Moving the tuple above the last of them made that one unreachable, and the next pass moved it
    back ("fixes (CL104) undo each other"): such a handler is reported with no fix."""
    text = textwrap.dedent(
        """\
        import anthropic
        client = anthropic.Anthropic()

        def ask(prompt):
            try:
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.APIConnectionError:
                raise
            except anthropic.RateLimitException:
                raise
            except (anthropic.RateLimitError, anthropic.APITimeoutError):
                return None
        """
    )
    outcome = fix_text("ask.py", text, SETTINGS, frozenset({"CL104", "CL107"}), unsafe=True)
    assert outcome.errors == []
    assert dict(outcome.applied) == {"CL107": 1}
    assert outcome.fixed == text.replace("RateLimitException", "RateLimitError")
