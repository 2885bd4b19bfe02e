"""Released prompts: loadable, never edited, rendered exactly as the golden texts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extractor.errors import PromptError
from extractor.inputs import load_article
from extractor.prompts import PromptSpec, list_prompts, load_prompt, prompts_dir
from schemas import DRAFT_MODELS
from schemas.events_v1 import SCHEMA_VERSION

GOLDEN = Path(__file__).parent / "golden"
ARTICLE = Path(__file__).parent.parent / "evals" / "articles" / "003_9324dd8dc375645c.txt"
RELEASED = json.loads((prompts_dir() / "RELEASED.json").read_text(encoding="utf-8"))


def test_every_prompt_file_is_registered_as_released() -> None:
    assert sorted(s.name for s in list_prompts()) == sorted(RELEASED)


@pytest.mark.parametrize("name", sorted(RELEASED))
def test_released_prompt_is_unchanged(name: str) -> None:
    assert load_prompt(name).sha256 == RELEASED[name], (
        f"{name} was edited after release: restore it and add a new version file instead"
    )


@pytest.mark.parametrize("name", sorted(RELEASED))
def test_rendered_prompt_matches_golden_text(name: str) -> None:
    article = load_article(ARTICLE, max_chars=200_000)
    assert article.published is not None
    rendered = load_prompt(name).render(
        article=article.text,
        published=article.published.isoformat(),
        title=article.title,
        url=None,
        article_id=article.article_id,
    )
    golden = (GOLDEN / f"{name}.{ARTICLE.stem}.txt").read_text(encoding="utf-8")
    assert rendered.as_text() == golden


@pytest.mark.parametrize("name", sorted(RELEASED))
def test_prompt_targets_a_known_draft_schema_and_examples_validate(name: str) -> None:
    spec = load_prompt(name)
    assert spec.schema_version in DRAFT_MODELS
    for example in spec.examples:
        DRAFT_MODELS[spec.schema_version].model_validate(example.output)
        for event in example.output["events"]:
            for quote in event["evidence"]:
                assert quote in example.article, "few-shot evidence must be copied from its own article"


def test_few_shot_examples_do_not_come_from_eval_articles() -> None:
    eval_texts = [p.read_text(encoding="utf-8") for p in ARTICLE.parent.glob("*.txt")]
    for spec in list_prompts():
        for example in spec.examples:
            for line in filter(None, (x.strip() for x in example.article.splitlines())):
                assert not any(line in text for text in eval_texts), (
                    f"{spec.name} example copies an eval article"
                )


def test_id_without_version_loads_the_latest() -> None:
    latest = max((s for s in list_prompts() if s.id == "events"), key=lambda s: s.version)
    assert load_prompt("events") == latest


def test_unknown_prompt_names_the_known_ones() -> None:
    with pytest.raises(PromptError, match=r"events\.v1"):
        load_prompt("events.v99")


def test_missing_template_variable_is_an_error_not_an_empty_string() -> None:
    spec = PromptSpec(
        id="t",
        version=1,
        schema_version=SCHEMA_VERSION,
        description="d",
        system="s",
        user="{{ nonexistent }}",
    )
    with pytest.raises(PromptError, match="nonexistent"):
        spec.render(article="a")


def test_file_name_must_agree_with_content(tmp_path: Path) -> None:
    (tmp_path / "events.v7.yaml").write_text(
        "id: events\nversion: 8\nschema_version: events.v1\ndescription: d\nsystem: s\nuser: u\n"
    )
    with pytest.raises(PromptError, match=r"file name says events\.v7"):
        list_prompts(tmp_path)


def test_unknown_keys_in_a_prompt_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x.v1.yaml").write_text(
        "id: x\nversion: 1\nschema_version: events.v1\ndescription: d\nsystem: s\nuser: u\ntemprature: 1\n"
    )
    with pytest.raises(PromptError, match="invalid prompt file"):
        list_prompts(tmp_path)


def test_listed_prompts_show_no_tracker_references() -> None:
    """A released description may hold "(issue N)"; what `prompts list` and /v1/prompts show does not."""
    specs = list_prompts()
    assert any(re.search(r"\(issue \d+\)", s.description) for s in specs)  # the rule has work to do
    for spec in specs:
        assert not re.search(r"issue \d+|#\d+", spec.summary), spec.name
        assert "\n" not in spec.summary


def test_a_summary_keeps_the_words_around_a_tracker_reference() -> None:
    spec = PromptSpec(
        id="x",
        version=1,
        schema_version="events.v1",
        description="Candidates (issue 7): code\n reads (see #12) it (a span).",
        system="s",
        user="u",
    )
    assert spec.summary == "Candidates: code reads it (a span)."
