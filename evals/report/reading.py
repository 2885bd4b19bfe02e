"""Read a report.json back: only a report of the current report format and record schema."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from schemas.events_v3 import SCHEMA_VERSION

from .model import REPORT_FORMAT, Report

__all__ = ["ReportFormatError", "load_report"]


class ReportFormatError(ValueError):
    """A report cannot be read by this version: wrong report format or record schema version."""


def load_report(path: Path) -> Report:
    """Read report.json; ``ReportFormatError`` when its report format or schema version is not current."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ReportFormatError(f"{path}: cannot read report: {exc}") from exc
    if not isinstance(raw, dict):
        raise ReportFormatError(f"{path}: not a report (expected a JSON object)")
    found_format, found_schema = raw.get("report_format"), raw.get("schema_version")
    if found_format != REPORT_FORMAT:
        raise ReportFormatError(
            f"{path}: report format {found_format!r} cannot be read; this version reads {REPORT_FORMAT!r}. "
            "Re-run the evaluation to produce a current report."
        )
    if found_schema != SCHEMA_VERSION:
        raise ReportFormatError(
            f"{path}: report was made for record schema {found_schema!r} but the current schema is "
            f"{SCHEMA_VERSION!r}; reports of different schema versions are not comparable. "
            "Re-run the evaluation of the base."
        )
    try:
        return Report.model_validate(raw)
    except ValidationError as exc:
        raise ReportFormatError(f"{path}: invalid report: {exc}") from exc
