# The two commands: `make run` and `make test` (see README.md). Everything else is set-up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-requirements
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test chromium lint bench bench-data bench-growth

$(INSTALLED): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

run: $(INSTALLED)
	$(PY) -m project.run

test: $(INSTALLED) chromium
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# Browser tests drive Debian's chromium (never a test tool's own browser download).
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "WARNING: chromium could not be installed; browser tests will be skipped."; }

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The benchmark (bench/README.md): SCALE=1 is national size (4.7M rows); data is built once.
SCALE ?= 0.01
bench: $(INSTALLED)
	DJANGO_SETTINGS_MODULE=bench.settings $(PY) -m bench.run --scale $(SCALE) --load-seconds 20 $(BENCH_ARGS)

bench-data: $(INSTALLED)
	DJANGO_SETTINGS_MODULE=bench.settings $(PY) -m bench.run --scale $(SCALE) --rebuild --runs 1 $(BENCH_ARGS)

# Each operation at SCALES (one database each, bangfu_bench_<scale>), then the scale-growth table.
SCALES ?= 0.01,0.1,1
bench-growth: $(INSTALLED)
	DJANGO_SETTINGS_MODULE=bench.settings $(PY) -m bench.run --scale-growth $(SCALES) --load-seconds 20 $(BENCH_ARGS)
