"""``Settings``: reading the environment, overrides, validation, derived values, secrets kept out of repr."""

from __future__ import annotations

import dataclasses
import operator
from pathlib import Path
from typing import Any

import pytest

from extractor.errors import ConfigurationError
from extractor.llm import LLMClient
from extractor.settings import DEFAULT_OPENAI_MODEL, LOCAL_MODEL_ALIAS, LLMSettings, Settings

OPENAI_URL = "https://api.openai.com/v1"
LOCAL_URL = "http://127.0.0.1:8080/v1"


@pytest.mark.parametrize(
    ("variable", "raw", "field", "expected"),
    [
        ("EXTRACTOR_BASE_URL", "http://llm.example/v1", "llm.base_url", "http://llm.example/v1"),
        ("OPENAI_API_KEY", "sk-from-env", "llm.api_key", "sk-from-env"),
        ("EXTRACTOR_MODEL", "qwen2.5-7b", "llm.model", "qwen2.5-7b"),
        ("EXTRACTOR_ENDPOINT_KIND", "openai-compatible", "llm.endpoint_kind", "openai-compatible"),
        ("EXTRACTOR_PROMPT", "naive.v1", "extraction.prompt", "naive.v1"),
        ("EXTRACTOR_TEMPERATURE", "0.7", "llm.temperature", 0.7),
        ("EXTRACTOR_MAX_TOKENS", "512", "llm.max_tokens", 512),
        ("EXTRACTOR_TIMEOUT", "30.5", "llm.timeout_s", 30.5),
        ("EXTRACTOR_HTTP_RETRIES", "5", "llm.http_retries", 5),
        ("EXTRACTOR_REASKS", "0", "llm.reasks", 0),
        ("EXTRACTOR_CACHE_DIR", "/srv/cache/extractor", "cache.cache_dir", Path("/srv/cache/extractor")),
        ("EXTRACTOR_NO_CACHE", "1", "cache.use_cache", False),
        ("EXTRACTOR_LOCAL_MODEL", "/models/tiny.gguf", "llm.local_model_path", Path("/models/tiny.gguf")),
        ("EXTRACTOR_MAX_ARTICLE_CHARS", "1000", "extraction.max_article_chars", 1000),
        ("EXTRACTOR_DATA_DIR", "/srv/extractor", "service.data_dir", Path("/srv/extractor")),
        (
            "EXTRACTOR_DATABASE_URL",
            "postgresql+psycopg://db/x",
            "service.database_url",
            "postgresql+psycopg://db/x",
        ),
        ("EXTRACTOR_WORKERS", "9", "service.workers", 9),
        ("EXTRACTOR_MAX_BODY_BYTES", "1234", "service.max_body_bytes", 1234),
        ("EXTRACTOR_MAX_JOB_ARTICLES", "7", "service.max_job_articles", 7),
        ("EXTRACTOR_RATE_LIMIT", "5", "service.rate_limit_per_minute", 5),
        ("EXTRACTOR_KEY_CONCURRENCY", "2", "service.key_concurrency", 2),
        ("EXTRACTOR_LEASE_S", "2.5", "service.lease_s", 2.5),
    ],
)
def test_from_env_reads_each_variable(variable: str, raw: str, field: str, expected: Any) -> None:
    read = operator.attrgetter(field)
    assert read(Settings()) != expected  # the variable, not the default, produced the value
    assert read(Settings.from_env({variable: raw})) == expected


def test_from_env_strips_surrounding_whitespace() -> None:
    settings = Settings.from_env({"EXTRACTOR_MODEL": "  m1 \n", "EXTRACTOR_MAX_TOKENS": " 64 "})
    assert settings.llm.model == "m1"
    assert settings.llm.max_tokens == 64


def test_blank_variables_keep_the_defaults() -> None:
    settings = Settings.from_env({"EXTRACTOR_MODEL": "", "EXTRACTOR_TEMPERATURE": "   "})
    assert settings.llm.model is None
    assert settings.llm.temperature == 0.0


def test_cache_dir_variable_expands_the_home_directory() -> None:
    settings = Settings.from_env({"EXTRACTOR_CACHE_DIR": "~/llm-cache"})
    assert settings.cache.cache_dir == Path("~/llm-cache").expanduser()
    assert "~" not in str(settings.cache.cache_dir)


