"""The gold annotations under ``evals/gold/`` load, agree with their articles and follow GUIDELINES.md."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from evals.gold import ARTICLES_DIR, GOLD_DIR, GoldArticle, GoldError, load_all_gold, load_gold

GUIDELINES = Path(__file__).resolve().parents[1] / "evals" / "GUIDELINES.md"
_ANCHOR = re.compile(r"\banchor: (\d{4}-\d{2}-\d{2})\b")
_VALUE_BY_PRECISION = {
    "day": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "week": re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$"),
    "month": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "year": re.compile(r"^\d{4}$"),
}


def _all_gold() -> list[GoldArticle]:
    return load_all_gold()


def _article_text(article_id: str) -> str:
    return (ARTICLES_DIR / f"{article_id}.txt").read_text(encoding="utf-8")


class _DatedEvent(NamedTuple):
    article_id: str
    global_id: str
    text: str
    anchor: dt.date
    value: str
    precision: str


def _dated_events() -> list[Any]:
    """Every gold event with a ``date.text``, with the date it is resolved against.

    The anchor is the article's publication date, or the story date a record's note gives as
    ``anchor: YYYY-MM-DD`` (GUIDELINES.md rule 3.8).
    """
    rows = []
    for gold in _all_gold():
        for event in gold.events:
            if event.date.text is None:
                continue
            found = _ANCHOR.search(event.note or "")
            anchor = dt.date.fromisoformat(found.group(1)) if found else gold.published
            date = event.date
            case = _DatedEvent(
                gold.article_id, event.global_id, date.text, anchor, date.value, date.precision
            )
            rows.append(pytest.param(case, id=f"{gold.article_id[:3]}-{event.global_id}"))
    return rows


# --------------------------------------------------------------------------- the committed gold


def test_there_is_exactly_one_gold_file_per_article() -> None:
    golds = _all_gold()
    articles = sorted(p.stem for p in ARTICLES_DIR.glob("*.txt"))
    assert len(golds) == 5
    assert len(articles) == 5
    assert [g.article_id for g in golds] == articles
    assert sorted(p.stem for p in GOLD_DIR.glob("*.json")) == articles


def test_gold_publication_dates_are_copied_from_the_article_sidecars() -> None:
    for gold in _all_gold():
        meta = json.loads((ARTICLES_DIR / f"{gold.article_id}.meta.json").read_text(encoding="utf-8"))
        assert gold.published == dt.date.fromisoformat(meta["published"]), gold.article_id
        assert gold.published_source == meta["published_source"], gold.article_id


def test_every_gold_quote_is_an_exact_substring_of_its_article() -> None:
    for gold in _all_gold():
        text = _article_text(gold.article_id)
        for event in gold.events:
            quotes = [e.quote for e in event.evidence] + [c.quote for c in event.casualties]
            if event.date.text is not None:
                quotes.append(event.date.text)
            for quote in quotes:
                assert quote in text, (gold.article_id, event.global_id, quote)
        for excluded in gold.excluded:
            assert excluded.quote in text, (gold.article_id, excluded.quote)


def test_every_gold_event_has_evidence_and_no_article_repeats_a_global_id() -> None:
    for gold in _all_gold():
        ids = [event.global_id for event in gold.events]
        assert len(ids) == len(set(ids)), gold.article_id
        assert all(event.evidence for event in gold.events), gold.article_id


def test_gold_date_values_match_their_precision() -> None:
    for gold in _all_gold():
        for event in gold.events:
            pattern = _VALUE_BY_PRECISION[event.date.precision]
            assert pattern.match(event.date.value), (gold.article_id, event.global_id, event.date)


@pytest.mark.parametrize("case", _dated_events())
def test_gold_dates_agree_with_resolve_date(case: _DatedEvent) -> None:
    from extractor.derive import resolve_date

    resolved = resolve_date(case.text, case.anchor)
    assert (resolved.value, resolved.precision) == (case.value, case.precision), case


def test_a_global_id_has_the_same_event_type_in_every_article() -> None:
    types: dict[str, set[str]] = defaultdict(set)
    articles: dict[str, set[str]] = defaultdict(set)
    for gold in _all_gold():
        for event in gold.events:
            types[event.global_id].add(event.event_type)
            articles[event.global_id].add(gold.article_id)
    shared = {gid for gid, ids in articles.items() if len(ids) > 1}
    assert shared, "expected the 2019 strikes and rocket attack to be labelled in several articles"
    for gid in shared:
        assert len(types[gid]) == 1, (gid, types[gid])


def test_every_exclusion_cites_a_numbered_guideline() -> None:
    guidelines = GUIDELINES.read_text(encoding="utf-8")
    rules = set(re.findall(r"^## (\d+)\.", guidelines, flags=re.MULTILINE))
    rules |= set(re.findall(r"^(\d+\.\d+) \*\*", guidelines, flags=re.MULTILINE))
    assert {"1", "2", "3", "9", "3.7"} <= rules
    scope = guidelines[guidelines.index("## 2. Scope") : guidelines.index("## 3. Date")]
    scope_reasons = set(re.findall(r"^\| ([a-z][a-z /]*[a-z]) \|", scope, flags=re.MULTILINE))
    assert {"statement", "threat", "aggregate count"} <= scope_reasons
    for gold in _all_gold():
        for excluded in gold.excluded:
            number, _, reason = excluded.rule.partition(": ")
            assert number in rules, (gold.article_id, excluded.rule)
            assert reason, (gold.article_id, excluded.rule)
            if number == "2":
                assert reason in scope_reasons, (gold.article_id, excluded.rule)


# --------------------------------------------------------------------------- bad gold is refused


@pytest.fixture
def articles_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "articles"
    directory.mkdir()
    text = "On Friday, rockets hit the base, killing two soldiers."
    (directory / "a1.txt").write_text(text, encoding="utf-8")
    return directory


def _gold(**event_changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "global_id": "2019-12-27-rockets",
        "event_type": "Shelling/artillery/missile attack",
        "date": {"text": "Friday", "value": "2019-12-27", "precision": "day"},
        "locations": [{"country": "Iraq", "place": None}],
        "casualties": [
            {"kind": "killed", "count": 2, "qualifier": "exact", "quote": "killing two soldiers"},
        ],
        "evidence": [{"quote": "rockets hit the base"}],
    }
    event.update(event_changes)
    return {
        "article_id": "a1",
        "published": "2019-12-29",
        "published_source": "test",
        "title": None,
        "events": [event],
        "excluded": [],
    }


def _write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "a1.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_a_valid_gold_file_loads(tmp_path: Path, articles_dir: Path) -> None:
    gold = load_gold(_write(tmp_path, _gold()), articles_dir=articles_dir)
    assert gold.events[0].fatalities == 2


def test_an_evidence_quote_not_in_the_article_is_refused_naming_file_record_and_field(
    tmp_path: Path, articles_dir: Path
) -> None:
    path = _write(tmp_path, _gold(evidence=[{"quote": "rockets hit the embassy"}]))
    with pytest.raises(GoldError) as info:
        load_gold(path, articles_dir=articles_dir)
    message = str(info.value)
    assert str(path) in message
    assert "events[0]" in message and "2019-12-27-rockets" in message
    assert "evidence[0].quote" in message
    assert "rockets hit the embassy" in message


def test_a_casualty_quote_or_date_text_not_in_the_article_is_refused(
    tmp_path: Path, articles_dir: Path
) -> None:
    claim = {"kind": "killed", "count": 3, "qualifier": "exact", "quote": "killing three soldiers"}
    path = _write(tmp_path, _gold(casualties=[claim]))
    with pytest.raises(GoldError, match=r"events\[0\].*casualties\[0\]\.quote"):
        load_gold(path, articles_dir=articles_dir)

    path = _write(tmp_path, _gold(date={"text": "Saturday", "value": "2019-12-28", "precision": "day"}))
    with pytest.raises(GoldError, match=r"events\[0\].*date\.text"):
        load_gold(path, articles_dir=articles_dir)


def test_an_excluded_quote_not_in_the_article_is_refused(tmp_path: Path, articles_dir: Path) -> None:
    doc = _gold()
    doc["excluded"] = [{"quote": "a threat never made", "rule": "2: threat"}]
    path = _write(tmp_path, doc)
    with pytest.raises(GoldError) as info:
        load_gold(path, articles_dir=articles_dir)
    assert str(path) in str(info.value)
    assert "excluded[0].quote" in str(info.value)


def test_an_unknown_event_type_is_refused_naming_file_record_and_field(
    tmp_path: Path, articles_dir: Path
) -> None:
    path = _write(tmp_path, _gold(event_type="Rocket attack"))
    with pytest.raises(GoldError) as info:
        load_gold(path, articles_dir=articles_dir)
    message = str(info.value)
    assert str(path) in message
    assert "events.0.event_type" in message


@pytest.mark.parametrize("value", ["2019-13-01", "29/12/2019", "2019-W5", "Dec 2019", ""])
def test_a_malformed_date_value_is_refused_naming_file_record_and_field(
    tmp_path: Path, articles_dir: Path, value: str
) -> None:
    path = _write(tmp_path, _gold(date={"text": "Friday", "value": value, "precision": "day"}))
    with pytest.raises(GoldError) as info:
        load_gold(path, articles_dir=articles_dir)
    message = str(info.value)
    assert str(path) in message
    assert "events.0.date.value" in message


def test_gold_for_a_missing_article_is_refused(tmp_path: Path, articles_dir: Path) -> None:
    doc = _gold()
    doc["article_id"] = "no_such_article"
    path = _write(tmp_path, doc)
    with pytest.raises(GoldError) as info:
        load_gold(path, articles_dir=articles_dir)
    message = str(info.value)
    assert str(path) in message
    assert "no_such_article" in message and "missing" in message
