# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint setup clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools
	$(BIN)/pip install -q -e ".[dev,pdf,postgres]"
	touch $(STAMP)

setup: $(STAMP)

# Main job on the embedded default: validate the bundled data, then score
# every known dyad with the bundled model into out/dyads_scored.csv.
run: $(STAMP)
	$(BIN)/twinrisk data validate
	$(BIN)/twinrisk assess "Luleå" "Xi'an" --local-country SE --partner-country CN
	$(BIN)/twinrisk batch features/dyads.csv -o out/dyads_scored.csv --report out/dyads_summary.html

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) out
