"""The service's API keys: how they are written in ``EXTRACTOR_API_KEYS``, hashed, kept and matched.

Only a key's sha256 is ever kept. An entry is ``NAME:ROLE:KEY`` (a named key with a role) or a bare
``KEY`` (an admin that sees only its own jobs).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re

from ..errors import ConfigurationError

ROLES: tuple[str, ...] = ("reader", "reviewer", "admin")
_NAMED_KEY = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._@-]{0,99}):(?P<role>[a-z]+):(?P<key>.+)", re.DOTALL)


def hash_api_key(key: str) -> str:
    """The form in which a service API key is kept and compared: its sha256, hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True)
class ApiKey:
    """One configured key: its sha256, and its name and role ("" and "" for a bare key)."""

    digest: str
    name: str = ""
    role: str = ""


def parse_api_key(entry: str) -> ApiKey:
    """One ``EXTRACTOR_API_KEYS`` entry; name and role are "" for a bare key."""
    named = _NAMED_KEY.fullmatch(entry)
    if named is None:
        return ApiKey(hash_api_key(entry))
    if named["role"] not in ROLES:
        raise ConfigurationError(
            f"EXTRACTOR_API_KEYS: key {named['name']!r} has role {named['role']!r}, "
            f"not one of {', '.join(ROLES)}"
        )
    return ApiKey(hash_api_key(named["key"]), named["name"], named["role"])


@dataclasses.dataclass(frozen=True)
class ApiKeys:
    """The keys the service accepts; none = the service is open (loopback only)."""

    keys: tuple[ApiKey, ...] = ()

    def __post_init__(self) -> None:
        names = [key.name for key in self.keys if key.name]
        if len(set(names)) != len(names):
            raise ConfigurationError(
                "EXTRACTOR_API_KEYS: two keys have the same name; each name says who did what"
            )

    @classmethod
    def parse(cls, raw: str) -> ApiKeys:
        """Comma-separated entries, as ``EXTRACTOR_API_KEYS`` holds them."""
        return cls(tuple(parse_api_key(entry.strip()) for entry in raw.split(",") if entry.strip()))

    @classmethod
    def of(cls, *entries: str) -> ApiKeys:
        """The keys written as entries (``KEY`` or ``NAME:ROLE:KEY``)."""
        return cls(tuple(parse_api_key(entry) for entry in entries))

    @property
    def hashes(self) -> tuple[str, ...]:
        return tuple(key.digest for key in self.keys)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def __add__(self, other: ApiKeys) -> ApiKeys:
        return ApiKeys(self.keys + other.keys)

    def hash_for(self, presented: str) -> str | None:
        """The stored hash that ``presented`` matches (compared in constant time), or None."""
        digest = hash_api_key(presented)
        found = None
        for key in self.keys:  # every hash is compared: the time says nothing
            if hmac.compare_digest(digest, key.digest):
                found = key.digest
        return found

    def identity(self, digest: str) -> ApiKey | None:
        """The named key (``NAME:ROLE:KEY``) with this hash, or None (a bare key or none)."""
        for key in self.keys:
            if key.name and hmac.compare_digest(digest, key.digest):
                return key
        return None
