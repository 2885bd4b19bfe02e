"""The layout docs/architecture.md promises: small modules, known strategies, no evals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractor.prompts import list_prompts
from extractor.strategies import STRATEGIES, strategy_for

ROOT = Path(__file__).parent.parent
MAX_MODULE_LINES = 300
#: Every Python module of these packages is held to ``MAX_MODULE_LINES``.
SIZED_PACKAGES = ("extractor", "schemas", "evals")


@pytest.mark.parametrize(
    "path",
    sorted(p for package in SIZED_PACKAGES for p in (ROOT / package).rglob("*.py")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_library_schema_or_eval_module_is_over_the_size_limit(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path} has {lines} lines: split it by concern"


@pytest.mark.parametrize("spec", list_prompts(), ids=lambda s: s.name)
def test_every_released_prompt_names_a_known_strategy(spec) -> None:  # type: ignore[no-untyped-def]
    assert strategy_for(spec) is STRATEGIES[spec.strategy_name]


def test_importing_the_library_and_its_cli_loads_no_eval_dependency() -> None:
    probe = (
        "import sys, extractor, extractor.cli; "
        "print(sorted(m for m in ('evals', 'scipy', 'numpy', 'vcr') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_importing_the_library_and_its_cli_loads_no_service_dependency() -> None:
    """`extractor serve` imports the service lazily: the core install has no FastAPI."""
    heavy = ("fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "prometheus_client", "limits")
    probe = f"import sys, extractor, extractor.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
