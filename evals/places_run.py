"""``extractor eval places``: run the geoparser over a geoparsing file and write report.json / report.md."""

from __future__ import annotations

import dataclasses
import json
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from extractor.geo import Context, Gazetteer, Resolution, gazetteer, haversine_km, resolve_places

from .places import CorpusScores, GeoArticle, GoldToponym, Recogniser, read_geo_file, score_corpus

__all__ = ["GoldCountries", "places_markdown", "report_json", "run_places", "write_places_report"]

_KEYS = ("n", "exact_id", "country_acc", "acc_161km", "median_km",
         "recognition_p", "recognition_r", "recognition_f1", "e2e_acc_161km")  # fmt: skip


class GoldCountries:
    """The gold country of a gold toponym: from its GeoNames id, its country name, or its coordinates."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self.by_id = {gid: e for e, gid in enumerate(gaz.geonameid)}
        self.grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for entry, kind in enumerate(gaz.kind):
            if kind == 4 and gaz.country[entry] >= 0:  # places only
                self.grid[(math.floor(gaz.lat[entry]), math.floor(gaz.lon[entry]))].append(entry)

    def _country_named(self, name: str) -> str | None:
        for place in self.gaz.lookup(name):
            if place.feature == "country":
                return place.country_code
        return None

    def _nearest(self, lat: float, lon: float) -> str | None:
        best, found = math.inf, None
        for ring in range(3):
            for dlat in range(-ring, ring + 1):
                for dlon in range(-ring, ring + 1):
                    for e in self.grid.get((math.floor(lat) + dlat, math.floor(lon) + dlon), ()):
                        km = haversine_km(lat, lon, self.gaz.lat[e], self.gaz.lon[e])
                        if km < best:
                            best, found = km, e
            if found is not None:
                return self.gaz.alpha3.get(self.gaz.country[found])
        return None

    def __call__(self, gold: GoldToponym) -> tuple[str | None, str]:
        entry = self.by_id.get(gold.geonameid) if gold.geonameid is not None else None
        if entry is not None and self.gaz.feature(entry) == "continent":
            return None, "continent"
        if entry is not None and self.gaz.country[entry] >= 0:
            return self.gaz.alpha3.get(self.gaz.country[entry]), "geonameid"
        if gold.country:
            named = self._country_named(gold.country)
            if named:
                return named, "country name"
        nearest = self._nearest(gold.lat, gold.lon)
        return (nearest, "nearest place") if nearest else (None, "unknown")


def _resolver(text: str, spans: Sequence[tuple[int, int]], title: str | None) -> list[Resolution]:
    return resolve_places(text, spans, Context(title=title))


def run_places(
    path: Path, recognise: Recogniser | None, progress: Callable[[str], None] | None = None
) -> dict[str, CorpusScores]:
    """Scores per corpus, corpora in the order the file names them."""
    articles = read_geo_file(path)
    by_corpus: dict[str, list[GeoArticle]] = {}
    for article in articles:
        by_corpus.setdefault(article.corpus, []).append(article)
    countries = GoldCountries(gazetteer())
    out = {}
    for corpus, items in by_corpus.items():
        if progress:
            progress(f"{corpus}: {len(items)} articles")
        out[corpus] = score_corpus(items, _resolver, countries, recognise)
    return out


def places_markdown(scores: dict[str, CorpusScores], command: str, recogniser: str) -> str:
    """report.md: one row per corpus."""
    lines = [
        "# Geoparsing: toponym resolution and recognition",
        "",
        f"Command: `{command}`. Recogniser: {recogniser}. Resolver: `extractor.geo.resolve_places` "
        "(offline gazetteer; no LLM).",
        "",
        "| corpus | n | exact id | country | ≤161 km | median km "
        "| recog. P | recog. R | recog. F1 | e2e ≤161 km |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for corpus, s in scores.items():
        lines.append(
            f"| {corpus} | {s.n} | {s.exact_id:.3f} | {s.country_acc:.3f} | {s.acc_161km:.3f} | "
            f"{s.median_km:.1f} | {s.recognition_p:.3f} | {s.recognition_r:.3f} | {s.recognition_f1:.3f} | "
            f"{s.e2e_acc_161km:.3f} |"
        )
    lines += [
        "",
        "Given the gold spans: exact id over toponyms with a gold GeoNames id; country over toponyms "
        "with a known gold country; unresolved toponyms count as wrong (20,038 km in the median). "
        "End to end: exact span match; e2e ≤161 km is over all gold toponyms.",
        "",
        "Gold country taken from: "
        + "; ".join(
            f"{corpus}: " + ", ".join(f"{k} {v}" for k, v in s.country_source.items())
            for corpus, s in scores.items()
        ),
        "",
    ]
    return "\n".join(lines)


def report_json(scores: dict[str, CorpusScores]) -> dict[str, object]:
    """report.json: {"corpora": {corpus: {the nine figures, then the counts}}}."""
    return {
        "corpora": {
            corpus: {k: getattr(s, k) for k in _KEYS}
            | {k: v for k, v in dataclasses.asdict(s).items() if k not in _KEYS}
            for corpus, s in scores.items()
        }
    }


def write_places_report(out: Path, scores: dict[str, CorpusScores], command: str, recogniser: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report_json(scores), indent=2) + "\n", encoding="utf-8")
    (out / "report.md").write_text(places_markdown(scores, command, recogniser), encoding="utf-8")
