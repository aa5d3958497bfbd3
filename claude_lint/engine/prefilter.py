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
    # A Claude model id: a constant or config field another module may send (CL302 follows it).
    b"claude-",
)


def triggers_for(extra_names: Iterable[str] = ()) -> tuple[bytes, ...]:
    """The default triggers plus configured names (client factories, helpers)."""
    extra = tuple(name.rsplit(".", 1)[-1].encode() for name in extra_names if name)
    return TRIGGERS + extra


# Every default trigger contains one of these: four scans rule out a file that has
# none of the triggers (most files of most repositories) instead of seven.
ANCHORS: tuple[bytes, ...] = (b"anthropic", b"messages.", b"completions.create", b"claude-")


def needs_parsing(data: bytes, triggers: tuple[bytes, ...] = TRIGGERS) -> bool:
    if triggers[: len(TRIGGERS)] == TRIGGERS:
        if any(anchor in data for anchor in ANCHORS) and any(trigger in data for trigger in TRIGGERS):
            return True
        triggers = triggers[len(TRIGGERS) :]
    return any(trigger in data for trigger in triggers)
