"""The home-made decorator around the re-exported wrapper."""

from svc import ask_claude
from svc.retrying import with_retries


@with_retries(times=4)
def summarise(document):
    return ask_claude(f"Summarise: {document}")
