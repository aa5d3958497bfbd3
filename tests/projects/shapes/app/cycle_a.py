"""Half of an import cycle."""

from app.cycle_b import ping


def pong(question):
    return ping(question)
