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

.PHONY: install system-deps demo bench test check-sync nbval pytests export clean-nbs readme docs outputs

install: system-deps $(STAMP)

# WordNet 3.0 (the official vocabulary filter, the offline LAVE mapper) comes from Debian's packages; NLTK reads
# them through avss.core.wordnet(). chromium + chromium-driver are the headless browser of the app's and the docs
# site's browser tests. Installed when we can (root + apt-get); otherwise say what to install.
SYSTEM_PKGS := wordnet-base wordnet-sense-index chromium chromium-driver
system-deps:
	@{ { test -f /usr/share/wordnet/data.noun || test -n "$$AVSS_WORDNET_DIR"; } \
	   && test -x /usr/bin/chromium && test -x /usr/bin/chromedriver; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PKGS)) >/dev/null; \
	  else echo "note: system packages missing; install them with: sudo apt-get install $(SYSTEM_PKGS)"; fi; }

# torch is pinned and installed first: anything later that depends on torch then
# finds it satisfied instead of pulling a multi-GB CUDA build (ENVIRONMENT.md). The pin lives only here and in
# requirements.txt (the recipe of this venv: the package with every extra and the dev tools); the package itself
# asks for torch>=2.6 (settings.ini), so `pip install avss-autoseg` keeps a user's own torch.
$(STAMP): requirements.txt settings.ini setup.py
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: install
	$(VENV)/bin/avss demo --models toy --segmenter clipseg -o demo_out

# Not a test: seconds per stage, images/s, the release's flow side by side (see nbs/16_bench.ipynb).
bench: install
	$(VENV)/bin/avss bench --quick -o bench_out

# The test suite: library in sync with the notebooks, then every notebook and tests/ side by side (two jobs: most of
# the time goes to single-threaded work such as starting the `avss` command; each job's output is printed whole).
test: install check-sync
	$(MAKE) --no-print-directory -j2 --output-sync=target nbval pytests

# avss/ must be exactly what the notebooks export (never edit avss/ by hand).
check-sync: install
	tools/check-sync

nbval: install
	$(VENV)/bin/pytest -q -p no:cacheprovider --nbval-lax --nbval-current-env --nbval-cell-timeout=900 nbs

pytests: install
	$(VENV)/bin/pytest -q -p no:cacheprovider tests

export: install
	$(VENV)/bin/nbdev_export

clean-nbs: install
	$(VENV)/bin/nbdev_clean

# README.md is nbs/index.ipynb's prose (code cells hidden), with image paths made relative to the repository root.
readme: install
	cd nbs && ../$(VENV)/bin/jupyter nbconvert --to markdown --no-input index.ipynb --output-dir .. --output README
	sed -i 's#(\.\./imgs/#(imgs/#g' README.md

# The docs site: every chapter rendered with the outputs stored in it (nothing is executed), an API page per module,
# into $(DOCS_DIR) (mkdocs-material + mkdocs-jupyter; see nbs/18_docs.ipynb). tests/test_docs.py runs this target.
DOCS_DIR ?= _docs
docs: install
	$(PY) -c 'import sys, avss.docs; avss.docs.build(sys.argv[1])' $(DOCS_DIR)

# Re-execute notebooks in place so their stored outputs and figures are fresh (minutes per chapter), skipping the cells
# marked `#| eval: false` / `# NBVAL_SKIP` (avss.docs.refresh_outputs), then clean them back to nbdev's layout.
# Run before `make docs` when chapters changed; NOTEBOOKS=nbs/05_denoise.ipynb picks some.
NOTEBOOKS ?= nbs/index.ipynb $(sort $(wildcard nbs/[0-9]*.ipynb))
outputs: install
	for nb in $(NOTEBOOKS); do \
	  echo "executing $$nb"; \
	  $(PY) -c 'import sys, avss.docs; avss.docs.refresh_outputs(sys.argv[1])' "$$nb" || exit 1; \
	done
	$(VENV)/bin/nbdev_clean
