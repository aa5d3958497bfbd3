"""What the linter knows about the Anthropic SDK: exceptions, retries, methods, models.

The facts are generated from an SDK's source by `claude_lint.sdk.generate` (never by
importing `anthropic`, which costs seconds). At lint time `load_knowledge()` reads the
installed SDK when there is one, caching the result as JSON, and otherwise falls back
to a snapshot bundled in `claude_lint/data/sdk-<version>.json`.

This module is on the linter's hot path: it imports only cheap stdlib modules and
defers the rest (importlib.metadata, hashlib, difflib, tempfile) to the code needing it.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

__all__ = [
    "ExceptionInfo",
    "Knowledge",
    "KnowledgeError",
    "MethodInfo",
]

# Bump when the JSON layout or the generator's meaning changes: invalidates caches.
FORMAT_VERSION = 1

DATA_DIR = Path(__file__).resolve().parent.parent / "data"



class KnowledgeError(ValueError):
    """No knowledge for the requested SDK version, or an SDK layout we cannot read."""


@dataclass(frozen=True)
class ExceptionInfo:
    name: str
    # Direct bases as names: SDK names, or builtins such as "Exception". For an alias
    # (`DeadlineExceededError = GatewayTimeoutError`) the single base is its target.
    bases: tuple[str, ...]
    # The HTTP status this class is raised for. For the 5xx catch-all
    # (`InternalServerError`, raised for any unmapped status >= 500) it is 500.
    status_code: int | None
    # True when the SDK's own retry loop retries it.
    retryable: bool
    # Set when the name is another name for an SDK class (same class object at runtime).
    alias_of: str | None = None


@dataclass(frozen=True)
class MethodInfo:
    # Every parameter the method accepts by keyword (not self).
    params: frozenset[str]
    # Parameters that must be passed (by keyword, or positionally if in `positional`).
    required: frozenset[str]
    # Parameters that may also be passed positionally, in order (e.g. batch ids).
    positional: tuple[str, ...] = ()


@dataclass(frozen=True)
class Knowledge:
    sdk_version: str
    source: str  # "snapshot" or "installed:<package dir>"
    exceptions: Mapping[str, ExceptionInfo]
    default_max_retries: int
    methods: Mapping[str, MethodInfo]
    client_classes: frozenset[str]
    async_client_classes: frozenset[str]
    known_models: frozenset[str]
    deprecated_models: Mapping[str, str]  # model id -> end-of-life date, ISO "YYYY-MM-DD"
    # Largest `max_tokens` a non-streaming request may ask for before the SDK raises
    # (its expected-time check); None for SDKs without that check (e.g. 0.40).
    max_nonstreaming_tokens: int | None
    model_nonstreaming_tokens: Mapping[str, int] = field(default_factory=dict)
    # The `stop_reason` values the SDK's `StopReason` type lists; empty when the
    # knowledge does not record them (snapshots made before the field existed).
    stop_reasons: frozenset[str] = frozenset()
    # Why this version: "installed", "locked in uv.lock", "set by `sdk-version`"; empty for
    # knowledge built directly (tests, the generator).
    origin: str = ""
    # Other bundled versions the project may effectively run: every snapshot when nothing
    # says which SDK it runs, the two around a declared version that has no snapshot of
    # its own. A fact that differs between these versions is unknown, not this one's.
    alternatives: tuple[str, ...] = ()

    @property
    def version_known(self) -> bool:
        return not self.alternatives

    def describe_version(self) -> str:
        """"anthropic 0.40.0" and, when known, where that version comes from."""
        return f"anthropic {self.sdk_version} ({self.origin})" if self.origin else f"anthropic {self.sdk_version}"

    # -- exception hierarchy -------------------------------------------------------

    def is_exception(self, name: str) -> bool:
        return name in self.exceptions

    def ancestors(self, name: str) -> tuple[str, ...]:
        """`name`, then its bases transitively (C3 order): SDK names, then builtins."""
        return self._ancestor_cache.get(name) or self._linearize(name, set())

    def is_subclass(self, child: str, parent: str) -> bool:
        if child == parent:
            return child in self.exceptions or _builtin_exception(child) is not None
        # An alias is the same class as its target, so it matches in both directions.
        target = self.exceptions.get(parent)
        canonical = target.alias_of if target is not None and target.alias_of else parent
        chain = self.ancestors(child)
        return parent in chain or canonical in chain

    def is_retryable(self, name: str) -> bool:
        info = self.exceptions.get(name)
        return info.retryable if info is not None else False

    def non_retryable_subclasses(self, name: str) -> tuple[str, ...]:
        """The non-retryable SDK errors a handler for `name` admits, by status code.

        Classes that also have retryable subclasses (AnthropicError, APIError,
        APIStatusError) are broad: they are listed through their non-retryable
        parts instead. A subclass of a listed class is not listed again.
        """
        found = self._non_retryable.get(name)
        if found is None:
            found = self._non_retryable[name] = self._find_non_retryable(name)
        return found

    @cached_property
    def _non_retryable(self) -> dict[str, tuple[str, ...]]:
        return {}  # asked for the same few classes on every file

    def _find_non_retryable(self, name: str) -> tuple[str, ...]:
        admitted = [
            info
            for info in self.exceptions.values()
            if info.alias_of is None and not info.retryable and self.is_subclass(info.name, name)
        ]
        broad = self._broad_classes
        chosen = {info.name for info in admitted if info.name not in broad}
        top = [
            info
            for info in admitted
            if info.name in chosen and not any(a in chosen for a in self.ancestors(info.name)[1:])
        ]
        top.sort(key=lambda i: (i.status_code is None, i.status_code or 0, i.name))
        return tuple(info.name for info in top)

    def closest_exception(self, name: str) -> str | None:
        """The SDK exception name closest to a misspelt one (RateLimitException -> RateLimitError)."""
        if name in self.exceptions:
            return name
        names = sorted(self.exceptions)
        folded = {n.lower(): n for n in names}
        for candidate in (name, re.sub(r"Exception$", "Error", name)):
            if candidate in self.exceptions:
                return candidate
            if candidate.lower() in folded:
                return folded[candidate.lower()]
        # A truncated stem ("AuthError") names its class better than edit distance does.
        stem = re.sub(r"(Error|Exception)$", "", name).lower()
        if len(stem) >= 4:
            prefixed = [n for n in names if n.lower().startswith(stem)]
            if prefixed:
                return min(prefixed, key=len)
        import difflib

        guess = re.sub(r"Exception$", "Error", name)
        matches = difflib.get_close_matches(guess, names, n=1, cutoff=0.6)
        return matches[0] if matches else None

    # -- serialisation -------------------------------------------------------------

    def fingerprint(self) -> str:
        """A stable hash of the content (not of `source`), for cache keys."""
        return self._fingerprint

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "sdk_version": self.sdk_version,
            "source": self.source,
            **self._content_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Knowledge:
        if data.get("format") != FORMAT_VERSION:
            raise KnowledgeError(f"unsupported knowledge format {data.get('format')!r}")
        exceptions = {
            name: ExceptionInfo(
                name=name,
                bases=tuple(e["bases"]),
                status_code=e["status_code"],
                retryable=bool(e["retryable"]),
                alias_of=e.get("alias_of"),
            )
            for name, e in data["exceptions"].items()
        }
        methods = {
            key: MethodInfo(
                params=frozenset(m["params"]),
                required=frozenset(m["required"]),
                positional=tuple(m.get("positional", ())),
            )
            for key, m in data["methods"].items()
        }
        return cls(
            sdk_version=str(data["sdk_version"]),
            source=str(data.get("source", "snapshot")),
            exceptions=exceptions,
            default_max_retries=int(data["default_max_retries"]),
            methods=methods,
            client_classes=frozenset(data["client_classes"]),
            async_client_classes=frozenset(data["async_client_classes"]),
            known_models=frozenset(data["known_models"]),
            deprecated_models=dict(data["deprecated_models"]),
            max_nonstreaming_tokens=data["max_nonstreaming_tokens"],
            model_nonstreaming_tokens=dict(data["model_nonstreaming_tokens"]),
            stop_reasons=frozenset(data.get("stop_reasons", ())),
        )

    def __hash__(self) -> int:
        # Mappings are unhashable; the content hash makes Knowledge usable as a cache key.
        return hash((self._fingerprint, self.source))

    # -- internals -----------------------------------------------------------------

    def _content_json(self) -> dict[str, Any]:
        """Everything but `source`, with sorted keys and lists so output is stable."""
        return {
            "default_max_retries": self.default_max_retries,
            "exceptions": {
                name: {
                    "bases": list(e.bases),
                    "status_code": e.status_code,
                    "retryable": e.retryable,
                    "alias_of": e.alias_of,
                }
                for name, e in sorted(self.exceptions.items())
            },
            "methods": {
                key: {
                    "params": sorted(m.params),
                    "required": sorted(m.required),
                    "positional": list(m.positional),
                }
                for key, m in sorted(self.methods.items())
            },
            "client_classes": sorted(self.client_classes),
            "async_client_classes": sorted(self.async_client_classes),
            "known_models": sorted(self.known_models),
            "deprecated_models": dict(sorted(self.deprecated_models.items())),
            "max_nonstreaming_tokens": self.max_nonstreaming_tokens,
            "model_nonstreaming_tokens": dict(sorted(self.model_nonstreaming_tokens.items())),
            # Written only when known, so snapshots without it keep their fingerprint.
            **({"stop_reasons": sorted(self.stop_reasons)} if self.stop_reasons else {}),
        }

    @cached_property
    def _fingerprint(self) -> str:
        import hashlib

        content = {
            "sdk_version": self.sdk_version,
            "origin": [self.origin, list(self.alternatives)],
            **self._content_json(),
        }
        text = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @cached_property
    def _ancestor_cache(self) -> dict[str, tuple[str, ...]]:
        # Filled lazily by _linearize; a plain dict on the frozen instance.
        return {}

    @cached_property
    def _broad_classes(self) -> frozenset[str]:
        """SDK classes with at least one retryable subclass (or themselves retryable)."""
        broad: set[str] = set()
        for info in self.exceptions.values():
            if info.retryable:
                broad.update(self.ancestors(info.name))
        return frozenset(broad)

    def _linearize(self, name: str, visiting: set[str]) -> tuple[str, ...]:
        info = self.exceptions.get(name)
        if info is None:
            cls = _builtin_exception(name)
            if cls is None:
                return (name,)
            return tuple(c.__name__ for c in cls.__mro__ if c is not object)
        if name in visiting:  # a cycle can only come from a corrupt file; stop it
            return (name,)
        visiting.add(name)
        parents = [self._linearize(base, visiting) for base in info.bases]
        visiting.discard(name)
        result = (name, *_c3_merge([list(p) for p in parents] + [list(info.bases)]))
        self._ancestor_cache[name] = result
        return result


def _c3_merge(sequences: list[list[str]]) -> list[str]:
    """C3 merge as Python's MRO; falls back to first-seen order if inconsistent."""
    seqs = [s for s in sequences if s]
    out: list[str] = []
    while seqs:
        for seq in seqs:
            head = seq[0]
            if not any(head in s[1:] for s in seqs):
                break
        else:
            rest = [n for s in seqs for n in s]
            return out + [n for i, n in enumerate(rest) if n not in rest[:i] and n not in out]
        out.append(head)
        seqs = [[n for n in s if n != head] for s in seqs]
        seqs = [s for s in seqs if s]
    return out


def _builtin_exception(name: str) -> type[BaseException] | None:
    obj = getattr(builtins, name, None)
    if isinstance(obj, type) and issubclass(obj, BaseException):
        return obj
    return None


# -- snapshots ---------------------------------------------------------------------












# -- installed SDK -----------------------------------------------------------------

































