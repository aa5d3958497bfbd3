"""Home-made retry helpers (no SDK import here)."""

import time


def retry_on_specific_exceptions(on_exceptions, max_retries=None, backoff_time=3.0, backoff_multiplier=1.5):
    def decorator(func):
        def wrapper(*args, **kwargs):
            sleep_time = backoff_time
            attempt = 0
            while max_retries is None or attempt < max_retries:
                try:
                    return func(*args, **kwargs)
                except tuple(on_exceptions):
                    time.sleep(sleep_time)
                    sleep_time *= backoff_multiplier
                    attempt += 1

        return wrapper

    return decorator


def retry_handler(retry_limit=10):
    def decorator(func):
        def wrapper(*args, **kwargs):
            attempts = 0
            while True:
                try:
                    return func(*args, **kwargs)
                except Exception:
                    attempts += 1
                    if attempts >= retry_limit:
                        raise

        return wrapper

    return decorator
