"""The response cache stores data, not code, and a damaged entry is a miss: never a crash, never a pickle.

diskcache pickles by default, so a writable cache folder used to be code execution at the next
lookup, and one damaged byte aborted the whole run (194 of 300 random corruptions escaped as
exceptions). Entries are now JSON (``DataDisk``), validated as ``CachedAnswer`` when read.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import shutil
import sqlite3
import string
import zlib
from pathlib import Path
from typing import Any

import diskcache
import pytest
from pydantic import BaseModel

from extractor.llm import Completion, ResponseCache, open_disk_cache
from extractor.llm.cache import CACHE_VERSION, MAX_ENTRY_BYTES, CachedAnswer
from schemas.events_v3 import Usage
from tests.conftest import FakeEndpoint
from tests.fakes import ARTICLE, PUBLISHED, Recorder, grounded_answer, ok


class _Answer(BaseModel):
    value: int


def _completion(key: str, content: str, *, validated: bool = True) -> Completion:
    return Completion(
        content=content,
        validated=_Answer(value=1) if validated else None,
        attempts=2,
        requests=2,
        usage=Usage(prompt_tokens=11, completion_tokens=7, total_tokens=18),
        validation_errors=("the first answer was not JSON",),
        duration_s=0.1,
        cache_hit=False,
        request_sha256=key,
    )


def _db_key(key: str) -> bytes:
    """How diskcache's JSONDisk writes ``key`` in its table (JSON, zlib level 1, raw)."""
    return zlib.compress(json.dumps(key).encode("utf-8"), 1)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


# ------------------------------------------------------------------ what is on disk
def test_an_entry_on_disk_is_a_versioned_json_document_naming_its_key(tmp_path: Path) -> None:
    store = open_disk_cache(tmp_path / "c")
    ResponseCache(store).put(_completion("k1", '{"events": []}'))
    store.close()
    with sqlite3.connect(tmp_path / "c" / "cache.db") as db:
        (mode, value), *_ = db.execute("SELECT mode, value FROM Cache").fetchall()
    entry = json.loads(zlib.decompress(value))
    assert mode == diskcache.core.MODE_RAW
    assert entry == {
        "format": CACHE_VERSION,
        "key": "k1",
        "content": '{"events": []}',
        "attempts": 2,
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
        "validation_errors": ["the first answer was not JSON"],
    }


def test_an_entry_read_back_is_the_completion_that_was_stored(tmp_path: Path) -> None:
    cache = ResponseCache(open_disk_cache(tmp_path / "c"))
    cache.put(_completion("k1", '{"events": []}'))
    hit = cache.get("k1")
    assert hit is not None and hit.cache_hit and hit.validated is None
    assert (hit.content, hit.attempts, hit.usage.total_tokens, hit.validation_errors) == (
        '{"events": []}',
        2,
        18,
        ("the first answer was not JSON",),
    )


def test_put_never_stores_an_answer_that_did_not_validate(tmp_path: Path) -> None:
    store = open_disk_cache(tmp_path / "c")
    cache = ResponseCache(store)
    cache.put(_completion("k1", '{"events": "not validated"}', validated=False))
    assert len(store) == 0
    assert cache.get("k1") is None


# ------------------------------------------------------------------ planted and damaged entries
def _plant(folder: Path, key: str, value: Any) -> None:
    """Write ``value`` under ``key`` as diskcache's default (pickling) disk would."""
    with diskcache.Cache(str(folder)) as raw:
        raw.set(_db_key(key), value)


class _Payload:
    """Unpickling this creates a file: proof that code ran."""

    marker = ""

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("size", [10, 100_000])  # kept in the database / in a file of its own
def test_a_pickled_entry_is_never_unpickled(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, size: int
) -> None:
    marker = tmp_path / "code-ran"
    payload = _Payload()
    payload.marker = str(marker)
    _plant(tmp_path / "c", "k1", [payload, "x" * size])
    cache = ResponseCache(open_disk_cache(tmp_path / "c"))
    with caplog.at_level(logging.WARNING):
        assert cache.get("k1") is None
        assert cache.get("k1") is None
    assert not marker.exists()
    [warning] = _warnings(caplog)
    assert "cannot be read" in warning and "mode" in warning


def _live(tmp_path: Path, folder: Path) -> FakeEndpoint:
    return FakeEndpoint(
        tmp_path, Recorder([ok(grounded_answer())]), cache=open_disk_cache(folder), use_cache=True
    )


