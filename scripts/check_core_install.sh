#!/usr/bin/env bash
# The core install: `pip install .` with no extras, in a clean virtualenv, must import extractor and
# run `extractor extract` against an endpoint, with neither scipy, numpy nor vcrpy installed, nor
# the service's FastAPI, SQLAlchemy and uvicorn (`extractor serve` then says which extra it needs).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
work=$(mktemp -d)
trap 'kill "${fake_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
"$work/venv/bin/python" -m pip install --quiet . 2>&1 | grep -v "^WARNING: Location" || true
for module in scipy numpy vcr fastapi sqlalchemy uvicorn; do
  if "$work/venv/bin/python" -c "import $module" 2>/dev/null; then
    echo "core install check: $module is installed by 'pip install .' but must not be" >&2; exit 1
  fi
done
# `extractor serve` needs the service extra: without it, one line saying so and exit 2
status=0; "$work/venv/bin/extractor" serve --port 0 2> "$work/serve.err" || status=$?
if [ "$status" != 2 ] || ! grep -q "extractor\[service\]" "$work/serve.err"; then
  echo "core install check: 'extractor serve' without the service extra should exit 2 naming it" >&2; exit 1
fi
"$work/venv/bin/python" scripts/fake_llm.py > "$work/url" &
fake_pid=$!
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -1 "$work/url")
printf 'Troops clashed with rebels near the border on Monday, the army said. Nobody was hurt.\n' > "$work/note.txt"
(cd "$work" && EXTRACTOR_CACHE_DIR="$work/cache" venv/bin/extractor extract note.txt \
   --base-url "$url" --model fake --prompt events.v1 > out.jsonl)
"$work/venv/bin/python" - "$work/out.jsonl" <<'PY'
import json, sys
results = [json.loads(line) for line in open(sys.argv[1])]
assert len(results) == 1 and len(results[0]["events"]) == 1, results
print("core install check: extract ran without scipy, numpy or vcrpy; 1 event, evidence",
      results[0]["events"][0]["evidence"][0]["start"], results[0]["events"][0]["evidence"][0]["end"])
PY
set +e
(cd "$work" && EXTRACTOR_CACHE_DIR="$work/cache" venv/bin/extractor extract note.txt \
   --base-url "$url" --model fake --prompt events.v5 > "$work/nlp.out" 2>&1)
if ! grep -q "pip install extractor\[nlp\]" "$work/nlp.out" "$work/nlp.jsonl" 2>/dev/null; then
  echo "core install check: events.v5 without [nlp] should say 'pip install extractor[nlp]'" >&2
  cat "$work/nlp.out" >&2; exit 1
fi
echo "core install check: events.v5 without [nlp] says: $(grep -o "the candidates strategy needs[^\"]*" "$work/nlp.out" | head -1)"
"$work/venv/bin/extractor" eval > "$work/eval.out" 2>&1
rc=$?
set -e
if [ "$rc" != 2 ] || ! grep -q "not available" "$work/eval.out"; then
  echo "core install check: 'extractor eval' without [evals] should say it is not available (rc $rc)" >&2
  cat "$work/eval.out" >&2; exit 1
fi
echo "core install check: 'extractor eval' without [evals] says: $(head -c 160 "$work/eval.out")"
# The pip-only, code-only path of the README's quick start: `pip install '.[nlp]'` (no model, no
# llama-cpp-python) and `extractor extract FILE` with nothing configured: the default prompt's
# code decides alone, no model is started, and the record's quotes are spans of the note.
"$work/venv/bin/python" -m pip install --quiet '.[nlp]' 2>&1 | grep -v "^WARNING: Location" || true
if "$work/venv/bin/python" -c "import llama_cpp" 2>/dev/null; then
  echo "core install check: 'pip install .[nlp]' installed llama-cpp-python; the code-only path must not need it" >&2
  exit 1
fi
(cd "$work" && env -u EXTRACTOR_BASE_URL -u EXTRACTOR_ADJUDICATE -u EXTRACTOR_PROMPT \
   EXTRACTOR_CACHE_DIR="$work/cache" venv/bin/extractor extract note.txt > code.jsonl)
"$work/venv/bin/python" - "$work/code.jsonl" "$work/note.txt" <<'PY'
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
note = open(sys.argv[2], encoding="utf-8").read()
assert len(lines) == 1 and "error" not in lines[0], lines
result = lines[0]
assert result["events"], result
assert result["provenance"]["model"] is None and not result["provenance"]["adjudicated"], result["provenance"]
for event in result["events"]:
    for span in event["evidence"]:
        assert note[span["start"]:span["end"]] == span["quote"], span
print(f"core install check: pip install '.[nlp]' then 'extractor extract note.txt' ran code-only "
      f"({result['provenance']['prompt_id']}.v{result['provenance']['prompt_version']}, no model): "
      f"{len(result['events'])} event(s), {result['events'][0]['event_type']}")
PY
