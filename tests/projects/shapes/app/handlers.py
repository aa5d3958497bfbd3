"""Callers of the wrapper in app/llm.py."""

from app.llm import ask_claude


def answer(question):
    try:
        return ask_claude(question)
    except:
        return None


def shadowed(ask_claude, question):
    try:
        return ask_claude(question)
    except:
        return None
