"""``Settings``: one frozen object composed of the frozen settings of each concern."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any

from .concerns import BatchSettings, CacheSettings, ExtractionSettings, LLMSettings, ServiceSettings
from .variables import read

_CONCERNS: dict[str, type[Any]] = {
    "llm": LLMSettings,
    "extraction": ExtractionSettings,
    "cache": CacheSettings,
    "batch": BatchSettings,
    "service": ServiceSettings,
}
#: Every field keyword -> its concern; keywords are unique across concerns, so ``Settings(model=...)``
#: and ``settings.replace(workers=...)`` say which concern they change.
FIELD_CONCERN: dict[str, str] = {
    field.name: concern for concern, kind in _CONCERNS.items() for field in dataclasses.fields(kind)
}
assert len(FIELD_CONCERN) == sum(len(dataclasses.fields(kind)) for kind in _CONCERNS.values())


@dataclasses.dataclass(frozen=True, init=False)
class Settings:
    """Everything configurable, one frozen object per concern. Immutable: derive variants with
    ``settings.replace(...)``.

    Built from concern objects (``Settings(llm=LLMSettings(model="m"))``) or from field keywords
    (``Settings(model="m", workers=2)``), which go to their concern; read by concern
    (``settings.llm.model``, ``settings.service.workers``).
    """

    llm: LLMSettings
    extraction: ExtractionSettings
    cache: CacheSettings
    batch: BatchSettings
    service: ServiceSettings

    def __init__(
        self,
        *,
        llm: LLMSettings | None = None,
        extraction: ExtractionSettings | None = None,
        cache: CacheSettings | None = None,
        batch: BatchSettings | None = None,
        service: ServiceSettings | None = None,
        **fields: Any,
    ) -> None:
        given: dict[str, Any] = {
            "llm": llm,
            "extraction": extraction,
            "cache": cache,
            "batch": batch,
            "service": service,
        }
        changes: dict[str, dict[str, Any]] = {concern: {} for concern in _CONCERNS}
        for name, value in fields.items():
            if name not in FIELD_CONCERN:
                raise TypeError(f"Settings has no field {name!r}")
            changes[FIELD_CONCERN[name]][name] = value
        for concern, kind in _CONCERNS.items():
            part = given[concern]
            if part is None:
                part = kind(**changes[concern])
            elif changes[concern]:
                part = dataclasses.replace(part, **changes[concern])
            object.__setattr__(self, concern, part)

    @property
    def resolved_adjudicate(self) -> bool:
        """Whether the candidates strategy asks the LLM: as set, else only with a configured endpoint."""
        adjudicate = self.extraction.adjudicate
        return adjudicate if adjudicate is not None else not self.llm.uses_local_model

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (field keywords or concern objects); ``None`` values are ignored."""
        parts: dict[str, Any] = {concern: getattr(self, concern) for concern in _CONCERNS}
        fields: dict[str, Any] = {}
        for name, value in changes.items():
            if value is not None:
                (parts if name in _CONCERNS else fields)[name] = value
        return type(self)(**parts, **fields)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read ``EXTRACTOR_*`` (and ``OPENAI_API_KEY``) through the table of variables
        (``extractor.settings.variables``); non-None ``overrides`` (field keywords) win."""
        values = read(os.environ if environ is None else environ)
        values.update({name: value for name, value in overrides.items() if value is not None})
        return cls(**values)
