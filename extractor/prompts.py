"""Versioned prompts: ``prompts/<id>.v<N>.yaml``, loaded into ``PromptSpec`` and rendered with jinja2.

A released file is never edited; a change is a new version file. ``load_prompt("events")``
picks the highest version, ``load_prompt("events.v1")`` an exact one. Templates are rendered
with ``StrictUndefined``: a missing variable is an error, never an empty string.

Other packages add prompt files (for a strategy they add, say) with an ``extractor.prompts``
entry point naming a package that holds ``<id>.v<N>.yaml`` files (``PROMPT_PACKAGES``); a name
defined twice is a ``PromptError`` naming both files.

Template variables: ``article`` (the text), ``published`` (ISO date or None), ``title``,
``url``, ``article_id``. Few-shot ``examples`` become user/assistant message pairs placed
between the system message and the article; their text must not come from the eval articles.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import jinja2
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import PromptError
from .plugins import Registry

__all__ = [
    "PROMPT_PACKAGES",
    "PromptSpec",
    "RenderedPrompt",
    "delimit_article",
    "list_prompts",
    "load_prompt",
    "prompts_dir",
]


def _check(name: str, obj: object) -> str | None:
    if isinstance(obj, ModuleType) and hasattr(obj, "__path__"):
        return None
    return "is not a package (a folder of <id>.v<N>.yaml prompt files)"


#: Packages of prompt files that other distributions add, besides the released ``prompts``.
PROMPT_PACKAGES: Registry[ModuleType] = Registry("extractor.prompts", "prompt package", _check)

# Plain-text chat prompts, never HTML: no autoescaping.
_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=False, autoescape=False)


@lru_cache(maxsize=256)
def _template(source: str) -> jinja2.Template:
    """A prompt template compiled once per process (compiling costs more than rendering)."""
    return _ENV.from_string(source)


_FILE_RE = re.compile(r"^(?P<id>[a-z][a-z0-9_-]*)\.v(?P<version>\d+)\.yaml$")
#: "(issue 7)", "(see #12)": a tracker reference in a released description, left out of its summary.
_TRACKER_REFERENCE = re.compile(r"\s*\((?:[^()]*\s)?(?:issues?\s+\d+|#\d+)\)", re.IGNORECASE)


class FewShotExample(BaseModel):
    """One worked example: an article (not one of the eval articles) and the expected JSON answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(description="Where the example text comes from.")
    article: str
    published: str | None = None
    output: dict[str, Any]


