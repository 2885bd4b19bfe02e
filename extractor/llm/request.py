"""What instructor receives for one call, per structured-output mechanism of an endpoint profile.

The response model wrapped once (named as a tool must be, for tool calls), the instructor mode,
the extra body fields, and the messages verbatim.
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Mapping
from typing import Any, assert_never, cast

import instructor
from pydantic import BaseModel

from ..endpoints import StructuredOutput

__all__ = ["extra_body", "instructor_kwargs", "instructor_mode", "instructor_model", "tool_name"]

#: What OpenAI accepts as a function (tool) name or a ``json_schema`` name (its API description).
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def instructor_mode(output: StructuredOutput) -> instructor.Mode:
    """The instructor mode that requests ``output``."""
    match output:
        case StructuredOutput.TOOLS:
            return instructor.Mode.TOOLS
        case StructuredOutput.JSON_SCHEMA:
            return instructor.Mode.JSON_SCHEMA
        case StructuredOutput.JSON_OBJECT_SCHEMA:
            return instructor.Mode.JSON
        case _:
            assert_never(output)


def extra_body(output: StructuredOutput, response_model: type[BaseModel]) -> dict[str, Any] | None:
    """Body fields the openai SDK does not know, sent as they are (``extra_body``), or ``None``."""
    match output:
        case StructuredOutput.TOOLS | StructuredOutput.JSON_SCHEMA:
            return None
        case StructuredOutput.JSON_OBJECT_SCHEMA:
            return {"response_format": {"type": "json_object", "schema": response_model.model_json_schema()}}
        case _:
            assert_never(output)


def tool_name(response_model: type[BaseModel]) -> str:
    """The function name a tool call for ``response_model`` goes by: its schema title, as OpenAI
    accepts names (letters, digits, ``_`` and ``-``, at most 64), else its class name so cleaned."""
    title = response_model.model_json_schema().get("title")
    if isinstance(title, str) and _NAME.match(title):
        return title
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", str(title or response_model.__name__)).strip("_")[:64]
    return cleaned or "response"


def _titled(response_model: type[BaseModel]) -> type[BaseModel]:
    """``response_model`` whose JSON Schema carries ``title``, the tool's name.

    instructor names the tool after the schema's ``title`` (and leaves the title out of the
    tool's ``parameters``); a model may drop it from its schema (the adjudication model does, to
    keep the schema it sends short). A model whose title is already a valid name is used as is.
    """
    name = tool_name(response_model)
    if response_model.model_json_schema().get("title") == name:
        return response_model

    def model_json_schema(cls: type[BaseModel], *args: Any, **kwargs: Any) -> dict[str, Any]:
        parent: Any = super(titled, cls)  # response_model's own (cached) schema
        return {**parent.model_json_schema(*args, **kwargs), "title": name}

    def body(namespace: dict[str, Any]) -> None:
        namespace.update(
            __doc__=response_model.__doc__,
            __module__=response_model.__module__,
            __qualname__=response_model.__qualname__,
            model_json_schema=classmethod(model_json_schema),
        )

    titled = cast(
        type[BaseModel], types.new_class(response_model.__name__, (response_model,), exec_body=body)
    )
    return titled


@functools.lru_cache(maxsize=64)
def instructor_model(response_model: type[BaseModel], output: StructuredOutput) -> type[BaseModel]:
    """``response_model`` wrapped the way instructor wraps it, once per class and mechanism.

    Given a plain model, instructor builds a new subclass on every call, so nothing about it
    (its JSON Schema above all) can be reused between the calls; given one already wrapped, it
    uses it as it is. For tool calls the model is first given a schema title (``_titled``). The
    cache is bounded: per-article models (sentence and candidate choices) are used by one call
    and then let go.
    """
    model = _titled(response_model) if output is StructuredOutput.TOOLS else response_model
    return cast(type[BaseModel], instructor.openai_schema(model))


def _verbatim(
    messages: list[dict[str, str]], context: Mapping[str, Any]
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """Messages and context that make instructor send every message exactly as written.

    Given a validation context, instructor renders each message's content as a Jinja template
    with that context: an article with ``{{ ... }}`` in it would have it evaluated, one with
    ``{%`` would fail, and a final newline would be dropped. Each content is therefore moved into
    the context and the message holds only a placeholder that renders to it, character for
    character (instructor's environment does not autoescape); the validators still see the
    context's own keys.
    """
    sent: list[dict[str, str]] = []
    values = dict(context)
    for i, message in enumerate(messages):
        name = f"extractor_message_{i}"
        values[name] = message["content"]
        sent.append({**message, "content": "{{ " + name + " }}"})
    return sent, values


def instructor_kwargs(params: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments for instructor: ``params`` with its messages sent verbatim."""
    messages, values = _verbatim(params["messages"], context)
    return {**params, "messages": messages, "context": values}
