"""The same code, judged against different SDK versions' knowledge, gets different findings."""

from __future__ import annotations

import textwrap

from claude_lint.config.settings import Settings
from claude_lint.engine.lint import lint_bytes


def _findings(code: str, version: str, codes: set[str]) -> list[tuple[str, int, str]]:
    source = textwrap.dedent(code).lstrip("\n").encode()
    result = lint_bytes("app.py", source, Settings(sdk_version=version), frozenset(codes))
    assert not result.errors, result.errors
    return [(d.code, d.start.line, d.message) for d in result.diagnostics]


TEMPERATURE = """
    import anthropic

    client = anthropic.Anthropic()

    def creative(prompt):
        return client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=512,
            temperature=0.9,
            messages=[{"role": "user", "content": prompt}],
        )
    """


def test_temperature_is_a_parameter_of_0_121_and_not_of_2_14() -> None:
    assert _findings(TEMPERATURE, "0.121.0", {"CL305"}) == []
    assert _findings(TEMPERATURE, "2.14.0", {"CL305"}) == [
        (
            "CL305",
            9,
            (
                "`temperature=` is not a parameter of `messages.create` in anthropic 2.14.0: the SDK raises "
                "TypeError before sending the request (anthropic 0.125.0 took it)"
            ),
        )
    ]


OVERLOADED = """
    import anthropic

    client = anthropic.Anthropic()

    def ask(prompt):
        try:
            return client.messages.create(
                model="claude-sonnet-4-6", max_tokens=512,
                messages=[{"role": "user", "content": prompt}],
            )
        except anthropic.OverloadedError:
            return None
    """


def test_overloaded_error_is_unknown_to_0_40_and_known_to_2_14() -> None:
    found = _findings(OVERLOADED, "0.40.0", {"CL107"})
    assert [(code, line) for code, line, _ in found] == [("CL107", 11)]
    assert "anthropic 0.40.0" in found[0][2]
    assert _findings(OVERLOADED, "2.14.0", {"CL107"}) == []


LEGACY_COMPLETIONS = """
    import anthropic

    client = anthropic.Anthropic()

    def complete(prompt):
        return client.completions.create(
            model="claude-2.1",
            max_tokens_to_sample=256,
            prompt=f"{anthropic.HUMAN_PROMPT} {prompt}{anthropic.AI_PROMPT}",
        )
    """


def test_legacy_completions_exist_in_0_121_and_not_in_2_14() -> None:
    assert _findings(LEGACY_COMPLETIONS, "0.121.0", {"CL305"}) == []
    assert [(code, line) for code, line, _ in _findings(LEGACY_COMPLETIONS, "2.14.0", {"CL305"})] == [("CL305", 6)]
    # The model it names is retired whatever the SDK.
    assert [code for code, _, _ in _findings(LEGACY_COMPLETIONS, "0.121.0", {"CL302"})] == ["CL302"]


LONG_REQUEST = """
    import anthropic

    client = anthropic.Anthropic()

    report = client.messages.create(
        model="claude-3-5-sonnet-latest",
        max_tokens=40000,
        messages=[{"role": "user", "content": "Write it all."}],
    )
    """


def test_the_nonstreaming_limit_exists_from_the_sdk_that_added_it() -> None:
    assert _findings(LONG_REQUEST, "0.40.0", {"CL307"}) == []
    assert [(code, line) for code, line, _ in _findings(LONG_REQUEST, "2.14.0", {"CL307"})] == [("CL307", 7)]


def test_a_model_newer_than_the_sdk_is_not_unknown_and_a_deprecation_date_is_known_to_both() -> None:
    code = """
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": "hi"}])
        """
    for version in ("0.40.0", "0.121.0", "2.14.0"):
        found = _findings(code, version, {"CL303", "CL304"})
        assert [code for code, _, _ in found] == ["CL303"], version
