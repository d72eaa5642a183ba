# The README's two commands. Both install what is missing first (scripts/bootstrap.sh).
BUILD ?= build
JOBS ?= $(shell nproc)
PORT ?= 54321

.PHONY: all bootstrap build serve test unit specs format bench clean

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

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

bench: build
	bench/run.sh

clean:
	rm -rf $(BUILD)
