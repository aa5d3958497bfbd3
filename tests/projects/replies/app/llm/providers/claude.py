"""The Claude provider: it sends, and reads the text out of the SDK's Message."""

from anthropic import AsyncAnthropic
from anthropic.types import Message

from ..base import BaseLLM


class ClaudeLLM(BaseLLM):
    def __init__(self):
        self.client = AsyncAnthropic()

    async def _complete(self, prompt) -> Message:
        return await self.client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=1024,
            messages=[{"role": "user", "content": prompt}],
        )

    def reply_text(self, reply: Message) -> str:
        return reply.content[0].text
