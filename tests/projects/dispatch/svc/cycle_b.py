"""The Claude worker: a subclass of a class whose module imports this one."""

import anthropic

from svc.cycle_a import Worker

client = anthropic.Anthropic()


class ClaudeWorker(Worker):
    def step(self):
        return client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=256,
            messages=[{"role": "user", "content": "next"}],
        )
