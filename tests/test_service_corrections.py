"""Corrections through the API: append-only rows (who, when, field, old, new), the corrected record
served by /v1/jobs/{id}/results and /v1/events, the machine's original kept, selections checked
against the article, stale writes refused, and roles: a reader changes nothing (403)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy
from alembic import command
from alembic.config import Config

from extractor.service.database import MIGRATIONS
from extractor.service.rows import StoredArticle
from extractor.service.store import Store
from extractor.settings import ApiKeys
from tests.review_fakes import KEYS, REVIEW, TEXT, bearer, check_reviewed, review_app, serving, span, submit

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])  # the service, on loopback


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "sqlite":
        return {}
    return {"database_url": request.getfixturevalue("postgres_url")}


def _act(
    client: httpx.Client, job_id: str, action: dict[str, Any], who: str = "alice", **params: Any
) -> httpx.Response:
    return client.post(
        f"/v1/jobs/{job_id}/articles/0/corrections", json=action, headers=bearer(who), params=params
    )


def test_a_review_through_the_api_is_served_audited_and_the_original_kept(
    tmp_path: Path, database: dict[str, str]
) -> None:
    app = review_app(tmp_path, **database)
    with serving(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        job_id = submit(client, bearer("alice"))
        before = client.get("/v1/events", headers=bearer("reader")).json()  # the machine's corpus, cached
        assert sorted(e["event_type"] for e in before["events"]) == ["Armed clash", "Peaceful protest"]
        for i, action in enumerate(REVIEW):
            answer = _act(client, job_id, action, who="alice" if i % 2 else "bob")
            assert answer.status_code == 200, (action, answer.text)
        check_reviewed(client, job_id, bearer("reader"), tmp_path / "gold")
        trail = client.get(f"/v1/jobs/{job_id}/articles/0/corrections", headers=bearer("reader")).json()
        assert [t["who"] for t in trail] == ["bob" if i % 2 == 0 else "alice" for i in range(len(REVIEW))]
        url_db = app.state.service.store.url
    engine = sqlalchemy.create_engine(url_db)
    with engine.connect() as connection:
        rows = connection.execute(
            sqlalchemy.text("SELECT seq, field, who FROM corrections ORDER BY seq")
        ).all()
    assert [(r.seq, r.field) for r in rows][:2] == [(1, "decision"), (2, "actor1")]
    assert len(rows) == len(REVIEW)


@pytest.mark.parametrize("statement", ["UPDATE corrections SET who = 'mallory'", "DELETE FROM corrections"])
def test_the_database_refuses_to_change_or_delete_a_correction(
    tmp_path: Path, database: dict[str, str], statement: str
) -> None:
    app = review_app(tmp_path, **database)
    with serving(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        job_id = submit(client, bearer("alice"))
        assert _act(client, job_id, REVIEW[0]).status_code == 200
        url_db = app.state.service.store.url
    engine = sqlalchemy.create_engine(url_db)
    with pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(sqlalchemy.text(statement))
    with engine.connect() as connection:
        assert connection.execute(sqlalchemy.text("SELECT who FROM corrections")).scalars().all() == ["alice"]


@pytest.mark.parametrize(
    ("action", "problem"),
    [
        (
            {"action": "set", "event": 1, "field": "actor1", "span": span("Gunmen") | {"quote": "Rebels"}},
            "not 'Rebels'",
        ),
        (
            {"action": "set", "event": 1, "field": "actor1", "span": {"start": 5, "end": 10_000}},
            "not a selection",
        ),
        ({"action": "set", "event": 1, "field": "actor1", "span": {"start": 6, "end": 7}}, "no words"),
        ({"action": "add-claim", "event": 1, "span": span("Gunmen attacked")}, "no casualty figure"),
        ({"action": "set-country", "event": 1, "index": 0, "country": "Atlantis"}, "not an ISO 3166"),
        ({"action": "accept", "event": 9}, "no event 9"),
        ({"action": "reject", "event": 1, "rule": "I do not like it"}, "rule"),
        ({"action": "done"}, "neither accepted nor rejected"),
    ],
)
def test_a_correction_the_article_does_not_support_is_refused_and_nothing_is_stored(
    tmp_path: Path, action: dict[str, Any], problem: str
) -> None:
    with serving(review_app(tmp_path)) as url, httpx.Client(base_url=url, timeout=60) as client:
        job_id = submit(client, bearer("alice"))
        answer = _act(client, job_id, action)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert problem in answer.text
        assert client.get(f"/v1/jobs/{job_id}/articles/0/corrections", headers=bearer("alice")).json() == []


def test_a_claim_selected_in_the_text_sets_the_fatalities_by_the_casualty_rules(tmp_path: Path) -> None:
    with serving(review_app(tmp_path)) as url, httpx.Client(base_url=url, timeout=60) as client:
        job_id = submit(client, bearer("alice"))
        assert (
            _act(
                client, job_id, {"action": "remove", "event": 1, "field": "casualties", "index": 0}
            ).status_code
            == 200
        )
        review = _act(
            client, job_id, {"action": "add-claim", "event": 1, "span": span("killing two officers")}
        ).json()
        [claim] = review["events"][0]["event"]["casualties"]
        assert (claim["kind"], claim["count"], claim["qualifier"]) == ("killed", 2, "exact")
        assert review["events"][0]["event"]["fatalities"] == 2
        assert claim["claimed_by"] is None
        claimant = {
            "action": "set-claim",
            "event": 1,
            "index": 0,
            "part": "claimed_by",
            "span": span("the police"),
        }
        [claim] = _act(client, job_id, claimant).json()["events"][0]["event"]["casualties"]
        assert claim["claimed_by"] == span("the police") | {"alignment": "exact"}


def test_a_write_on_a_stale_revision_is_409_and_not_stored(tmp_path: Path) -> None:
    with serving(review_app(tmp_path)) as url, httpx.Client(base_url=url, timeout=60) as client:
        job_id = submit(client, bearer("alice"))
        assert _act(client, job_id, REVIEW[0], revision=0).status_code == 200
        late = _act(client, job_id, {"action": "accept", "event": 1}, who="bob", revision=0)
        assert late.status_code == 409 and late.headers["content-type"] == "application/problem+json"
        trail = client.get(f"/v1/jobs/{job_id}/articles/0/corrections", headers=bearer("bob")).json()
        assert [t["who"] for t in trail] == ["alice"]


def test_a_reader_key_reads_everything_and_changes_nothing(tmp_path: Path) -> None:
    with serving(review_app(tmp_path)) as url, httpx.Client(base_url=url, timeout=60) as client:
        job_id = submit(client, bearer("alice"))
        reader = bearer("reader")
        writes = [
            client.post("/v1/extract", json={"text": TEXT}, headers=reader),
            client.post("/v1/jobs", json=[TEXT], headers=reader),
            client.delete(f"/v1/jobs/{job_id}", headers=reader),
            client.post(f"/v1/jobs/{job_id}/articles/0/corrections", json=REVIEW[0], headers=reader),
        ]
        for answer in writes:
            assert answer.status_code == 403, (answer.request.method, answer.request.url, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
            assert "'reader' has the role reader" in answer.json()["detail"]
        reads = [
            client.get(f"/v1/jobs/{job_id}", headers=reader),
            client.get(f"/v1/jobs/{job_id}/results", headers=reader),
            client.get(f"/v1/jobs/{job_id}/articles/0/review", headers=reader),
            client.get(f"/v1/jobs/{job_id}/articles/0/original", headers=reader),
            client.get("/v1/events", headers=reader),
            client.get(f"/jobs/{job_id}/view", headers=reader),
        ]
        assert [r.status_code for r in reads] == [200] * len(reads)
        assert "data-action" not in reads[-1].text  # the reader's page has no editor
        assert client.get(f"/v1/jobs/{job_id}/articles/0/corrections", headers=reader).json() == []


def test_cancelling_a_job_is_an_admins_and_a_bare_key_keeps_its_jobs_to_itself(tmp_path: Path) -> None:
    app = review_app(tmp_path)
    service = app.state.service
    service.settings = service.guard.settings = service.settings.replace(
        api_keys=service.settings.service.api_keys + ApiKeys.of("bare-key-0005")
    )
    with serving(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        job_id = submit(client, bearer("alice"))
        assert client.delete(f"/v1/jobs/{job_id}", headers=bearer("bob")).status_code == 403
        assert client.delete(f"/v1/jobs/{job_id}", headers=bearer("admin")).status_code == 200
        bare = {"Authorization": "Bearer bare-key-0005"}
        assert client.get(f"/v1/jobs/{job_id}", headers=bare).status_code == 404  # not the team's
        assert client.get(f"/v1/jobs/{job_id}", headers=bearer("reader")).status_code == 200  # the team's


def test_a_browser_signs_in_once_and_a_cookie_alone_never_writes(tmp_path: Path) -> None:
    with serving(review_app(tmp_path)) as url, httpx.Client(base_url=url, timeout=60) as client:
        job_id = submit(client, bearer("alice"))
        page = f"/jobs/{job_id}/view"
        assert client.get(page).status_code == 401
        refused = client.post("/login", data={"key": "not-a-key", "next": page})
        assert (
            refused.status_code == 401 and "not valid" in refused.text and "set-cookie" not in refused.headers
        )
        elsewhere = client.post("/login", data={"key": KEYS["alice"], "next": "//evil.example/x"})
        assert elsewhere.status_code == 303 and elsewhere.headers["location"] == "/"
        client.cookies.clear()
        signed = client.post("/login", data={"key": KEYS["alice"], "next": page})
        assert signed.status_code == 303 and signed.headers["location"] == page
        cookie = signed.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and KEYS["alice"] not in signed.text
        assert client.get(page).status_code == 200  # the cookie, no header
        action = f"/v1/jobs/{job_id}/articles/0/corrections"
        plain = client.post(action, json=REVIEW[0])
        assert plain.status_code == 403 and "X-Extractor-Review" in plain.json()["detail"]
        assert client.post(action, json=REVIEW[0], headers={"X-Extractor-Review": "1"}).status_code == 200
        [step] = client.get(f"/v1/jobs/{job_id}/articles/0/corrections").json()
        assert step["who"] == "alice"
        client.post("/logout")
        assert client.get(page).status_code == 401


def test_words_selected_from_a_hostile_article_are_escaped_in_the_editor(tmp_path: Path) -> None:
    hostile = '\n<script>alert("x")</script> <img src=x onerror=alert(1)>'
    with serving(review_app(tmp_path)) as url, httpx.Client(base_url=url, timeout=60) as client:
        body = [{"text": TEXT + hostile, "published": "2023-03-15", "article_id": "hostile"}]
        job_id = client.post("/v1/jobs", json=body, headers=bearer("alice")).json()["id"]
        client.get(f"/v1/jobs/{job_id}/results", headers=bearer("alice"))
        start = len(TEXT) + 1
        script = {"start": start, "end": start + 27}
        image = {"start": start + 28, "end": len(TEXT) + len(hostile)}
        for action in [
            {"action": "add-event", "event_type": "Attack", "evidence": script},
            {"action": "set", "event": 1, "field": "actor1", "span": image},
        ]:
            assert _act(client, job_id, action).status_code == 200
        page = client.get(f"/jobs/{job_id}/view", headers=bearer("alice"))
        alone = client.get(f"/jobs/{job_id}/articles/0/view", headers=bearer("alice"))
    for answer in (page, alone):
        assert answer.status_code == 200
        assert "<script>" not in answer.text and "<img" not in answer.text
        assert (
            "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in answer.text
        )  # in the text, a card, a title
        assert "&lt;img src=x onerror=alert(1)&gt;" in answer.text
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "default-src 'none'" in policy and "unsafe" not in policy


def test_a_database_from_before_reviews_is_upgraded_and_its_results_served_unchanged(
    tmp_path: Path, database: dict[str, str]
) -> None:
    url = database.get("database_url") or f"sqlite:///{tmp_path / 'old.db'}"
    engine = sqlalchemy.create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            sqlalchemy.text(
                "INSERT INTO jobs (id, created_at, key_hash, body_sha256, total) "
                "VALUES ('j1', :t, '', 'x', 1)"
            ),
            {"t": "2026-01-01 00:00:00"},
        )
        connection.execute(
            sqlalchemy.text(
                "INSERT INTO items (id, job_id, position, text, status, attempts) "
                "VALUES (1, 'j1', 0, 'T', 'done', 1)"
            )
        )
        connection.execute(
            sqlalchemy.text(
                "INSERT INTO results (item_id, job_id, position, created_at, kind, events, body) "
                "VALUES (1, 'j1', 0, :t, 'error', 0, :b)"
            ),
            {
                "t": "2026-01-01 00:00:00",
                "b": '{"article_id": null, "error": {"type": "InputError", "message": "m"}}',
            },
        )
    engine.dispose()
    store = Store(url)
    try:
        assert store.articles("j1") == [
            StoredArticle(0, "T", {"article_id": None, "error": {"type": "InputError", "message": "m"}})
        ]
        with store.engine.connect() as connection:
            assert connection.execute(sqlalchemy.text("SELECT count(*) FROM corrections")).scalar() == 0
    finally:
        store.close()


def test_a_correction_made_through_one_service_process_is_served_by_another(
    tmp_path: Path, database: dict[str, str]
) -> None:
    shared = database.get("database_url") or f"sqlite:///{tmp_path / 'shared.db'}"
    first, second = (
        review_app(tmp_path / "a", database_url=shared),
        review_app(tmp_path / "b", database_url=shared),
    )
    with serving(first) as url_a, serving(second) as url_b, httpx.Client(timeout=60) as client:
        with httpx.Client(base_url=url_a, timeout=60) as on_first:
            job_id = submit(on_first, bearer("alice"))
        before = client.get(f"{url_b}/v1/events", headers=bearer("reader")).json()  # cached by the second
        assert sorted(e["event_type"] for e in before["events"]) == ["Armed clash", "Peaceful protest"]
        action = {"action": "reject", "event": 2, "rule": "2: condemnation"}
        corrected = client.post(
            f"{url_a}/v1/jobs/{job_id}/articles/0/corrections", json=action, headers=bearer("alice")
        )
        assert corrected.status_code == 200
        after = client.get(f"{url_b}/v1/events", headers=bearer("reader")).json()
        assert [e["event_type"] for e in after["events"]] == ["Armed clash"]
