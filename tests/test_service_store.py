"""The store: leases, one result per item, migrations; replicas on one PostgreSQL share the work."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect

from extractor.service.rows import ItemStatus, NewArticle
from extractor.service.store import Store

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def _job(store: Store, n: int) -> str:
    job_id, _ = store.create_job([NewArticle(f"text {i}") for i in range(n)], prompt=None, body_sha256="x")
    return job_id


def test_migrations_create_the_tables_and_run_again_harmlessly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db' / 'service.db'}"
    Store(url).close()
    store = Store(url)  # a restart runs the migrations again: nothing to do
    assert {"jobs", "items", "results", "alembic_version"} <= set(inspect(store.engine).get_table_names())
    store.close()


def test_only_the_lease_owner_stores_a_result_and_only_once(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'service.db'}")
    _job(store, 1)
    [claimed] = store.claim("worker-a", 5, lease_s=0.05)
    time.sleep(0.1)  # worker-a's lease runs out; worker-b takes the item
    [again] = store.claim("worker-b", 5, lease_s=60)
    assert again.item_id == claimed.item_id
    assert store.finish(claimed, "worker-a", {"article_id": "x", "events": []}, error_type=None) is False
    assert store.finish(again, "worker-b", {"article_id": "x", "events": []}, error_type=None) is True
    assert store.finish(again, "worker-b", {"article_id": "x", "events": []}, error_type=None) is False
    assert store.claim("worker-c", 5, lease_s=60) == []
    assert [outcome.status for outcome in store.outcomes(again.job_id, 0)] == [ItemStatus.DONE] == ["done"]
    store.close()


def test_replicas_on_postgresql_never_claim_the_same_item(postgres_url: str) -> None:
    stores = [Store(postgres_url) for _ in range(3)]
    _job(stores[0], 60)
    taken: dict[str, list[int]] = {}

    def replica(index: int) -> None:
        mine = taken.setdefault(f"r{index}", [])
        while batch := stores[index].claim(f"r{index}", 4, lease_s=60):
            mine.extend(c.item_id for c in batch)

    threads = [threading.Thread(target=replica, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [item for items in taken.values() for item in items]
    assert len(everything) == 60 and len(set(everything)) == 60
    for store in stores:
        store.close()


def test_a_renewed_lease_keeps_the_item_and_a_released_one_frees_it(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'service.db'}")
    _job(store, 2)
    held = store.claim("worker-a", 2, lease_s=0.05)
    store.renew("worker-a", [held[0].item_id], lease_s=60)
    time.sleep(0.1)  # the second item's lease ran out; the renewed one did not
    assert [c.item_id for c in store.claim("worker-b", 5, lease_s=60)] == [held[1].item_id]
    store.release("worker-a")  # a clean shutdown hands the first item back at once
    assert [c.item_id for c in store.claim("worker-c", 5, lease_s=60)] == [held[0].item_id]
    store.close()


def test_a_job_is_visible_only_to_the_key_that_created_it(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'service.db'}")
    job_id, _ = store.create_job([NewArticle("t")], prompt=None, body_sha256="x", key_hash="k1")
    assert store.job(job_id, key_hash="k1") is not None
    assert store.job(job_id, key_hash="k2") is None
    assert store.job(job_id) is None
    store.close()
