"""Order effects in events.v5 adjudication: does the model pick by content or by position?

    python scripts/order_effects.py SNIPPETS.tsv [--limit 40] [--out out/order_effects.json]

For each labelled snippet (CASE 2021 Task 2 format) with a conflict label for which code proposes
a mention with at least two sub-event types, the same adjudication request is sent twice to the
configured endpoint (EXTRACTOR_BASE_URL, else nothing runs): options in code's ranking, and
reversed. Reported: how often the model picks the option in first position, its accuracy against
the label in each order, code's own accuracy (its first option), and how often the two answers
agree. A measurement, not a test: nothing is asserted. The snippets are read at run time only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from evals.snippets import CODES, read_snippets
from extractor.inputs import make_article
from extractor.llm import LLMClient
from extractor.prompts import load_prompt
from extractor.settings import Settings
from extractor.strategies.candidates import adjudication_model, listing, propose


def _choice(client: LLMClient, messages: list[dict[str, str]], model: Any) -> str | None:
    completion = client.complete(messages, model, {}, use_cache=False)
    if completion.validated is None:
        return None
    return str(completion.validated.m1.event_type)  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("tsv", type=Path)
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--out", type=Path, default=Path("out/order_effects.json"))
    args = parser.parse_args()
    settings = Settings.from_env(use_cache=False)
    if settings.llm.base_url is None:
        print("set EXTRACTOR_BASE_URL (e.g. to `extractor model serve`)", file=sys.stderr)
        return 2
    spec = load_prompt("events.v5")
    client = LLMClient(settings, base_url=settings.llm.base_url)
    rows: list[dict[str, Any]] = []
    for snippet in read_snippets(args.tsv):
        if len(rows) >= args.limit or snippet.code not in CODES:
            continue
        mentions = propose(make_article(snippet.text, None)).mentions[:1]
        if not mentions or len(mentions[0].types) < 2:
            continue
        messages = list(spec.render(article=listing(mentions)).messages)
        ranked = _choice(client, messages, adjudication_model(mentions, "ranked"))
        reversed_ = _choice(client, messages, adjudication_model(mentions, "reversed"))
        rows.append(
            {
                "gold": CODES[snippet.code],
                "code": mentions[0].types[0],
                "first_reversed": mentions[0].types[-1],
                "ranked": ranked,
                "reversed": reversed_,
            }
        )
        print(f"{len(rows)}: code={rows[-1]['code']!r} ranked={ranked!r} reversed={reversed_!r}", flush=True)
    n = len(rows)
    answered = [r for r in rows if r["ranked"] and r["reversed"]]
    figures = {
        "model": client.model,
        "items": n,
        "answered_both": len(answered),
        "code_accuracy": sum(r["code"] == r["gold"] for r in rows) / n if n else None,
        "llm_accuracy_ranked": sum(r["ranked"] == r["gold"] for r in rows) / n if n else None,
        "llm_accuracy_reversed": sum(r["reversed"] == r["gold"] for r in rows) / n if n else None,
        "picks_first_ranked": sum(r["ranked"] == r["code"] for r in answered) / len(answered)
        if answered
        else None,
        "picks_first_reversed": sum(r["reversed"] == r["first_reversed"] for r in answered) / len(answered)
        if answered
        else None,
        "same_answer_both_orders": sum(r["ranked"] == r["reversed"] for r in answered) / len(answered)
        if answered
        else None,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
