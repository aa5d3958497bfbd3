"""The nightly run picks the reviewer's model."""

from svc.review import Reviewer


def nightly(texts):
    reviewer = Reviewer("claude-3-5-sonnet-20241022")
    return [reviewer.review(text) for text in texts]
