"""`extractor eval --mode record --only-missing` records only the articles whose requests changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evals.runner import run_eval
from extractor.settings import Settings
from tests.fakes import fake_llm_server

#: The fake endpoint listens on loopback; `make unit` blocks every other host.
pytestmark = pytest.mark.block_network(allowed_hosts=["127\\.0\\.0\\.1"])


@pytest.fixture
def endpoint() -> Iterator[str]:
    with fake_llm_server() as url:
        yield url


def _record(endpoint: str, tmp_path: Path, *, only_missing: bool) -> None:
    settings = Settings(
        base_url=endpoint,
        model="fake",
        endpoint_kind="openai-compatible",
        cache_dir=tmp_path / "cache",
        http_retries=0,
        reasks=0,
    )
    run_eval(
        mode="record",
        prompt="events.v1",
        settings=settings,
        out_dir=tmp_path / "out",
        recordings_dir=tmp_path / "rec",
        only_missing=only_missing,
    )


def test_only_the_stale_recording_is_recorded_again(endpoint: str, tmp_path: Path) -> None:
    _record(endpoint, tmp_path, only_missing=False)
    files = sorted((tmp_path / "rec" / "events.v1").glob("*.yaml"))
    assert len(files) == 5
    stale = files[0]
    # another request body than the pipeline sends: replay cannot answer it
    stale.write_text(stale.read_text(encoding="utf-8").replace("max_tokens", "max_tokenz"), encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for p in files}
    stale_text = stale.read_text(encoding="utf-8")

    _record(endpoint, tmp_path, only_missing=True)

    assert "max_tokenz" not in stale.read_text(encoding="utf-8") != stale_text
    assert {p: p.stat().st_mtime_ns for p in files[1:]} == {p: before[p] for p in files[1:]}


def test_without_only_missing_every_recording_is_made_anew(endpoint: str, tmp_path: Path) -> None:
    _record(endpoint, tmp_path, only_missing=False)
    files = sorted((tmp_path / "rec" / "events.v1").glob("*.yaml"))
    before = {p: p.stat().st_mtime_ns for p in files}
    _record(endpoint, tmp_path, only_missing=False)
    assert all(p.stat().st_mtime_ns != before[p] for p in files)


def test_an_eval_resolves_adjudication_as_extract_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """auto: off with the embedded model, on with a configured endpoint; an explicit value wins."""
    import evals.runner

    seen: list[Settings] = []

    class StopError(Exception):
        pass

    def capture(settings: Settings) -> None:
        seen.append(settings)
        raise StopError

    monkeypatch.setattr(evals.runner, "Extractor", capture)
    cases = [
        Settings(),
        Settings(adjudicate=True),
        Settings(base_url="http://llm.test/v1", model="m"),
        Settings(base_url="http://llm.test/v1", model="m", adjudicate=False),
    ]
    for settings in cases:
        with pytest.raises(StopError):
            run_eval(mode="live", prompt="events.v5", settings=settings, out_dir=tmp_path)
    assert [s.extraction.adjudicate for s in seen] == [False, True, True, False]
    assert [s.extraction.adjudicate for s in seen] == [s.resolved_adjudicate for s in cases]
