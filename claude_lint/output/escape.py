"""Text safe to show on a terminal: control characters and bidirectional overrides made visible."""

from __future__ import annotations

import re

# Characters a terminal acts on instead of showing: C0 controls but tab (ESC starts colour,
# cursor and title sequences), DEL, C1 controls, and the bidirectional overrides and
# isolates ("Trojan Source") that reorder what is shown.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` safe to print on a terminal: one visible character for each one it replaces
    (a C0 control becomes its Control Picture, e.g. ESC -> ␛), so columns still line up."""
    return _UNPRINTABLE.sub(
        lambda m: chr(0x2400 + ord(m.group())) if ord(m.group()) < 0x20 else "\u2421" if m.group() == "\x7f" else "\ufffd",
        text,
    )
