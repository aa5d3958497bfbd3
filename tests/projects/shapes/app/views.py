"""Uses the wrapper through the package's re-export."""

from app import ask_claude as ask


def page(question):
    try:
        return ask(question)
    except Exception:
        pass
