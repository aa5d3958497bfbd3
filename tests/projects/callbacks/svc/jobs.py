"""Nightly jobs."""

from svc.summaries import summarise
from svc.timing import timed


def nightly(texts):
    done = []
    for text in texts:
        try:
            done.append(summarise(text))
        except Exception:
            continue
    return done


def one(text):
    try:
        return timed(summarise, text)
    except Exception:
        return None


def in_background(pool, texts):
    try:
        return [pool.submit(summarise, t) for t in texts]
    except Exception:
        pass
