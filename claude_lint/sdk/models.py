"""Claude model ids: which the API serves, which are deprecated, retired or unknown.

Facts come from two places. The SDK knowledge in use (`Knowledge.known_models`,
`Knowledge.deprecated_models`) says what that SDK lists. The bundled table
`data/retired_models.json` keeps what newer SDKs dropped: every id any bundled
snapshot lists as deprecated, with its date, plus ids retired before or since, each
with its end-of-life date and documented successor. A model's lifecycle is a fact of
the API, not of the SDK, so an id counts as known when any bundled snapshot (or the
SDK in use) lists it: code on an old SDK may name a model that SDK predates.

"Today" is `today()`: the real date, or the ISO date in `$CLAUDE_LINT_TODAY` (for
reproducible CI runs). Tests pin it by setting that variable or monkeypatching
`claude_lint.sdk.models.today`.

Bedrock (`anthropic.claude-...-v1:0`, optionally region-prefixed such as `us.`) and
Vertex (`claude-...@20250929`) ids are valid forms whose lifecycle the partner
platforms set themselves; they are never reported as unknown, deprecated or retired.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal

from claude_lint.sdk.knowledge import DATA_DIR, Knowledge
from claude_lint.sdk.load import available_snapshots, load_knowledge

__all__ = ["TODAY_ENV", "ModelStatus", "RetiredModel", "model_status", "retirement_table", "today"]

TODAY_ENV = "CLAUDE_LINT_TODAY"
RETIRED_MODELS_FILE = DATA_DIR / "retired_models.json"

_BEDROCK_ID = re.compile(r"^(?:[a-z]{2,7}(?:-[a-z]+)?\.)?anthropic\.claude-(?:[a-z0-9.-]+-)?v\d+(?::[0-9a-z]+)*$")
_VERTEX_ID = re.compile(r"^claude-[a-z0-9.-]+@\d{8}$")


def today() -> date:
    """The date lifecycle rules judge by: `$CLAUDE_LINT_TODAY` when it is a valid ISO date, else the clock."""
    pinned = os.environ.get(TODAY_ENV, "").strip()
    if pinned:
        try:
            return date.fromisoformat(pinned)
        except ValueError:
            pass
    return date.today()


@dataclass(frozen=True)
class RetiredModel:
    model: str
    end_of_life: date
    successor: str


@cache
def retirement_table() -> dict[str, RetiredModel]:
    """The bundled table of end-of-life dates and successors, by model id."""
    data = json.loads(RETIRED_MODELS_FILE.read_text(encoding="utf-8"))
    return {
        model: RetiredModel(model, date.fromisoformat(row["end_of_life"]), row["successor"])
        for model, row in data["models"].items()
    }


@cache
def _ids_any_snapshot_lists() -> frozenset[str]:
    ids: set[str] = set()
    for version in available_snapshots():
        knowledge = load_knowledge(version)
        ids.update(knowledge.known_models)
        ids.update(knowledge.deprecated_models)
    return frozenset(ids)


def is_platform_id(model: str) -> bool:
    """A Bedrock or Vertex model id form."""
    return bool(_BEDROCK_ID.match(model) or _VERTEX_ID.match(model))


@dataclass(frozen=True)
class ModelStatus:
    kind: Literal["active", "deprecated", "retired", "unknown", "platform"]
    end_of_life: date | None = None
    successor: str | None = None
    # For an unknown id: the closest known one (a likely typo's intent).
    suggestion: str | None = None


def model_status(model: str, knowledge: Knowledge, on: date | None = None) -> ModelStatus | None:
    """What the API does with `model` on date `on` (default `today()`); None if not a `claude-*` id."""
    day = on or today()
    key = (model, id(knowledge), day)
    known = _STATUSES.get(key)
    if known is not None and known[0] is knowledge:
        return known[1]
    found = _model_status(model, knowledge, day)
    if len(_STATUSES) > 4096:
        _STATUSES.clear()
    _STATUSES[key] = (knowledge, found)  # the knowledge is kept, so its id stays its own
    return found


# model_status() by (model, knowledge, day): rules ask about the same ids at every call site.
_STATUSES: dict[tuple[str, int, date], tuple[Knowledge, ModelStatus | None]] = {}


def _model_status(model: str, knowledge: Knowledge, on: date) -> ModelStatus | None:
    if is_platform_id(model):
        return ModelStatus("platform")
    if not model.startswith("claude-"):
        return None
    table = retirement_table()
    row = table.get(model)
    listed = knowledge.deprecated_models.get(model)
    end_of_life = date.fromisoformat(listed) if listed else (row.end_of_life if row else None)
    successor = row.successor if row else None
    if end_of_life is not None:
        kind: Literal["retired", "deprecated"] = "retired" if end_of_life <= on else "deprecated"
        return ModelStatus(kind, end_of_life, successor)
    known = knowledge.known_models | _ids_any_snapshot_lists()
    if model in known:
        return ModelStatus("active")
    # Suggest only ids the API still serves: a retired one would fail as well.
    served = {m for m in known if m not in table or table[m].end_of_life > on}
    return ModelStatus("unknown", suggestion=_closest(model, served))


def _closest(model: str, candidates: set[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(model, sorted(candidates), n=1, cutoff=0.8)
    return matches[0] if matches else None


# The models the legacy Text Completions API (`completions.create`) served: the
# Claude 1 and 2 families. Every later model takes the Messages API only.
_TEXT_COMPLETION_MODEL = re.compile(r"^claude-(?:v1|1|2|instant)(?:[.-]|$)")


def takes_text_completions(model: str) -> bool:
    """Whether `completions.create(model=...)` could be sent to this model."""
    return _TEXT_COMPLETION_MODEL.match(model) is not None
