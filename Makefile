# Makefile: the README's two commands. `make demo` builds and runs the demo registry,
# `make test` builds and runs the whole test suite. Meson and Ninja do the real work.
BUILD ?= build
DB ?= a6reg.db

.PHONY: all setup build demo test bench clean

all: build

setup:
	@scripts/setup

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: setup $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	scripts/demo $(BUILD)/src/a6reg $(DB)

test: build
	meson test -C $(BUILD) --print-errorlogs

bench: build
	$(BUILD)/bench/ledger
	$(BUILD)/bench/aef
	$(BUILD)/bench/reconcile
	bench/reconcile_http $(BUILD)/src/a6reg
	bench/http $(BUILD)/src/a6reg
	python3 bench/soak.py $(BUILD)/src/a6reg --seconds 60

clean:
	rm -rf $(BUILD)
