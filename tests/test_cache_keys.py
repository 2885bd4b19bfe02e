"""The cache key holds where the request went and what it meant; a broken cache never stops a run."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import diskcache
import httpx
import pytest
from pydantic import BaseModel

from extractor.llm import Completion, LLMClient, ResponseCache, open_disk_cache
from extractor.llm.cache import CACHE_VERSION, DataDisk
from schemas.events_v3 import ArticleResult, Usage
from tests.conftest import FakeEndpoint
from tests.fakes import ARTICLE, PUBLISHED, Recorder, fake_llm_server, grounded_answer, ok

EXTRACTOR = Path(sys.executable).parent / "extractor"


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[diskcache.Cache]:
    with diskcache.Cache(str(tmp_path / "responses"), disk=DataDisk) as opened:
        yield opened


def _at(tmp_path: Path, cache: Any, base_url: str, **changes: Any) -> FakeEndpoint:
    return FakeEndpoint(
        tmp_path, Recorder([ok(grounded_answer())]), cache=cache, use_cache=True, base_url=base_url, **changes
    )


def _extract(endpoint: FakeEndpoint) -> ArticleResult:
    return endpoint.extractor.extract(ARTICLE, published=PUBLISHED, article_id="a")


def test_the_cache_version_was_bumped_for_the_new_key() -> None:
    assert CACHE_VERSION == 3  # 3: JSON entries (2: pickled, keyed without the endpoint's kind...)


def test_endpoint_b_is_not_answered_from_endpoint_a_cache(tmp_path: Path, cache: diskcache.Cache) -> None:
    a = _at(tmp_path, cache, "http://server-a.test/v1")
    b = _at(tmp_path, cache, "http://server-b.test/v1")
    first = _extract(a)
    from_b = _extract(b)
    assert (a.request_count, b.request_count) == (1, 1)
    assert from_b.provenance.cache_hit is False
    assert from_b.provenance.request_sha256 != first.provenance.request_sha256
    assert from_b.provenance.endpoint == "http://server-b.test/v1"
    again = _extract(b)
    assert b.request_count == 1 and again.provenance.cache_hit is True


def test_the_endpoint_kind_is_in_the_key(tmp_path: Path, cache: diskcache.Cache) -> None:
    # openai-compatible and llama-cpp-python send different requests; the kind alone must also count
    first = _extract(_at(tmp_path, cache, "http://server-a.test/v1", endpoint_kind="openai-compatible"))
    other = _at(tmp_path, cache, "http://server-a.test/v1", endpoint_kind="openai-compatible")
    assert _extract(other).provenance.cache_hit is True
    changed = _at(tmp_path, cache, "http://server-a.test/v1", endpoint_kind="llama-cpp-python")
    assert _extract(changed).provenance.request_sha256 != first.provenance.request_sha256


def test_credentials_are_not_part_of_the_key_nor_of_provenance(
    tmp_path: Path, cache: diskcache.Cache
) -> None:
    plain = _extract(_at(tmp_path, cache, "http://server-a.test/v1"))
    with_user = _at(tmp_path, cache, "http://alice:s3cret-pass@server-a.test/v1?api_key=s3cret-key")
    result = _extract(with_user)
    assert result.provenance.cache_hit is True  # same endpoint: the key ignores the credentials
    assert result.provenance.request_sha256 == plain.provenance.request_sha256
    assert result.provenance.endpoint == "http://server-a.test/v1"
    assert "s3cret" not in result.model_dump_json()


class _Answer(BaseModel):
    value: int


def test_key_parts_from_the_caller_change_the_key_but_not_the_request(tmp_path: Path) -> None:
    recorder = Recorder([ok('{"value": 1}')])
    client = LLMClient(
        FakeEndpoint(tmp_path, recorder).settings.replace(use_cache=True),
        transport=httpx.MockTransport(recorder),
        cache=diskcache.Cache(str(tmp_path / "c"), disk=DataDisk),
    )
    messages = [{"role": "user", "content": "one"}]
    first = client.complete(messages, _Answer, {}, key_parts={"prompt_sha256": "a" * 64})
    same = client.complete(messages, _Answer, {}, key_parts={"prompt_sha256": "a" * 64})
    other = client.complete(messages, _Answer, {}, key_parts={"prompt_sha256": "b" * 64})
    assert (first.cache_hit, same.cache_hit, other.cache_hit) == (False, True, False)
    assert len(recorder.requests) == 2
    bodies = list(recorder.bodies)
    assert bodies[0] == bodies[1]
    assert "prompt_sha256" not in recorder.requests[0].content.decode()


# ------------------------------------------------------------------ broken caches


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_a_corrupt_cache_file_gives_one_warning_and_no_cache(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "cache.db").write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING):
        assert open_disk_cache(folder) is None
    [warning] = _warnings(caplog)
    assert str(folder) in warning and "--no-cache" in warning


def test_a_cache_path_that_is_a_file_gives_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "cache").write_text("a file, not a folder")
    with caplog.at_level(logging.WARNING):
        assert open_disk_cache(tmp_path / "cache") is None
    assert len(_warnings(caplog)) == 1


class _BrokenStore:
    """A store that fails like a read-only or unreadable sqlite cache."""

    directory = "/somewhere/cache"

    def __init__(self, error: BaseException) -> None:
        self.error = error
        self.calls = 0

    def get(self, key: str) -> object:
        self.calls += 1
        raise self.error

    def set(self, key: str, value: object) -> None:
        self.calls += 1
        raise self.error

    def close(self) -> None:
        raise self.error


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("attempt to write a readonly database"),
        sqlite3.DatabaseError("database disk image is malformed"),
        PermissionError(13, "Permission denied"),
    ],
)
def test_a_store_failing_mid_run_warns_once_and_the_run_continues_uncached(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, error: BaseException
) -> None:
    store = _BrokenStore(error)
    endpoint = FakeEndpoint(tmp_path, Recorder([ok(grounded_answer())]), cache=store, use_cache=True)
    with caplog.at_level(logging.WARNING):
        results = [_extract(endpoint) for _ in range(3)]
    assert [len(r.events) for r in results] == [1, 1, 1]
    assert all(r.provenance.cache_hit is False for r in results)
    assert endpoint.request_count == 3
    assert len(_warnings(caplog)) == 1
    assert store.calls == 1  # disabled after the first failure
    endpoint.extractor.close()  # a failing close is not a traceback either


def test_a_read_only_store_on_put_only_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    class _ReadOnly(_BrokenStore):
        def get(self, key: str) -> object:
            return None

    cache = ResponseCache(_ReadOnly(sqlite3.OperationalError("attempt to write a readonly database")))
    endpoint_cache_miss = cache.get("k")
    assert endpoint_cache_miss is None
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            cache.put(_validated_completion())
    assert len(_warnings(caplog)) == 1 and cache.broken


def _validated_completion() -> Completion:
    return Completion(
        content="{}",
        validated=_Answer(value=1),
        attempts=1,
        requests=1,
        usage=Usage(),
        validation_errors=(),
        duration_s=0.0,
        cache_hit=False,
        request_sha256="k",
    )


@pytest.fixture
def fake_server() -> Iterator[str]:
    with fake_llm_server() as url:
        yield url


def test_the_cli_on_a_corrupt_cache_folder_warns_once_and_completes(fake_server: str, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "cache.db").write_bytes(b"\x00garbage" * 500)
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(ARTICLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    env["EXTRACTOR_CACHE_DIR"] = str(folder)
    run = subprocess.run(
        [str(EXTRACTOR), "extract", "a.txt", "b.txt", "--base-url", fake_server, "--model", "fake"],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == 2
    assert run.stderr.count("WARNING") == 1 and str(folder) in run.stderr
    assert "Traceback" not in run.stderr and "sqlite3" not in run.stderr.split("(")[0]


def test_an_entry_of_another_layout_is_a_miss_with_one_warning_and_is_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    class _OldLayout:
        def __init__(self) -> None:
            self.stored: dict[str, object] = {}

        def get(self, key: str) -> object:  # written by an older version: no attempts, usage...
            return self.stored.get(key, {"content": "{}"})

        def set(self, key: str, value: object) -> None:
            self.stored[key] = value

    endpoint = FakeEndpoint(tmp_path, Recorder([ok(grounded_answer())]), cache=_OldLayout(), use_cache=True)
    with caplog.at_level(logging.WARNING):
        results = [_extract(endpoint) for _ in range(3)]
    assert [r.provenance.cache_hit for r in results] == [False, True, True]
    assert endpoint.request_count == 1
    [warning] = _warnings(caplog)
    assert "cannot be read" in warning and results[0].provenance.request_sha256[:12] in warning


def test_an_edited_prompt_is_not_answered_from_the_cache_even_when_the_request_is_the_same(
    tmp_path: Path, cache: diskcache.Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    import extractor.article_run as article_run_module
    from extractor.prompts import PromptSpec, load_prompt

    class _Edited(PromptSpec):
        """events.v1 with another content hash (as if something the request omits had changed)."""

        @property
        def sha256(self) -> str:
            return "e" * 64

    first = _extract(_at(tmp_path, cache, "http://llm.test/v1"))
    edited = _Edited.model_validate(load_prompt("events.v1").model_dump())
    monkeypatch.setattr(article_run_module, "load_prompt", lambda name: edited)  # where a run plans
    endpoint = _at(tmp_path, cache, "http://llm.test/v1")
    second = _extract(endpoint)
    assert first.provenance.cache_hit is False
    assert second.provenance.cache_hit is False and endpoint.request_count == 1
    assert second.provenance.request_sha256 != first.provenance.request_sha256
    assert second.provenance.prompt_sha256 == "e" * 64
