"""`extractor eval places`: the geoparsing figures, on a tiny file written for these tests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.places import GeoArticle, GoldToponym, read_geo_file, score_corpus
from extractor.cli import main
from extractor.geo import Place, Resolution

_TEXT = "Troops left Kano for Zaria."
_KANO = GoldToponym(12, 16, "Kano", 12.0, 8.5, geonameid=1, country="Nigeria")
_ZARIA = GoldToponym(21, 26, "Zaria", 11.1, 7.7, geonameid=2, country="Nigeria")


def _place(gid: int, lat: float, lon: float, country: str) -> Place:
    return Place(gid, "x", "place", country, None, None, None, lat, lon, 0)


def _resolver(answers: dict[tuple[int, int], Place | None]):  # type: ignore[no-untyped-def]
    def resolve(text: str, spans: Sequence[tuple[int, int]], title: str | None) -> list[Resolution]:
        out = []
        for s, e in spans:
            place = answers.get((s, e))
            code = place.country_code if place else None
            out.append(Resolution(s, e, text[s:e], place, 1 if place else 3, country_code=code))
        return out

    return resolve


def test_resolution_and_end_to_end_figures_are_counted_as_documented() -> None:
    article = GeoArticle("c", "1", None, _TEXT, (_KANO, _ZARIA))
    answers = {(12, 16): _place(1, 12.0, 8.5, "NGA"), (21, 26): _place(9, 30.0, 31.0, "EGY")}
    scores = score_corpus(
        [article],
        _resolver(answers),
        lambda gold: ("NGA", "test"),
        recognise=lambda text: [(12, 16), (0, 6)],  # one right, one wrong; Zaria missed
    )
    assert (scores.n, scores.exact_id, scores.country_acc, scores.acc_161km) == (2, 0.5, 0.5, 0.5)
    assert scores.median_km > 1000  # one exact, one about 2,500 km away: the median is their mean
    assert (scores.recognition_p, scores.recognition_r, scores.recognition_f1) == (0.5, 0.5, 0.5)
    assert scores.e2e_acc_161km == 0.5


def test_an_unresolved_toponym_counts_as_wrong_at_half_the_equator() -> None:
    article = GeoArticle("c", "1", None, _TEXT, (_KANO,))
    scores = score_corpus([article], _resolver({}), lambda gold: ("NGA", "test"))
    assert (scores.acc_161km, scores.country_acc, scores.unresolved, scores.median_km) == (
        0.0,
        0.0,
        1,
        20038.0,
    )


def test_a_malformed_line_is_named_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "geo.jsonl"
    path.write_text('{"corpus": "c", "text": "x", "toponyms": []}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"geo.jsonl:2"):
        read_geo_file(path)


def test_the_command_writes_report_json_in_the_fixed_shape_per_corpus(tmp_path: Path) -> None:
    rows = [
        {"corpus": "alpha", "id": "a1", "title": None, "text": _TEXT,
         "toponyms": [{"start": 12, "end": 16, "phrase": "Kano", "lat": 12.0, "lon": 8.52}]},
        {"corpus": "beta", "id": "b1", "title": "Floods", "text": "Rain fell on Kaduna.",
         "toponyms": [{"start": 13, "end": 19, "phrase": "Kaduna", "lat": 10.52, "lon": 7.44}]},
    ]  # fmt: skip
    path = tmp_path / "geo.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    done = CliRunner().invoke(
        main, ["eval", "places", str(path), "--no-recognition", "--out", str(tmp_path / "r")]
    )
    assert done.exit_code == 0, done.output
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert list(report["corpora"]) == ["alpha", "beta"]
    keys = ["n", "exact_id", "country_acc", "acc_161km", "median_km",
            "recognition_p", "recognition_r", "recognition_f1", "e2e_acc_161km"]  # fmt: skip
    assert all(list(c)[: len(keys)] == keys for c in report["corpora"].values())
    assert report["corpora"]["alpha"]["acc_161km"] == 1.0 and report["corpora"]["beta"]["country_acc"] == 1.0
    assert "| alpha | 1 |" in (tmp_path / "r" / "report.md").read_text()
