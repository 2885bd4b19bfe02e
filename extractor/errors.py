"""The one error tree of ``extractor``. Every error the library raises on purpose is here::

    ExtractorError                      root: catch this to catch everything below
    ├── ConfigurationError              settings that cannot work (names the variable to set)
    │   └── PluginError                 a plug-in (entry point) that cannot be loaded, is not what its
    │                                   group needs, or claims a name another claims (names both)
    ├── InputError                      an article that cannot be processed; no LLM call was made
    ├── PromptError                     unknown prompt id/version, invalid prompt file, render failure
    ├── LocalModelError                 the embedded llama.cpp server cannot be started or reached
    ├── RecordingMissingError           replay found no recorded answer (raised by evals.recording)
    ├── BatchError                      a batch file or manifest that cannot be used (names file and line)
    └── LLMError                        the LLM call failed
        ├── EndpointUnreachableError    refused/reset after all transport retries (names the address)
        ├── LLMTimeoutError             the endpoint did not answer in time, after all transport retries
        ├── LLMStatusError              an HTTP error status from the endpoint
        │   ├── RateLimitedError        429 after all transport retries
        │   ├── ServerError             5xx after all transport retries
        │   └── RequestRejectedError    400/404/422...: not retried, the request itself is wrong
        │       └── AuthenticationError 401/403: not retried; names OPENAI_API_KEY
        └── LLMOutputError              the answer could not be parsed or validated after all re-asks
            └── TruncatedOutputError    the answer hit the token limit (finish_reason=length)

Messages say what to do next and never contain secrets.
"""

from __future__ import annotations

from .redact import redact

__all__ = [
    "AuthenticationError",
    "BatchError",
    "ConfigurationError",
    "EndpointUnreachableError",
    "ExtractorError",
    "InputError",
    "LLMError",
    "LLMOutputError",
    "LLMStatusError",
    "LLMTimeoutError",
    "LocalModelError",
    "PluginError",
    "PromptError",
    "RateLimitedError",
    "RecordingMissingError",
    "RequestRejectedError",
    "ServerError",
    "TruncatedOutputError",
]


class ExtractorError(Exception):
    """Root of every error raised by ``extractor``.

    Its message goes through ``extractor.redact.redact``: a key echoed back by a server (or a URL
    with credentials) never reaches ``str(error)``.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(redact(a) if isinstance(a, str) else a for a in args))


class ConfigurationError(ExtractorError):
    """Settings that cannot work."""


class PluginError(ConfigurationError):
    """A plug-in (an entry point of ``extractor.plugins``' groups) that cannot be used: it fails to
    import, does not provide what its group needs, or claims a name another plug-in claims. The
    message names the plug-in and its distribution."""


class InputError(ExtractorError):
    """An article that cannot be processed (empty, binary, not UTF-8, too large)."""


class BatchError(ExtractorError):
    """A batch request, output or manifest file that cannot be used (another prompt, a bad line)."""


class PromptError(ExtractorError):
    """A prompt that cannot be found, loaded or rendered."""


class LocalModelError(ExtractorError):
    """The embedded llama.cpp server cannot be started or did not become healthy."""


class RecordingMissingError(ExtractorError):
    """Replay found no recorded response for a request (the prompt, schema or model changed)."""


class LLMError(ExtractorError):
    """The LLM call failed. ``attempts`` counts HTTP requests made for the failing call."""

    def __init__(self, message: str, *, attempts: int = 0) -> None:
        super().__init__(message)
        self.attempts = attempts


class EndpointUnreachableError(LLMError):
    """No connection could be made to the endpoint."""


class LLMTimeoutError(LLMError):
    """The endpoint did not answer in time."""


class LLMStatusError(LLMError):
    """The endpoint answered with an HTTP error status."""

    def __init__(self, message: str, *, status_code: int, attempts: int = 0) -> None:
        super().__init__(message, attempts=attempts)
        self.status_code = status_code


class RateLimitedError(LLMStatusError):
    """429 Too Many Requests, still after all transport retries."""


class ServerError(LLMStatusError):
    """5xx, still after all transport retries."""


class RequestRejectedError(LLMStatusError):
    """A 4xx other than 429: the request itself is wrong, so it is not retried."""


class AuthenticationError(RequestRejectedError):
    """401 or 403: the key is missing, wrong or not allowed."""


class LLMOutputError(LLMError):
    """The LLM's answer could not be parsed or validated, after all re-asks."""


class TruncatedOutputError(LLMOutputError):
    """The answer was cut off by the token limit (``finish_reason=length``)."""
