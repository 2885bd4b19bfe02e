"""The conformance checks themselves can fail: each rule catches a body that breaks it.

A conformance matrix that passes because its checker accepts anything would prove nothing;
here every check of ``tests/openai_spec.py`` is shown a body that breaks one rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fakes import completion
from tests.openai_spec import (
    SPECS_VARIABLE,
    batch_input_problems,
    batch_output_problems,
    chat_request_problems,
    chat_response_problems,
    mutated,
    spec_path,
)

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"events": {"type": "array", "items": {"$ref": "#/$defs/Event"}}},
    "required": ["events"],
    "additionalProperties": False,
    "$defs": {
        "Event": {
            "type": "object",
            "properties": {"kind": {"type": "string"}, "place": {"type": ["string", "null"]}},
            "required": ["kind", "place"],
            "additionalProperties": False,
        }
    },
}
MESSAGES = [{"role": "system", "content": "Extract."}, {"role": "user", "content": "Article."}]
TOOLS_BODY: dict[str, Any] = {
    "model": "gpt-4o-mini",
    "messages": MESSAGES,
    "max_tokens": 100,
    "temperature": 0.0,
    "tools": [{"type": "function", "function": {"name": "Draft", "parameters": SCHEMA, "strict": True}}],
    "tool_choice": {"type": "function", "function": {"name": "Draft"}},
}
SCHEMA_BODY: dict[str, Any] = {
    "model": "m",
    "messages": MESSAGES,
    "seed": 0,
    "response_format": {"type": "json_schema", "json_schema": {"name": "Draft", "schema": SCHEMA}},
}


def test_well_formed_requests_conform() -> None:
    assert chat_request_problems(TOOLS_BODY) == []
    assert chat_request_problems(SCHEMA_BODY) == []


def test_a_nullable_field_may_be_null() -> None:
    # `max_tokens` is marked with OpenAPI 3.0's `nullable: true`, which JSON Schema ignores.
    assert chat_request_problems({**SCHEMA_BODY, "max_tokens": None}) == []
    assert chat_request_problems({**SCHEMA_BODY, "max_tokens": "many"}) != []


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        (["messages"], [], "CreateChatCompletionRequest at messages"),
        (["messages", 1, "role"], "narrator", "CreateChatCompletionRequest at messages/1"),
        (["temperature"], 3, "CreateChatCompletionRequest at temperature"),
        (["tools", 0, "function", "name"], "Draft v2", "is not 1-64"),
        (["tools", 0, "function", "parameters", "additionalProperties"], True, "additionalProperties"),
        (["tools", 0, "function", "parameters", "$defs", "Event", "required"], ["kind"], "['place']"),
        (["tool_choice", "function", "name"], "Other", "not among the tools"),
    ],
)
def test_a_request_that_breaks_one_rule_is_named(path: list[str | int], value: Any, says: str) -> None:
    found = chat_request_problems(mutated(TOOLS_BODY, path, value))
    assert any(says in problem for problem in found), found


def test_strict_rules_apply_only_where_strict_is_sent() -> None:
    loose = mutated(TOOLS_BODY, ["tools", 0, "function", "parameters", "additionalProperties"], True)
    assert chat_request_problems(mutated(loose, ["tools", 0, "function", "strict"], False)) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (["response_format", "type"], "json"),
        (["response_format", "json_schema", "name"], "a name with spaces"),
        (["seed"], "zero"),
    ],
)
def test_a_response_format_request_that_breaks_one_rule_is_caught(path: list[str | int], value: Any) -> None:
    assert chat_request_problems(mutated(SCHEMA_BODY, path, value)) != []


def test_a_well_formed_completion_conforms_and_a_broken_one_does_not() -> None:
    answer = completion('{"events": []}')
    assert chat_response_problems(answer) == []
    for path, value in [
        (["choices", 0, "finish_reason"], "done"),
        (["object"], "completion"),
        (["choices", 0, "message", "role"], "user"),
    ]:
        assert chat_response_problems(mutated(answer, path, value)) != [], path
    del answer["choices"][0]["message"]["refusal"]  # required, even when null
    assert chat_response_problems(answer) != []


def test_batch_lines_have_exactly_the_batch_fields() -> None:
    line = {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": SCHEMA_BODY}
    assert batch_input_problems(line) == []
    assert batch_input_problems({**line, "extra": 1}) != []
    assert batch_input_problems({**line, "url": "/v1/completions"}) != []
    assert batch_input_problems({**line, "body": {"model": "m"}}) != []
    response = {"status_code": 200, "request_id": "r", "body": completion("{}")}
    out = {"id": "batch_req_1", "custom_id": "a", "response": response, "error": None}
    assert batch_output_problems(out) == []
    assert batch_output_problems({**out, "response": None}) != []
    assert batch_output_problems({**out, "response": None, "error": {"code": "x"}}) != []
    assert batch_output_problems(mutated(out, ["response", "body", "choices", 0, "index"], "0")) != []


def test_a_missing_description_fails_naming_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SPECS_VARIABLE, str(tmp_path))
    with pytest.raises(pytest.fail.Exception, match=str(tmp_path)):
        spec_path()
