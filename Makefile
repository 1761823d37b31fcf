# Thin driver over CMake.  The two commands a new machine needs:
#   make run    install missing Debian packages, build, chat on the console
#   make test   install missing Debian packages, build, run every test
BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
DEB_PKGS = build-essential cmake pkg-config libcurl4-openssl-dev libjansson-dev \
           libstemmer-dev libutf8proc-dev libcriterion-dev python3 valgrind
TEST_DEB_PKGS = clang libclang-rt-14-dev sqlite3 libsqlite3-dev python3-matrix-nio
BENCH_DEB_PKGS = libsqlite3-dev libxapian-dev g++ sqlite3

.PHONY: all deps test-deps build run test asan fuzz-build fuzz fuzz-smoke bench install clean

all: build

# Installs what is missing when root; otherwise prints the one line to run.
deps:
	@./.ci/deps.sh $(DEB_PKGS)

test-deps:
	@./.ci/deps.sh $(DEB_PKGS) $(TEST_DEB_PKGS)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

run: build
	$(BUILD)/faqbot run $(ARGS)

test: test-deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# The whole suite again under AddressSanitizer + UBSan (gcc, build-asan):
# any sanitizer report or leak aborts the test that hit it.
# The settings live in CMakePresets.json (preset "asan").
asan: test-deps
	cmake --preset asan
	cmake --build --preset asan -j$(JOBS)
	ctest --preset asan -j$(JOBS)

# libFuzzer harnesses (clang + ASan + UBSan, build-fuzz; tests/fuzz/):
#   make fuzz                     each harness FUZZ_SECONDS (600) in turn
#   make fuzz FUZZERS=fuzz_config one of them
#   make fuzz-smoke               each for 30 s (what CI runs)
# (preset "fuzz" in CMakePresets.json)
FUZZ_BUILD   = build-fuzz
FUZZ_SECONDS ?= 600
FUZZERS      ?=
fuzz-build: test-deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j$(JOBS)

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZERS)

fuzz-smoke: fuzz-build
	tests/fuzz/run.sh $(FUZZ_BUILD) 30 $(FUZZERS)

# faqbot vs SQLite FTS5 and Xapian, and end to end (bench/README.md);
# 8-14 minutes.  BENCH_ARGS=--quick for a one-minute smoke run.
bench: build
	@./.ci/deps.sh $(BENCH_DEB_PKGS)
	cmake -S . -B $(BUILD)
	cmake --build $(BUILD) -j$(JOBS) --target faqbot_bench
	$(BUILD)/bench/faqbot_bench --self-test
	$(BUILD)/bench/faqbot_bench $(BENCH_ARGS)

install: build
	cmake --install $(BUILD) $(if $(DESTDIR),,) --prefix $(or $(PREFIX),/usr/local)

clean:
	rm -rf $(BUILD) build-asan $(FUZZ_BUILD)
