"""An async assistant that calls Claude through an injected client."""

import asyncio
import logging

import anthropic
from anthropic import AsyncAnthropic

logger = logging.getLogger(__name__)


class Assistant:
    def __init__(self, client: AsyncAnthropic):
        self.client = client

    async def reply(self, history: list[dict]) -> str:
        try:
            message = await self.client.messages.create(
                model="claude-sonnet-4-6",
                max_tokens=2048,
                messages=history,
            )
        except anthropic.APIStatusError as exc:
            logger.error("Claude returned %s", exc.status_code)
            raise
        except TimeoutError:
            return "Sorry, that took too long."
        return message.content[0].text

    async def reply_many(self, histories: list[list[dict]]) -> list[str]:
        return await asyncio.gather(*(self.reply(h) for h in histories))
