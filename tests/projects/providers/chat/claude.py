"""Claude's provider: one call per question."""

import anthropic

client = anthropic.Anthropic()


def ask_claude(question):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=256, messages=[{"role": "user", "content": question}]
    )
