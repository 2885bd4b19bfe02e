"""What one running app holds: settings, the store, the shared extraction session, workers, metrics."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from extractor import Extractor, Settings

from .corpora import Corpora
from .metrics import Metrics
from .roles import Caller, check_role, identify
from .security import Guard
from .store import Store
from .worker import Workers

__all__ = ["Key", "Service", "Svc", "Who", "caller", "identity", "service"]


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


async def identity(request: Request) -> AsyncIterator[Caller]:
    """Who is calling (scope, name, role), after the auth and rate checks; every write's role is checked."""
    svc = service(request)
    async for key in svc.guard(request):
        who = identify(svc.settings, key)
        check_role(request, who)
        yield who


async def caller(who: Annotated[Caller, Depends(identity)]) -> str:
    """The caller's scope: whose jobs it sees ("" without keys)."""
    return who.scope


Key = Annotated[str, Depends(caller)]
Who = Annotated[Caller, Depends(identity)]
Svc = Annotated[Service, Depends(service)]
