"""A package registered through entry points adds a strategy (with its prompt), an export format and
an endpoint kind, and ``extractor`` uses them with no edit: ``tests/plugin_demo``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.errors import ConfigurationError, PromptError
from extractor.pipeline import Extractor
from extractor.settings import Settings
from tests.fakes import ARTICLE, PUBLISHED, stand_in_server
from tests.plugin_fakes import DEMO, plugins_on

#: The stand-in server listens on loopback, which ``--block-network`` otherwise blocks too.
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

EXTRACTOR = Path(sys.executable).parent / "extractor"
TEXT = "Rebels attacked an army post on Monday. The government condemned it on Tuesday."


@pytest.fixture
def add_plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], None]]:
    yield from plugins_on(monkeypatch)


@pytest.fixture
def demo(add_plugins: Callable[[Path], None]) -> None:
    add_plugins(DEMO)


def _settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(use_cache=False, cache_dir=tmp_path / "cache").replace(**changes)


def test_without_the_package_its_prompt_and_names_are_unknown(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match=r"unknown prompt 'demo\.v1'"):
        Extractor(_settings(tmp_path)).extract(TEXT, prompt="demo.v1")
    with pytest.raises(ConfigurationError, match="'demo-kind' is not one of"):
        Settings(endpoint_kind="demo-kind")


def test_a_prompt_naming_the_plugins_strategy_extracts_with_it(demo: None, tmp_path: Path) -> None:
    with Extractor(_settings(tmp_path, prompt="demo.v1")) as session:
        assert session.asks_llm is False  # the strategy's own options: no endpoint, code alone
        result = session.extract(TEXT, published=PUBLISHED, article_id="a")
    (event,) = result.events
    assert [span.quote for span in event.evidence] == ["Rebels attacked an army post on Monday."]
    assert event.evidence[0].start == 0 and event.event_type == "Armed clash"
    assert result.provenance.strategy == "demo-trigger" and result.provenance.prompt_id == "demo"
    assert result.provenance.adjudicated is False and result.provenance.model is None


def test_the_plugins_strategy_asks_the_llm_when_its_options_say_so(demo: None, tmp_path: Path) -> None:
    with stand_in_server() as server:
        settings = _settings(tmp_path, base_url=server.base_url, model="m", prompt="demo.v1")
        with Extractor(settings) as session:
            assert session.asks_llm is True
            result = session.extract(ARTICLE, published=PUBLISHED)
    assert len(server.seen.requests) == 1 and result.provenance.adjudicated is True
    assert result.events and result.provenance.strategy == "demo-trigger"


def test_an_endpoint_kind_from_the_plugin_is_accepted_and_shapes_the_requests(
    demo: None, tmp_path: Path
) -> None:
    assert Settings(base_url="https://llm.demo.invalid/v1").llm.resolved_endpoint_kind == "demo-kind"
    assert Settings(base_url="https://llm.demo.invalid/v1").llm.resolved_model == "demo-model"
    with stand_in_server() as server:
        # on 127.0.0.1 the kind would be openai-compatible (response_format, seed) but for the setting
        settings = _settings(tmp_path, base_url=server.base_url, endpoint_kind="demo-kind", model="m")
        with Extractor(settings) as session:
            result = session.extract(ARTICLE, published=PUBLISHED, prompt="events.v1")
    (body,) = server.seen.requests
    assert body["tools"][0]["type"] == "function" and "response_format" not in body  # TOOLS
    assert "seed" not in body  # sends_seed=False
    assert result.provenance.endpoint_kind == "demo-kind" and result.events


def test_export_writes_through_the_plugins_format(demo: None, tmp_path: Path) -> None:
    with Extractor(_settings(tmp_path, prompt="demo.v1")) as session:
        lines = [session.extract(TEXT, published=PUBLISHED, article_id=i).model_dump_json() for i in "ab"]
    (tmp_path / "results.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    merged = runner.invoke(main, ["merge", str(tmp_path / "results.jsonl"), "-o", str(tmp_path / "c.jsonl")])
    assert merged.exit_code == 0, merged.output
    out = tmp_path / "events.tsv"
    done = runner.invoke(main, ["export", str(tmp_path / "c.jsonl"), "--format", "demo-tsv", "-o", str(out)])
    assert done.exit_code == 0, done.output
    corpus = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert out.read_text(encoding="utf-8") == "".join(f"{e['event_id']}\tArmed clash\n" for e in corpus)
    unknown = runner.invoke(main, ["export", str(tmp_path / "c.jsonl"), "--format", "nope", "-o", str(out)])
    assert unknown.exit_code == 2
    assert all(name in unknown.output for name in ("'acled-csv'", "'demo-tsv'", "'jsonl'"))


def test_the_command_line_uses_the_plugins_strategy_and_format(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_") and k != "OPENAI_API_KEY"}
    env.update(PYTHONPATH=str(DEMO), EXTRACTOR_CACHE_DIR=str(tmp_path / "cache"))
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(EXTRACTOR), *args], check=False, capture_output=True, text=True, env=env, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        return done

    extracted = run("extract", "a.txt", "--prompt", "demo.v1", "--published", PUBLISHED, "-o", "r.jsonl")
    (result,) = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert result["provenance"]["strategy"] == "demo-trigger" and len(result["events"]) == 1, extracted.stderr
    run("merge", "r.jsonl", "-o", "c.jsonl")
    run("export", "c.jsonl", "--format", "demo-tsv", "-o", "out.tsv")
    assert (tmp_path / "out.tsv").read_text(encoding="utf-8").endswith("\tArmed clash\n")
    listed = run("prompts", "list").stdout
    assert "demo.v1" in listed and "events.v5" in listed
