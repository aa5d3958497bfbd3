"""A home-made retry decorator factory: tries the function up to `retry_limit` times."""

import time


def retry_handler(retry_limit=3):
    def decorator(func):
        def wrapper(*args, **kwargs):
            for attempt in range(retry_limit):
                try:
                    return func(*args, **kwargs)
                except Exception:
                    time.sleep(1)
            raise RuntimeError("out of attempts")

        return wrapper

    return decorator
