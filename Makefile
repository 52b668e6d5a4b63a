# Bootstraps everything with the machine's own python3: a private venv holding uv,
# then uv builds .venv from uv.lock (never downloads an interpreter).
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Passed to pytest: PYTEST_ARGS=--randomly-seed=1234 replays the order a run printed,
# PYTEST_ARGS="-p no:randomly" keeps file order.
PYTEST_ARGS ?=

.PHONY: demo test unit integration e2e lint typecheck format sim bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --extra test --extra postgres --compile-bytecode --python $(PYTHON)
	touch $@

demo: $(VENV)/.synced
	$(VENV)/bin/ctibot demo

test: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# One layer of the suite at a time (no lint): tests/unit, tests/integration, tests/e2e.
unit integration e2e: $(VENV)/.synced
	$(VENV)/bin/pytest tests/$@ $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# What the [tool.mypy] section of pyproject.toml names: bot, commands, cucmsim, bench, tests.
typecheck: $(VENV)/.synced
	$(VENV)/bin/mypy

format: $(VENV)/.synced
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

sim: $(VENV)/.synced
	$(VENV)/bin/ctibot sim --seed demo

bench: $(VENV)/.synced
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(TOOLS) $(VENV) .pytest_cache .mypy_cache
