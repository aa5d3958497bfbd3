"""A star import is given up on quietly."""

from app.llm import *


def guess(question):
    try:
        return ask_claude(question)
    except:
        return None
