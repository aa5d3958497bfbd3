"""The provider-neutral client: it asks for text; the providers send and pick the text out."""


class BaseLLM:
    async def _complete(self, prompt):
        raise NotImplementedError

    def reply_text(self, reply) -> str:
        return reply["text"]

    async def complete_text(self, prompt) -> str:
        reply = await self._complete(prompt)
        return self.reply_text(reply)

    async def ask(self, prompt: str) -> str:
        answer = await self.complete_text(prompt)
        return answer.strip()

    def usage(self) -> dict:
        return {"calls": 1}

    async def chat(self, messages) -> str:
        reply = await self._complete(messages)
        return self.reply_text(reply)
