# ASUPK. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help site run test test-fast bench bench-country bench-growth templates demo lint format fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml tests/dask-requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip uninstall --quiet --yes dask 2>/dev/null || true  # a venv made before dask moved out
	rm -rf $(VENV)/dask
	$(PY) -m pip install --quiet --no-deps --target $(VENV)/dask -r tests/dask-requirements.txt
	touch $(STAMP)

site: $(STAMP) ## set up, run the whole cycle on the demo region and build the site into site/
	$(PY) -m pipeline run

run: site ## same as site

test: $(STAMP) ## set up and run the tests
	$(PY) -m pytest -n 2 --dist loadgroup -q

test-fast: $(STAMP) ## the tests without the browser and region-scale ones
	$(PY) -m pytest -n 2 -q -m "not browser and not slow"

bench: $(STAMP) ## region-scale benchmark: time, memory and rows per second for every stage
	$(PY) -m pipeline.bench

bench-country: $(STAMP) ## the benchmark at the scale of the whole country
	$(PY) -m pipeline.bench --scale country

bench-growth: $(STAMP) ## how time grows with size: cold runs of 1/6, 1/4 and 1/2 of the country
	$(PY) -m pipeline.bench --growth

templates: $(STAMP) ## write blank templates into reports/templates/
	$(PY) -m pipeline templates

demo: $(STAMP) ## regenerate the demo region in inputs/
	$(PY) -m pipeline demo --scale demo --seed 86 --out inputs

lint: $(STAMP) ## ruff
	$(VENV)/bin/ruff check pipeline schemas tests

format: $(STAMP) ## ruff format
	$(VENV)/bin/ruff format pipeline schemas tests

fuzz: $(STAMP) ## long property runs: 2000 mutated workbooks each (the intake one takes about an hour)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -n 2 -q -p no:cacheprovider tests/test_intake_property.py tests/test_inspect.py -k "mutated or corruption"

clean: ## remove built outputs
	rm -rf site reports build .cache .site-work
