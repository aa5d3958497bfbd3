"""The one module that talks to Claude."""

import anthropic

MODEL = "claude-sonnet-4-6"
client = anthropic.Anthropic(max_retries=2)


def ask_claude(prompt):
    reply = client.messages.create(
        model=MODEL,
        max_tokens=1024,
        messages=[{"role": "user", "content": prompt}],
    )
    return reply.content[0].text


def ask_many(**request):
    return client.messages.create(**request)
