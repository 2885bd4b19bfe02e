"""One article event as the merge sees it: its type family, day interval, countries, places and actors.

``MentionView`` derives once (on first use) what ``features`` compares and ``blocking`` indexes.
Places are read through one typed accessor, ``place_of``: a location's place span, and its
resolution to GeoNames when the record has one (``Location.resolution``: coordinates, admin1,
country and ACLED geo precision, from ``extractor.geo``). The merge compares resolved places by distance and
first-level unit and falls back to the place names when either side is unresolved; a record
without resolutions is compared by names alone, as before.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, Generic, TypeVar, overload

from extractor.derive import acled_categories, date_interval, name_key
from schemas.events_v3 import Event, Location

__all__ = [
    "EARTH_RADIUS_KM",
    "TYPE_FAMILIES",
    "MentionView",
    "PlaceView",
    "distance_km",
    "place_of",
]

#: ACLED event type -> type family. Articles often code one real event under different ACLED event
#: types of one family (an IED that killed soldiers: Explosions/Remote violence, Battles or Violence
#: against civilians; a protest that turned violent: Protests or Riots); across families they are
#: different events.
TYPE_FAMILIES: Final[dict[str, str]] = {
    "Battles": "armed violence",
    "Explosions/Remote violence": "armed violence",
    "Violence against civilians": "armed violence",
    "Protests": "demonstrations",
    "Riots": "demonstrations",
    "Strategic developments": "strategic developments",
}

EARTH_RADIUS_KM: Final = 6371.0088

_T = TypeVar("_T")
#: ``name_key`` of names seen before: a large corpus names the same actors and places again and again
_name_key = lru_cache(maxsize=1 << 16)(name_key)


class cached_property(Generic[_T]):  # noqa: N801 - used as functools.cached_property is
    """``functools.cached_property`` without the lock Python 3.11's takes on each first read (a
    measurable share of a large merge, which reads several of each of 100,000s of mentions)."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> cached_property[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type[Any] | None = None) -> _T: ...
    def __get__(self, instance: object | None, owner: type[Any] | None = None) -> _T | cached_property[_T]:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)  # read from there from now on
        return value


@dataclass(frozen=True)
class PlaceView:
    """A place of a mention: its words, their comparison key and, when resolved, where it is."""

    name: str
    key: str
    point: tuple[float, float] | None = None  # (latitude, longitude) of a place-level resolution
    admin: tuple[str, str] | None = None  # (country ISO alpha-3, admin1) of the resolution

    @property
    def resolved(self) -> bool:
        return self.point is not None or self.admin is not None


def place_of(location: Location) -> PlaceView | None:
    """The place of ``location`` (None without a place span). Coordinates count only for a place
    resolved at geo precision 1 or 2 (a town or a part of one, a district), not for a province or
    country (the middle of its places); the first-level unit counts whenever the resolution names
    it with its country."""
    if location.place is None:
        return None
    name = location.place.quote
    found = location.resolution  # extractor.geo, with the whole article as context
    point: tuple[float, float] | None = None
    admin: tuple[str, str] | None = None
    if found is not None:
        if found.latitude is not None and found.longitude is not None and found.geo_precision in (1, 2):
            point = (found.latitude, found.longitude)
        if found.country_code and found.admin1:
            admin = (found.country_code, found.admin1)
    return PlaceView(name=name, key=_name_key(name), point=point, admin=admin)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class MentionView:
    """What the merge compares of one article event (derived forms computed once, on first use)."""

    article_id: str
    event_index: int
    event: Event

    @cached_property
    def key(self) -> tuple[str, int]:
        return self.article_id, self.event_index

    @cached_property
    def countries(self) -> frozenset[str]:
        return frozenset(loc.country_code for loc in self.event.locations if loc.country_code)

    @cached_property
    def place_views(self) -> tuple[PlaceView, ...]:
        return tuple(p for loc in self.event.locations if (p := place_of(loc)) is not None)

    @property
    def places(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.place_views)

    @cached_property
    def acled_type(self) -> str:
        return acled_categories(self.event.event_type)[0]

    @cached_property
    def family(self) -> str:
        return TYPE_FAMILIES[self.acled_type]

    @cached_property
    def interval(self) -> tuple[int, int] | None:
        """The date's first and last day as ordinals; None when undated."""
        found = date_interval(self.event.date.value)
        return None if found is None else (found[0].toordinal(), found[1].toordinal())

    def actor(self, role: int) -> str | None:
        span = self.event.actor1 if role == 1 else self.event.actor2
        return None if span is None else span.quote

    @cached_property
    def actor_keys(self) -> tuple[str | None, str | None]:
        """``name_key`` of actor1 and actor2 (None when not named)."""
        one, two = self.actor(1), self.actor(2)
        return (None if one is None else _name_key(one), None if two is None else _name_key(two))

    def actor_key(self, role: int) -> str | None:
        return self.actor_keys[role - 1]

    @cached_property
    def name_keys(self) -> tuple[str, ...]:
        """Every non-empty name key of its actors and places (what a name match can be found on)."""
        keys = [k for k in self.actor_keys if k] + [p.key for p in self.place_views if p.key]
        return tuple(dict.fromkeys(keys))

    @cached_property
    def signature(self) -> tuple[object, ...]:
        """Everything ``features.score`` and the blocks other than "same article" read of this
        mention: two mentions of one signature are blocked from, and score with, any third alike."""
        return (
            self.event.event_type,
            self.event.date.value,
            self.countries,
            tuple((p.key, p.point, p.admin) for p in self.place_views),
            self.actor_keys,
        )
