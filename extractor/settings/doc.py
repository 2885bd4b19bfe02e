"""Render the table of variables into the settings docstring and ``docs/configuration.md``.

``python -m extractor.settings.doc`` rewrites both (``make settings-doc``); a test checks that the
committed texts are what the table renders.
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

from .variables import VARIABLES

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGE_INIT = Path(__file__).resolve().parent / "__init__.py"
DOCS_PAGE = ROOT / "docs" / "configuration.md"

_CONCERN_TITLES = {
    "llm": "The LLM endpoint (`settings.llm`, `LLMSettings`)",
    "extraction": "What is extracted (`settings.extraction`, `ExtractionSettings`)",
    "cache": "The response cache (`settings.cache`, `CacheSettings`)",
    "batch": "Batch files (`settings.batch`, `BatchSettings`)",
    "service": "The HTTP service (`settings.service`, `ServiceSettings`)",
}
_NAME_WIDTH = 33
_TEXT_WIDTH = 106


def render_docstring() -> str:
    """The settings package's docstring: what it is, then one row per variable."""
    rule = "=" * _NAME_WIDTH + "  " + "=" * (_TEXT_WIDTH - _NAME_WIDTH - 2)
    lines = [
        "Frozen settings, one object per concern, composed into ``Settings``.",
        "",
        "``Settings.from_env()`` is the only reader of ``EXTRACTOR_*`` variables. Explicit keyword",
        "arguments to ``from_env`` or ``Settings(...)`` override them. This table is generated from",
        "``extractor/settings/variables.py`` by ``python -m extractor.settings.doc``; do not edit it here.",
        "",
        rule,
    ]
    for variable in VARIABLES:
        rst = variable.description.replace("`", "``")
        default = f"; default ``{variable.default}``" if variable.default else ""
        text = f"{rst} ({variable.field}{default})"
        wrapped = textwrap.wrap(text, _TEXT_WIDTH - _NAME_WIDTH - 2, break_on_hyphens=False)
        name = f"``{variable.name}``"
        lines.append(f"{name:<{_NAME_WIDTH}}  {wrapped[0]}")
        lines.extend(" " * (_NAME_WIDTH + 2) + more for more in wrapped[1:])
    lines.append(rule)
    return "\n".join(lines) + "\n"


def render_page() -> str:
    """``docs/configuration.md``: the variables by concern, with their fields and defaults."""
    lines = [
        "# Configuration",
        "",
        "<!-- Generated from extractor/settings/variables.py by `python -m extractor.settings.doc`"
        " (`make settings-doc`); do not edit. -->",
        "",
        "Every setting is read from the environment by `Settings.from_env()`, the only reader of",
        "`EXTRACTOR_*` variables; keyword arguments (`Settings.from_env(model=...)`, the CLI's options)",
        "override them. `Settings` is frozen and holds one frozen object per concern: `settings.llm`,",
        "`settings.extraction`, `settings.cache`, `settings.batch`, `settings.service`. A bad value is a",
        "`ConfigurationError` naming the variable. A blank variable is the same as an unset one.",
    ]
    for concern, title in _CONCERN_TITLES.items():
        lines += ["", f"## {title}", "", "| Variable | Field | Default | Description |", "|---|---|---|---|"]
        for variable in (v for v in VARIABLES if v.concern == concern):
            default = f"`{variable.default}`" if variable.default else "unset"
            description = variable.description.replace("|", "\\|")
            lines.append(f"| `{variable.name}` | `{variable.field}` | {default} | {description} |")
    return "\n".join(lines) + "\n"


_DOCSTRING = re.compile(r'\A"""(.*?)"""', re.DOTALL)


def committed_docstring(source: str) -> str:
    found = _DOCSTRING.match(source)
    return found.group(1) if found else ""


def main() -> int:
    source = PACKAGE_INIT.read_text(encoding="utf-8")
    rendered = _DOCSTRING.sub(lambda _m: f'"""{render_docstring()}"""', source, count=1)
    PACKAGE_INIT.write_text(rendered, encoding="utf-8")
    DOCS_PAGE.parent.mkdir(parents=True, exist_ok=True)
    DOCS_PAGE.write_text(render_page(), encoding="utf-8")
    print(f"wrote {PACKAGE_INIT.relative_to(ROOT)} and {DOCS_PAGE.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
