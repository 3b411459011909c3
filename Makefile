# govreport_kit: two commands on a fresh machine.
#   make report   set up .venv with the pinned dependencies and render the built-in sample
#   make test     set up .venv and run the test suite
#   make lock     regenerate every hashed lock file under requirements/ from pyproject.toml
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# runtime + test + dev + lab + dask, resolved and hashed by tools/lock.sh
LOCK   := requirements/develop.lock

.PHONY: install git-filter report test lab check batch bench lint lock clean

install: $(STAMP) git-filter

# Notebooks go into git without outputs or analyst parameter values (.gitattributes, docs/lab.md).
git-filter:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.govreport-notebook.clean '"$(abspath $(BIN))/python" -m govreport_kit.report.nbclean'; \
	  git config filter.govreport-notebook.smudge cat; \
	fi

$(STAMP): $(LOCK) pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $(STAMP)

report: install
	$(BIN)/govreport run

check: install
	$(BIN)/govreport check

batch: install
	$(BIN)/govreport batch

lab: install
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyter lab --ServerApp.root_dir=. notebooks/report.ipynb

test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider -n auto

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lock:
	tools/lock.sh

bench: install
	$(BIN)/python bench/single_report.py
	$(BIN)/python bench/batch.py 40
	$(BIN)/python bench/audit_corpus.py

clean:
	rm -rf $(VENV) outputs/*/ outputs/index.html outputs/manifest.json