def test_a_planted_pickle_is_a_miss_for_a_live_extract_which_then_stores_json(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    first = _live(tmp_path, folder)
    key = first.extractor.extract(ARTICLE, published=PUBLISHED, article_id="a").provenance.request_sha256
    first.extractor.close()
    assert key is not None
    marker = tmp_path / "code-ran"
    payload = _Payload()
    payload.marker = str(marker)
    _plant(folder, key, payload)
    again = _live(tmp_path, folder)
    result = again.extractor.extract(ARTICLE, published=PUBLISHED, article_id="a")
    assert not marker.exists()
    assert result.provenance.cache_hit is False and again.request_count == 1 and result.events
    third = again.extractor.extract(ARTICLE, published=PUBLISHED, article_id="a")
    assert third.provenance.cache_hit is True  # the JSON answer replaced the planted pickle


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("another request's entry", {"key": "other"}),
        ("another format", {"format": 2}),
        ("a field too many", {"extra": 1}),
        ("attempts as text", {"attempts": "2"}),
        ("a list, not an entry", None),
    ],
)
def test_an_entry_that_is_not_a_valid_answer_for_its_key_is_a_miss(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, stored: dict[str, Any] | None
) -> None:
    entry = CachedAnswer(
        format=CACHE_VERSION, key="k1", content="{}", attempts=1, usage=Usage(), validation_errors=[]
    ).model_dump(mode="json")
    value: Any = [entry] if stored is None else {**entry, **stored}
    store = open_disk_cache(tmp_path / "c")
    store.set("k1", value)
    with caplog.at_level(logging.WARNING):
        assert ResponseCache(store).get("k1") is None, name
    assert len(_warnings(caplog)) == 1


def test_an_entry_that_inflates_past_the_bound_is_a_miss(tmp_path: Path) -> None:
    with diskcache.Cache(str(tmp_path / "c")) as raw:  # a zlib bomb, stored as raw bytes
        raw.set(_db_key("k1"), zlib.compress(b" " * (MAX_ENTRY_BYTES + 1), 9))
    assert ResponseCache(open_disk_cache(tmp_path / "c")).get("k1") is None


# ------------------------------------------------------------------ random damage on disk
def _template(folder: Path, rng: random.Random) -> dict[str, str]:
    """A cache holding real entries: small ones in the database, large ones in files of their own."""
    contents = {
        f"key-{n}": "".join(rng.choices(string.ascii_letters, k=size))
        for n, size in enumerate([40, 400, 4_000, 90_000, 120_000])
    }
    store = open_disk_cache(folder)
    cache = ResponseCache(store)
    for key, content in contents.items():
        cache.put(_completion(key, content))
    store.close()
    return contents


def _targets(folder: Path, contents: dict[str, str]) -> list[tuple[Path, int, int]]:
    """Byte ranges to damage: each inline entry's bytes in the database, each value file, the database."""
    db = folder / "cache.db"
    data = db.read_bytes()
    targets = [(db, 0, len(data))]
    for key, content in contents.items():
        entry = _completion(key, content)
        stored = CachedAnswer(
            format=CACHE_VERSION, key=key, content=content, attempts=entry.attempts,
            usage=entry.usage, validation_errors=list(entry.validation_errors),
        ).model_dump(mode="json")  # fmt: skip
        blob = zlib.compress(json.dumps(stored).encode("utf-8"), 1)
        if (at := data.find(blob)) >= 0:
            targets.append((db, at, at + len(blob)))
    files = [p for p in folder.rglob("*.val")]
    targets.extend((path, 0, path.stat().st_size) for path in files)
    assert len(files) >= 2 and len(targets) >= 6  # both kinds of entry are there to damage
    return targets


@pytest.mark.timeout(300)  # 300 rounds of copy, damage and open: about 30 s on a loaded machine
def test_300_random_corruptions_of_real_entries_never_escape(tmp_path: Path) -> None:
    rng = random.Random(20161)
    template = tmp_path / "template"
    contents = _template(template, rng)
    targets = _targets(template, contents)
    escaped: list[str] = []
    outcomes = {"hit": 0, "changed": 0, "miss": 0, "no cache": 0}
    for round_ in range(300):
        folder = tmp_path / f"round-{round_}"
        shutil.copytree(template, folder)
        path, start, end = rng.choice(targets)
        path = folder / path.relative_to(template)
        data = bytearray(path.read_bytes())
        for _ in range(rng.randint(1, 3)):
            data[rng.randrange(start, end)] = rng.randrange(256)
        path.write_bytes(bytes(data))
        try:
            store = open_disk_cache(folder)
            if store is None:
                outcomes["no cache"] += 1
                continue
            cache = ResponseCache(store)
            for key, content in contents.items():
                hit = cache.get(key)
                kind = "miss" if hit is None else "hit" if hit.content == content else "changed"
                outcomes[kind] += 1
            cache.put(_completion("new-key", "{}"))
            with contextlib.suppress(OSError, sqlite3.Error):  # as Extractor.close does
                store.close()
        except Exception as exc:
            escaped.append(f"round {round_} ({path.name}[{start}:{end}]): {type(exc).__name__}: {exc}")
        shutil.rmtree(folder, ignore_errors=True)
    assert escaped == []
    assert outcomes["miss"] >= 50 and outcomes["hit"] >= 50, outcomes  # the damage did reach entries
