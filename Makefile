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

test: build
	@ctest --preset $(PRESET)

# The sanitizer run CI does too: ASan + UBSan over every test.
asan-test: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan

demo: build
	@scripts/demo build/$(PRESET)/keybridge

bench: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS) --target keybridge_bench
	@build/release/bench/keybridge_bench --benchmark_counters_tabular=true

# Runs every libFuzzer target for FUZZ_SECONDS each (clang 19).
FUZZ_SECONDS ?= 60
fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@scripts/run-fuzzers build/fuzz $(FUZZ_SECONDS)

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	@rm -rf build
