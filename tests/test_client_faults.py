"""Fault classes against a scripted httpx.MockTransport, each with the exact number of requests made.

Settings in these tests: http_retries=2 (so at most 3 HTTP requests per answer) and reasks=2
(so at most 3 answers per article), drawing on one budget of 1 + 2 + 2 = 5 requests per article.
A transport failure is never re-asked, and a re-ask is never retried as a transport failure.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from extractor.errors import (
    AuthenticationError,
    EndpointUnreachableError,
    LLMOutputError,
    LLMTimeoutError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
    TruncatedOutputError,
)
from tests.fakes import ARTICLE, PUBLISHED, grounded_answer, ok, ungrounded_answer


def run(endpoint):  # type: ignore[no-untyped-def]
    return endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="fake")


def test_grounded_answer_needs_exactly_one_request(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(grounded_answer())])
    result = run(endpoint)
    assert endpoint.request_count == 1
    assert result.provenance.attempts == 1
    assert len(result.events) == 1
    event = result.events[0]
    assert ARTICLE[event.evidence[0].start : event.evidence[0].end] == event.evidence[0].quote
    assert event.date.value == "2023-03-13" and event.date.precision == "day"
    assert event.fatalities == 3  # ACLED: the lowest reported killed figure
    assert [c.count for c in event.casualties] == [3, 10]
    assert event.acled_event_type == "Battles" and event.disorder_type == "Political violence"
    assert event.locations[0].country_code == "MLI"
    assert result.provenance.usage.total_tokens == 150


def test_429_then_200_retries_once_and_respects_retry_after(fake_endpoint) -> None:
    endpoint = fake_endpoint(
        [httpx.Response(429, headers={"retry-after": "7"}, json={"error": "slow"}), ok(grounded_answer())]
    )
    result = run(endpoint)
    assert endpoint.request_count == 2
    assert endpoint.sleeps == [7.0]
    assert result.provenance.attempts == 1  # one answer; the 429 was a transport retry
    assert len(result.events) == 1


def test_retry_after_is_capped_by_backoff_max(fake_endpoint) -> None:
    endpoint = fake_endpoint(
        [httpx.Response(429, headers={"retry-after": "3600"}), ok(grounded_answer())], backoff_max_s=5.0
    )
    run(endpoint)
    assert endpoint.sleeps == [5.0]


def test_persistent_500_stops_after_retries_with_server_error(fake_endpoint) -> None:
    endpoint = fake_endpoint([httpx.Response(500, json={"error": {"message": "boom"}})])
    with pytest.raises(ServerError) as info:
        run(endpoint)
    assert endpoint.request_count == 3
    assert info.value.status_code == 500
    assert info.value.attempts == 3
    assert len(endpoint.sleeps) == 2 and endpoint.sleeps[0] < endpoint.sleeps[1]  # exponential


def test_persistent_429_raises_rate_limited_after_retries(fake_endpoint) -> None:
    endpoint = fake_endpoint([httpx.Response(429, json={"error": {"message": "quota"}})])
    with pytest.raises(RateLimitedError):
        run(endpoint)
    assert endpoint.request_count == 3


def test_timeout_is_retried_then_raised_as_timeout(fake_endpoint) -> None:
    endpoint = fake_endpoint([httpx.ReadTimeout("slow")], endpoint_kind="openai-compatible")
    with pytest.raises(LLMTimeoutError, match="did not answer in time"):
        run(endpoint)
    assert endpoint.request_count == 3
    assert {r.method for r in endpoint.recorder.requests} == {"POST"}


def test_a_single_slot_server_is_asked_whether_it_is_idle_before_a_timed_out_request_is_resent(
    fake_endpoint,
) -> None:
    endpoint = fake_endpoint([httpx.ReadTimeout("slow")], endpoint_kind="llama-cpp-python")
    with pytest.raises(LLMTimeoutError):
        run(endpoint)
    calls = [(r.method, r.url.path) for r in endpoint.recorder.requests]
    post, idle = ("POST", "/v1/chat/completions"), ("GET", "/v1/models")
    assert calls == [post, idle, post, idle, post]
    wait = endpoint.recorder.requests[1].extensions["timeout"]["read"]
    assert wait == 3 * endpoint.settings.llm.timeout_s


def test_connection_reset_is_retried_then_names_the_address(fake_endpoint) -> None:
    endpoint = fake_endpoint([httpx.RemoteProtocolError("connection reset by peer")])
    with pytest.raises(EndpointUnreachableError, match=r"http://llm\.test/v1"):
        run(endpoint)
    assert endpoint.request_count == 3


def test_connection_refused_then_success_recovers(fake_endpoint) -> None:
    endpoint = fake_endpoint([httpx.ConnectError("refused"), ok(grounded_answer())])
    assert len(run(endpoint).events) == 1
    assert endpoint.request_count == 2


@pytest.mark.parametrize("status", [400, 404, 422])
def test_client_errors_are_not_retried(fake_endpoint, status: int) -> None:
    endpoint = fake_endpoint([httpx.Response(status, json={"error": {"message": "bad request"}})])
    with pytest.raises(RequestRejectedError) as info:
        run(endpoint)
    assert endpoint.request_count == 1
    assert info.value.status_code == status


@pytest.mark.parametrize("status", [401, 403])
def test_auth_errors_are_not_retried_and_name_the_key_variable(fake_endpoint, status: int) -> None:
    endpoint = fake_endpoint([httpx.Response(status, json={"error": {"message": "no"}})])
    with pytest.raises(AuthenticationError, match="OPENAI_API_KEY"):
        run(endpoint)
    assert endpoint.request_count == 1


def test_malformed_json_is_reasked_then_raises_output_error(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok("this is not json {")])
    with pytest.raises(LLMOutputError, match="not JSON"):
        run(endpoint)
    assert endpoint.request_count == 3  # first answer + 2 re-asks, no transport retries
    # each re-ask carries the previous answer and the validation error back to the model
    bodies = list(endpoint.recorder.bodies)
    assert len(bodies[2]["messages"]) > len(bodies[1]["messages"]) > len(bodies[0]["messages"])


def test_malformed_then_valid_answer_succeeds_on_the_reask(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok("{not json"), ok(grounded_answer())])
    result = run(endpoint)
    assert endpoint.request_count == 2
    assert result.provenance.attempts == 2
    assert len(result.events) == 1
    assert len(result.diagnostics.validation_errors) == 1


def test_truncated_output_on_a_short_input_is_not_reasked_and_says_the_model_looped(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok('{"events": [{"event_type": "Armed', finish_reason="length")])
    with pytest.raises(TruncatedOutputError, match="looped") as info:
        run(endpoint)
    assert endpoint.request_count == 1
    assert "shorten the article" not in str(info.value)
    limit = next(iter(endpoint.recorder.bodies))["max_tokens"]
    assert limit < 2048 and f"cut at {limit} tokens" in str(info.value)


def test_truncated_output_at_the_configured_ceiling_names_the_setting(fake_endpoint) -> None:
    endpoint = fake_endpoint(
        [ok('{"events": [{"event_type": "Armed', finish_reason="length")], max_tokens=100
    )
    with pytest.raises(TruncatedOutputError, match="EXTRACTOR_MAX_TOKENS") as info:
        run(endpoint)
    assert "looped" not in str(info.value)
    assert next(iter(endpoint.recorder.bodies))["max_tokens"] == 100


def test_ungrounded_evidence_is_reasked_then_dropped_and_counted(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(ungrounded_answer())])
    result = run(endpoint)
    assert endpoint.request_count == 3
    assert result.provenance.attempts == 3
    assert result.events == []
    assert result.diagnostics.events_returned == 1
    assert len(result.diagnostics.dropped) == 1
    assert "not found" in result.diagnostics.dropped[0].reason
    assert all("not in the article" in e for e in result.diagnostics.validation_errors)


def test_reask_message_names_the_ungrounded_quote(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(ungrounded_answer()), ok(grounded_answer())])
    run(endpoint)
    second = list(endpoint.recorder.bodies)[1]
    feedback = json.dumps(second["messages"][-1])
    assert "Rebels stormed the capital" in feedback


def test_alternating_500_and_invalid_json_spend_one_budget_of_exactly_five_requests(fake_endpoint) -> None:
    # defaults: 1 + http_retries (2) + reasks (2) = 5 requests at most, never (1 + 2) * (1 + 2) = 9
    endpoint = fake_endpoint(lambda n: httpx.Response(500) if n % 2 == 0 else ok("{not json"))
    with pytest.raises(ServerError) as info:
        run(endpoint)
    assert endpoint.request_count == 5
    assert info.value.attempts == 5
    assert endpoint.client.request_budget == 5


def test_500_500_invalid_repeated_stops_at_the_budget_instead_of_nine(fake_endpoint) -> None:
    endpoint = fake_endpoint(lambda n: ok("{not json") if n % 3 == 2 else httpx.Response(500))
    with pytest.raises(ServerError):
        run(endpoint)
    assert endpoint.request_count == 5


def test_a_budget_spent_on_an_invalid_answer_returns_that_answer_with_its_errors(fake_endpoint) -> None:
    # budget 1 + 1 + 4 = 6: 500, invalid, 500, invalid, 500, invalid -> the 3rd answer is the last
    endpoint = fake_endpoint(
        lambda n: httpx.Response(503) if n % 2 == 0 else ok(ungrounded_answer()), http_retries=1, reasks=4
    )
    result = run(endpoint)
    assert endpoint.request_count == 6
    assert result.provenance.attempts == 3
    assert result.events == [] and len(result.diagnostics.dropped) == 1
    assert len(result.diagnostics.validation_errors) == 3


def test_the_async_path_spends_the_same_budget(fake_endpoint) -> None:
    endpoint = fake_endpoint(lambda n: httpx.Response(500) if n % 2 == 0 else ok("{not json"))
    with pytest.raises(ServerError):
        asyncio.run(endpoint.extractor.aextract(ARTICLE, published=PUBLISHED))
    assert endpoint.request_count == 5


def test_zero_retry_settings_make_exactly_one_request(fake_endpoint) -> None:
    endpoint = fake_endpoint([httpx.Response(500)], http_retries=0, reasks=0)
    with pytest.raises(ServerError):
        run(endpoint)
    assert endpoint.request_count == 1


def test_async_path_counts_requests_the_same_way(fake_endpoint) -> None:
    endpoint = fake_endpoint([httpx.Response(502), ok(grounded_answer())])
    result = asyncio.run(endpoint.extractor.aextract(ARTICLE, published=PUBLISHED))
    assert endpoint.request_count == 2
    assert len(result.events) == 1


def test_api_key_never_appears_in_error_messages(fake_endpoint) -> None:
    secret = "sk-test-" + "x" * 32
    endpoint = fake_endpoint(
        [httpx.Response(401, json={"error": {"message": "Incorrect API key"}})],
        api_key=secret,
        endpoint_kind="openai-compatible",
    )
    with pytest.raises(AuthenticationError) as info:
        run(endpoint)
    assert secret not in str(info.value)
    assert endpoint.recorder.requests[0].headers["authorization"] == f"Bearer {secret}"


def test_exactly_one_info_log_line_per_outgoing_request(fake_endpoint, caplog) -> None:
    endpoint = fake_endpoint([httpx.Response(503), ok(ungrounded_answer()), ok(grounded_answer())])
    with caplog.at_level("INFO", logger="extractor.llm"):
        run(endpoint)
    lines = [r for r in caplog.records if r.name == "extractor.llm" and r.levelname == "INFO"]
    assert endpoint.request_count == 3
    assert len(lines) == 3
    assert all(r.getMessage() == "LLM request POST http://llm.test/v1/chat/completions" for r in lines)


def test_an_auth_error_on_a_reask_is_raised_not_salvaged_as_the_previous_answer(fake_endpoint) -> None:
    refused = httpx.Response(401, json={"error": {"message": "no"}})
    endpoint = fake_endpoint([ok("this is not json {"), refused])
    with pytest.raises(AuthenticationError) as info:
        run(endpoint)
    assert endpoint.request_count == 2
    assert info.value.status_code == 401


def test_a_connection_error_on_a_reask_is_raised_not_salvaged(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok("{not json"), httpx.ConnectError("refused")])
    with pytest.raises(EndpointUnreachableError):
        run(endpoint)
    assert endpoint.request_count == 4  # one answer, then the re-ask and its 2 transport retries


def test_an_api_error_on_a_reask_is_raised_on_the_async_path_too(fake_endpoint) -> None:
    refused = httpx.Response(403, json={"error": {"message": "no"}})
    endpoint = fake_endpoint([ok(ungrounded_answer()), refused])
    with pytest.raises(AuthenticationError):
        asyncio.run(endpoint.extractor.aextract(ARTICLE, published=PUBLISHED))
    assert endpoint.request_count == 2


@pytest.mark.parametrize("seconds", [5.0, 300.0])
def test_every_request_carries_the_configured_read_timeout(fake_endpoint, seconds: float) -> None:
    # 5 s equals httpx's default timeout, which the openai SDK would replace with its own 600 s
    endpoint = fake_endpoint([ok(grounded_answer())], timeout_s=seconds)
    run(endpoint)
    assert endpoint.recorder.requests[0].extensions["timeout"]["read"] == seconds
