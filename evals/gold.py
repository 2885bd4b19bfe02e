"""Gold annotations: the pydantic model of ``evals/gold/<article_id>.json`` and its loader.

Gold uses the record schema's own field names (``schemas.events_v1``) plus
``global_id`` and the alias lists. It is hand-labelled from the article text under
``evals/GUIDELINES.md`` and is never edited to make a model look better.

Loading checks what a model cannot: every quote is an exact substring of its
article, and the article exists. A failure names the file, the record and the field.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from extractor.derive import fatalities, victim_group
from schemas.events_v1 import CasualtyKind, CountQualifier, DatePrecision, SubEventType

GOLD_DIR = Path(__file__).parent / "gold"
ARTICLES_DIR = Path(__file__).parent / "articles"

_ISO_BY_PRECISION = {
    "day": "%Y-%m-%d",
    "month": "%Y-%m",
    "year": "%Y",
}


class GoldError(ValueError):
    """A gold file is invalid; the message names the file, record and field."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldDate(_Model):
    text: str | None = Field(description="The expression as written in the article.")
    value: str = Field(description="ISO value at its own granularity.")
    precision: DatePrecision

    @field_validator("value")
    @classmethod
    def _iso(cls, value: str) -> str:
        for fmt in _ISO_BY_PRECISION.values():
            try:
                dt.datetime.strptime(value, fmt)
            except ValueError:
                continue
            return value
        if len(value) == 8 and value[4:6] == "-W" and value[:4].isdigit() and value[6:].isdigit():
            return value
        raise ValueError(f"date value {value!r} is not an ISO date (YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY)")


class GoldLocation(_Model):
    country: str
    place: str | None = None


class GoldCasualty(_Model):
    kind: CasualtyKind
    count: int = Field(ge=0)
    qualifier: CountQualifier
    claimed_by: str | None = None
    victims: str | None = None
    victim_group: str | None = Field(
        default=None,
        description="Claims of one event with the same group describe the same victims (conflicting figures);"
        " "
        "default: the head noun of ``victims`` (``extractor.derive.victim_group``).",
    )
    quote: str = Field(min_length=1)

    @property
    def group(self) -> str | None:
        """The victim group: ``victim_group`` as given, else derived from ``victims``."""
        return self.victim_group or victim_group(self.victims)


def _group(claim: object) -> str | None:
    return claim.group if isinstance(claim, GoldCasualty) else None


def _one_passage(_claim: object) -> None:
    """Gold names its victim groups: every claim of an event is read together."""
    return None


class GoldEvidence(_Model):
    quote: str = Field(min_length=1)


class GoldEvent(_Model):
    global_id: str = Field(min_length=1, description="Same id on every gold record of one real-world event.")
    event_type: SubEventType
    date: GoldDate
    locations: list[GoldLocation] = Field(default_factory=list)
    actor1: str | None = None
    actor1_aliases: list[str] = Field(default_factory=list)
    actor2: str | None = None
    actor2_aliases: list[str] = Field(default_factory=list)
    casualties: list[GoldCasualty] = Field(default_factory=list)
    evidence: list[GoldEvidence] = Field(min_length=1)
    note: str | None = None

    @property
    def fatalities(self) -> int | None:
        """ACLED's rule per victim group (``extractor.derive.fatalities``): the lowest of conflicting killed
        figures for the same victims, summed over the event's distinct victim groups (``GoldCasualty.group``).
        """
        return fatalities(self.casualties, group=_group, passage=_one_passage)


class GoldExclusion(_Model):
    quote: str = Field(min_length=1, description="The borderline mention, verbatim.")
    rule: str = Field(min_length=1, description="The guideline that excludes it, e.g. '2: statement'.")
    note: str | None = None


class GoldArticle(_Model):
    article_id: str
    published: dt.date
    published_source: str = Field(description="Where the publication date comes from.")
    title: str | None = None
    events: list[GoldEvent]
    excluded: list[GoldExclusion] = Field(default_factory=list)


def _check_quotes(gold: GoldArticle, text: str, where: str) -> None:
    for i, event in enumerate(gold.events):
        for j, ev in enumerate(event.evidence):
            if ev.quote not in text:
                raise GoldError(
                    f"{where}: events[{i}] ({event.global_id}) evidence[{j}].quote not in article: "
                    f"{ev.quote!r}"
                )
        for j, claim in enumerate(event.casualties):
            if claim.quote not in text:
                raise GoldError(
                    f"{where}: events[{i}] ({event.global_id}) casualties[{j}].quote not in article: "
                    f"{claim.quote!r}"
                )
        if event.date.text is not None and event.date.text not in text:
            raise GoldError(
                f"{where}: events[{i}] ({event.global_id}) date.text not in article: {event.date.text!r}"
            )
    for k, ex in enumerate(gold.excluded):
        if ex.quote not in text:
            raise GoldError(f"{where}: excluded[{k}].quote not in article: {ex.quote!r}")


def load_gold(path: Path, articles_dir: Path = ARTICLES_DIR) -> GoldArticle:
    """Load and validate one gold file against its article text."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: cannot read gold file: {exc}") from exc
    try:
        gold = GoldArticle.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise GoldError(f"{path}: {problems}") from exc
    article = articles_dir / f"{gold.article_id}.txt"
    if not article.is_file():
        raise GoldError(f"{path}: article {article} is missing")
    _check_quotes(gold, article.read_text(encoding="utf-8"), str(path))
    return gold


def load_all_gold(gold_dir: Path = GOLD_DIR, articles_dir: Path = ARTICLES_DIR) -> list[GoldArticle]:
    """Every gold file in ``gold_dir``, sorted by article id."""
    return [load_gold(p, articles_dir) for p in sorted(gold_dir.glob("*.json"))]
