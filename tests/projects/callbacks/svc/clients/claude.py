"""The Claude backend: each answer is computed by a callback the cache runs on a miss."""

import anthropic

from .base import CachedBackend, Result


class ClaudeBackend(CachedBackend):
    def __init__(self, store):
        super().__init__(store)
        self.client = anthropic.Anthropic()

    def answer(self, prompt: str) -> Result:
        def compute():
            reply = self.client.messages.create(
                model="claude-sonnet-4-6", max_tokens=256, messages=[{"role": "user", "content": prompt}]
            )
            return reply.model_dump()

        try:
            return Result(self.lookup(prompt, compute))
        except anthropic.BadRequestError as e:
            return Result(str(e), ok=False)

    def answer_quietly(self, prompt: str):
        try:
            return self.lookup(prompt, lambda: self.client.messages.create(
                model="claude-sonnet-4-6", max_tokens=256, messages=[{"role": "user", "content": prompt}]
            ))
        except anthropic.APIError:
            pass

    def warm(self, pool, prompts):
        def compute(prompt):
            return self.client.messages.create(
                model="claude-sonnet-4-6", max_tokens=256, messages=[{"role": "user", "content": prompt}]
            )

        try:
            return [pool.submit(compute, p) for p in prompts]
        except RuntimeError:
            return []
