"""Write report.json, report.md and report.html into a folder."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from evals.gold import GoldArticle

from .html import render_html
from .markdown import render_markdown
from .model import Report

__all__ = ["write_report"]


def write_report(
    report: Report, out_dir: Path, texts: Mapping[str, str], golds: Sequence[GoldArticle]
) -> list[Path]:
    """Write report.json, report.md and report.html into ``out_dir`` (created); return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "report.md", out_dir / "report.html"]
    paths[0].write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(render_markdown(report), encoding="utf-8")
    paths[2].write_text(render_html(report, texts, golds), encoding="utf-8")
    return paths
