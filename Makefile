# The Mbodi Handbook's front door. `make help` lists every target.
# Every target honours SOURCEDIR and BUILDDIR, as Sphinx's own Makefile does:
#   make html SOURCEDIR=some/tree BUILDDIR=/tmp/out   ->  /tmp/out/html

SOURCEDIR  ?= docs
BUILDDIR   ?= _build
CONFDIR    ?= conf
SPHINXOPTS ?=
PYTHON     ?= python3
VENV       ?= .venv
PORT       ?= 8000

# Reproducible output: builds of one commit date themselves by that commit, not by the clock
# (Sphinx, LuaTeX and the handbook's review dates honour SOURCE_DATE_EPOCH). Set it to override.
# Outside a git checkout (a tarball) there is no commit: leave it unset, as Sphinx reads "" as an error.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(strip $(SOURCE_DATE_EPOCH)),)
export SOURCE_DATE_EPOCH
else
unexport SOURCE_DATE_EPOCH
endif

BIN        := $(VENV)/bin
SPHINX     := $(BIN)/sphinx-build -c $(CONFDIR) -n
# The environment is (re)built from the lock whenever the lock is newer than it.
ENV_STAMP  := $(VENV)/.installed-from-lock
AXE_STAMP  := tests/browser/node_modules/.installed-from-lock

# Single-quote a make variable for the shell, unexpanded, so titles may hold ', " and $.
shell_quote = '$(subst ','\'',$(value $(1)))'

.DEFAULT_GOAL := help
.PHONY: help html livehtml test test-fast lint clean adr rfc runbook lock env check linkcheck pdf bench

help: ## List every target with what it does
	@echo "Mbodi Handbook: make <target> [SOURCEDIR=$(SOURCEDIR)] [BUILDDIR=$(BUILDDIR)] [PORT=$(PORT)]"
	@echo
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sort | \
		sed -e 's|$$(BUILDDIR)|$(BUILDDIR)|g' -e 's|$$(SOURCEDIR)|$(SOURCEDIR)|g' -e 's|$$(PORT)|$(PORT)|g' | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'

env: $(ENV_STAMP) ## Create .venv from requirements.lock (done by every target that needs it)

$(ENV_STAMP): requirements.lock
	@echo "Creating $(VENV) from requirements.lock"
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	touch $@

html: $(ENV_STAMP) ## Build the site into $(BUILDDIR)/html (warnings are shown; make check fails on them)
	HANDBOOK_PDF_DIR="$(abspath $(BUILDDIR))/pdf" $(SPHINX) -b html $(SPHINXOPTS) $(SOURCEDIR) $(BUILDDIR)/html

pdf: $(ENV_STAMP) ## Build the handbook as one PDF into $(BUILDDIR)/pdf (needs TeX Live; STAGE=latex|typeset DOCUMENT=x.tex: in steps)
	$(BIN)/python scripts/pdf.py --source "$(SOURCEDIR)" --conf "$(CONFDIR)" --builddir "$(BUILDDIR)" \
		$(if $(STAGE),--stage $(call shell_quote,STAGE)) $(if $(DOCUMENT),--document $(call shell_quote,DOCUMENT))

check: $(ENV_STAMP) ## Quality gate, no network: fails on any finding (SINCE=<ref>: also on pages gone without a redirect)
	$(BIN)/python scripts/check.py --source "$(SOURCEDIR)" --conf "$(CONFDIR)" --builddir "$(BUILDDIR)" \
		$(if $(SINCE),--since $(call shell_quote,SINCE))

linkcheck: $(ENV_STAMP) ## Check external links into $(BUILDDIR)/linkcheck (SINCE=<git ref>: only changed links)
	$(BIN)/python scripts/linkcheck.py --source "$(SOURCEDIR)" --conf "$(CONFDIR)" --builddir "$(BUILDDIR)" \
		$(if $(SINCE),--since $(call shell_quote,SINCE))

