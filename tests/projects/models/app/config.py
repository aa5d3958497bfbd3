import os


class Settings:
    MODEL = "claude-3-5-sonnet-20241022"
    MAX_TOKENS = 1024


FAST_MODEL = "claude-3-haiku-20240307"
UNUSED_MODEL = "claude-2.0"
ENV = {
    "claude_model": os.environ.get("CLAUDE_MODEL") or "claude-3-opus-20240229",
    "legacy_model": "claude-2.1",
}
