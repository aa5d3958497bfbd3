"""Timing of slow work."""

import time


def timed(func, *args):
    start = time.monotonic()
    result = func(*args)
    print(f"{func.__name__}: {time.monotonic() - start:.1f}s")
    return result
