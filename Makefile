# Two commands on a fresh Debian machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DB     ?= data/warehouse.duckdb
PORT   ?= 8501

.PHONY: run test browser warehouse demo bench lint clean

# Debian ships venv separately (python3-venv): install it when the interpreter lacks it.
$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
		rm -rf $(VENV); SUDO=""; [ "$$(id -u)" = "0" ] || SUDO="sudo"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-venv >/dev/null && \
		$(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

# Browser tests drive Debian's chromium; CJK fonts so Chinese renders in screenshots.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		SUDO=""; [ "$$(id -u)" = "0" ] || SUDO="sudo"; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

# Builds the demo warehouse (the generated demo county) when none exists.
warehouse: $(STAMP)
	@if [ ! -e "$(DB)" ]; then $(BIN)/python -m dashboard demo --warehouse --db "$(DB)"; fi

run: $(STAMP) warehouse
	$(BIN)/streamlit run dashboard/app.py --server.port $(PORT)

test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# Figures, not timed tests: page-data latency with 8 concurrent readers (with and without a load
# running), then a full page re-render after a filter change for every page.
bench: $(STAMP) warehouse
	$(BIN)/python -m dashboard bench --db "$(DB)"
	$(BIN)/python -m dashboard.ui.rerender_bench --db "$(DB)"

clean:
	rm -rf $(VENV) .pytest_cache data/warehouse.duckdb* data/demo
