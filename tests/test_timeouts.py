"""A hanging test fails by name after its timeout instead of stalling the run (pytest-timeout)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def test_every_test_has_a_timeout_by_default(pytestconfig: pytest.Config) -> None:
    assert float(pytestconfig.getini("timeout")) == 120
    assert pytestconfig.getini("timeout_method") == "signal"  # the other tests go on


def test_a_hanging_test_fails_with_its_name_and_the_next_one_still_runs(tmp_path: Path) -> None:
    (tmp_path / "test_hang.py").write_text(
        "import time\n\ndef test_hangs():\n    time.sleep(600)\n\ndef test_after():\n    pass\n",
        encoding="utf-8",
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\ntimeout = 2\ntimeout_method = signal\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_hang.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 1
    assert "FAILED test_hang.py::test_hangs - Failed: Timeout" in run.stdout
    assert "1 failed, 1 passed" in run.stdout