@pytest.mark.parametrize(
    ("raw", "use_cache"), [("1", False), ("true", False), ("YES", False), ("0", True), ("no", True)]
)
def test_no_cache_variable_values(raw: str, use_cache: bool) -> None:
    assert Settings.from_env({"EXTRACTOR_NO_CACHE": raw}).cache.use_cache is use_cache


def test_an_explicit_environ_ignores_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_MODEL", "from-process")
    monkeypatch.setenv("EXTRACTOR_MAX_TOKENS", "7")
    settings = Settings.from_env({})
    assert settings.llm.model is None
    assert settings.llm.max_tokens == 2048


def test_without_environ_the_process_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_MODEL", "from-process")
    assert Settings.from_env().llm.model == "from-process"


def test_explicit_overrides_win_over_the_environment() -> None:
    env = {
        "EXTRACTOR_MODEL": "env-model",
        "EXTRACTOR_TEMPERATURE": "0.9",
        "EXTRACTOR_NO_CACHE": "1",
        "EXTRACTOR_BASE_URL": "http://env.example/v1",
    }
    settings = Settings.from_env(
        env, model="cli-model", temperature=0.1, use_cache=True, base_url="http://cli.example/v1"
    )
    assert settings.llm.model == "cli-model"
    assert settings.llm.temperature == 0.1
    assert settings.cache.use_cache is True
    assert settings.llm.base_url == "http://cli.example/v1"


def test_none_overrides_leave_the_environment_value() -> None:
    settings = Settings.from_env({"EXTRACTOR_MODEL": "env-model"}, model=None, base_url=None)
    assert settings.llm.model == "env-model"
    assert settings.llm.base_url is None


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.llm.model = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.llm = LLMSettings(model="changed")  # type: ignore[misc]
    assert settings.llm.model is None


def test_field_keywords_go_to_their_concern_and_unknown_ones_are_refused() -> None:
    settings = Settings(model="m", workers=3, use_cache=False, batch_max_lines=9, prompt="naive.v1")
    assert (settings.llm.model, settings.service.workers, settings.cache.use_cache) == ("m", 3, False)
    assert (settings.batch.batch_max_lines, settings.extraction.prompt) == (9, "naive.v1")
    assert Settings(llm=LLMSettings(model="m"), temperature=0.5).llm == LLMSettings(
        model="m", temperature=0.5
    )
    with pytest.raises(TypeError, match="no_such_field"):
        Settings(no_such_field=1)


def test_replace_returns_a_changed_copy_and_ignores_none() -> None:
    settings = Settings(model="a", temperature=0.5)
    changed = settings.replace(model="b", temperature=None)
    assert (changed.llm.model, changed.llm.temperature) == ("b", 0.5)
    assert settings.llm.model == "a"


