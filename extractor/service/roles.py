"""Who is calling, and what they may change.

Keys are configured as ``NAME:ROLE:KEY`` (``EXTRACTOR_API_KEYS``). Every key may read (GET);
only ``reviewer`` and ``admin`` keys write: submit jobs, extract, correct records; cancelling a
job (``DELETE``) is an admin's. One rule for every route: a write by a key whose role is too
low is answered 403 before the route runs (``check_role``, a dependency of every router).

Named keys form one team: they see the same jobs, results, corpus and reviews (an analyst
reviews what a feed submitted). A bare ``KEY`` (no name, no role) is an admin that sees only
its own jobs, as before roles existed; without keys the service is open and every caller is
the anonymous admin.
"""

from __future__ import annotations

import dataclasses
from typing import Final

from fastapi import Request

from extractor import Settings

from .problems import ProblemError

__all__ = ["ANONYMOUS", "RANK", "TEAM_SCOPE", "Caller", "check_role", "identify", "role_needed"]

TEAM_SCOPE: Final = "team"
RANK: Final = {"reader": 0, "reviewer": 1, "admin": 2}
_SAFE: Final = frozenset({"GET", "HEAD", "OPTIONS"})
#: Writes that need more than a reviewer: (method, route template).
_ADMIN_WRITES: Final = frozenset({("DELETE", "/v1/jobs/{job_id}")})


@dataclasses.dataclass(frozen=True)
class Caller:
    scope: str  #: whose jobs the caller sees (stored as the jobs' key_hash)
    name: str  #: who, in the corrections' audit trail
    role: str


ANONYMOUS: Final = Caller(scope="", name="anonymous", role="admin")


def identify(settings: Settings, digest: str) -> Caller:
    """The caller behind a key hash ("" when the service has no keys)."""
    if not digest:
        return ANONYMOUS
    found = settings.service.api_keys.identity(digest)
    if found is None:
        return Caller(scope=digest, name=f"key-{digest[:8]}", role="admin")
    return Caller(scope=TEAM_SCOPE, name=found.name, role=found.role)


def role_needed(method: str, route: str) -> str:
    """The lowest role that may make this request."""
    if method.upper() in _SAFE:
        return "reader"
    return "admin" if (method.upper(), route) in _ADMIN_WRITES else "reviewer"


def check_role(request: Request, caller: Caller) -> None:
    """403 (problem+json) when the caller's role is below what the request needs."""
    route = getattr(request.scope.get("route"), "path", request.url.path)
    needed = role_needed(request.method, route)
    if RANK[caller.role] < RANK[needed]:
        raise ProblemError(
            403,
            "forbidden",
            f"the key {caller.name!r} has the role {caller.role}; {request.method} {route} needs {needed}",
        )
