"""Retry policies for backend requests (the `retrying` library)."""

import random
import time

from retrying import Retrying


class Fatal(Exception):
    """A failure no retry can fix."""


def failed(result):
    return not result.ok


def build_policy(attempts, base_seconds, on_result):
    def backoff(attempt, delay):
        return 2**attempt * base_seconds * 1000

    def retry_on(error):
        return not isinstance(error, Fatal)

    policy = Retrying(
        stop_max_attempt_number=attempts, wait_func=backoff, retry_on_exception=retry_on, retry_on_result=on_result
    )
    return lambda func: lambda *args, **kwargs: policy.call(func, *args, **kwargs)


with_retries = build_policy(4, 2, failed)


def retry_stream(attempts=3):
    """Retries a generator function: the wrapper delegates to it, so it sees the errors raised while iterating."""

    def decorate(func):
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    yield from func(*args, **kwargs)
                    return
                except Exception as error:
                    if getattr(error, "status_code", None) != 529 or attempt == attempts - 1:
                        raise
                    time.sleep(random.uniform(0, 2**attempt))

        return wrapper

    return decorate


def retry_call(attempts=3):
    """Retries a plain function; around a generator function it only sees the generator being made."""

    def decorate(func):
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return func(*args, **kwargs)
                except Exception as error:
                    if getattr(error, "status_code", None) != 529 or attempt == attempts - 1:
                        raise
                    time.sleep(random.uniform(0, 2**attempt))

        return wrapper

    return decorate
