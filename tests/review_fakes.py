"""A job to review: an article written for these tests, a machine answer with two mistakes and a miss.

The machine (a fake LLM answer, prompt events.v1) returns two records for ``TEXT``:

1. the attack, with its actors swapped (actor1 "a police station", actor2 "Gunmen");
2. a condemnation coded as a protest, which the guidelines exclude ("2: condemnation");

and misses the arrests of the second line. ``REVIEW`` is what an analyst does about it; the API
test sends it with httpx, the browser test clicks and types it; ``check_reviewed`` asserts the
same outcome for both.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from extractor.settings import ApiKeys
from tests.fakes import completion
from tests.service_fakes import service_app

TEXT = (
    "Gunmen attacked a police station in Kidal, Mali, on Monday, killing two officers, the police said.\n"
    "On Tuesday soldiers arrested five protesters in Gao.\n"
    "The minister condemned the attack on Wednesday."
)
PUBLISHED = "2023-03-15"  # a Wednesday
ARTICLE_ID = "kidal-report"

KEYS = {
    "alice": "alice-key-0001",
    "bob": "bob-key-0002",
    "reader": "reader-key-0003",
    "admin": "admin-key-0004",
}
ROLES = {"alice": "reviewer", "bob": "reviewer", "reader": "reader", "admin": "admin"}


def key_settings() -> dict[str, Any]:
    """Settings changes that configure the four keys above (``NAME:ROLE:KEY``)."""
    return {"api_keys": ApiKeys.of(*(f"{name}:{ROLES[name]}:{key}" for name, key in KEYS.items()))}


def bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[name]}"}


def machine_answer(_request: httpx.Request) -> httpx.Response:
    answer = {
        "events": [
            {
                "event_type": "Armed clash",
                "date_text": "Monday",
                "locations": [{"country": "Mali", "place": "Kidal"}],
                "actor1": "a police station",
                "actor2": "Gunmen",
                "casualties": [
                    {
                        "kind": "killed",
                        "count": 2,
                        "qualifier": "exact",
                        "claimed_by": "the police",
                        "victims": "officers",
                        "quote": "killing two officers, the police said",
                    }
                ],
                "evidence": ["Gunmen attacked a police station in Kidal"],
            },
            {
                "event_type": "Peaceful protest",
                "date_text": "Wednesday",
                "locations": [],
                "actor1": "The minister",
                "actor2": None,
                "casualties": [],
                "evidence": ["The minister condemned the attack on Wednesday"],
            },
        ]
    }
    return httpx.Response(200, json=completion(json.dumps(answer)))


def span(words: str, occurrence: int = 0) -> dict[str, Any]:
    """The selection of ``words`` in TEXT (its ``occurrence``-th appearance)."""
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(words, start + 1)
    return {"start": start, "end": start + len(words), "quote": words}


#: The analyst's review, as API actions (the added event is number 3).
REVIEW: list[dict[str, Any]] = [
    {"action": "reject", "event": 2, "rule": "2: condemnation"},
    {"action": "set", "event": 1, "field": "actor1", "span": span("Gunmen")},
    {"action": "set", "event": 1, "field": "actor2", "span": span("a police station")},
    {"action": "set-type", "event": 1, "event_type": "Attack"},
    {
        "action": "add-event",
        "event_type": "Arrests",
        "evidence": span("soldiers arrested five protesters in Gao"),
    },
    {"action": "set", "event": 3, "field": "date", "span": span("Tuesday")},
    {"action": "set", "event": 3, "field": "actor1", "span": span("soldiers")},
    {"action": "set", "event": 3, "field": "actor2", "span": span("protesters")},
    {"action": "add-place", "event": 3, "span": span("Gao")},
    {"action": "set-country", "event": 3, "index": 0, "country": "Mali"},
    {"action": "done"},
]


def submit(client: httpx.Client, headers: dict[str, str]) -> str:
    """Submit the article as a job, wait for its result; the job id."""
    body = [{"text": TEXT, "published": PUBLISHED, "article_id": ARTICLE_ID, "title": "Attack in Kidal"}]
    job = client.post("/v1/jobs", json=body, headers=headers)
    assert job.status_code == 202, job.text
    job_id: str = job.json()["id"]
    [line] = [
        json.loads(x) for x in client.get(f"/v1/jobs/{job_id}/results", headers=headers).text.splitlines()
    ]
    assert [e["event_type"] for e in line["events"]] == ["Armed clash", "Peaceful protest"], line
    return job_id


def check_reviewed(client: httpx.Client, job_id: str, headers: dict[str, str], gold_dir: Path) -> None:
    """The review's outcome, whoever made it: served records, corpus, audit trail, original, gold."""
    base = f"/v1/jobs/{job_id}/articles/0"
    review = client.get(f"{base}/review", headers=headers).json()
    assert review["done"] is True
    assert [(e["number"], e["status"], e["rule"]) for e in review["events"]] == [
        (1, "accepted", None),
        (2, "rejected", "2: condemnation"),
        (3, "accepted", None),
    ]
    [served] = [
        json.loads(x) for x in client.get(f"/v1/jobs/{job_id}/results", headers=headers).text.splitlines()
    ]
    events = served["events"]
    assert [e["event_type"] for e in events] == ["Attack", "Arrests"]
    assert [e["reviewed"] for e in events] == [True, True]
    assert [(e["actor1"]["quote"], e["actor2"]["quote"]) for e in events] == [
        ("Gunmen", "a police station"),
        ("soldiers", "protesters"),
    ]
    for event in events:  # every string still a span of the article
        for field in ("actor1", "actor2"):
            s = event[field]
            assert TEXT[s["start"] : s["end"]] == s["quote"]
    assert events[1]["date"] == {"text": span("Tuesday") | {"alignment": "exact"}, "value": "2023-03-14",
                                 "precision": "day"}  # fmt: skip
    assert events[1]["locations"][0]["country_code"] == "MLI"
    original = client.get(f"{base}/original", headers=headers).json()
    assert [e["event_type"] for e in original["events"]] == ["Armed clash", "Peaceful protest"]
    assert original["events"][0]["actor1"]["quote"] == "a police station"
    assert [e["reviewed"] for e in original["events"]] == [False, False]
    corpus = client.get("/v1/events", headers=headers).json()
    assert sorted(e["event_type"] for e in corpus["events"]) == ["Arrests", "Attack"]
    assert [e["reviewed"] for e in corpus["events"]] == [True, True]
    trail = client.get(f"{base}/corrections", headers=headers).json()
    assert [t["id"] for t in trail] == list(range(1, len(trail) + 1))
    assert trail[0]["field"] == "decision" and trail[0]["new"] == {
        "status": "rejected",
        "rule": "2: condemnation",
    }
    fixed = next(t for t in trail if t["event"] == 1 and t["field"] == "actor1")
    assert fixed["old"]["quote"] == "a police station" and fixed["new"]["quote"] == "Gunmen"
    assert trail[-1]["field"] == "done" and trail[-1]["new"] is True
    assert {t["who"] for t in trail} <= set(KEYS)
    del gold_dir


@contextlib.contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` under uvicorn on a free loopback port, in a thread of this process; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the service did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def review_app(tmp_path: Path, **changes: Any) -> FastAPI:
    """The service with the four keys and the machine's answer above."""
    app, _calls = service_app(tmp_path, handler=machine_answer, **key_settings(), **changes)
    return app
