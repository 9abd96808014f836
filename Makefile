# Everything bootstraps from nothing but python3: `make test` and `make demo` create .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv test demo lab bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# mypy first (strict over workbench/, configured in pyproject.toml; a few seconds with its cache), then the
# suite on every core (pytest-xdist; tests sharing a module fixture or the system PostgreSQL 15 share a worker:
# tests/conftest.py). One file alone: .venv/bin/python -m pytest tests/test_x.py
test: $(STAMP)
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

demo: $(STAMP)
	$(BIN)/workbench demo

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_diff.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache build *.egg-info
