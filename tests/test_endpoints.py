"""Endpoint kinds are one table of profiles, read by settings and the client."""

from __future__ import annotations

import dataclasses

import instructor
import pytest

from extractor.endpoints import (
    EMBEDDED_KIND,
    FALLBACK_KIND,
    PROFILES,
    StructuredOutput,
    kind_for_url,
    profile_for,
)
from extractor.errors import ConfigurationError
from extractor.llm import LLMClient
from extractor.llm.request import extra_body, instructor_mode
from extractor.settings import Settings
from schemas.events_v1 import ExtractionDraft


def test_an_unknown_kind_is_a_configuration_error_naming_it_and_the_known_kinds() -> None:
    with pytest.raises(ConfigurationError) as info:
        profile_for("vllm")
    assert "'vllm'" in str(info.value)
    assert all(name in str(info.value) for name in PROFILES)
    with pytest.raises(ConfigurationError, match="'vllm'"):
        Settings(endpoint_kind="vllm")


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (None, EMBEDDED_KIND),
        ("https://api.openai.com/v1", "openai"),
        ("https://API.OpenAI.com/v1", "openai"),
        ("https://user:secret@api.openai.com:443/v1", "openai"),
        ("http://127.0.0.1:8080/v1", FALLBACK_KIND),
        ("https://api.openai.com.example.net/v1", FALLBACK_KIND),  # the host, not a substring
        ("https://proxy.example/api.openai.com/v1", FALLBACK_KIND),
    ],
)
def test_the_kind_of_a_url_is_read_from_its_host(url: str | None, kind: str) -> None:
    assert kind_for_url(url) == kind
    assert Settings(base_url=url).llm.resolved_endpoint_kind == kind


def test_the_table_is_read_only_and_its_profiles_frozen() -> None:
    with pytest.raises(TypeError):
        PROFILES["mine"] = PROFILES["openai"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        PROFILES["openai"].sends_seed = True  # type: ignore[misc]
    assert all(name == profile.name for name, profile in PROFILES.items())


@pytest.mark.parametrize("output", list(StructuredOutput))
def test_every_structured_output_mechanism_has_an_instructor_mode(output: StructuredOutput) -> None:
    assert isinstance(instructor_mode(output), instructor.Mode)
    extra = extra_body(output, ExtractionDraft)
    if output is StructuredOutput.JSON_OBJECT_SCHEMA:
        assert extra == {
            "response_format": {"type": "json_object", "schema": ExtractionDraft.model_json_schema()}
        }
    else:
        assert extra is None


@pytest.mark.parametrize("kind", sorted(PROFILES))
def test_the_client_follows_its_kinds_profile(kind: str) -> None:
    profile = PROFILES[kind]
    settings = Settings(base_url="http://llm.test/v1", endpoint_kind=kind, model="m", api_key="sk-test-key")
    client = LLMClient(settings)
    try:
        assert client.profile is profile
        assert client.mode is instructor_mode(profile.structured_output)
        params = client._params([{"role": "user", "content": "x"}], ExtractionDraft)
        assert ("seed" in params) is profile.sends_seed
        assert ("extra_body" in params) is (profile.structured_output is StructuredOutput.JSON_OBJECT_SCHEMA)
        transport = client._http._transport.inner  # type: ignore[attr-defined]
        assert (transport.idle_wait is not None) is profile.single_slot
    finally:
        client.close()


@pytest.mark.parametrize("kind", sorted(PROFILES))
def test_a_key_is_required_only_where_the_profile_says(kind: str) -> None:
    settings = Settings(base_url="http://llm.test/v1", endpoint_kind=kind, model="m")
    if PROFILES[kind].requires_api_key:
        with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
            settings.llm.require_api_key()
    else:
        assert settings.llm.require_api_key() == "not-needed"


def test_the_default_model_comes_from_the_profile() -> None:
    assert (
        Settings(base_url="https://api.openai.com/v1").llm.resolved_model == PROFILES["openai"].default_model
    )
    with pytest.raises(ConfigurationError, match="EXTRACTOR_MODEL"):
        _ = Settings(base_url="http://llm.test/v1").llm.resolved_model
