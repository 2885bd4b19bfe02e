"""The embedded server's lifecycle with real processes: it dies with its parent (even on SIGKILL),
stop() escalates to SIGKILL, an interrupted start() leaves nothing behind, and each server has its
own log, kept after a failure. ``scripts/fake_llm.py`` stands in for llama_cpp.server.

The waits are bounded (``GUARD_S``) so that a broken build fails instead of hanging; they are not
speed assertions.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from extractor.errors import LocalModelError
from extractor.llm import LocalModelServer
from extractor.llm import local_model as local_model_module

ROOT = Path(__file__).parent.parent
#: These tests talk to a local server process over loopback, also under ``--block-network``.
#: Real server processes, each wait bounded by GUARD_S: longer than the default per-test timeout.
pytestmark = [pytest.mark.block_network(allowed_hosts=["127.0.0.1"]), pytest.mark.timeout(600)]
FAKE_LLM = ROOT / "scripts" / "fake_llm.py"
GUARD_S = 60.0

IGNORE_SIGTERM = (
    "import runpy, signal, sys; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "sys.argv = [sys.argv[1], '--port', sys.argv[2]]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


class FakeServer(LocalModelServer):
    """The lifecycle of LocalModelServer around scripts/fake_llm.py (or any command)."""

    def __init__(self, argv: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.argv = argv

    def command(self) -> list[str]:
        if self.argv is not None:
            return [*self.argv, str(self.port)]
        return [sys.executable, str(FAKE_LLM), "--port", str(self.port)]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + GUARD_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {GUARD_S:.0f} s waiting for {what}")
        time.sleep(0.05)


PARENT = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.test_local_model_lifecycle import FakeServer
server = FakeServer(log_dir=Path(sys.argv[1])).start()
print(server._process.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_the_server_dies_when_its_parent_is_sigkilled(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT.format(root=str(ROOT)), str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    server_pid = None
    try:
        assert parent.stdout is not None
        server_pid = int(parent.stdout.readline())
        assert _alive(server_pid)
        parent.kill()  # SIGKILL: no handler, no finally, no atexit runs in the parent
        parent.wait(timeout=GUARD_S)
        _wait_for(lambda: not _alive(server_pid), "the orphaned server to die")
    finally:
        parent.kill()
        if server_pid is not None and _alive(server_pid):
            os.kill(server_pid, signal.SIGKILL)


def test_stop_escalates_to_sigkill_when_the_server_ignores_sigterm(tmp_path: Path) -> None:
    server = FakeServer([sys.executable, "-c", IGNORE_SIGTERM, str(FAKE_LLM)], log_dir=tmp_path, grace_s=0.5)
    server.start()
    process = server._process
    assert process is not None
    server.stop()
    assert process.returncode == -signal.SIGKILL
    assert not _alive(process.pid)


def test_stop_of_a_well_behaved_server_is_a_sigterm(tmp_path: Path) -> None:
    server = FakeServer(log_dir=tmp_path, grace_s=GUARD_S).start()
    process = server._process
    assert process is not None
    server.stop()
    assert process.returncode in (0, -signal.SIGTERM)


def test_a_start_interrupted_during_the_health_wait_stops_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = FakeServer([sys.executable, "-c", "import time, sys; time.sleep(600)"], log_dir=tmp_path)
    seen: list[int] = []

    def interrupted(*args: object, **kwargs: object) -> object:
        assert server._process is not None
        seen.append(server._process.pid)
        raise KeyboardInterrupt

    monkeypatch.setattr(local_model_module.httpx, "get", interrupted)
    with pytest.raises(KeyboardInterrupt):
        server.start()
    assert seen and not _alive(seen[0])
    assert server._process is None


def test_each_server_has_its_own_log_removed_after_a_clean_stop(tmp_path: Path) -> None:
    first = FakeServer(log_dir=tmp_path).start()
    second = FakeServer(log_dir=tmp_path).start()
    try:
        assert first.log_path is not None and second.log_path is not None
        assert first.log_path != second.log_path
        assert first.log_path.parent == second.log_path.parent == tmp_path
        assert str(first.port) in first.log_path.name and str(os.getpid()) in first.log_path.name
        assert first.log_path.exists() and second.log_path.exists()
        assert "extractor-local-model.log" not in {p.name for p in tmp_path.iterdir()}
    finally:
        first.stop()
        second.stop()
    assert not first.log_path.exists() and not second.log_path.exists()


def test_a_server_that_fails_to_start_keeps_its_log_and_the_error_names_it(tmp_path: Path) -> None:
    crash = "import sys; print('model file is corrupt: bad magic', flush=True); sys.exit(3)"
    server = FakeServer([sys.executable, "-c", crash], log_dir=tmp_path)
    with pytest.raises(LocalModelError) as info:
        server.start()
    assert server.log_path is not None and server.log_path.exists()
    message = str(info.value)
    assert str(server.log_path) in message
    assert "exited with code 3" in message and "bad magic" in message


def test_an_unwritable_log_folder_falls_back_to_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(local_model_module.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    server = FakeServer(log_dir=blocked / "logs").start()
    try:
        assert server.log_path is not None and server.log_path.parent == tmp_path / "tmp"
    finally:
        server.stop()


def test_a_server_started_from_a_thread_that_ends_keeps_running_until_stopped(tmp_path: Path) -> None:
    # asyncio.to_thread starts the CLI's server; the parent-death signal is tied to the forking
    # thread, so the server must not die when that thread ends.
    server = FakeServer(log_dir=tmp_path)
    starter = threading.Thread(target=server.start)
    starter.start()
    starter.join(timeout=GUARD_S)
    process = server._process
    assert process is not None
    try:
        time.sleep(0.5)  # a SIGKILL on the thread's end would have landed by now
        assert process.poll() is None
        assert httpx.get(f"{server.base_url}/models", timeout=30).status_code == 200
    finally:
        server.stop()
    assert process.returncode in (0, -signal.SIGTERM)
    assert server.log_path is not None and not server.log_path.exists()  # a clean stop


def test_a_server_that_died_on_its_own_keeps_its_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = FakeServer(log_dir=tmp_path).start()
    process = server._process
    assert process is not None and server.log_path is not None
    os.kill(process.pid, signal.SIGKILL)  # e.g. the kernel's OOM killer
    process.wait(timeout=GUARD_S)
    with caplog.at_level("WARNING", logger="extractor.llm.local_model"):
        server.stop()
    assert server.log_path.exists()
    assert str(server.log_path) in caplog.text and "-9" in caplog.text
