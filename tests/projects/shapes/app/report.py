"""Reads replies that app/llm.py returns."""

import json

from app.llm import ask_claude
from app.tools import ask_with_tools


def headline(topic):
    return ask_claude(f"A headline about {topic}").content[0].text


def facts(topic):
    reply = ask_claude(f"Facts about {topic} as JSON")
    return json.loads(reply.content[0].text)


def act(question, tools):
    return ask_with_tools(question, tools).content[0].text
