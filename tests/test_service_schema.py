"""The service's OpenAPI schema: committed and snapshot-tested, and fuzzed with schemathesis
(bounded examples): no 5xx, every error an RFC 9457 problem."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.service_fakes import service_app

SNAPSHOT = Path(__file__).resolve().parents[1] / "schemas" / "openapi" / "service.openapi.json"
PROBLEM = "application/problem+json"

_APP, _CALLS = service_app(Path(tempfile.mkdtemp(prefix="extractor-fuzz-")))
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)


@schemathesis.serializer("application/x-ndjson")
def _ndjson(_context: object, value: object) -> bytes:
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else json.dumps(value).encode()


def current_schema() -> str:
    return json.dumps(_APP.openapi(), indent=2, sort_keys=True) + "\n"


def test_the_openapi_schema_matches_the_committed_snapshot() -> None:
    """After a deliberate API change: python -m tests.test_service_schema (rewrites the snapshot)."""
    assert SNAPSHOT.read_text(encoding="utf-8") == current_schema()


def test_the_schema_documents_every_endpoint_and_the_problem_answers() -> None:
    paths = _APP.openapi()["paths"]
    for path in ("/v1/extract", "/v1/jobs", "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/results", "/v1/prompts"):
        assert path in paths
    assert PROBLEM in paths["/v1/extract"]["post"]["responses"]["422"]["content"]


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzed_requests_never_get_a_5xx_and_errors_are_problems(case: schemathesis.Case) -> None:
    if case.path == "/v1/jobs/{job_id}/results":
        case.query = {**(case.query or {}), "wait": "false"}  # no worker runs here: do not follow
    response = case.call()
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == [PROBLEM], response.text
        body = response.json()
        assert {"type", "title", "status"} <= set(body)
        assert "Traceback" not in response.text


if __name__ == "__main__":
    SNAPSHOT.write_text(current_schema(), encoding="utf-8")
    pytest.main([__file__, "-q", "-k", "snapshot"])
