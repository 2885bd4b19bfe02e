"""``batch collect`` reads the endpoint, model and adjudication from the manifest, and refuses a
manifest that would read one answer for two articles.

Before, collect rebuilt each request from the environment: after ``prepare --base-url URL`` it
needed the same URL again in ``EXTRACTOR_BASE_URL`` or refused every article; with the default
prompt and no URL it quietly decided every article by code alone and ignored the answers. A
manifest naming one custom_id twice collected one article with another's answer.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.batch import Manifest, prepare
from extractor.cli import main
from extractor.errors import BatchError
from tests.batch_fakes import batch_settings, output_line, prepared, write_articles, write_jsonl
from tests.fakes import grounded_answer

ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent
ARTICLES = {
    "convoy": "Gunmen attacked a convoy near Mopti on Wednesday, killing four soldiers, officials said.\n",
    "march": "Police dispersed protesters in Bamako on Tuesday, witnesses said. Two were wounded.\n",
}


def _readme_vllm_example() -> str:
    """The vLLM batch commands of docs/batch.md, exactly as written there."""
    page = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    intro = page.index("**vLLM** (prepare for the model")
    fence = page.index("```", intro)
    block = page[page.index("\n", fence) + 1 :]  # after the fence and its language
    return block[: block.index("```")].strip()


@pytest.mark.timeout(300)  # two CLI processes loading spaCy
def test_the_readme_vllm_example_runs_as_written(tmp_path: Path) -> None:
    commands = _readme_vllm_example()
    assert "--base-url http://localhost:8000/v1" in commands and "vllm run-batch" in commands
    (tmp_path / "articles").mkdir()
    for name, text in ARTICLES.items():
        (tmp_path / "articles" / f"{name}.txt").write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_") and k != "OPENAI_API_KEY"}
    env.update(EXTRACTOR_CACHE_DIR=str(tmp_path / "cache"), PATH=f"{BIN}{os.pathsep}{env['PATH']}")
    env["PYTHONPATH"] = str(ROOT)
    # vLLM is not installed here: a stand-in with its command line answers every request
    script = f'set -e\nvllm() {{ "{sys.executable}" -m tests.fake_vllm "$@"; }}\n{commands}\n'
    run = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    results = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert sorted(r["article_id"] for r in results) == ["convoy", "march"]
    for result in results:  # each result read its answer, as the endpoint and model prepared for
        provenance = result["provenance"]
        assert provenance["request_sha256"] and provenance["batch"]["custom_id"] == result["article_id"]
        assert provenance["endpoint"] == "http://localhost:8000/v1"
        assert provenance["model"] == "Qwen/Qwen2.5-7B-Instruct"
    manifest = json.loads((tmp_path / "requests.manifest.json").read_text())
    assert (manifest["endpoint"], manifest["adjudicate"]) == ("http://localhost:8000/v1", True)


# ------------------------------------------------------------------ the manifest decides, options override
def _answers(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "output.jsonl",
        [output_line(f"art{n}", grounded_answer(), number=n + 1) for n in range(3)],
    )


def _collect(tmp_path: Path, *options: str, env: dict[str, str] | None = None) -> tuple[int, list[Any]]:
    out = tmp_path / "results.jsonl"
    out.unlink(missing_ok=True)
    args = [
        "batch",
        "collect",
        str(_answers(tmp_path)),
        "--manifest",
        str(tmp_path / "requests.manifest.json"),
    ]
    done = CliRunner().invoke(main, [*args, "-o", str(out), *options], env=env or {})
    return done.exit_code, [json.loads(line) for line in out.read_text().splitlines()]


def test_collect_ignores_another_endpoint_in_the_environment(tmp_path: Path) -> None:
    prepared(tmp_path, batch_settings(tmp_path))
    code, lines = _collect(
        tmp_path, env={"EXTRACTOR_BASE_URL": "http://elsewhere.test/v1", "EXTRACTOR_MODEL": "x"}
    )
    assert code == 0 and all("events" in line for line in lines)
    assert {line["provenance"]["endpoint"] for line in lines} == {"http://llm.test/v1"}
    assert {line["provenance"]["model"] for line in lines} == {"test-model"}


def test_base_url_and_model_options_override_the_manifest(tmp_path: Path) -> None:
    prepared(tmp_path, batch_settings(tmp_path))
    code, lines = _collect(tmp_path, "--base-url", "http://elsewhere.test/v1")
    assert code == 1  # another endpoint: another request hash, so each answer is refused
    assert all("would now differ" in line["error"]["message"] for line in lines)
    code, lines = _collect(tmp_path, "--model", "other-model")
    assert code == 1 and all("would now differ" in line["error"]["message"] for line in lines)


def test_a_manifest_of_format_1_takes_the_endpoint_from_the_settings(tmp_path: Path) -> None:
    prepared(tmp_path, batch_settings(tmp_path))
    path = tmp_path / "requests.manifest.json"
    old = json.loads(path.read_text())
    old["format"] = "extractor-batch-manifest/1"
    del old["endpoint"], old["adjudicate"]
    path.write_text(json.dumps(old))
    code, _ = _collect(tmp_path)
    assert code == 1  # no endpoint anywhere: the requests hash differently
    code, lines = _collect(tmp_path, env={"EXTRACTOR_BASE_URL": "http://llm.test/v1"})
    assert code == 0 and all("events" in line for line in lines)


def test_a_manifest_whose_settings_ask_nothing_is_refused_not_silently_code_only(tmp_path: Path) -> None:
    prepared(tmp_path, batch_settings(tmp_path, prompt="events.v5", adjudicate=True))
    path = tmp_path / "requests.manifest.json"
    edited = json.loads(path.read_text())
    edited["adjudicate"] = False
    path.write_text(json.dumps(edited))
    code, lines = _collect(tmp_path)
    assert code == 1 and len(lines) == 3
    assert all("code decides it alone" in line["error"]["message"] for line in lines)


# ------------------------------------------------------------------ one custom_id, one article
@pytest.mark.parametrize("field", ["custom_id", "article_id"])
def test_collect_refuses_a_manifest_naming_a_custom_id_or_article_twice(tmp_path: Path, field: str) -> None:
    prepared(tmp_path, batch_settings(tmp_path))
    path = tmp_path / "requests.manifest.json"
    edited = json.loads(path.read_text())
    articles = edited["files"][0]["articles"]
    articles[2][field] = articles[0][field]
    path.write_text(json.dumps(edited))
    with pytest.raises(BatchError, match=rf"{field} '{articles[0][field]}' appears twice"):
        Manifest.read(path)
    code, lines = _collect(tmp_path)
    assert code == 1 and lines == []


def test_prepare_refuses_an_article_whose_custom_id_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare_module = importlib.import_module("extractor.batch.prepare")  # the module, not the function
    monkeypatch.setattr(prepare_module, "custom_id_for", lambda article_id, round_=1: "same")
    refused: list[str] = []
    paths = write_articles(tmp_path / "articles")
    report = prepare(
        paths,
        tmp_path / "requests.jsonl",
        batch_settings(tmp_path),
        on_refused=lambda s, e: refused.append(str(e)),
    )
    manifest = Manifest.read(report.manifest)
    assert report.requests == 1 and report.refused == 2
    assert [a.custom_id for _, a in manifest.articles()] == ["same"]
    assert all(re.search(r"custom_id 'same' is already used by .*art0\.txt", why) for why in refused)
