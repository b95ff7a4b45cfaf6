# The front door. `make site` and `make test` set up everything on a fresh machine.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HANDBOOK := $(VENV)/bin/handbook
OUT ?= site
CLIENT ?=
APT_PACKAGES := graphviz fonts-dejavu-core
BROWSER_PACKAGES := chromium poppler-utils

.PHONY: site test check serve bench profile internal update-golden lint deps system-deps browser-deps clean

site: deps
	$(HANDBOOK) build --out $(OUT)

test: deps browser-deps
	$(PY) -m pytest -q

check: deps
	$(HANDBOOK) check

serve: deps
	@test -n "$(CLIENT)" || { echo "usage: make serve CLIENT=<slug>"; exit 2; }
	$(HANDBOOK) serve $(CLIENT)

internal: deps
	$(HANDBOOK) build --internal --out $(OUT)

bench: deps
	$(PY) -m tests.bench

profile: deps
	$(PY) -m tests.profile_build

update-golden: deps
	$(PY) -m tests.golden --update
	$(PY) -m tests.dot_golden --update

lint: deps
	$(VENV)/bin/ruff check generator tests
	$(VENV)/bin/ruff format --check generator tests
	$(VENV)/bin/mypy

deps: $(VENV)/.installed system-deps

$(VENV)/.installed: pyproject.toml .ci/constraints.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c .ci/constraints.txt -e '.[test]'
	@touch $@

# Debian packages: installed when missing and running as root, else a clear message.
define need_apt
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "missing Debian packages:$$missing -- run: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi
endef

system-deps:
	$(call need_apt,$(APT_PACKAGES))

browser-deps:
	$(call need_apt,$(BROWSER_PACKAGES))

clean:
	rm -rf $(OUT) build .pytest_cache
