"""Check a `make run` output: every quote is in its article at the stated offsets; provenance is complete.

Usage: python scripts/check_run.py out/run.jsonl [articles_dir]
Exit 1 (with the offending record named) if any check fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

from extractor.grounding import fold
from schemas.events_v2 import ArticleResult


def main(path: Path, articles: Path) -> int:
    problems: list[str] = []
    results = [
        ArticleResult.model_validate_json(line) for line in path.read_text("utf-8").splitlines() if line
    ]
    quotes = events = dropped = asked = 0
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
                    problems.append(
                        f"{result.article_id}: events[{i}] quote not at [{span.start}:{span.end}]"
                    )
    if results and not asked:
        problems.append("no article called the LLM: the LLM path was not exercised")
    for p in problems:
        print(f"FAIL {p}", file=sys.stderr)
    first = results[0].provenance if results else None
    print(
        f"checked {len(results)} article(s): {events} event(s) kept, {dropped} dropped as ungrounded or "
        f"invalid; {quotes} quote(s), all at their offsets: {not problems}; {asked} article(s) asked the LLM"
    )
    if first:
        print(
            f"provenance: prompt {first.prompt_id}.v{first.prompt_version} "
            f"sha256 {first.prompt_sha256[:12]}, model {first.model} ({first.endpoint_kind})"
        )
    return 1 if problems or not results else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else Path("evals/articles")))
