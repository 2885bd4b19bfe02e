"""``extractor extract ... | head -1``: a reader that closes stdout early stops the run quietly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes import fake_llm_server

EXTRACTOR = Path(sys.executable).parent / "extractor"
#: Real processes (the embedded model among them), each wait bounded: longer than the default
#: per-test timeout.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def slow_endpoint() -> Iterator[str]:
    with fake_llm_server("--delay-ms", "500") as url:
        yield url


def test_a_closed_stdout_pipe_exits_141_without_a_traceback(slow_endpoint: str, tmp_path: Path) -> None:
    names = []
    for n in range(4):
        (tmp_path / f"a{n}.txt").write_text(f"Troops clashed with rebels near town {n} on Monday.\n", "utf-8")
        names.append(f"a{n}.txt")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    env["EXTRACTOR_CACHE_DIR"] = str(tmp_path / "cache")
    run = subprocess.Popen(
        [
            str(EXTRACTOR),
            "extract",
            *names,
            "--base-url",
            slow_endpoint,
            "--model",
            "fake",
            "--prompt",
            "events.v1",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert run.stdout is not None and run.stderr is not None
    first = json.loads(run.stdout.readline())  # what `head -1` reads
    run.stdout.close()  # ...and then `head` exits
    stderr = run.stderr.read().decode()
    code = run.wait(timeout=120)
    assert first["article_id"] == "a0"
    assert code == 141, stderr
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr and "Exception ignored" not in stderr
