# Makefile: the README's commands. `make demo` builds and runs the demo registry, `make test`
# builds and runs the whole test suite, `make bench` writes bench/report.md. Meson and Ninja do
# the real work.
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

# The suite 'postgres' runs the tests again on a throwaway PostgreSQL cluster (scripts/with-postgres).
test: build
	scripts/with-postgres meson test -C $(BUILD) --print-errorlogs

# Every benchmark in one go, next to its target and its same-run reference: bench/report.md
# (about 10 minutes; BENCH_QUICK=1 make bench for a short run while developing).
bench: build
	python3 bench/run_all $(BUILD)

clean:
	rm -rf $(BUILD)
