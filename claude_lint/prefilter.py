"""The byte-level prefilter: files with no trigger string are never parsed."""

from __future__ import annotations

from collections.abc import Iterable

TRIGGERS: tuple[bytes, ...] = (
    b"anthropic",
    b"messages.create",
    b"messages.stream",
    b"completions.create",
    b"messages.parse",
    b"messages.count_tokens",
)


def triggers_for(extra_names: Iterable[str] = ()) -> tuple[bytes, ...]:
    """The default triggers plus configured names (client factories, helpers)."""
    extra = tuple(name.rsplit(".", 1)[-1].encode() for name in extra_names if name)
    return TRIGGERS + extra


def needs_parsing(data: bytes, triggers: tuple[bytes, ...] = TRIGGERS) -> bool:
    return any(trigger in data for trigger in triggers)
