"""A provider chosen by `pick()` of another module, asked again after any failure."""

import time

from .router import pick


def ask_picked(model, question):
    provider = pick(model)
    for attempt in range(3):
        try:
            return provider(question)
        except Exception:
            time.sleep(2**attempt)
    raise RuntimeError("no answer")
