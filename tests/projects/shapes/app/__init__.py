"""The app package re-exports its Claude wrapper."""

from .llm import ask_claude

__all__ = ["ask_claude"]
