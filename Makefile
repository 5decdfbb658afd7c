# keybridge: the README's commands. Each one installs what is missing, configures and builds.
JOBS ?= $(shell nproc)
PRESET ?= release

.PHONY: all deps build test asan-test demo bench fuzz format clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)

# The store tests also run on PostgreSQL: a throw-away server (scripts/test-postgres) is started
# for ctest and stopped afterwards, whatever the outcome.
PG_STATE = build/test-postgres-$(PRESET).env
test: build
	@scripts/test-postgres start $(PG_STATE) && . ./$(PG_STATE) && \
	  { ctest --preset $(PRESET); rc=$$?; scripts/test-postgres stop $(PG_STATE); exit $$rc; }

# The sanitizer run CI does too: ASan + UBSan over every test.
asan-test: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@scripts/test-postgres start build/test-postgres-asan.env && . ./build/test-postgres-asan.env && \
	  { ctest --preset asan; rc=$$?; scripts/test-postgres stop build/test-postgres-asan.env; exit $$rc; }

demo: build
	@build/$(PRESET)/keybridge demo

bench: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS) --target keybridge_bench
	@build/release/bench/keybridge_bench --benchmark_counters_tabular=true

# Runs every libFuzzer target (or those named in FUZZ_TARGETS) for FUZZ_SECONDS each, with
# clang 19 + ASan/UBSan (docs/fuzzing.md). Logs, grown corpora and crash inputs: build/fuzz/runs.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz:
	@scripts/install-deps --fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) $(if $(FUZZ_TARGETS),--target $(addsuffix _fuzzer,$(FUZZ_TARGETS)))
	@scripts/run-fuzzers build/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	@rm -rf build
