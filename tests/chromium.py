"""Headless Chromium (Debian's ``chromium`` package): a page's screenshot and its DOM after load.

``make test`` installs the package when it is missing (``make chromium``); a missing browser is
a failure here, never a skip. Each run has its own HOME and profile in a temp dir, a bounded time,
and is killed with its whole process group if it overruns.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

TIMEOUT_S = 120.0


def chromium_binary() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.fail("Chromium is not installed: run `make chromium` (apt-get install chromium)")
    return found


@dataclass(frozen=True)
class Rendered:
    screenshot: Path  #: PNG of the viewport
    dom: str  #: the document as Chromium serialises it once the page has loaded (scripts, if any, ran)


def render(page: Path, work: Path, *, width: int = 1200, height: int = 1600) -> Rendered:
    """Load the local file ``page`` in headless Chromium; files go to the directory ``work``."""
    home = work / "home"
    home.mkdir(parents=True, exist_ok=True)
    screenshot = work / "screenshot.png"
    command = [
        chromium_binary(),
        "--headless",
        "--no-sandbox",  # the tests may run as root
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--force-color-profile=srgb",  # CSS colours land in the PNG unchanged
        f"--user-data-dir={work / 'profile'}",
        f"--window-size={width},{height}",
        "--virtual-time-budget=5000",  # load, parse and run everything before the capture
        f"--screenshot={screenshot}",
        "--dump-dom",
        page.resolve().as_uri(),
    ]
    browser = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HOME": str(home)},
        start_new_session=True,  # its own process group: renderer and GPU processes included
    )
    try:
        dom, errors = browser.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(browser.pid, signal.SIGKILL)
        browser.communicate()
        pytest.fail(f"Chromium did not finish within {TIMEOUT_S:.0f} s: {' '.join(command)}")
    if browser.returncode != 0 or not screenshot.is_file():
        pytest.fail(f"Chromium exited with {browser.returncode}, no screenshot:\n{errors[-3000:]}")
    return Rendered(screenshot=screenshot, dom=dom)
