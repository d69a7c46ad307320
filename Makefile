# Two commands do everything on a fresh machine:  `make demo`  and  `make test`.
# Both start with `make install`, which builds .venv once and is a no-op afterwards.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM = false
export MPLBACKEND = Agg

.PHONY: install demo test check-sync nbval pytests export clean-nbs readme

install: $(STAMP)

# torch is pinned and installed first: anything later that depends on torch then
# finds it satisfied instead of pulling a multi-GB CUDA build (ENVIRONMENT.md).
$(STAMP): requirements.txt settings.ini setup.py
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: install
	$(VENV)/bin/python -m avss.demo

# The test suite: library in sync with the notebooks, every notebook, then tests/.
test: install check-sync nbval pytests

# Export the notebooks into a scratch copy and compare with avss/ (never touches avss/).
check-sync: install
	@tmp=$$(mktemp -d); cp -r settings.ini nbs avss $$tmp/; \
	(cd $$tmp && $(CURDIR)/$(VENV)/bin/nbdev_export) || exit 1; \
	if ! diff -r -q -x __pycache__ avss $$tmp/avss; then \
	  echo "avss/ differs from what the notebooks export: edit nbs/ and run 'make export'."; rm -rf $$tmp; exit 1; fi; \
	rm -rf $$tmp; echo "avss/ is in sync with nbs/"

nbval: install
	$(VENV)/bin/pytest -q -p no:cacheprovider --nbval-lax --nbval-current-env --nbval-cell-timeout=900 nbs

pytests: install
	$(VENV)/bin/pytest -q -p no:cacheprovider tests

export: install
	$(VENV)/bin/nbdev_export

clean-nbs: install
	$(VENV)/bin/nbdev_clean

readme: install
	cd nbs && ../$(VENV)/bin/jupyter nbconvert --to markdown index.ipynb --output-dir .. --output README
