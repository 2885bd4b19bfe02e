"""What one running app holds: settings, the store, the shared extraction session, workers, metrics."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from extractor import Extractor, Settings

from .corpora import Corpora
from .metrics import Metrics
from .security import Guard
from .store import Store
from .worker import Workers

__all__ = ["Key", "Service", "Svc", "caller", "service"]


@dataclasses.dataclass
class Service:
    settings: Settings
    store: Store
    session: Extractor
    metrics: Metrics
    guard: Guard
    workers: Workers
    corpora: Corpora
    poll_s: float = 0.2


def service(request: Request) -> Service:
    """The FastAPI dependency for the app's ``Service``."""
    found: Service = request.app.state.service
    return found


async def caller(request: Request) -> AsyncIterator[str]:
    """The caller's key hash ("" without keys), after the auth and rate checks."""
    async for key in service(request).guard(request):
        yield key


Key = Annotated[str, Depends(caller)]
Svc = Annotated[Service, Depends(service)]
