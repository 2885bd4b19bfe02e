"""What reaches the endpoint is exactly what the pipeline built, and building it stays cheap.

instructor renders message contents as Jinja templates whenever a validation context is given;
articles are sent verbatim all the same. JSON Schemas are generated once per response model.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from pydantic import ConfigDict
from pydantic.json_schema import GenerateJsonSchema

from extractor.endpoints import StructuredOutput
from extractor.llm.request import instructor_model, tool_name
from extractor.strategies.candidates.adjudicate import adjudication_model
from extractor.strategies.candidates.mentions import Mention
from schemas import events_v1, events_v2
from schemas.cached import CachedSchemaModel
from tests.fakes import ARTICLE, PUBLISHED, grounded_answer, ok, ungrounded_answer

TEMPLATE_LIKE = [
    "{{ 7 * 7 }}",  # an expression: instructor would send "49"
    "{{ article }}",  # a context variable: it would send the whole article in its place
    "{% if x %}",  # a statement with no end: rendering would fail
    "{# a comment #}",  # it would vanish
]


def _sent_messages(endpoint) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    messages: list[dict[str, str]] = json.loads(endpoint.recorder.requests[0].content)["messages"]
    return messages


@pytest.mark.parametrize("snippet", TEMPLATE_LIKE)
def test_an_article_that_looks_like_a_template_is_sent_verbatim(fake_endpoint, snippet: str) -> None:
    article = f"{ARTICLE}\nA reader wrote {snippet} in the comments.\n"
    endpoint = fake_endpoint([ok(grounded_answer())])
    result = endpoint.extractor.extract(article, published=PUBLISHED, article_id="t")
    sent = _sent_messages(endpoint)
    assert f"A reader wrote {snippet} in the comments.\n" in sent[-1]["content"]
    assert len(result.events) == 1 and result.diagnostics.dropped == []


def test_the_async_path_sends_articles_verbatim_too(fake_endpoint) -> None:
    article = f"{ARTICLE}\nSee {{{{ article }}}} and {{% raw %}}.\n"
    endpoint = fake_endpoint([ok(grounded_answer())])
    asyncio.run(endpoint.extractor.aextract(article, published=PUBLISHED, article_id="t"))
    assert "See {{ article }} and {% raw %}.\n" in _sent_messages(endpoint)[-1]["content"]


def test_grounding_still_reads_the_article_from_the_validation_context(fake_endpoint) -> None:
    endpoint = fake_endpoint([ok(ungrounded_answer())], reasks=1)
    result = endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="t")
    assert endpoint.request_count == 2  # re-asked: the validator saw the article
    assert result.events == [] and len(result.diagnostics.dropped) == 1


class _Counting(GenerateJsonSchema):
    calls = 0

    def generate(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        type(self).calls += 1
        return super().generate(*args, **kwargs)


def test_a_json_schema_is_generated_once_per_model_and_handed_out_as_a_copy() -> None:
    class Model(CachedSchemaModel):
        name: str

    first = Model.model_json_schema(schema_generator=_Counting)
    first["properties"]["name"]["type"] = "integer"  # a caller edits its copy
    second = Model.model_json_schema(schema_generator=_Counting)
    assert _Counting.calls == 1
    assert second["properties"]["name"]["type"] == "string"
    assert Model.model_json_schema() == super(CachedSchemaModel, Model).model_json_schema()


@pytest.mark.parametrize("output", list(StructuredOutput))
@pytest.mark.parametrize("model", [events_v1.ExtractionDraft, events_v2.ExtractionDraft])
def test_instructor_receives_one_wrapped_model_per_response_model(
    model: type[CachedSchemaModel], output: StructuredOutput
) -> None:
    wrapped = instructor_model(model, output)
    assert wrapped is instructor_model(model, output)  # so its schema is cached across calls
    assert issubclass(wrapped, model)
    assert wrapped.model_json_schema() == model.model_json_schema()  # the request does not change


def _adjudication() -> type[CachedSchemaModel]:
    mention = Mention(
        evidence=("Rebels attacked an army post.",),
        start=0,
        trigger="attacked",
        tier=1,
        types=("Armed clash", "Attack"),
        dates=(),
        locations=(),
        actors1=("Rebels",),
        actors2=("army post",),
        claims=(),
        paragraph=0,
    )
    return adjudication_model([mention])  # type: ignore[return-value]


def test_a_tool_call_names_a_model_whose_schema_has_no_title_after_the_model() -> None:
    model = _adjudication()
    assert "title" not in model.model_json_schema()  # dropped on purpose: the schema is sent
    wrapped = instructor_model(model, StructuredOutput.TOOLS)
    assert wrapped.model_json_schema() == {**model.model_json_schema(), "title": "Adjudication"}
    assert wrapped.__name__ == "Adjudication" and issubclass(wrapped, model)


@pytest.mark.parametrize("output", [StructuredOutput.JSON_SCHEMA, StructuredOutput.JSON_OBJECT_SCHEMA])
def test_json_modes_send_the_model_schema_unchanged(output: StructuredOutput) -> None:
    model = _adjudication()
    assert instructor_model(model, output).model_json_schema() == model.model_json_schema()


def test_a_title_that_is_not_a_valid_tool_name_is_cleaned() -> None:
    class Odd(CachedSchemaModel):
        model_config = ConfigDict(title="Events [draft] v2")
        name: str

    assert tool_name(Odd) == "Events_draft_v2"
    assert instructor_model(Odd, StructuredOutput.TOOLS).model_json_schema()["title"] == "Events_draft_v2"
    assert tool_name(events_v1.ExtractionDraft) == "ExtractionDraft"
