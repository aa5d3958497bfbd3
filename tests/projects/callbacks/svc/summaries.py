"""Summaries, made by Claude and timed."""

import anthropic

from svc.timing import timed

client = anthropic.Anthropic()


def summarise(text):
    def call():
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=256, messages=[{"role": "user", "content": text}]
        )

    return timed(call)