@pytest.mark.parametrize(
    ("variable", "raw"),
    [
        ("EXTRACTOR_TEMPERATURE", "warm"),
        ("EXTRACTOR_MAX_TOKENS", "2k"),
        ("EXTRACTOR_MAX_TOKENS", "12.5"),
        ("EXTRACTOR_TIMEOUT", "soon"),
        ("EXTRACTOR_HTTP_RETRIES", "many"),
        ("EXTRACTOR_REASKS", "1.0"),
        ("EXTRACTOR_MAX_ARTICLE_CHARS", "lots"),
    ],
)
def test_an_invalid_number_names_the_variable(variable: str, raw: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Settings.from_env({variable: raw})
    assert variable in str(info.value)
    assert raw in str(info.value)


@pytest.mark.parametrize(
    ("variable", "raw"),
    [
        ("EXTRACTOR_HTTP_RETRIES", "-1"),
        ("EXTRACTOR_REASKS", "-2"),
        ("EXTRACTOR_MAX_TOKENS", "0"),
        ("EXTRACTOR_TIMEOUT", "0"),
        ("EXTRACTOR_MAX_ARTICLE_CHARS", "-5"),
    ],
)
def test_an_out_of_range_number_names_the_variable(variable: str, raw: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        Settings.from_env({variable: raw})


def test_an_unknown_endpoint_kind_names_the_variable_and_the_choices() -> None:
    with pytest.raises(ConfigurationError) as info:
        Settings.from_env({"EXTRACTOR_ENDPOINT_KIND": "vllm"})
    message = str(info.value)
    assert "EXTRACTOR_ENDPOINT_KIND" in message
    assert "'vllm'" in message
    for kind in ("openai", "openai-compatible", "llama-cpp-python"):
        assert kind in message


def test_openai_without_a_key_names_openai_api_key() -> None:
    settings = Settings.from_env({"EXTRACTOR_BASE_URL": OPENAI_URL})
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        settings.llm.require_api_key()


def test_openai_without_a_key_fails_before_any_client_is_built(tmp_path: Path) -> None:
    settings = Settings.from_env({"EXTRACTOR_BASE_URL": OPENAI_URL, "EXTRACTOR_CACHE_DIR": str(tmp_path)})
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        LLMClient(settings)


def test_openai_with_a_key_uses_it() -> None:
    settings = Settings.from_env({"EXTRACTOR_BASE_URL": OPENAI_URL, "OPENAI_API_KEY": "sk-real"})
    assert settings.llm.require_api_key() == "sk-real"


def test_explicit_openai_kind_on_another_host_also_needs_a_key() -> None:
    settings = Settings(base_url="https://proxy.example/v1", endpoint_kind="openai")
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        settings.llm.require_api_key()


@pytest.mark.parametrize("base_url", [LOCAL_URL, "http://llm.test/v1", None])
def test_a_local_or_compatible_endpoint_gets_a_placeholder_key(base_url: str | None) -> None:
    key = Settings(base_url=base_url).llm.require_api_key()
    assert isinstance(key, str) and key


@pytest.mark.parametrize(
    ("base_url", "kind", "expected"),
    [
        (None, None, "llama-cpp-python"),
        (OPENAI_URL, None, "openai"),
        (LOCAL_URL, None, "openai-compatible"),
        (LOCAL_URL, "llama-cpp-python", "llama-cpp-python"),
        (OPENAI_URL, "openai-compatible", "openai-compatible"),
    ],
)
def test_resolved_endpoint_kind(base_url: str | None, kind: Any, expected: str) -> None:
    assert Settings(base_url=base_url, endpoint_kind=kind).llm.resolved_endpoint_kind == expected


def test_resolved_model_prefers_the_explicit_model() -> None:
    assert Settings(base_url=LOCAL_URL, model="mine").llm.resolved_model == "mine"
    assert Settings(model="mine").llm.resolved_model == "mine"


def test_resolved_model_defaults_to_the_local_alias_without_an_endpoint() -> None:
    assert Settings().llm.resolved_model == LOCAL_MODEL_ALIAS


def test_resolved_model_defaults_to_the_openai_default_on_openai() -> None:
    assert Settings(base_url=OPENAI_URL).llm.resolved_model == DEFAULT_OPENAI_MODEL


def test_resolved_model_on_a_compatible_endpoint_without_a_model_names_extractor_model() -> None:
    settings = Settings(base_url=LOCAL_URL)
    with pytest.raises(ConfigurationError, match="EXTRACTOR_MODEL"):
        _ = settings.llm.resolved_model


def test_uses_local_model_only_without_a_base_url() -> None:
    assert Settings().llm.uses_local_model is True
    assert Settings(base_url=LOCAL_URL).llm.uses_local_model is False


def test_repr_and_str_do_not_contain_the_api_key() -> None:
    secret = "sk-secret-" + "z" * 24
    settings = Settings.from_env({"OPENAI_API_KEY": secret, "EXTRACTOR_BASE_URL": OPENAI_URL})
    assert settings.llm.api_key == secret
    assert secret not in repr(settings)
    assert secret not in str(settings)
    assert "base_url='https://api.openai.com/v1'" in repr(settings)


@pytest.mark.parametrize(
    ("raw", "base_url", "expected"),
    [
        (None, None, False),  # auto, embedded model: code only (it measured worse than code)
        ("auto", None, False),
        (None, "http://llm.example/v1", True),  # auto, a configured endpoint: adjudicate
        ("AUTO", "http://llm.example/v1", True),
        ("1", None, True),  # explicit wins
        ("0", "http://llm.example/v1", False),
        ("no", None, False),
    ],
)
def test_adjudication_is_auto_by_default_and_on_only_with_a_configured_endpoint(
    raw: str | None, base_url: str | None, expected: bool
) -> None:
    env = {"EXTRACTOR_ADJUDICATE": raw} if raw is not None else {}
    if base_url is not None:
        env["EXTRACTOR_BASE_URL"] = base_url
    settings = Settings.from_env(env)
    assert settings.resolved_adjudicate is expected
    assert settings.extraction.adjudicate is ({"1": True, "0": False, "no": False}.get(raw or "auto"))
