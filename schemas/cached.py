"""A pydantic base whose JSON Schema is generated once per class and then handed out as a copy.

Response models are asked for their JSON Schema several times per LLM call (the request's
``response_format``, the cache key, and instructor's own request preparation); generating it
walks the whole model each time. The schema of a class never changes once the class exists, so
it is cached per class (weakly: the per-article response models built with ``create_model`` are
freed with their class) and per set of arguments. Each caller gets its own deep copy, so a caller
that edits the dict cannot change what the next one sees.
"""

from __future__ import annotations

import json
import weakref
from typing import Any

from pydantic import BaseModel

__all__ = ["CachedSchemaModel"]

_SCHEMAS: weakref.WeakKeyDictionary[type[BaseModel], dict[str, str]] = weakref.WeakKeyDictionary()


class CachedSchemaModel(BaseModel):
    """``BaseModel`` with ``model_json_schema`` computed once per class and arguments."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        key = repr((args, sorted(kwargs.items())))
        per_class = _SCHEMAS.setdefault(cls, {})
        cached = per_class.get(key)
        if cached is None:
            cached = per_class[key] = json.dumps(super().model_json_schema(*args, **kwargs))
        loaded: dict[str, Any] = json.loads(cached)
        return loaded
