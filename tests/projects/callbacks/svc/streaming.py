"""Replies streamed as they are written."""

import anthropic

from svc.policy import retry_call, retry_stream

client = anthropic.Anthropic()


@retry_stream()
def stream_reply(prompt):
    with client.messages.stream(
        model="claude-sonnet-4-6", max_tokens=1024, messages=[{"role": "user", "content": prompt}]
    ) as stream:
        yield from stream.text_stream


@retry_call()
def stream_reply_unretried(prompt):
    with client.messages.stream(
        model="claude-sonnet-4-6", max_tokens=1024, messages=[{"role": "user", "content": prompt}]
    ) as stream:
        yield from stream.text_stream
