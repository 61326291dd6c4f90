# The two commands a newcomer needs: `make demo` and `make test`. Everything else is detail.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test unit coverage lint bench eval clean venv lock browser sam-venv sam-build

# The AWS SAM CLI has its own virtual environment: it pins boto3 and cfn-lint versions of its own.
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
SAM_STAMP := $(SAM_VENV)/.installed
# Offline tools (cfn-lint, sam validate) still ask for a region and credentials: give them dummies.
OFFLINE_AWS := AWS_DEFAULT_REGION=eu-west-2 AWS_ACCESS_KEY_ID=offline AWS_SECRET_ACCESS_KEY=offline \
	SAM_CLI_TELEMETRY=0

# Every install takes pinned versions, with their hashes, from a lock file: LAYER_LOCK for the
# Lambda layer (shared/requirements.txt and what it needs, as wheels for the runtime's Python and
# architecture; shared/build_layer.py installs it), LOCK for the venv (the package with its cli and
# dev extras, for Python 3.11 and later on any platform, at the layer's versions, so the tests run
# what Lambda runs) and SAM_LOCK for the SAM CLI's venv. pyproject.toml, shared/requirements.txt and
# infra/sam-requirements.txt say what is wanted; after changing one, `make lock` compiles the lock
# files again, keeping every version it can, and `make lock UPGRADE=--upgrade` takes the newest
# releases. Commit the lock files with the change.
LOCK := requirements-dev.lock
LAYER_LOCK := shared/requirements.lock
SAM_LOCK := infra/sam-requirements.lock
LAYER_PYTHON := 3.12
LAYER_PLATFORM := aarch64-manylinux2014

# uv (the version LOCK pins) installs a lock from its cache in seconds, with nothing to resolve;
# where uv cannot be had or fails, pip installs the same lock (a few minutes).
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
UV_PIP := $(BIN)/uv pip --quiet
$(STAMP): $(LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@set -x; { $(PIP) install "$$(grep -oE '^uv==[^ ]+' $(LOCK))" && \
	  $(UV_PIP) install --python $(BIN)/python -r $(LOCK) && \
	  $(UV_PIP) install --python $(BIN)/python --no-deps -e . ; } || \
	{ echo "uv failed: installing with pip"; \
	  $(PIP) install -r $(LOCK) && $(PIP) install --no-deps -e . ; }
	@touch $(STAMP)

venv: $(STAMP)

lock: $(STAMP)
	$(BIN)/uv pip compile --quiet shared/requirements.txt --only-binary :all: \
	  --python-version $(LAYER_PYTHON) --python-platform $(LAYER_PLATFORM) \
	  --generate-hashes $(UPGRADE) -o $(LAYER_LOCK)
	$(BIN)/uv pip compile --quiet pyproject.toml --extra cli --extra dev -c $(LAYER_LOCK) \
	  --universal --python-version 3.11 --generate-hashes $(UPGRADE) -o $(LOCK)
	$(BIN)/uv pip compile --quiet infra/sam-requirements.txt \
	  --universal --python-version 3.11 --generate-hashes $(UPGRADE) -o $(SAM_LOCK)

# The SAM CLI's venv installs SAM_LOCK with the project venv's uv.
$(SAM_STAMP): $(SAM_LOCK) $(STAMP)
	@test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	@set -x; $(UV_PIP) install --python $(SAM_VENV)/bin/python -r $(SAM_LOCK) || \
	{ echo "uv failed: installing with pip"; \
	  $(SAM_VENV)/bin/python -m pip --quiet --disable-pip-version-check install -r $(SAM_LOCK); }
	@touch $(SAM_STAMP)

sam-venv: $(SAM_STAMP)

# The template's two checks (cfn-lint at the project's version, and SAM's validation with the
# cfn-lint SAM pins) run beside mypy, each on a core; lint fails if any of them does.
lint: $(STAMP) $(SAM_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@$(OFFLINE_AWS) $(BIN)/cfn-lint template.yaml & cfn_lint=$$!; \
	  $(OFFLINE_AWS) $(SAM) validate --lint & sam_validate=$$!; \
	  $(BIN)/mypy; status=$$?; \
	  wait $$cfn_lint || { echo "cfn-lint failed"; status=1; }; \
	  wait $$sam_validate || { echo "sam validate --lint failed"; status=1; }; \
	  exit $$status

# `sam build` needs an interpreter of the Lambda runtime's version on PATH; find-python.sh finds
# one (PATH, then pyenv) or says what to install.
sam-build: $(SAM_STAMP)
	@python_bin="$$(infra/find-python.sh)" && echo "sam build with $$python_bin" && \
	  PATH="$$(dirname "$$python_bin"):$$PATH" SAM_CLI_TELEMETRY=0 $(SAM) build

demo: $(STAMP)
	$(BIN)/sla-monitor demo

# The browser tests drive Debian's headless Chromium (Playwright never downloads a browser here).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# The unit tests first, on two workers (one per core), with their branch coverage of the package
# measured: the run fails under UNIT_COVERAGE, their figure when the floor was set (68.9%; raise
# it as coverage grows, never lower it to let a change in). Then the integration and browser
# tests, a test file staying on one worker, so a module's fixtures (the demo's month, a local
# stack) are built once; measuring them too would slow them by a third (`make coverage` does,
# against the floor in pyproject.toml). They run on three workers: on two, a third of the cores'
# time went waiting (on Chromium, on the local servers' threads), and with the local stacks
# copied rather than seeded a third worker costs little to start (docs/scaling.md).
UNIT_COVERAGE := 68
test: $(STAMP) browser lint
	$(BIN)/python -m pytest -n 2 tests/unit --cov --cov-report term:skip-covered \
	  --cov-fail-under $(UNIT_COVERAGE)
	$(BIN)/python -m pytest -n 3 --dist loadfile tests/integration tests/e2e --durations 15

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

# Branch coverage of the unit and integration tests, failing under the floor in pyproject.toml
# ([tool.coverage.report]). `make test` measures the unit tests' alone: measuring the integration
# tests slows them by a third.
coverage: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile tests/unit tests/integration --cov --cov-report term

# What one deadline sweep, one month's report and every page read as the archive grows, beside a
# Scan; a real council's archive on the local stack; sweep time against due cases for 1 and N shards
# (tens of minutes; not in `make test`).
bench: $(STAMP)
	$(BIN)/python benchmarks/sweep_reads.py
	$(BIN)/python benchmarks/report_reads.py
	$(BIN)/python benchmarks/work_list_reads.py
	PAGE_READS_SIZES=1000,50000 $(BIN)/python -m pytest -q -s -p no:cacheprovider -p no:xdist \
		tests/integration/test_page_reads.py
	$(BIN)/python benchmarks/local_stack_scale.py
	$(BIN)/python benchmarks/sweep_fan_out.py
	$(BIN)/python benchmarks/cold_start.py
	$(BIN)/python benchmarks/sign_in_timing.py

# How well the first classification of email does on residents' messages it was never trained
# on: precision and recall of each type, and the accuracy (tests/data/resident_messages.jsonl).
eval: $(STAMP)
	$(BIN)/sla-monitor classifier evaluate --examples tests/data/resident_messages.jsonl \
	  --split held_out --mistakes

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache .hypothesis build *.egg-info
