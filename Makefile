# rasd — make targets. Every target that needs Python creates and fills .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
CONFIG ?= configs/quickstart.yaml
MODEL ?= runs/quickstart/model
DATA ?= data/events/dev.jsonl data/events/test.jsonl
SAMPLES ?= data/samples/articles.jsonl
PRED ?= runs/quickstart/predictions.jsonl

.PHONY: help venv quickstart train evaluate predict test corpus validate-data data-stats real-dev convert clean

help:
	@echo "make quickstart   train the offline quickstart model and predict on data/samples (CPU, minutes)"
	@echo "make test         run the test suite"
	@echo "make train CONFIG=configs/...yaml [ARGS='--tagger.num_train_epochs 3']"
	@echo "make evaluate MODEL=runs/.../model DATA='file.jsonl ...'"
	@echo "make predict MODEL=... SAMPLES=in.jsonl PRED=out.jsonl"
	@echo "make corpus | validate-data | data-stats"

$(VENV)/.installed: pyproject.toml inference/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ./inference -e '.[test]'
	touch $@

venv: $(VENV)/.installed

quickstart: venv
	@start=$$(date +%s); \
	HF_HUB_OFFLINE=1 $(VENV)/bin/rasd-train train configs/quickstart.yaml $(ARGS) && \
	$(VENV)/bin/rasd predict --model $(MODEL) --input $(SAMPLES) --output $(PRED) --quiet && \
	echo "predictions: $(PRED)  ($$(wc -l < $(PRED)) documents)" && \
	echo "model: $(MODEL)  (scores in $(MODEL)/metrics.md)" && \
	echo "quickstart took $$(( $$(date +%s) - start )) s"

train: venv
	$(VENV)/bin/rasd-train train $(CONFIG) $(ARGS)

evaluate: venv
	$(VENV)/bin/rasd-train evaluate --model $(MODEL) --data $(DATA) --out $(MODEL)/eval.json

predict: venv
	$(VENV)/bin/rasd predict --model $(MODEL) --input $(SAMPLES) --output $(PRED)

test: venv
	HF_HUB_OFFLINE=1 $(VENV)/bin/python -m pytest -q $(PYTEST_ARGS)

corpus: venv
	$(VENV)/bin/rasd-train corpus

validate-data: venv
	$(VENV)/bin/rasd-train validate-data

data-stats: venv
	$(VENV)/bin/rasd-train data-stats

clean:
	rm -rf runs .pytest_cache

real-dev: venv
	$(VENV)/bin/rasd-train real-dev

convert: venv
	$(VENV)/bin/rasd-train convert --from $(FROM) --to $(TO) $(IN) $(OUT)
