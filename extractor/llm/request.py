"""What instructor receives for one call: the response model wrapped once, the messages verbatim."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, cast

import instructor
from pydantic import BaseModel

__all__ = ["instructor_kwargs", "instructor_model"]


@functools.lru_cache(maxsize=64)
def instructor_model(response_model: type[BaseModel]) -> type[BaseModel]:
    """``response_model`` wrapped the way instructor wraps it, once per class.

    Given a plain model, instructor builds a new subclass on every call, so nothing about it
    (its JSON Schema above all) can be reused between the calls; given one already wrapped, it
    uses it as it is. The cache is bounded: per-article models (sentence and candidate choices)
    are used by one call and then let go.
    """
    return cast(type[BaseModel], instructor.openai_schema(response_model))


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
