"""One diagnostic per rule, position and message, however many ways a rule reaches it."""

from __future__ import annotations

import textwrap

from claude_lint.engine.lint import lint_code

# An outer chat loop and an inner step loop both lead to the inner handler: CL202 and
# CL204 reached it once per loop and printed the same finding twice.
NESTED = textwrap.dedent(
    """\
    import anthropic

    client = anthropic.Anthropic()


    def chat(text):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": text}])


    def main():
        while True:
            text = input("> ")
            reply = chat(text)
            steps = 0
            while steps < 5:
                try:
                    reply = chat(text)
                except Exception as e:
                    print(e)
                    continue
                steps += 1
    """
)


def test_a_finding_reached_twice_is_reported_once() -> None:
    found = [(d.code, d.start.line, d.start.column) for d in lint_code(NESTED).diagnostics]
    assert [f for f in found if f[1] == 18] == [("CL202", 18, 12), ("CL204", 18, 12)]
    keys = [(d.code, d.start, d.end, d.message) for d in lint_code(NESTED).diagnostics]
    assert len(keys) == len(set(keys))
