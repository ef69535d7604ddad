# Convenience targets; the Quick start in README.md needs none of them.
PYTHON ?= .venv/bin/python

.PHONY: test notebooks-html bench demo
test:
	$(PYTHON) -m pytest

notebooks-html:  ## rendered HTML copies of the notebooks (not committed)
	$(MAKE) -C notebooks html PYTHON=$(abspath $(PYTHON))

bench:
	$(PYTHON) benchmarks/bench_overlay.py --sizes 2000 10000

demo:  ## rebuild the simulated demo data byte for byte
	.venv/bin/geo-revival demo build
