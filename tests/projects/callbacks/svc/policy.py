"""Retry policies for backend requests (the `retrying` library)."""

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
