# Two commands for a newcomer: `make demo` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_LANDING := data/sample_landing
export GX_ANALYTICS_ENABLED := false
export DAGSTER_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := 1

.PHONY: demo test lint format docs dev bench clean install browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Generate the sample landing data (if absent), run the whole pipeline, print a summary, write the
## own brand's report of the last complete week (its PDF is printed by Debian's chromium: `browser`).
demo: $(STAMP) browser
	@test -f $(DEMO_LANDING)/brands.yml || $(BIN)/smm generate --out $(DEMO_LANDING) --days 90 --seed 7 --scale 1
	SMM_LANDING_DIR=$(DEMO_LANDING) $(BIN)/smm run
	SMM_LANDING_DIR=$(DEMO_LANDING) $(BIN)/smm status
	SMM_LANDING_DIR=$(DEMO_LANDING) $(BIN)/smm report

## Run the whole test suite (lint included), on two workers; the slowest tests are listed at the end.
test: $(STAMP) browser
	$(BIN)/ruff check pipelines expectations tests
	cd dbt_project && ../$(BIN)/sqlfluff lint --processes 2 models macros tests
	$(BIN)/pytest -n 2 --dist loadscope --durations=15

lint: $(STAMP)
	$(BIN)/ruff check pipelines expectations tests
	$(BIN)/ruff format --check pipelines expectations tests
	cd dbt_project && ../$(BIN)/sqlfluff lint --processes 2 models macros tests

format: $(STAMP)
	$(BIN)/ruff format pipelines expectations tests
	$(BIN)/ruff check --fix pipelines expectations tests

## Benchmark at several scales against the plain-DuckDB floor (docs/benchmarks.md): JSON per scale, tables, chart.
## Long (about an hour; scale 70 = the issue's >= 3 GB and >= 10 M lake rows); e.g.
## `make bench BENCH_SCALES="1 2" BENCH_DAYS=30` for a quick look.
BENCH_SCALES ?= 1 10 70
BENCH_DAYS ?= 90
BENCH_OUT ?= docs/bench
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	set -e; for k in $(BENCH_SCALES); do \
	  $(BIN)/smm bench --scale $$k --days $(BENCH_DAYS) --json $(BENCH_OUT)/scale-$$k.json; done
	$(BIN)/python -m pipelines.bench.chart docs/benchmarks.png \
	  $(foreach k,$(BENCH_SCALES),$(BENCH_OUT)/scale-$(k).json) > $(BENCH_OUT)/tables.md

## The browser the UI test drives (tests/ui): Debian's chromium, installed once (needs root).
browser:
	@command -v chromium >/dev/null || (export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

## Open the Dagster UI on http://127.0.0.1:3000 (run history in data/dagster_home; instance settings
## from the reviewed template pipelines/dagster_home/dagster.yaml: one dbt/publish writer, runs queued).
DAGSTER_HOME_DIR := $(CURDIR)/data/dagster_home
dev: $(STAMP)
	@test -f $(DEMO_LANDING)/brands.yml || $(BIN)/smm generate --out $(DEMO_LANDING) --days 90 --seed 7 --scale 1
	mkdir -p $(DAGSTER_HOME_DIR) && cp pipelines/dagster_home/dagster.yaml $(DAGSTER_HOME_DIR)/dagster.yaml
	DAGSTER_HOME=$(DAGSTER_HOME_DIR) SMM_LANDING_DIR=$(DEMO_LANDING) $(BIN)/dagster dev -w workspace.yaml

clean:
	rm -rf data dbt_project/target dbt_project/logs

## Build the dbt docs site (every mart column documented) into dbt_project/target/.
docs: $(STAMP)
	mkdir -p data/build
	cd dbt_project && SMM_DATA_DIR=$(CURDIR)/data SMM_BUILD_DB=$(CURDIR)/data/build/docs.duckdb \
		../$(BIN)/dbt docs generate --profiles-dir . --empty-catalog
	@echo "docs: dbt_project/target/index.html (serve: cd dbt_project && ../$(BIN)/dbt docs serve --profiles-dir .)"
