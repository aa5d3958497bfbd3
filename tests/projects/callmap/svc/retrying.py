"""A home-made retry decorator (no SDK import here)."""

import random
import time


def with_retries(times=3, delay=1.0):
    def decorator(func):
        def wrapper(*args, **kwargs):
            for attempt in range(times):
                try:
                    return func(*args, **kwargs)
                except Exception:
                    if attempt == times - 1:
                        raise
                    time.sleep(delay * 2**attempt + random.random())

        return wrapper

    return decorator
