# Two commands on a fresh Debian machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DB     ?= data/warehouse.duckdb
PORT   ?= 8501

.PHONY: run test browser warehouse demo bench bench-province lint clean

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

# Builds the demo warehouse (the generated demo county) when none exists, and the demo accounts
# (admin / leader / dept, password demo-2024) when the security file holds no account at all.
warehouse: $(STAMP)
	@if [ ! -e "$(DB)" ]; then $(BIN)/python -m dashboard demo --warehouse --db "$(DB)"; fi
	@$(BIN)/python -m dashboard users demo --db "$(DB)"

# Binds 127.0.0.1 unless PERF_SERVER_ADDRESS says otherwise (e.g. 0.0.0.0 behind the bureau's proxy).
ADDRESS = $(shell $(BIN)/python -c "from dashboard import settings; print(settings.get('server_address'))" 2>/dev/null || echo 127.0.0.1)

run: $(STAMP) warehouse
	@echo "登录：演示账号 admin（数据管理员）、leader（领导）、dept（部门），密码 demo-2024；创建正式账号：$(BIN)/python -m dashboard users add 账号名 --role admin"
	$(BIN)/streamlit run dashboard/app.py --server.port $(PORT) --server.address $(ADDRESS)

test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# Figures, not timed tests: page-data latency with 8 concurrent readers (with and without a load
# running), then a full page re-render after a filter change for every page (cache miss and hit)
# beside the raw DuckDB time of the page's queries, and the app's resident memory.
# bench: the demo county (budget 200 ms); bench-province: PROVINCE_REPORTS reports over many counties
# (budget 500 ms), built in minutes straight into the warehouse when $(PROVINCE_DB) is missing.
PROVINCE_DB      ?= data/province.duckdb
PROVINCE_REPORTS ?= 100000

bench: $(STAMP) warehouse
	$(BIN)/python -m dashboard bench --db "$(DB)"
	$(BIN)/python -m dashboard.ui.rerender_bench --db "$(DB)" --budget-ms 200

bench-province: $(STAMP)
	@if [ ! -e "$(PROVINCE_DB)" ]; then $(BIN)/python -m dashboard demo --reports $(PROVINCE_REPORTS) --db "$(PROVINCE_DB)"; fi
	$(BIN)/python -m dashboard bench --db "$(PROVINCE_DB)"
	$(BIN)/python -m dashboard.ui.rerender_bench --db "$(PROVINCE_DB)" --budget-ms 500 --changes 6

clean:
	rm -rf $(VENV) .pytest_cache data/warehouse.duckdb* data/demo  # accounts (data/security.sqlite) are kept
