"""One diagnostic per rule, position and message, however many ways a rule reaches it."""

from __future__ import annotations

import textwrap

from claude_lint.engine.lint import lint_code

# One reply variable assigned by two calls (a branch with a system prompt and one
# without): CL402 reached `reply.content[0]` once per call and printed it twice.
TWO_CALLS = textwrap.dedent(
    """\
    import anthropic

    client = anthropic.Anthropic()


    def ask(question, system=None):
        if system:
            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=100, system=system, messages=[{"role": "user", "content": question}])
        else:
            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": question}])
        return reply.content[0].text
    """
)


def test_a_finding_reached_twice_is_reported_once() -> None:
    found = lint_code(TWO_CALLS, frozenset({"CL402"})).diagnostics
    assert [(d.code, d.start.line, d.start.column, d.message) for d in found] == [
        (
            "CL402",
            11,
            11,
            "`reply.content[0]` assumes the reply has content: a reply with no blocks raises IndexError here. "
            "Check `reply.content` first",
        )
    ]
    everything = lint_code(TWO_CALLS, frozenset({"CL402", "CL401", "CL403", "CL404"})).diagnostics
    keys = [(d.code, d.start, d.end, d.message) for d in everything]
    assert len(keys) == len(set(keys))
