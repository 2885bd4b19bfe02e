"""OpenAI's published API description, as validators of what the project sends and reads back.

The description is ``openai-openapi.json`` in ``../shared/specs/`` beside the clone (see that
folder's README); it is read there at test time, never copied into the repository. A run that
cannot find it FAILS, naming where it looked: the conformance tests are never skipped.

* ``chat_request_problems(body)``: ``components.schemas.CreateChatCompletionRequest`` (JSON Schema
  2020-12 with a ``referencing`` registry over the whole description, so every local
  ``#/components/schemas/...`` reference resolves offline), plus what the description says in
  words: tool and ``json_schema`` names are ``[A-Za-z0-9_-]{1,64}``; and where ``strict: true`` is
  sent, OpenAI's structured-output rules: every object closes ``additionalProperties`` and
  requires every property.
* ``chat_response_problems(body)``: ``CreateChatCompletionResponse``.
* ``batch_input_problems(line)`` / ``batch_output_problems(line)``: the Batch API's per-line
  format (not in the description; its fields are listed in ../shared/specs/README.md), with each
  ``body`` checked as a chat request / response.

The description is OpenAPI 3.1 but still marks optional values ``nullable: true`` (an OpenAPI 3.0
keyword that JSON Schema ignores): ``null`` is added to such a schema's type before validating.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_NAME = "openai-openapi.json"
#: Overrides the search (a folder holding ``openai-openapi.json``).
SPECS_VARIABLE = "EXTRACTOR_SPECS_DIR"
_ROOT = Path(__file__).resolve().parent.parent
_URI = "urn:openai-openapi"
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def spec_candidates() -> list[Path]:
    """Where the description is looked for: $EXTRACTOR_SPECS_DIR, else ``shared/specs`` beside the
    clone or beside any folder above it (a git worktree lives deeper than its main clone), then the
    same beside the checkout this one was cloned from when that is a local folder (``git clone .
    $(mktemp -d)/x`` puts a fresh clone far from ``shared/``)."""
    override = os.environ.get(SPECS_VARIABLE)
    if override:
        return [Path(override) / SPEC_NAME]
    roots = [_ROOT, *_local_origin()]
    return [parent / "shared" / "specs" / SPEC_NAME for root in roots for parent in root.parents]


def _local_origin() -> list[Path]:
    """The folder of the ``origin`` remote when it is a local checkout; none otherwise."""
    try:
        found = subprocess.run(
            ["git", "-C", str(_ROOT), "config", "--get", "remote.origin.url"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return []
    url = found.removeprefix("file://")
    path = Path(url) if url.startswith("/") else None
    return [path.resolve()] if path is not None and path.is_dir() else []


def spec_path() -> Path:
    """The description's path; fails the test (never skips) when it cannot be found."""
    candidates = spec_candidates()
    for path in candidates:
        if path.is_file():
            return path
    pytest.fail(
        f"OpenAI's API description {SPEC_NAME} was not found; looked in: "
        + ", ".join(str(p) for p in candidates)
        + ". The conformance tests need ../shared/specs/ beside the clone (see its README.md), "
        f"or {SPECS_VARIABLE} naming the folder that holds it.",
        pytrace=False,
    )


def _nullable(node: Any) -> Any:
    """A copy of ``node`` where every ``nullable: true`` schema also admits ``null``."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _nullable(value) for key, value in node.items()}
    if out.pop("nullable", False) is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            out["type"] = [*kind, "null"]
        elif kind is None:
            out = {"anyOf": [out, {"type": "null"}]}
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


@functools.lru_cache(maxsize=1)
def _spec(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return _nullable(document)  # type: ignore[no-any-return]


def spec() -> dict[str, Any]:
    """The description (``nullable`` translated)."""
    return _spec(spec_path())


@functools.lru_cache(maxsize=8)
def _validator(path: Path, name: str) -> Draft202012Validator:
    document = _spec(path)
    if name not in document["components"]["schemas"]:
        pytest.fail(f"{path}: components.schemas has no {name}", pytrace=False)
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_URI, resource)
    return Draft202012Validator({"$ref": f"{_URI}#/components/schemas/{name}"}, registry=registry)


def problems_against(name: str, instance: Any) -> list[str]:
    """Where ``instance`` breaks ``components.schemas[name]`` (empty: it validates)."""
    validator = _validator(spec_path(), name)
    found = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(body)"
        detail = error.message if not error.context else "; ".join(e.message for e in error.context[:4])
        found.append(f"{name} at {where}: {detail[:400]}")
    return found


# ------------------------------------------------------------------ what the description says in words
def _objects(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object schema inside ``schema``, with its path."""
    if isinstance(schema, list):
        for n, item in enumerate(schema):
            yield from _objects(item, f"{where}/{n}")
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "object" or "properties" in schema:
        yield where, schema
    for key, value in schema.items():
        if key in ("properties", "$defs", "definitions"):
            for name, sub in value.items():
                yield from _objects(sub, f"{where}/{key}/{name}")
        elif key in ("items", "anyOf", "oneOf", "allOf", "additionalProperties", "not"):
            yield from _objects(value, f"{where}/{key}")


