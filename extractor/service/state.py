"""What one running app holds: settings, the store, the shared extraction session, workers, metrics."""

from __future__ import annotations

import dataclasses

from fastapi import Request

from extractor import Extractor, Settings

from .metrics import Metrics
from .security import Guard
from .store import Store
from .worker import Workers

__all__ = ["Service", "service"]


@dataclasses.dataclass
class Service:
    settings: Settings
    store: Store
    session: Extractor
    metrics: Metrics
    guard: Guard
    workers: Workers
    poll_s: float = 0.2


def service(request: Request) -> Service:
    """The FastAPI dependency for the app's ``Service``."""
    found: Service = request.app.state.service
    return found
