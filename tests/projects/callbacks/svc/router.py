"""Sends each prompt to its backend, retrying failed requests."""

from svc.clients.base import Backend, Result
from svc.policy import with_retries


def send(backend: Backend, prompt: str) -> Result:
    @with_retries
    def attempt(b: Backend, p: str) -> Result:
        return b.answer(p)

    return attempt(backend, prompt)
