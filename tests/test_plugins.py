"""The registries: built-ins register through entry points like any package; a plug-in is read lazily,
once, and a broken, incomplete or competing one is a clear error naming it and its distribution."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import distribution
from pathlib import Path

import pytest

from extractor.endpoints import PROFILES, kind_for_url, profile_for
from extractor.errors import ConfigurationError, PluginError, PromptError
from extractor.export import EXPORTERS, exporter_for
from extractor.pipeline import Extractor, cache_key_parts
from extractor.prompts import PROMPT_PACKAGES, load_prompt
from extractor.settings import Settings
from extractor.strategies import STRATEGIES, strategy_for
from tests.plugin_fakes import DEMO, REGISTRIES, plugins_on, write_distribution

EXTRACTOR = Path(sys.executable).parent / "extractor"
PROMPT = (
    "id: orphan\nversion: 1\nschema_version: events.v1\nstrategy: {strategy}\n"
    + "description: x\nsystem: x\nuser: x\n"
)


@pytest.fixture
def add_plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], None]]:
    yield from plugins_on(monkeypatch)


def _one(root: Path, name: str, group: str, entry: str, source: str) -> Path:
    """Distribution ``name``: module ``plugin_case`` holding ``source``, ``entry`` in ``group``."""
    return write_distribution(
        root, name, files={"plugin_case.py": source}, entry_points={group: dict([entry.split(" = ")])}
    )


@pytest.mark.parametrize("registry", REGISTRIES[:3], ids=lambda r: r.group)
def test_the_built_ins_register_through_this_packages_entry_points(registry) -> None:  # type: ignore[no-untyped-def]
    declared = {p.name for p in distribution("extractor").entry_points.select(group=registry.group)}
    assert declared and declared == set(registry)
    assert all(registry[name].name == name for name in registry)


def test_importing_the_library_and_its_cli_reads_no_entry_point(tmp_path: Path) -> None:
    probe = (
        "import importlib.metadata as m; seen = []; real = m.entry_points\n"
        "m.entry_points = lambda **k: seen.append(k.get('group')) or real(**k)\n"
        "import extractor, extractor.cli, extractor.pipeline, extractor.export, extractor.corpus.cli\n"
        "print([g for g in seen if str(g).startswith('extractor')])"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_unknown_names_are_errors_naming_the_known_ones() -> None:
    with pytest.raises(ConfigurationError, match=r"'nope' is not one of llama-cpp-python, openai, openai-c"):
        profile_for("nope")
    with pytest.raises(ConfigurationError, match=r"unknown export format 'nope'; known: acled-csv, jsonl"):
        exporter_for("nope")


def test_a_prompt_naming_an_unknown_strategy_names_the_known_ones(
    add_plugins: Callable[[Path], None], tmp_path: Path
) -> None:
    files = {"plugin_case/__init__.py": "", "plugin_case/orphan.v1.yaml": PROMPT.format(strategy="nowhere")}
    add_plugins(
        write_distribution(
            tmp_path, "orphans", files=files, entry_points={"extractor.prompts": {"o": "plugin_case"}}
        )
    )
    with pytest.raises(PromptError, match=r"names strategy 'nowhere'; known: candidates, quotes, sentences"):
        strategy_for(load_prompt("orphan.v1"))


def test_a_plugin_that_fails_to_import_is_named_with_its_distribution_and_breaks_nothing_else(
    add_plugins: Callable[[Path], None], tmp_path: Path
) -> None:
    entry = "demo-broken = plugin_case:Broken"
    add_plugins(
        _one(tmp_path, "broken-strategy", "extractor.strategies", entry, "raise RuntimeError('boom')\n")
    )
    assert "demo-broken" in STRATEGIES  # its name is known without importing it
    with pytest.raises(PluginError) as info:
        STRATEGIES["demo-broken"]
    message = str(info.value)
    assert "demo-broken = plugin_case:Broken" in message and "broken-strategy 1.0" in message
    assert "RuntimeError: boom" in message
    assert STRATEGIES["quotes"].name == "quotes"
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    for args in (["--help"], ["export", "--help"], ["prompts", "list"]):
        done = subprocess.run([str(EXTRACTOR), *args], check=False, capture_output=True, text=True, env=env)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


def test_a_plugin_lacking_the_protocol_is_named_with_what_it_lacks(
    add_plugins: Callable[[Path], None], tmp_path: Path
) -> None:
    source = "class Half:\n    name = 'demo-half'\n    def plan(self): ...\n"
    add_plugins(
        _one(tmp_path, "half-strategy", "extractor.strategies", "demo-half = plugin_case:Half", source)
    )
    with pytest.raises(PluginError, match=r"half-strategy 1.0\) is not a Strategy .*: it has no asks_llm, "
                       r"cache_key, drafts, llm_role, options$"):  # fmt: skip
        STRATEGIES["demo-half"]


def test_a_plugin_must_bear_its_entry_points_name(
    add_plugins: Callable[[Path], None], tmp_path: Path
) -> None:
    source = "class Other:\n    name = 'other'\n    suffix = media_type = description = ''\n"
    source += "    def write(self): ...\n"
    add_plugins(_one(tmp_path, "misnamed", "extractor.exporters", "demo-fmt = plugin_case:Other", source))
    with pytest.raises(PluginError, match=r"misnamed 1.0\) is named 'other', not 'demo-fmt'"):
        exporter_for("demo-fmt")


def test_an_endpoint_plugin_must_be_an_endpoint_profile(
    add_plugins: Callable[[Path], None], tmp_path: Path
) -> None:
    source = "PROFILE = {'name': 'demo-dict'}\n"
    add_plugins(_one(tmp_path, "dict-kind", "extractor.endpoints", "demo-dict = plugin_case:PROFILE", source))
    with pytest.raises(PluginError, match=r"dict-kind 1.0\) is a dict, not an EndpointProfile"):
        Settings(endpoint_kind="demo-dict")


def test_two_distributions_claiming_one_name_is_an_error_naming_both(
    add_plugins: Callable[[Path], None], tmp_path: Path
) -> None:
    source = "from extractor.export.jsonl import AcledJsonlExporter as Copy\n"
    add_plugins(_one(tmp_path, "copycat", "extractor.exporters", "jsonl = plugin_case:Copy", source))
    with pytest.raises(PluginError) as info:
        exporter_for("jsonl")
    assert "2 plug-ins claim the exporter 'jsonl'" in str(info.value)
    assert "(distribution extractor 0.1.0)" in str(info.value) and "copycat 1.0" in str(info.value)
    assert exporter_for("acled-csv").name == "acled-csv"


def test_a_host_two_endpoint_kinds_claim_is_an_error(
    add_plugins: Callable[[Path], None], tmp_path: Path
) -> None:
    source = (
        "import dataclasses\nfrom extractor.endpoints import OPENAI\n"
        "TWIN = dataclasses.replace(OPENAI, name='demo-twin')\n"
    )
    add_plugins(_one(tmp_path, "twin-kind", "extractor.endpoints", "demo-twin = plugin_case:TWIN", source))
    with pytest.raises(PluginError, match=r"demo-twin and openai both claim the host api.openai.com"):
        kind_for_url("https://api.openai.com/v1")
    assert kind_for_url("http://127.0.0.1:8080/v1") == "openai-compatible"


def test_a_prompt_a_plugin_defines_again_is_an_error_naming_both_files(
    add_plugins: Callable[[Path], None], tmp_path: Path
) -> None:
    again = (DEMO.parent.parent / "prompts" / "events.v1.yaml").read_text(encoding="utf-8")
    files = {"plugin_case/__init__.py": "", "plugin_case/events.v1.yaml": again}
    add_plugins(
        write_distribution(
            tmp_path, "again", files=files, entry_points={"extractor.prompts": {"a": "plugin_case"}}
        )
    )
    with pytest.raises(
        PromptError, match=r"prompt events.v1 is defined twice: .*events.v1.yaml and .*plugin_case"
    ):
        load_prompt("events.v5")
    assert "a" in PROMPT_PACKAGES


def test_a_plugin_is_loaded_once_and_forgotten_on_clear(add_plugins: Callable[[Path], None]) -> None:
    add_plugins(DEMO)
    first = STRATEGIES["demo-trigger"]
    assert STRATEGIES["demo-trigger"] is first
    assert Extractor(Settings(prompt="demo.v1")).asks_llm is False
    for registry in REGISTRIES:
        registry.clear()
    assert STRATEGIES["demo-trigger"] is not first
    assert "demo-tsv" in EXPORTERS and "demo-kind" in PROFILES


def test_the_cache_key_holds_the_strategys_own_options_and_only_its_own() -> None:
    v5, v1 = load_prompt("events.v5"), load_prompt("events.v1")
    on = cache_key_parts(Settings(adjudicate=True), v5, strategy_for(v5))
    off = cache_key_parts(Settings(adjudicate=False), v5, strategy_for(v5))
    assert (on["adjudicate"], off["adjudicate"]) == (True, False) and on["strategy"] == "candidates"
    assert "adjudicate" not in cache_key_parts(Settings(adjudicate=True), v1, strategy_for(v1))
