"""A retry loop in a caller module, around a wrapper that takes the whole request."""

import time

from anthropic import APIConnectionError

from svc.llm import ask_many

ATTEMPTS = 3


def chat(history):
    for attempt in range(ATTEMPTS):
        try:
            return ask_many(model="claude-haiku-4-5", max_tokens=256, messages=history)
        except APIConnectionError:
            time.sleep(2**attempt)
    raise RuntimeError("no reply")