class PromptSpec(BaseModel):
    """A released prompt version, as stored in its YAML file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: int = Field(ge=1)
    schema_version: str
    description: str
    system: str
    user: str
    examples: tuple[FewShotExample, ...] = ()
    strategy: str | None = Field(
        default=None,
        description=(
            "The extraction strategy this prompt is written for (``extractor.strategies``): "
            "'quotes', 'sentences', ... When absent, ``evidence_mode`` decides (released files)."
        ),
    )
    article_placement: Literal["template", "delimited"] | None = Field(
        default=None,
        description=(
            "'delimited': the article is never rendered through the templates; code appends it to the "
            "last user message between BEGIN/END ARTICLE lines that carry a hash of the text (so the "
            "article cannot close its own block), and the templates see only ``published``. "
            "Absent or 'template' (released files before it): the templates place ``{{ article }}``."
        ),
    )
    answers: Literal["options", "options-or-quotes"] | None = Field(
        default=None,
        description=(
            "Candidates strategy: what the adjudicator may answer for actor1, actor2, the date and the "
            "place. Absent or 'options' (events.v5): one of code's candidates. 'options-or-quotes': an "
            "option's id, or the article's own words when no option is right; code grounds the words "
            "with the grounding rules and drops what the article does not say."
        ),
    )
    evidence_mode: Literal["quote", "sentences"] = Field(
        default="quote",
        description=(
            "How released prompts named their strategy before ``strategy`` existed: 'quote' means "
            "the 'quotes' strategy, 'sentences' the 'sentences' strategy."
        ),
    )

    @property
    def name(self) -> str:
        return f"{self.id}.v{self.version}"

    @property
    def summary(self) -> str:
        """The description on one line, without references to a tracker ("(issue 7)").

        Released files are never edited, so a reference one holds is left out where prompts are
        listed (``extractor prompts list``, ``GET /v1/prompts``) instead of being rewritten.
        """
        return " ".join(_TRACKER_REFERENCE.sub("", self.description).split())

    @property
    def strategy_name(self) -> str:
        """The strategy this prompt names (``strategy``, else the one ``evidence_mode`` implies)."""
        if self.strategy is not None:
            return self.strategy
        return "sentences" if self.evidence_mode == "sentences" else "quotes"

    @property
    def sha256(self) -> str:
        """Hash of the templates and examples: identifies this version's content."""
        # Fields added after a release are hashed only when set, so released hashes never move.
        dumped = self.model_dump(mode="json", exclude={"description"})
        if dumped["evidence_mode"] == "quote":
            del dumped["evidence_mode"]
        for added in ("strategy", "article_placement", "answers"):
            if dumped[added] is None:
                del dumped[added]
        payload = json.dumps(dumped, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def render(
        self,
        *,
        article: str,
        published: str | None = None,
        title: str | None = None,
        url: str | None = None,
        article_id: str | None = None,
    ) -> RenderedPrompt:
        """Render the chat messages for one article."""
        delimited = self.article_placement == "delimited"

        def variables(text: str, date: str | None, meta: dict[str, str | None]) -> dict[str, str | None]:
            if delimited:  # the templates never see the article nor its free-text metadata
                return {"published": date}
            return {"article": text, "published": date, **meta}

        def user(text: str, date: str | None, meta: dict[str, str | None]) -> str:
            body = _template(self.user).render(**variables(text, date, meta)).strip()
            return f"{body}\n\n{delimit_article(text)}" if delimited else body

        meta = {"title": title, "url": url, "article_id": article_id}
        no_meta: dict[str, str | None] = {"title": None, "url": None, "article_id": None}
        try:
            system = _template(self.system).render(**variables(article, published, meta)).strip()
            messages: list[dict[str, str]] = [{"role": "system", "content": system}]
            for example in self.examples:
                shot = user(example.article, example.published, no_meta)
                messages.append({"role": "user", "content": shot})
                messages.append(
                    {"role": "assistant", "content": json.dumps(example.output, ensure_ascii=False)}
                )
            messages.append({"role": "user", "content": user(article, published, meta)})
        except jinja2.TemplateError as exc:
            raise PromptError(f"prompt {self.name} cannot be rendered: {exc}") from exc
        return RenderedPrompt(spec=self, messages=tuple(messages))


def delimit_article(text: str) -> str:
    """``text`` between BEGIN/END ARTICLE lines that carry a hash of ``text`` itself.

    The article cannot contain its own closing line: that line holds a hash of the article.
    """
    tag = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"BEGIN ARTICLE {tag}\n{text}\nEND ARTICLE {tag}"


@dataclass(frozen=True)
class RenderedPrompt:
    spec: PromptSpec
    messages: tuple[dict[str, str], ...]

    def as_text(self) -> str:
        """The messages as one readable text (for golden tests and ``prompts show``)."""
        return "\n\n".join(f"### {m['role']}\n{m['content']}" for m in self.messages) + "\n"


def prompts_dir() -> Path:
    """The folder of released prompt files (the ``prompts`` package)."""
    return Path(str(resources.files("prompts")))


@lru_cache(maxsize=32)
def _load_file(path: Path) -> PromptSpec:
    match = _FILE_RE.match(path.name)
    if match is None:
        raise PromptError(f"{path}: prompt files are named <id>.v<N>.yaml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = PromptSpec.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise PromptError(f"{path}: cannot read prompt file: {exc}") from exc
    except ValidationError as exc:
        raise PromptError(f"{path}: invalid prompt file: {exc}") from exc
    if (spec.id, spec.version) != (match["id"], int(match["version"])):
        raise PromptError(
            f"{path}: file name says {match['id']}.v{match['version']}, content says {spec.name}"
        )
    return spec


def list_prompts(directory: Path | None = None) -> list[PromptSpec]:
    """Every prompt of ``directory``, else the released ones and those of ``PROMPT_PACKAGES``,
    sorted by id then version."""
    folders = [directory] if directory else [prompts_dir()]
    if directory is None:
        folders += [Path(str(resources.files(package))) for package in PROMPT_PACKAGES.values()]
    where: dict[str, Path] = {}
    for path in (p for folder in folders for p in sorted(folder.glob("*.yaml"))):
        spec = _load_file(path)
        if spec.name in where:
            raise PromptError(f"prompt {spec.name} is defined twice: {where[spec.name]} and {path}")
        where[spec.name] = path
    return sorted((_load_file(p) for p in where.values()), key=lambda s: (s.id, s.version))


def load_prompt(name: str, directory: Path | None = None) -> PromptSpec:
    """``"events.v2"`` for an exact version, ``"events"`` for the latest one."""
    specs = list_prompts(directory)
    pid, _, version = name.partition(".v")
    chosen = [s for s in specs if s.id == pid and (not version or str(s.version) == version)]
    if not chosen:
        known = ", ".join(s.name for s in specs) or "none"
        raise PromptError(f"unknown prompt {name!r}; known prompts: {known}")
    return chosen[-1]
