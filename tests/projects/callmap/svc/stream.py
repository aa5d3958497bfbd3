"""A streamed call with an async client."""

import anthropic

client = anthropic.AsyncAnthropic(max_retries=0)


async def stream_reply(prompt):
    async with client.messages.stream(
        model="claude-sonnet-4-6",
        max_tokens=2048,
        messages=[{"role": "user", "content": prompt}],
    ) as stream:
        async for text in stream.text_stream:
            yield text
