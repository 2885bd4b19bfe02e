"""Geoparsing: toponym resolution and recognition, scored per corpus on files shaped like geo_dev.jsonl.

One JSON object per line: ``corpus``, ``id``, ``title``, ``text`` and ``toponyms`` (``start``,
``end``, ``phrase``, ``lat``, ``lon``; ``geonameid``, ``country`` where the corpus gives them).
Figures per corpus:

* given the gold spans (resolution only): ``exact_id`` (same GeoNames id, over toponyms with a gold
  id), ``country_acc`` (same country, over toponyms whose gold country is known), ``acc_161km``
  (within 161 km / 100 miles of the gold coordinates) and ``median_km``; an unresolved toponym
  counts as wrong, at 20,038 km (half the equator) for the median;
* end to end: ``recognition_p/r/f1`` (predicted spans equal to gold spans, exact offsets), and
  ``e2e_acc_161km``: the share of gold toponyms both recognised and resolved within 161 km.

The gold country is the country of the gold GeoNames id when the gazetteer has that id, else the
corpus's country name, else (GeoWebNews gives coordinates only for some) the country of the
gazetteer place nearest the gold coordinates; ``country_source`` counts each.

The file is read at run time; nothing of it is stored.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from extractor.geo import Resolution, haversine_km

__all__ = [
    "HALF_EQUATOR_KM",
    "CorpusScores",
    "GeoArticle",
    "GoldToponym",
    "read_geo_file",
    "score_corpus",
]

HALF_EQUATOR_KM: Final = 20038.0
WITHIN_KM: Final = 161.0


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    phrase: str
    lat: float
    lon: float
    geonameid: int | None = None
    country: str | None = None  # the corpus's country name, when it gives one


@dataclass(frozen=True)
class GeoArticle:
    corpus: str
    id: str
    title: str | None
    text: str
    toponyms: tuple[GoldToponym, ...]


def _toponym(row: dict[str, object], where: str) -> GoldToponym:
    try:
        gid = row.get("geonameid")
        return GoldToponym(
            start=int(row["start"]),  # type: ignore[call-overload]
            end=int(row["end"]),  # type: ignore[call-overload]
            phrase=str(row["phrase"]),
            lat=float(row["lat"]),  # type: ignore[arg-type]
            lon=float(row["lon"]),  # type: ignore[arg-type]
            geonameid=int(gid) if gid not in (None, "") else None,  # type: ignore[call-overload]
            country=str(row["country"]) if row.get("country") else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{where}: a toponym lacks or mistypes {exc}") from None


def read_geo_file(path: Path) -> list[GeoArticle]:
    """Articles of a geoparsing file; a malformed line is named with its number."""
    articles = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                row = json.loads(line)
                text = str(row["text"])
                toponyms = tuple(_toponym(t, where) for t in row.get("toponyms", ()))
                articles.append(
                    GeoArticle(
                        str(row["corpus"]), str(row.get("id", number)), row.get("title"), text, toponyms
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{where}: not a geoparsing article ({exc})") from None
    return articles


@dataclass
class CorpusScores:
    """The figures of one corpus (the keys of report.json), plus counts that explain them."""

    n: int = 0
    exact_id: float = 0.0
    country_acc: float = 0.0
    acc_161km: float = 0.0
    median_km: float = 0.0
    recognition_p: float = 0.0
    recognition_r: float = 0.0
    recognition_f1: float = 0.0
    e2e_acc_161km: float = 0.0
    articles: int = 0
    with_gold_id: int = 0
    with_gold_country: int = 0
    unresolved: int = 0
    predicted_spans: int = 0
    country_source: dict[str, int] = field(default_factory=dict)


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 0.0


@dataclass
class _Tally:
    n: int = 0
    ids: int = 0
    id_hits: int = 0
    countries: int = 0
    country_hits: int = 0
    within: int = 0
    unresolved: int = 0
    errors: list[float] = field(default_factory=list)
    sources: Counter[str] = field(default_factory=Counter)

    def add(self, gold: GoldToponym, res: Resolution | None, gold_country: tuple[str | None, str]) -> None:
        self.n += 1
        place = res.place if res is not None else None
        if gold.geonameid is not None:
            self.ids += 1
            self.id_hits += bool(place and place.geonameid == gold.geonameid)
        country, source = gold_country
        if country is not None:
            self.countries += 1
            self.sources[source] += 1
            self.country_hits += bool(res is not None and res.country_code == country)
        if place is None:
            self.unresolved += 1
            self.errors.append(HALF_EQUATOR_KM)
            return
        km = haversine_km(place.latitude, place.longitude, gold.lat, gold.lon)
        self.errors.append(km)
        self.within += km <= WITHIN_KM


#: Resolves (text, spans, title) -> one Resolution per span, in order.
Resolver = Callable[[str, Sequence[tuple[int, int]], str | None], list[Resolution]]
#: Finds toponym spans in a text.
Recogniser = Callable[[str], list[tuple[int, int]]]
#: The gold country (ISO alpha-3 or None) of a gold toponym and where it was taken from.
CountryOf = Callable[[GoldToponym], tuple[str | None, str]]


def score_corpus(
    articles: Sequence[GeoArticle],
    resolve: Resolver,
    country_of: CountryOf,
    recognise: Recogniser | None = None,
) -> CorpusScores:
    """Score one corpus: resolution given gold spans, then (with ``recognise``) end to end."""
    tally = _Tally()
    predicted = matched = e2e_within = 0
    for article in articles:
        spans = [(t.start, t.end) for t in article.toponyms]
        for gold, res in zip(article.toponyms, resolve(article.text, spans, article.title), strict=True):
            tally.add(gold, res, country_of(gold))
        if recognise is None:
            continue
        found = recognise(article.text)
        predicted += len(found)
        by_span = dict(zip(found, resolve(article.text, found, article.title), strict=True))
        for gold in article.toponyms:
            hit = by_span.get((gold.start, gold.end))
            if hit is None:
                continue
            matched += 1
            if (
                hit.place
                and haversine_km(hit.place.latitude, hit.place.longitude, gold.lat, gold.lon) <= WITHIN_KM
            ):
                e2e_within += 1
    p, r = _ratio(matched, predicted), _ratio(matched, tally.n)
    return CorpusScores(
        n=tally.n,
        exact_id=_ratio(tally.id_hits, tally.ids),
        country_acc=_ratio(tally.country_hits, tally.countries),
        acc_161km=_ratio(tally.within, tally.n),
        median_km=round(statistics.median(tally.errors), 1) if tally.errors else 0.0,
        recognition_p=p,
        recognition_r=r,
        recognition_f1=round(2 * p * r / (p + r), 4) if p + r else 0.0,
        e2e_acc_161km=_ratio(e2e_within, tally.n),
        articles=len(articles),
        with_gold_id=tally.ids,
        with_gold_country=tally.countries,
        unresolved=tally.unresolved,
        predicted_spans=predicted,
        country_source=dict(sorted(tally.sources.items())),
    )