# The preview builds into its own folder: the site in $(BUILDDIR)/html (with its PDF link) is
# never replaced by a preview, and the preview links the PDF as the site does.
livehtml: $(ENV_STAMP) ## Serve a live-reloading preview on http://127.0.0.1:$(PORT), built into $(BUILDDIR)/preview
	HANDBOOK_PDF_DIR="$(abspath $(BUILDDIR))/pdf" \
	$(BIN)/sphinx-autobuild --host 127.0.0.1 --port $(PORT) --watch $(CONFDIR) \
		-c $(CONFDIR) -n $(SPHINXOPTS) $(SOURCEDIR) $(BUILDDIR)/preview

test: $(ENV_STAMP) $(AXE_STAMP) ## The whole suite: lint, then every test (TeX and browser ones included)
	@$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(ENV_STAMP) ## The tests a writer runs in under a minute: no TeX, no browser, nothing slow
	$(BIN)/python -m pytest -m "not tex and not browser and not slow" $(PYTEST_ARGS)

lint: $(ENV_STAMP) ## ruff over the extension, scripts and tests, mypy over the extension and scripts: zero findings (make test runs it)
	$(BIN)/ruff check conf scripts tests
	$(BIN)/mypy

# axe-core for the browser tests' accessibility checks, from the npm lock (hash-checked by npm ci).
$(AXE_STAMP): tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

bench: $(ENV_STAMP) ## Realistic handbook (PAGES=1000,5000; ROUNDS=3, fastest kept; PDF_PAGES=300 its PDF; TREE=synthetic; QUICK=1) vs floor and stock; $(BUILDDIR)/bench
	$(BIN)/python scripts/bench.py --builddir "$(BUILDDIR)/bench" \
		$(if $(PAGES),--pages $(call shell_quote,PAGES)) $(if $(QUICK),--quick) \
		$(if $(PDF_PAGES),--pdf-pages $(call shell_quote,PDF_PAGES)) \
		$(if $(TREE),--tree $(call shell_quote,TREE)) $(if $(STOCK_LIMIT),--stock-limit $(call shell_quote,STOCK_LIMIT)) \
		$(if $(ROUNDS),--rounds $(call shell_quote,ROUNDS))

# The writer's values reach new_record.py through the environment, untouched: a title may hold
# quotes, $, {{date}} or a line break (which the script refuses in words; on a command line the
# shell would have failed first).
adr rfc runbook: export HANDBOOK_TITLE = $(value title)
adr rfc runbook: export HANDBOOK_SUPERSEDES = $(value supersedes)
adr rfc runbook: export HANDBOOK_NUMBER = $(value number)
NEW_PAGE := $(BIN)/python scripts/new_record.py --source "$(SOURCEDIR)" --conf "$(CONFDIR)"

adr: $(ENV_STAMP) ## New ADR from the template: make adr title="Use X" [supersedes=N] [number=N]
	@$(NEW_PAGE) adr

rfc: $(ENV_STAMP) ## New RFC from the template: make rfc title="Use X" [number=N]
	@$(NEW_PAGE) rfc

runbook: $(ENV_STAMP) ## New runbook from the template, added to the runbooks' toctree: make runbook title="Restore X"
	@$(NEW_PAGE) runbook

# The lock is rewritten only when its content changes: an unchanged lock keeps its date, so
# .venv is not rebuilt for nothing.
lock: ## Re-pin every dependency (with hashes) from pyproject.toml into requirements.lock; quiet, no-op if unchanged
	@test -x $(BUILDDIR)/lockenv/bin/uv || { $(PYTHON) -m venv $(BUILDDIR)/lockenv && \
		$(BUILDDIR)/lockenv/bin/python -m pip install --quiet --disable-pip-version-check uv==0.13.9; }
	@$(BUILDDIR)/lockenv/bin/uv pip compile --quiet pyproject.toml --extra test --generate-hashes \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 --no-header -o $(BUILDDIR)/requirements.lock.new
	@if cmp -s $(BUILDDIR)/requirements.lock.new requirements.lock; then \
		rm $(BUILDDIR)/requirements.lock.new; echo "requirements.lock: unchanged"; \
	else mv $(BUILDDIR)/requirements.lock.new requirements.lock; echo "requirements.lock: updated"; fi

clean: ## Remove everything built under $(BUILDDIR)
	rm -rf $(BUILDDIR)
