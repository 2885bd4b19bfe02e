"""``extractor extract`` as a real process: streamed output survives SIGKILL and resumes; SIGINT,
SIGTERM and SIGHUP stop it cleanly, the embedded model server included.

The waits below have generous bounds (``GUARD_S``) so that a broken build fails instead of
hanging; they are not speed assertions.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fakes import fake_llm_server

ROOT = Path(__file__).parent.parent
EXTRACTOR = Path(sys.executable).parent / "extractor"
GUARD_S = 180.0
#: Real processes (the embedded model among them), each wait bounded: longer than the default
#: per-test timeout.
pytestmark = pytest.mark.timeout(600)
ARTICLES = {
    "a": "Troops clashed with rebels near Gao on Monday, the army said. Nobody was hurt.\n",
    "b": "Police dispersed protesters in Bamako on Tuesday, witnesses said. Two were arrested.\n",
    "c": "Gunmen attacked a convoy near Mopti on Wednesday, officials said. The convoy turned back.\n",
    "d": "Rebels shelled an army base near Kidal on Thursday, the army said. No one was killed.\n",
}


def _wait_for(condition: Callable[[], bool], what: str, guard_s: float = GUARD_S) -> None:
    deadline = time.monotonic() + guard_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {guard_s:.0f} s waiting for {what}")
        time.sleep(0.02)


def _environment(tmp_path: Path) -> dict[str, str]:
    # PYTHONUNBUFFERED would hide a missing flush: the command must flush its lines itself
    dropped = ("OPENAI_API_KEY", "PYTHONUNBUFFERED")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_") and k not in dropped}
    env.update(EXTRACTOR_CACHE_DIR=str(tmp_path / "cache"), TMPDIR=str(tmp_path))
    return env


def _complete_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.fixture
def slow_endpoint() -> Iterator[str]:
    """scripts/fake_llm.py answering each request after one second."""
    with fake_llm_server("--delay-ms", "1000") as url:
        yield url


@pytest.fixture
def articles(tmp_path: Path) -> list[str]:
    for name, text in ARTICLES.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    return [f"{name}.txt" for name in ARTICLES]


def _fake_command(articles: list[str], url: str) -> list[str]:
    return [
        str(EXTRACTOR),
        "extract",
        *articles,
        "--base-url",
        url,
        "--model",
        "fake",
        "--prompt",
        "events.v1",
    ]


def test_a_run_killed_half_way_resumes_with_every_article_exactly_once(
    tmp_path: Path, slow_endpoint: str, articles: list[str]
) -> None:
    out = tmp_path / "out.jsonl"
    command = [
        *_fake_command(articles, slow_endpoint),
        *("-o", "out.jsonl", "--no-cache"),
    ]
    env = _environment(tmp_path)
    run = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(lambda: _complete_lines(out) >= 2 or run.poll() is not None, "two lines in out.jsonl")
        assert run.poll() is None and _complete_lines(out) == 2  # written while the run goes on
        run.kill()
    finally:
        run.kill()
        run.wait(timeout=30)
    first = out.read_text(encoding="utf-8")
    assert [json.loads(line)["article_id"] for line in first.splitlines()] == ["a", "b"]
    with out.open("a", encoding="utf-8") as file:  # a crash in the middle of a write leaves a torn line
        file.write('{"article_id": "c", "events": [{"event_type": "Arm')

    again = subprocess.run(
        [*command, "--resume"],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=GUARD_S,
    )

    assert again.returncode == 0, again.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith(first)  # a and b were not extracted again
    lines = [json.loads(line) for line in text.splitlines()]  # every line is valid JSON
    assert sorted(line["article_id"] for line in lines) == ["a", "b", "c", "d"]
    assert all("error" not in line and len(line["events"]) == 1 for line in lines)
    assert "removed a torn last line" in " ".join(again.stderr.split())


def test_without_o_each_line_reaches_stdout_as_its_article_finishes(
    tmp_path: Path, slow_endpoint: str, articles: list[str]
) -> None:
    command = [*_fake_command(articles, slow_endpoint), "--no-cache"]
    run = subprocess.Popen(
        command, cwd=tmp_path, env=_environment(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert run.stdout is not None
        first = run.stdout.readline()  # returns once the first article is written, not at exit
        run.send_signal(signal.SIGTERM)
        rest, stderr = run.communicate(timeout=GUARD_S)
    finally:
        run.kill()
        run.wait(timeout=30)
    assert run.returncode == 143  # still running when the first line arrived
    lines = [json.loads(line) for line in (first + rest).splitlines()]
    assert lines[0]["article_id"] == "a"
    assert len(lines) < len(ARTICLES)
    message = " ".join(stderr.decode().split())
    assert f"stopped by SIGTERM: {len(lines)} result(s) and 0 error line(s) were written to stdout" in message


# ------------------------------------------------------------------ the embedded model server


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _server_child(cli_pid: int) -> int | None:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or _parent_of(int(entry.name)) != cli_pid:
            continue
        try:
            if b"llama_cpp.server" in (entry / "cmdline").read_bytes():
                return int(entry.name)
        except OSError:
            continue
    return None


def _port_of(server_pid: int) -> int:
    args = Path(f"/proc/{server_pid}/cmdline").read_bytes().decode().split("\0")
    return int(args[args.index("--port") + 1])


def _connected(cli_pid: int, port: int) -> bool:
    """Whether the CLI holds an established TCP connection to ``port`` on this machine."""
    inodes = set()
    try:
        for fd in Path(f"/proc/{cli_pid}/fd").iterdir():
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        table = Path(f"/proc/{cli_pid}/net/tcp").read_text()
    except OSError:  # it exited, or closed a file while we looked
        return False
    for line in table.splitlines()[1:]:
        fields = line.split()
        remote_port = int(fields[2].rsplit(":", 1)[1], 16)
        if remote_port == port and fields[3] == "01" and fields[9] in inodes:
            return True
    return False


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_during_a_request_to_the_embedded_model_stops_it_and_its_server(
    tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    article = tmp_path / "article.txt"
    article.write_text((ROOT / "evals" / "articles" / "000_38c865145b3fd6a1.txt").read_text("utf-8"), "utf-8")
    # pinned: a full-article request (events.v4) keeps the embedded model busy long enough to be signalled
    command = [
        str(EXTRACTOR),
        "extract",
        "article.txt",
        "-o",
        "out.jsonl",
        "--no-cache",
        "--prompt",
        "events.v4",
    ]
    run = subprocess.Popen(
        command, cwd=tmp_path, env=_environment(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    server: int | None = None
    try:
        _wait_for(lambda: run.poll() is not None or _server_child(run.pid) is not None, "the model server")
        server = _server_child(run.pid)
        assert server is not None, run.communicate()[1]
        port = _port_of(server)
        _wait_for(lambda: run.poll() is not None or _connected(run.pid, port), "a request to the server")
        time.sleep(1)  # the request is being answered
        assert run.poll() is None

        run.send_signal(sig)
        _, stderr = run.communicate(timeout=GUARD_S)

        assert run.returncode == code
        _wait_for(lambda: not _alive(server), "the server to be gone", guard_s=20)
        message = " ".join(stderr.decode().split())
        assert f"stopped by {sig.name}: 0 result(s) and 0 error line(s) are in out.jsonl" in message
        assert "Traceback" not in message
    finally:
        run.kill()
        run.wait(timeout=30)
        if server is not None and _alive(server):
            os.kill(server, signal.SIGKILL)


def test_make_run_starts_from_a_fresh_output_file() -> None:
    # An existing output file is refused without --resume, so `make run` removes it first.
    recipe = subprocess.run(
        ["make", "-n", "-o", ".venv/.local-installed", "run"],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    [extract] = [i for i, line in enumerate(recipe) if " extract " in line]
    assert "-o out/run.jsonl" in recipe[extract] and "--resume" not in recipe[extract]
    assert "rm -f out/run.jsonl" in recipe[:extract]
