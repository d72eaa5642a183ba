# The README's two commands. Both install what is missing first (scripts/bootstrap.sh).
BUILD ?= build
JOBS ?= $(shell nproc)
# V8 keeps process-lifetime allocations that LeakSanitizer would report at exit.
ASAN_OPTIONS ?= detect_leaks=0:abort_on_error=1
PORT ?= 54321

.PHONY: all bootstrap build serve test unit specs install package test-asan test-tsan fuzz format bench load clean

all: build

bootstrap:
	@scripts/bootstrap.sh

$(BUILD)/CMakeCache.txt: | bootstrap
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: bootstrap $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

serve: build
	$(BUILD)/sbfn serve --port $(PORT)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

unit: build  # the doctest binary only
	cd $(BUILD) && ctest --output-on-failure -R '^unit$$'

specs: build  # the end-to-end cases only (tests/specs/)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L specs

PREFIX ?= /usr/local
install: build  # PREFIX/bin/sbfn and its non-system libraries under PREFIX/lib/sbfn
	cmake --install $(BUILD) --prefix $(PREFIX)

package: build  # $(BUILD)/sbfn_<version>_amd64.deb and sbfn-<version>-linux-amd64.tar.gz (CPack)
	cd $(BUILD) && cpack --config CPackConfig.cmake

# The unit tests and spec cases under AddressSanitizer + UndefinedBehaviorSanitizer, in a
# build folder of their own. V8 itself is not instrumented.
ASAN_BUILD ?= build-asan
test-asan: bootstrap
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANITIZE=address,undefined
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=$(ASAN_OPTIONS) UBSAN_OPTIONS=print_stacktrace=1 \
	  SBFN_SPECS_RSS_SLACK_MB=400 SBFN_SPECS_TIME_SCALE=4 ctest --output-on-failure -j $(JOBS) \
	  -R '^(unit|specs\.)'

# ThreadSanitizer over the unit tests and the spec cases (docs/reliability.md, "Sanitizers").
# V8 (Debian's libnode) is not instrumented: tests/tsan.supp names the reports that start in
# it, by library or frame, never sbfn's own code. halt_on_error: a race fails the test.
TSAN_BUILD ?= build-tsan
TSAN_OPTIONS ?= halt_on_error=1:second_deadlock_stack=1:history_size=4:suppressions=$(abspath tests/tsan.supp)
test-tsan: bootstrap
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANITIZE=thread
	TSAN_OPTIONS=$(TSAN_OPTIONS) cmake --build $(TSAN_BUILD) -j $(JOBS)  # runs sbfn_snapshot
	cd $(TSAN_BUILD) && TSAN_OPTIONS=$(TSAN_OPTIONS) SBFN_SPECS_RSS_SLACK_MB=400 SBFN_SPECS_TIME_SCALE=4 \
	  ctest --output-on-failure -j $(JOBS) -R '^(unit|specs\.)'

# libFuzzer targets (fuzz/) built by clang-14 in a build folder of their own, each run for
# FUZZ_SECONDS over its seed corpus (20 s: all twelve in about five minutes; FUZZ_SECONDS=5
# for a smoke run; FUZZ_TARGETS="a b" for some); fails on any crash, leak, sanitizer
# report or timeout.
# Not part of `make test`.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20
FUZZ_TARGETS ?=
fuzz:
	@scripts/bootstrap.sh --fuzz
	cmake -S fuzz -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DCMAKE_C_COMPILER=clang-14
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	FUZZ_BUILD=$(abspath $(FUZZ_BUILD)) FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_TARGETS)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

bench: build
	bench/run.sh

# 1,000 keep-alive connections over 20 functions for DURATION seconds (60) with plain,
# streamed, SSE and WebSocket traffic, hot reloads and remote deploys; fails on any wrong
# answer or on fds, threads or RSS not back to the baseline (bench/load/run.sh).
# Not part of `make test`.
load: build
	bench/load/run.sh

clean:
	rm -rf $(BUILD)
