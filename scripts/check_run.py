"""Check a `make run` output: every quote is in its article at the stated offsets; provenance is complete.

Usage: python scripts/check_run.py out/run.jsonl [articles_dir]
Exit 1 (with the offending record named) if any check fails. An error line of the output (an
article that failed: ``{"article_id": ..., "source": ..., "error": {"type", "message"}}``) is
named with its error and also makes the check fail; a line that is neither is named by number.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import ValidationError

from extractor.grounding import fold
from schemas.events_v3 import ArticleResult


def read_lines(path: Path, problems: list[str]) -> list[ArticleResult]:
    """The results in ``path``; error lines and unreadable lines become ``problems``."""
    results: list[ArticleResult] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            problems.append(f"line {number}: not JSON")
            continue
        if isinstance(record, dict) and isinstance(record.get("error"), dict):
            error = record["error"]
            where = record.get("article_id") or record.get("source") or f"line {number}"
            problems.append(f"{where}: failed with {error.get('type')}: {error.get('message')}")
            continue
        try:
            results.append(ArticleResult.model_validate(record))
        except ValidationError as exc:
            problems.append(f"line {number}: not a result nor an error line ({exc.error_count()} error(s))")
    return results


def main(path: Path, articles: Path) -> int:
    problems: list[str] = []
    results = read_lines(path, problems)
    quotes = events = dropped = misplaced = asked = 0
    for result in results:
        text = (articles / f"{result.article_id}.txt").read_text("utf-8")
        p = result.provenance
        if not (p.prompt_id and p.prompt_version and len(p.prompt_sha256) == 64):
            problems.append(f"{result.article_id}: provenance lacks prompt id/version/sha256")
        if p.attempts and not p.model:
            problems.append(f"{result.article_id}: the LLM was called but provenance names no model")
        asked += 1 if p.attempts else 0
        dropped += len(result.diagnostics.dropped)
        for i, event in enumerate(result.events):
            events += 1
            spans = [*event.evidence, *(c.quote for c in event.casualties)]
            for span in spans:
                quotes += 1
                if fold(text[span.start : span.end]) != fold(span.quote):
                    misplaced += 1
                    problems.append(
                        f"{result.article_id}: events[{i}] quote not at [{span.start}:{span.end}]"
                    )
    if results and not asked:
        problems.append("no article called the LLM: the LLM path was not exercised")
    for p in problems:
        print(f"FAIL {p}", file=sys.stderr)
    first = results[0].provenance if results else None
    print(
        f"checked {len(results)} result(s): {events} event(s) kept, {dropped} dropped as ungrounded or "
        f"invalid; {quotes} quote(s), all at their offsets: {misplaced == 0}; "
        f"{asked} article(s) asked the LLM"
    )
    if first:
        print(
            f"provenance: prompt {first.prompt_id}.v{first.prompt_version} "
            f"sha256 {first.prompt_sha256[:12]}, model {first.model} ({first.endpoint_kind})"
        )
    return 1 if problems or not results else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else Path("evals/articles")))
