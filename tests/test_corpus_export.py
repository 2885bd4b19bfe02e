"""`extractor merge` and `extractor export`: bad lines named and skipped, ACLED columns, geocoding."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor import merge
from extractor.cli import main
from extractor.export import ACLED_COLUMNS, EMPTY_COLUMNS, acled_rows, geocode, write_acled_csv
from extractor.export.acled_csv import coded_date
from schemas.corpus_v2 import CorpusEvent
from tests.corpus_fakes import event, result

EXPECTED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _corpus(tmp_path: Path) -> Path:
    a = result("a", event(actor1="Group X", place="Kano", killed=[(3, "police")]), url="https://a.example/1")
    b = result("b", event(actor1="Group X", killed=[(7, 'a "local" source, unnamed')]))
    c = result(
        "c", event(event_type="Peaceful protest", countries=("MLI",), date="2020-02", precision="month")
    )
    results = _write(tmp_path / "r.jsonl", [r.model_dump_json() for r in (a, b, c)])
    out = tmp_path / "corpus.jsonl"
    done = CliRunner().invoke(main, ["merge", str(results), "-o", str(out)])
    assert done.exit_code == 0, done.output
    return out


def test_acled_columns_are_acleds_list_in_acleds_order() -> None:
    assert list(ACLED_COLUMNS) == EXPECTED_COLUMNS


def test_merge_names_each_bad_line_and_merges_the_rest(tmp_path: Path) -> None:
    good = result("a", event(actor1="Group X"))
    old_schema = json.loads(result("z", event()).model_dump_json())
    old_schema["provenance"]["schema_version"] = "events.v1"
    lines = [
        good.model_dump_json(),
        '{"article_id": "torn", "events": [',
        json.dumps(old_schema),
        result("a", event()).model_dump_json(),
        result("u", event(date=None)).model_dump_json(),
        result("b", event(actor1="Group X")).model_dump_json(),
    ]
    path = _write(tmp_path / "results.jsonl", lines)
    out = tmp_path / "corpus.jsonl"
    done = CliRunner().invoke(main, ["merge", str(path), "-o", str(out)])
    assert done.exit_code == 1
    assert f"{path}:2: not JSON" in done.output
    assert f"{path}:3: an article result of schema 'events.v1'" in done.output
    assert f"{path}:4: duplicate article id 'a' (first at {path}:1)" in done.output
    assert f"{path}:5: article 'u' event #0: event has no date" in done.output
    events = [CorpusEvent.model_validate_json(line) for line in out.read_text().splitlines()]
    assert sorted(len(e.mentions) for e in events) == [1, 2]  # a+b merged, u alone


def test_export_csv_round_trips_through_the_csv_module_one_row_per_corpus_event(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    out = tmp_path / "acled.csv"
    done = CliRunner().invoke(main, ["export", str(corpus), "--format", "acled-csv", "-o", str(out)])
    assert done.exit_code == 0, done.output
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == EXPECTED_COLUMNS
        rows = list(reader)
    assert len(rows) == len(corpus.read_text().splitlines()) == 2
    nga = next(r for r in rows if r["iso"] == "566")
    assert (nga["country"], nga["location"], nga["geo_precision"], nga["time_precision"]) == (
        "Nigeria",
        "Kano",
        "1",
        "1",
    )
    assert (nga["region"], nga["admin1"], nga["admin2"] != "") == ("Western Africa", "Kano", True)
    assert float(nga["latitude"]) == pytest.approx(12.0, abs=0.5)
    assert nga["fatalities"] == "3"
    assert nga["source"] == "https://a.example/1; b"
    assert nga["tags"] == 'conflicting killed figures: 3 (police, a), 7 (a "local" source, unnamed, b)'
    assert all(r[c] == "" for r in rows for c in EMPTY_COLUMNS)
    mli = next(r for r in rows if r["iso"] == "466")
    assert (mli["event_date"], mli["time_precision"], mli["geo_precision"], mli["location"]) == (
        "2020-02-15",
        "3",
        "3",
        "",
    )
    assert mli["fatalities"] == "0"  # no death reported: ACLED codes 0, never an empty cell


def test_acled_inter_codes_and_civilian_targeting_come_from_the_actors(tmp_path: Path) -> None:
    protest = result("p", event(event_type="Peaceful protest", actor1="Teachers"))
    attack = result(
        "v", event(event_type="Attack", actor1="Soldiers", actor2="villagers", countries=("MLI",))
    )
    corpus = merge([protest, attack])
    rows = {r["sub_event_type"]: r for r in acled_rows(corpus.events)}
    assert (rows["Peaceful protest"]["inter1"], rows["Peaceful protest"]["interaction"]) == (6, 60)
    assert rows["Peaceful protest"]["civilian_targeting"] is None
    assert (rows["Attack"]["inter1"], rows["Attack"]["inter2"], rows["Attack"]["interaction"]) == (1, 7, 17)
    assert rows["Attack"]["civilian_targeting"] == "Civilian targeting"


def test_notes_with_commas_quotes_and_newlines_survive_the_csv_round_trip(tmp_path: Path) -> None:
    quote = 'He said, "they came\nat night"; then left'
    ev = event().model_copy(update={"evidence": [event().evidence[0].model_copy(update={"quote": quote})]})
    corpus = merge([result("a", ev)]).events
    out = tmp_path / "acled.csv"
    write_acled_csv(corpus, out)
    with out.open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["notes"] == f'a: "{quote}"'


def test_an_empty_corpus_exports_the_header_only(tmp_path: Path) -> None:
    empty = _write(tmp_path / "empty.jsonl", [])
    out = tmp_path / "acled.csv"
    done = CliRunner().invoke(main, ["export", str(empty), "-o", str(out)])
    assert done.exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines() == [",".join(EXPECTED_COLUMNS)]


def test_export_jsonl_writes_the_same_rows_typed_and_names_bad_corpus_lines(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
    out = tmp_path / "acled.jsonl"
    done = CliRunner().invoke(main, ["export", str(corpus), "--format", "jsonl", "-o", str(out)])
    assert done.exit_code == 1
    assert f"{corpus}:3: not JSON" in done.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [list(r) for r in rows] == [EXPECTED_COLUMNS, EXPECTED_COLUMNS]
    assert {r["iso"] for r in rows} == {566, 466} and {r["region"] for r in rows} == {"Western Africa"}


@pytest.mark.parametrize(
    ("place", "country", "expected"),
    [
        ("Kano", "NGA", (1, "Kano")),
        ("a market near Kano", "NGA", (2, "Kano")),
        ("the outskirts of Kano", None, (2, "Kano")),
        ("northern Nigeria", "NGA", (3, None)),
        (None, "NGA", (3, None)),
        ("Kano", "MLI", (3, "Kano")),  # a namesake in another country is not this event's place
        ("Atlantis Heights", "NGA", (3, "Atlantis Heights")),  # unknown: the words stay, nothing invented
    ],
)
def test_geocoding_says_what_matched_and_never_invents_a_place(place, country, expected) -> None:  # type: ignore[no-untyped-def]
    match = geocode(place, country)
    assert match is not None
    assert (match.precision, match.location) == expected
    assert (match.latitude is None) == (expected[0] == 3)


def test_a_known_town_names_its_country_admin1_and_admin2_when_the_record_names_no_country() -> None:
    match = geocode("Kano", None)
    assert match is not None
    assert (match.country_code, match.admin1, match.precision) == ("NGA", "Kano", 1)
    assert match.admin2 is not None and match.latitude is not None


def test_a_province_is_coded_at_precision_3_with_its_admin1() -> None:
    match = geocode("Idlib province", None)
    assert match is not None
    assert (match.country_code, match.admin1, match.precision) == ("SYR", "Idlib", 3)


def test_geocoding_without_a_place_or_a_known_country_gives_nothing() -> None:
    assert geocode(None, None) is None
    assert geocode("", "XXX") is None


@pytest.mark.parametrize(
    ("value", "precision", "coded"),
    [
        ("2020-01-05", "day", ("2020-01-05", 1)),
        ("2020-W02", "week", ("2020-01-09", 2)),  # Thursday, the middle of ISO week 2
        ("2020-02", "month", ("2020-02-15", 3)),
        ("2020", "year", (None, None)),
        (None, None, (None, None)),
    ],
)
def test_dates_are_coded_as_acled_codes_weeks_and_months(value, precision, coded) -> None:  # type: ignore[no-untyped-def]
    assert coded_date(value, precision) == coded


def test_violence_against_civilians_is_the_only_civilian_targeting_derived() -> None:
    attack = merge([result("a", event(event_type="Attack"))]).events
    strike = merge([result("a", event())]).events
    assert acled_rows(attack)[0]["civilian_targeting"] == "Civilian targeting"
    assert acled_rows(strike)[0]["civilian_targeting"] is None


def test_an_unreadable_results_file_is_named_and_the_other_files_are_merged(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.jsonl", [result("a", event()).model_dump_json()])
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage\n")
    missing = tmp_path / "missing.jsonl"
    out = tmp_path / "corpus.jsonl"
    done = CliRunner().invoke(main, ["merge", str(missing), str(binary), str(good), "-o", str(out)])
    assert done.exit_code == 1
    assert f"skipped: {missing}: cannot read" in done.output
    assert f"skipped: {binary}: not UTF-8 text" in done.output
    assert len(out.read_text().splitlines()) == 1