def strict_problems(schema: dict[str, Any], where: str) -> list[str]:
    """OpenAI's strict structured-output rules for ``schema`` (sent with ``strict: true``)."""
    found = []
    for path, node in _objects(schema, where):
        if node.get("additionalProperties") is not False:
            found.append(f"{path}: strict schemas need additionalProperties: false")
        missing = sorted(set(node.get("properties", {})) - set(node.get("required", [])))
        if missing:
            found.append(f"{path}: strict schemas require every property; not required: {missing}")
    return found


def _structured_parts(body: dict[str, Any]) -> Iterator[tuple[str, str | None, Any, Any]]:
    """(where, name, schema, strict) of each tool and of a ``json_schema`` response format."""
    for n, tool in enumerate(body.get("tools") or []):
        function = tool.get("function") or {}
        yield f"tools/{n}/function", function.get("name"), function.get("parameters"), function.get("strict")
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        spec_ = response_format.get("json_schema") or {}
        yield "response_format/json_schema", spec_.get("name"), spec_.get("schema"), spec_.get("strict")


def chat_request_problems(body: dict[str, Any]) -> list[str]:
    """Where a chat request body breaks OpenAI's description (empty: it conforms)."""
    found = problems_against("CreateChatCompletionRequest", body)
    for where, name, schema, strict in _structured_parts(body):
        if not (isinstance(name, str) and _NAME.match(name)):
            found.append(f"{where}/name: {name!r} is not 1-64 of a-z, A-Z, 0-9, '_' or '-'")
        if strict is True and isinstance(schema, dict):
            found.extend(strict_problems(schema, where))
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        named = choice["function"].get("name")
        offered = [t.get("function", {}).get("name") for t in body.get("tools") or []]
        if named not in offered:
            found.append(f"tool_choice names {named!r}, which is not among the tools {offered}")
    return found


def chat_response_problems(body: dict[str, Any]) -> list[str]:
    """Where a chat completion breaks OpenAI's description (empty: it conforms)."""
    return problems_against("CreateChatCompletionResponse", body)


# ------------------------------------------------------------------ Batch API lines
BATCH_INPUT_FIELDS = frozenset({"custom_id", "method", "url", "body"})
BATCH_OUTPUT_FIELDS = frozenset({"id", "custom_id", "response", "error"})


def batch_input_problems(line: dict[str, Any]) -> list[str]:
    """A request-file line: exactly custom_id, method POST, url /v1/chat/completions, a chat body."""
    found = []
    if set(line) != BATCH_INPUT_FIELDS:
        found.append(f"fields {sorted(line)}, expected {sorted(BATCH_INPUT_FIELDS)}")
    if not isinstance(line.get("custom_id"), str) or not line.get("custom_id"):
        found.append("custom_id is not a non-empty string")
    if line.get("method") != "POST" or line.get("url") != "/v1/chat/completions":
        found.append(f"method {line.get('method')!r} url {line.get('url')!r}: POST /v1/chat/completions")
    body = line.get("body")
    found.extend(chat_request_problems(body) if isinstance(body, dict) else ["body is not an object"])
    return found


def batch_output_problems(line: dict[str, Any]) -> list[str]:
    """An output-file line: id, custom_id, response {status_code, request_id, body} | null,
    error {code, message} | null; a 200 response's body a chat completion."""
    found = []
    if set(line) != BATCH_OUTPUT_FIELDS:
        found.append(f"fields {sorted(line)}, expected {sorted(BATCH_OUTPUT_FIELDS)}")
    response, error = line.get("response"), line.get("error")
    if response is not None:
        if set(response) != {"status_code", "request_id", "body"}:
            found.append(f"response fields {sorted(response)}")
        if response.get("status_code") == 200:
            found.extend(chat_response_problems(response.get("body")))
    if error is not None and (set(error) != {"code", "message"}):
        found.append(f"error fields {sorted(error)}")
    if response is None and error is None:
        found.append("neither a response nor an error")
    return found


def mutated(body: dict[str, Any], path: list[str | int], value: Any) -> dict[str, Any]:
    """A copy of ``body`` with the value at ``path`` replaced (for tests of the checks themselves)."""
    out = copy.deepcopy(body)
    node: Any = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out
