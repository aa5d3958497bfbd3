"""The SDK knowledge base: generation from source, bundled snapshots, loading and caching."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import zipfile
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import pytest

from claude_lint.sdk import generate as sdk_source
from claude_lint.sdk import load as kmod
from claude_lint.sdk.generate import SourceLayoutError, generate_from_source
from claude_lint.sdk.knowledge import ExceptionInfo, Knowledge, KnowledgeError
from claude_lint.sdk.load import available_snapshots, load_knowledge, reset_memo

PINNED = "2.14.0"  # the test extra pins anthropic==2.14.0


@pytest.fixture(autouse=True)
def _fresh_memo():
    reset_memo()
    yield
    reset_memo()


@pytest.fixture(scope="session")
def installed_dir() -> Path:
    dist = metadata.distribution("anthropic")
    if dist.version != PINNED:
        pytest.skip(f"needs anthropic=={PINNED} installed, found {dist.version}")
    return Path(str(dist.locate_file("anthropic")))


@pytest.fixture(scope="session")
def k2() -> Knowledge:
    return kmod._load_snapshot("2.14.0")


@pytest.fixture(scope="session")
def k121() -> Knowledge:
    return kmod._load_snapshot("0.121.0")


@pytest.fixture(scope="session")
def k040() -> Knowledge:
    return kmod._load_snapshot("0.40.0")


def content(k: Knowledge) -> dict:
    data = k.to_json()
    del data["source"]
    return data


# -- snapshots are true to the SDK ---------------------------------------------------


def test_bundled_snapshot_matches_installed_sdk_source(installed_dir: Path, k2: Knowledge) -> None:
    generated = generate_from_source(installed_dir)
    assert generated.source == f"installed:{installed_dir}"
    assert content(generated) == content(k2)
    assert replace(generated, source="snapshot") == k2
    assert generated.fingerprint() == k2.fingerprint()


def test_available_snapshots_sorted_by_version() -> None:
    assert available_snapshots() == ["0.40.0", "0.121.0", "0.125.0", "1.17.0", "2.14.0"]


def test_generation_refuses_a_directory_that_is_not_the_sdk(tmp_path: Path) -> None:
    pkg = tmp_path / "anthropic"
    pkg.mkdir()
    with pytest.raises(SourceLayoutError):
        generate_from_source(pkg)
    (pkg / "__init__.py").write_text("from ._version import __version__\n")
    with pytest.raises(SourceLayoutError, match="no exception classes|no client classes"):
        generate_from_source(pkg)


# -- facts per SDK version -------------------------------------------------------------


@pytest.mark.parametrize("version", ["0.40.0", "0.121.0", "0.125.0", "1.17.0", "2.14.0"])
def test_facts_common_to_every_version(version: str) -> None:
    k = load_knowledge(version)
    assert k.sdk_version == version
    assert k.source == "snapshot"
    assert k.default_max_retries == 2
    assert k.exceptions["RateLimitError"] == ExceptionInfo(
        "RateLimitError", ("APIStatusError",), 429, True
    )
    assert k.exceptions["AuthenticationError"] == ExceptionInfo(
        "AuthenticationError", ("APIStatusError",), 401, False
    )
    assert k.exceptions["BadRequestError"].status_code == 400
    assert k.exceptions["ConflictError"].retryable  # 409 is retried
    assert k.exceptions["InternalServerError"].status_code == 500
    assert k.exceptions["InternalServerError"].retryable
    assert k.exceptions["APIConnectionError"].retryable
    assert k.exceptions["APITimeoutError"].bases == ("APIConnectionError",)
    assert k.exceptions["APITimeoutError"].retryable
    assert k.exceptions["AnthropicError"].bases == ("Exception",)
    for broad in ("AnthropicError", "APIError", "APIStatusError"):
        assert not k.is_retryable(broad)
    assert k.methods["messages.create"].required == {"model", "max_tokens", "messages"}
    assert {"extra_headers", "extra_query", "extra_body", "timeout", "stream"} <= set(
        k.methods["messages.create"].params
    )
    assert {"Anthropic", "AsyncAnthropic", "Client", "AsyncClient"} <= k.client_classes
    assert {"AnthropicBedrock", "AnthropicVertex"} <= k.client_classes
    assert {"AsyncAnthropic", "AsyncClient", "AsyncAnthropicBedrock"} <= k.async_client_classes
    assert "Anthropic" not in k.async_client_classes
    assert k.async_client_classes < k.client_classes


@pytest.mark.parametrize(
    ("version", "overloaded_bases", "temperature", "completions"),
    [
        ("0.40.0", None, True, True),
        ("0.121.0", ("APIStatusError",), True, True),
        ("0.125.0", ("APIStatusError",), True, True),
        ("1.17.0", ("APIStatusError",), False, False),
        ("2.14.0", ("InternalServerError",), False, False),
    ],
)
def test_facts_that_differ_by_version(
    version: str, overloaded_bases: tuple[str, ...] | None, temperature: bool, completions: bool
) -> None:
    k = load_knowledge(version)
    if overloaded_bases is None:
        assert not k.is_exception("OverloadedError")
    else:
        assert k.exceptions["OverloadedError"] == ExceptionInfo(
            "OverloadedError", overloaded_bases, 529, True
        )
    assert ("temperature" in k.methods["messages.create"].params) is temperature
    assert ("completions.create" in k.methods) is completions
    if completions:
        assert k.methods["completions.create"].required == {
            "model",
            "max_tokens_to_sample",
            "prompt",
        }


def test_exception_hierarchy_2_14(k2: Knowledge) -> None:
    assert len(k2.exceptions) == 50
    assert k2.ancestors("OverloadedError") == (
        "OverloadedError",
        "InternalServerError",
        "APIStatusError",
        "APIError",
        "AnthropicError",
        "Exception",
        "BaseException",
    )
    for name, status in [
        ("HTTPNotImplementedError", 501),
        ("ServiceUnavailableError", 503),
        ("GatewayTimeoutError", 504),
        ("OverloadedError", 529),
    ]:
        assert k2.exceptions[name].status_code == status
        assert k2.is_subclass(name, "InternalServerError")
        assert k2.is_retryable(name)
    assert k2.is_subclass("OverloadedError", "Exception")
    assert k2.is_subclass("OverloadedError", "BaseException")
    assert not k2.is_subclass("InternalServerError", "OverloadedError")
    assert not k2.is_subclass("APITimeoutError", "TimeoutError")  # the SDK wraps, not subclasses
    assert k2.is_subclass("Exception", "BaseException")
    assert not k2.is_subclass("NoSuchError", "Exception")
    assert k2.ancestors("NoSuchError") == ("NoSuchError",)
    # New statuses with their own classes; 408 is retried, the others are not.
    assert k2.exceptions["RequestTimeoutError"] == ExceptionInfo(
        "RequestTimeoutError", ("APIStatusError",), 408, True
    )
    assert not k2.is_retryable("PaymentRequiredError")
    assert k2.exceptions["ContentTooLargeError"].status_code == 413


def test_aliases_2_14(k2: Knowledge) -> None:
    alias = k2.exceptions["DeadlineExceededError"]
    assert alias == ExceptionInfo(
        "DeadlineExceededError", ("GatewayTimeoutError",), 504, True, "GatewayTimeoutError"
    )
    assert k2.exceptions["RequestTooLargeError"].alias_of == "ContentTooLargeError"
    # Same class object at runtime: each catches the other.
    assert k2.is_subclass("GatewayTimeoutError", "DeadlineExceededError")
    assert k2.is_subclass("DeadlineExceededError", "GatewayTimeoutError")
    assert not k2.is_subclass("ServiceUnavailableError", "DeadlineExceededError")


def test_non_http_errors_2_14(k2: Knowledge) -> None:
    # RetryableError: raise it (e.g. from middleware) to make the SDK retry the attempt.
    assert k2.exceptions["RetryableError"] == ExceptionInfo(
        "RetryableError", ("AnthropicError",), None, True
    )
    assert not k2.is_subclass("RetryableError", "APIError")
    assert k2.exceptions["IdentityTokenFileError"].bases == ("CredentialsError",)
    assert not k2.is_retryable("CredentialsError")


def test_error_code_subclasses_2_14(k2: Knowledge) -> None:
    # Classes chosen by (status, error_code) inherit the status of their parent.
    assert k2.exceptions["RampLimitExceededError"] == ExceptionInfo(
        "RampLimitExceededError", ("RateLimitError",), 429, True
    )
    assert k2.exceptions["CMEKKeyUnreachableError"].status_code == 503
    assert k2.is_retryable("CMEKKeyUnreachableError")
    assert k2.exceptions["CMEKKeyDisabledError"] == ExceptionInfo(
        "CMEKKeyDisabledError", ("BadRequestError",), 400, False
    )


def test_0_121_hierarchy(k121: Knowledge) -> None:
    assert len(k121.exceptions) == 19
    assert not k121.is_subclass("OverloadedError", "InternalServerError")
    assert k121.exceptions["RequestTooLargeError"] == ExceptionInfo(
        "RequestTooLargeError", ("APIStatusError",), 413, False
    )
    # Defined in _exceptions.py but not exported as anthropic.<Name> in 0.121.
    assert not k121.is_exception("DeadlineExceededError")
    assert not k121.is_exception("ServiceUnavailableError")


def test_0_40_hierarchy(k040: Knowledge) -> None:
    assert sorted(k040.exceptions) == [
        "APIConnectionError",
        "APIError",
        "APIResponseValidationError",
        "APIStatusError",
        "APITimeoutError",
        "AnthropicError",
        "AuthenticationError",
        "BadRequestError",
        "ConflictError",
        "InternalServerError",
        "NotFoundError",
        "PermissionDeniedError",
        "RateLimitError",
        "UnprocessableEntityError",
    ]
    assert k040.max_nonstreaming_tokens is None  # 0.40 has no expected-time check
    assert k040.model_nonstreaming_tokens == {}


def test_deprecated_models_iso_dates(k2: Knowledge, k121: Knowledge, k040: Knowledge) -> None:
    assert k2.deprecated_models == {
        "claude-mythos-preview": "2026-06-30",
        "claude-opus-4-5": "2027-01-22",
        "claude-opus-4-5-20251101": "2027-01-22",
        "claude-sonnet-4-5": "2026-11-30",
        "claude-sonnet-4-5-20250929": "2026-11-30",
    }
    assert k121.deprecated_models["claude-3-opus-20240229"] == "2026-01-05"
    assert k121.deprecated_models["claude-3-5-haiku-20241022"] == "2026-02-19"
    assert k121.deprecated_models["claude-2.1"] == "2025-07-21"
    assert k040.deprecated_models["claude-instant-1.2"] == "2024-11-06"
    assert len(k040.deprecated_models) == 5


def test_models_and_token_limits(k2: Knowledge, k121: Knowledge) -> None:
    assert len(k2.known_models) == 22
    assert {"claude-sonnet-4-5", "claude-haiku-4-5-20251001", "claude-opus-4-8"} <= k2.known_models
    assert "claude-3-opus-20240229" not in k2.known_models
    assert k2.max_nonstreaming_tokens == 21333  # 3600 * 21333 / 128000 <= 600 < 3600 * 21334 / ...
    assert k121.max_nonstreaming_tokens == 21333
    assert k2.model_nonstreaming_tokens["claude-opus-4-20250514"] == 8192
    assert k2.model_nonstreaming_tokens["claude-opus-4-1@20250805"] == 8192


def test_methods_2_14(k2: Knowledge) -> None:
    assert sorted(k for k in k2.methods if not k.startswith("beta.")) == [
        "messages.batches.cancel",
        "messages.batches.create",
        "messages.batches.delete",
        "messages.batches.list",
        "messages.batches.results",
        "messages.batches.retrieve",
        "messages.count_tokens",
        "messages.create",
        "messages.parse",
        "messages.stream",
    ]
    create = k2.methods["messages.create"]
    assert {"top_k", "top_p", "temperature"}.isdisjoint(create.params)
    assert {"system", "tools", "thinking", "tool_choice", "metadata"} <= create.params
    assert create.positional == ()
    assert k2.methods["messages.stream"].required == {"model", "max_tokens", "messages"}
    assert k2.methods["messages.count_tokens"].required == {"model", "messages"}
    assert k2.methods["messages.batches.create"].required == {"requests"}
    retrieve = k2.methods["messages.batches.retrieve"]
    assert retrieve.positional == ("message_batch_id",)
    assert retrieve.required == {"message_batch_id"}
    assert "betas" in k2.methods["beta.messages.create"].params
    assert "beta.messages.stream" in k2.methods


# -- queries ------------------------------------------------------------------------


def test_non_retryable_subclasses(k2: Knowledge, k040: Knowledge) -> None:
    status_family = (
        "BadRequestError",
        "AuthenticationError",
        "PaymentRequiredError",
        "PermissionDeniedError",
        "NotFoundError",
        "PreconditionFailedError",
        "ContentTooLargeError",
        "UnprocessableEntityError",
        "RequestHeaderFieldsTooLargeError",
        "ClientClosedRequestError",
    )
    assert k2.non_retryable_subclasses("APIStatusError") == status_family
    assert k2.non_retryable_subclasses("Exception") == (
        *status_family,
        "APIResponseValidationError",
        "APIWebhookValidationError",
        "CredentialsError",
        "WorkloadIdentityError",
    )
    assert k2.non_retryable_subclasses("BaseException") == k2.non_retryable_subclasses("Exception")
    assert k2.non_retryable_subclasses("BadRequestError") == ("BadRequestError",)
    assert k2.non_retryable_subclasses("RateLimitError") == ()
    assert k2.non_retryable_subclasses("InternalServerError") == ()
    assert k2.non_retryable_subclasses("APIConnectionError") == ()
    assert k040.non_retryable_subclasses("APIError") == (
        "BadRequestError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "UnprocessableEntityError",
        "APIResponseValidationError",
    )


def test_closest_exception(k2: Knowledge, k040: Knowledge) -> None:
    assert k2.closest_exception("RateLimitException") == "RateLimitError"
    assert k2.closest_exception("ratelimiterror") == "RateLimitError"
    assert k2.closest_exception("APIConectionError") == "APIConnectionError"
    assert k2.closest_exception("APITimeoutException") == "APITimeoutError"
    assert k2.closest_exception("AuthError") == "AuthenticationError"
    assert k2.closest_exception("OverloadedException") == "OverloadedError"
    assert k2.closest_exception("RateLimitError") == "RateLimitError"
    assert k2.closest_exception("Completely") is None
    assert k040.closest_exception("OverloadedError") is None  # nothing like it in 0.40


# -- serialisation --------------------------------------------------------------------


def test_json_round_trip_and_fingerprint(k2: Knowledge, k121: Knowledge) -> None:
    again = Knowledge.from_json(json.loads(json.dumps(k2.to_json())))
    assert again == k2
    assert again.fingerprint() == k2.fingerprint()
    assert len(k2.fingerprint()) == 64
    assert k2.fingerprint() != k121.fingerprint()
    # The source is not content: the same facts from elsewhere hash the same.
    assert replace(k2, source="installed:/x").fingerprint() == k2.fingerprint()
    assert hash(again) == hash(k2)
    assert pickle.loads(pickle.dumps(k2)) == k2  # for worker processes


def test_from_json_rejects_other_formats(k2: Knowledge) -> None:
    data = k2.to_json()
    data["format"] = 999
    with pytest.raises(KnowledgeError, match="format"):
        Knowledge.from_json(data)


# -- load_knowledge -----------------------------------------------------------------


def test_explicit_version_returns_bundled_snapshot() -> None:
    k = load_knowledge("0.40.0")
    assert (k.sdk_version, k.source) == ("0.40.0", "snapshot")
    assert load_knowledge("0.40.0") is k  # memoized
    assert load_knowledge("0.121").sdk_version == "0.121.0"  # a prefix picks the newest match


def test_unknown_version_names_the_available_ones() -> None:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge("9.9.9")
    assert isinstance(info.value, ValueError)
    assert str(info.value) == (
        "no bundled knowledge for anthropic SDK version '9.9.9'; "
        "available: 0.40.0, 0.121.0, 0.125.0, 1.17.0, 2.14.0"
    )


def test_fast_distribution_scan_agrees_with_importlib_metadata(installed_dir: Path) -> None:
    assert kmod._scan_sys_path() == kmod._installed_via_metadata() == (PINNED, installed_dir)


def _count_generations(
    monkeypatch: pytest.MonkeyPatch, fail: bool = False, result: Knowledge | None = None
) -> list[Path]:
    """Record calls to the generator; make it fail, or return `result` to save time."""
    calls: list[Path] = []
    real = sdk_source.generate_from_source

    def counting(package_dir: Path) -> Knowledge:
        calls.append(package_dir)
        if fail:
            raise SourceLayoutError("unexpected layout")
        return result if result is not None else real(package_dir)

    monkeypatch.setattr(sdk_source, "generate_from_source", counting)
    return calls


def test_installed_sdk_is_generated_then_cached(
    installed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, k2: Knowledge
) -> None:
    calls = _count_generations(monkeypatch)
    first = load_knowledge(cache_dir=tmp_path)
    assert first.source == f"installed:{installed_dir.resolve()}"
    assert content(first) == content(k2)
    assert load_knowledge(cache_dir=tmp_path) is first  # memoized in-process
    [cache_file] = tmp_path.glob("sdk-2.14.0-*.json")
    assert len(calls) == 1

    reset_memo()
    second = load_knowledge(cache_dir=tmp_path)
    assert len(calls) == 1  # read from the cache, not regenerated
    assert second == first
    assert not list(tmp_path.glob(".sdk-*"))  # no temp files left behind
    assert json.loads(cache_file.read_text())["knowledge"]["sdk_version"] == PINNED


def test_corrupt_cache_is_rebuilt(
    installed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, k2: Knowledge
) -> None:
    calls = _count_generations(monkeypatch, result=k2)
    first = load_knowledge(cache_dir=tmp_path)
    [cache_file] = tmp_path.glob("sdk-*.json")
    for garbage in ("{not json", '{"key": 1}', "[]", ""):
        cache_file.write_text(garbage)
        reset_memo()
        assert load_knowledge(cache_dir=tmp_path) == first
    assert len(calls) == 5
    assert json.loads(cache_file.read_text())["knowledge"] == first.to_json()


def test_unwritable_cache_dir_is_skipped(
    installed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    k = load_knowledge(cache_dir=not_a_dir / "cache")
    assert k.source.startswith("installed:")


def test_generation_failure_falls_back_to_snapshot_and_is_remembered(
    installed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, k2: Knowledge
) -> None:
    calls = _count_generations(monkeypatch, fail=True)
    k = load_knowledge(cache_dir=tmp_path)
    assert k == k2  # the snapshot of the same version
    reset_memo()
    assert load_knowledge(cache_dir=tmp_path) == k2
    assert len(calls) == 1


def test_failure_without_same_version_snapshot_uses_newest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kmod, "_installed_sdk", lambda: ("3.0.0", tmp_path))
    k = load_knowledge(cache_dir=tmp_path / "cache")  # tmp_path is no SDK: generation fails
    assert (k.sdk_version, k.source) == (available_snapshots()[-1], "snapshot")


def test_not_installed_uses_newest_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kmod, "_installed_sdk", lambda: None)
    k = load_knowledge()
    assert (k.sdk_version, k.source) == ("2.14.0", "snapshot")


def test_default_cache_dir_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert kmod.default_cache_dir() == tmp_path / "claude-lint"


# -- an old layout, from the real wheel ------------------------------------------------------


@pytest.fixture(scope="session")
def sdk_0_40_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # pytest's cache keeps the wheel across sessions; without it (-p no:cacheprovider)
    # a session temp dir does.
    config_cache = getattr(request.config, "cache", None)
    if config_cache is not None:
        cache = Path(config_cache.mkdir("anthropic-0.40.0"))
    else:
        cache = tmp_path_factory.mktemp("anthropic-0.40.0")
    package = cache / "unpacked" / "anthropic"
    if not (package / "__init__.py").is_file():
        wheels = list(cache.glob("anthropic-0.40.0-*.whl"))
        if not wheels:
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    "--quiet",
                    "anthropic==0.40.0",
                    "-d",
                    str(cache),
                ],
                check=False,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if result.returncode != 0:
                pytest.skip(f"cannot download anthropic 0.40.0: {result.stderr.strip()[-300:]}")
            wheels = list(cache.glob("anthropic-0.40.0-*.whl"))
        with zipfile.ZipFile(wheels[0]) as wheel:
            members = [m for m in wheel.namelist() if m.startswith("anthropic/")]
            wheel.extractall(cache / "unpacked", members)
    return package


@pytest.mark.slow
def test_0_40_wheel_generates_the_old_hierarchy(sdk_0_40_dir: Path, k040: Knowledge) -> None:
    k = generate_from_source(sdk_0_40_dir)
    assert k.sdk_version == "0.40.0"
    assert not k.is_exception("OverloadedError")
    assert k.exceptions["InternalServerError"] == ExceptionInfo(
        "InternalServerError", ("APIStatusError",), 500, True
    )
    assert "temperature" in k.methods["messages.create"].params
    assert "completions.create" in k.methods
    assert content(k) == content(k040)
