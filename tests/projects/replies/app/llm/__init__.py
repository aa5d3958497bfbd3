"""The LLM layer; the base class is re-exported here."""

from .base import BaseLLM

__all__ = ["BaseLLM"]
