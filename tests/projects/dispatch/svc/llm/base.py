"""The provider-neutral client: it retries, the providers send."""

import tenacity


class BaseLLM:
    def __init__(self, model):
        self.model = model

    def _send(self, prompt):
        raise NotImplementedError

    def ask(self, prompt):
        for _ in range(3):
            try:
                return self._send(prompt)
            except Exception:
                continue
        raise RuntimeError("no reply")

    @tenacity.retry(stop=tenacity.stop_after_attempt(4), wait=tenacity.wait_random_exponential(max=30))
    def complete(self, prompt):
        return self._send(prompt)
