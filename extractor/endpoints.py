"""Endpoint kinds as data: one frozen profile per kind of OpenAI-style endpoint.

``PROFILES`` maps a kind's name (``EXTRACTOR_ENDPOINT_KIND``) to its ``EndpointProfile``: how
structured output is requested, whether ``seed`` is sent, whether the server computes one request
at a time, whether a real API key is required, which hosts identify it and its default model.
``Settings`` (the kind of a URL, key rules, default model), the LLM client (instructor mode, extra
body, seed, single-slot waits) and, through the client, the batch files read this table; nothing
else branches on a kind's name. The mechanisms a profile can name (``StructuredOutput``) are code,
closed and checked exhaustively by mypy; the kinds are data.

``PROFILES`` is the registry of the ``extractor.endpoints`` entry points (``extractor.plugins``):
the three kinds below register there from this package's ``pyproject.toml``, and another package
adds a kind with one entry point naming an ``EndpointProfile``.
"""

from __future__ import annotations

import dataclasses
import enum
from urllib.parse import urlsplit

from .errors import ConfigurationError, PluginError
from .plugins import Registry, name_problem

__all__ = [
    "EMBEDDED_KIND",
    "FALLBACK_KIND",
    "LLAMA_CPP_PYTHON",
    "OPENAI",
    "OPENAI_COMPATIBLE",
    "PROFILES",
    "EndpointProfile",
    "StructuredOutput",
    "kind_for_url",
    "profile_for",
]


class StructuredOutput(enum.Enum):
    """How a request asks for an answer shaped by the response model's JSON Schema."""

    #: A forced function call: the schema is the tool's ``parameters``, the answer its arguments.
    TOOLS = "tools"
    #: ``response_format: {"type": "json_schema", "json_schema": {"name", "schema"}}``.
    JSON_SCHEMA = "json_schema"
    #: JSON mode with the schema in ``response_format: {"type": "json_object", "schema": ...}``
    #: (an extra body field), which llama-cpp-python's server turns into a grammar; it does not
    #: accept the ``json_schema`` type.
    JSON_OBJECT_SCHEMA = "json_object_schema"


@dataclasses.dataclass(frozen=True, kw_only=True)
class EndpointProfile:
    """What the client does differently for one kind of endpoint."""

    name: str
    structured_output: StructuredOutput
    #: Send ``seed`` (OpenAI has deprecated it; it is not sent there).
    sends_seed: bool
    #: The server computes one request at a time and finishes one its client gave up on: a timed
    #: out request is resent only once ``GET /models`` answers again.
    single_slot: bool
    #: A real key is required (``OPENAI_API_KEY``); other kinds get a placeholder when none is set.
    requires_api_key: bool
    #: Base URLs on these hosts are of this kind unless ``EXTRACTOR_ENDPOINT_KIND`` says otherwise.
    hosts: frozenset[str] = frozenset()
    #: The model asked for when ``EXTRACTOR_MODEL`` is not set (``None``: it must be set).
    default_model: str | None = None


OPENAI = EndpointProfile(
    name="openai",
    structured_output=StructuredOutput.TOOLS,
    sends_seed=False,
    single_slot=False,
    requires_api_key=True,
    hosts=frozenset({"api.openai.com"}),
    default_model="gpt-4o-mini",
)
OPENAI_COMPATIBLE = EndpointProfile(
    name="openai-compatible",
    structured_output=StructuredOutput.JSON_SCHEMA,
    sends_seed=True,
    single_slot=False,
    requires_api_key=False,
)
LLAMA_CPP_PYTHON = EndpointProfile(
    name="llama-cpp-python",
    structured_output=StructuredOutput.JSON_OBJECT_SCHEMA,
    sends_seed=True,
    single_slot=True,
    requires_api_key=False,
)


def _check(name: str, obj: object) -> str | None:
    if not isinstance(obj, EndpointProfile):
        return f"is a {type(obj).__name__}, not an EndpointProfile (extractor.endpoints)"
    return name_problem(name, obj)


#: The endpoint kinds, by name.
PROFILES: Registry[EndpointProfile] = Registry("extractor.endpoints", "endpoint kind", _check)

#: The kind of the embedded server (no ``EXTRACTOR_BASE_URL``).
EMBEDDED_KIND = "llama-cpp-python"
#: The kind of a URL on no profile's hosts.
FALLBACK_KIND = "openai-compatible"


def profile_for(kind: str) -> EndpointProfile:
    """The profile named ``kind``; a ``ConfigurationError`` naming the value and the known kinds."""
    try:
        return PROFILES[kind]
    except KeyError:
        known = PROFILES.known()
        raise ConfigurationError(f"EXTRACTOR_ENDPOINT_KIND={kind!r} is not one of {known}") from None


def kind_for_url(base_url: str | None) -> str:
    """The kind of ``base_url``: the embedded server's for none, else by host, else the fallback.

    A host two kinds claim is a ``PluginError`` naming both: the URL alone cannot tell them apart.
    """
    if base_url is None:
        return EMBEDDED_KIND
    host = (urlsplit(base_url).hostname or "").lower()
    claims = [name for name, profile in PROFILES.items() if host in profile.hosts]
    if len(claims) > 1:
        raise PluginError(
            f"the endpoint kinds {' and '.join(claims)} both claim the host {host}: "
            "set EXTRACTOR_ENDPOINT_KIND, or uninstall one"
        )
    return claims[0] if claims else FALLBACK_KIND
