# fleetcensus - one non-recursive GNU Makefile. Outputs go to build/.
#
#   make            build the agent and the collector (build/fleetcensus-agent,
#                   build/fleetcensus-collector)
#   make check      install missing build dependencies (as root), build, build
#                   the cross agents, run every test, then every test again
#                   under ASan+UBSan, then every fuzz target briefly
#   make demo       build, run a collector and the agent, print the tender
#   make windows    the Windows agents (mk/windows.mk), XP SP3 and later
#   make static     the static Linux agent (mk/static.mk)
#   make fuzz       every libFuzzer target for FUZZ_SECONDS (mk/fuzz.mk)
#   make bench      the benchmarks; rewrites bench/RESULTS.md
#   make soak       the collector under 1,000 simulated agents (bench/soak.sh)
#   make SANITIZE=1 build into build/asan with ASan+UBSan

VERSION := 0.1.0
PLATFORM ?= linux
CC ?= cc
PKG_CONFIG ?= pkg-config
BUILD ?= build

ifeq ($(SANITIZE),1)
BUILD := build/asan
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

PKGS := libcurl libcjson zlib sqlite3 libmicrohttpd
WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wformat=2 \
	-Wmissing-prototypes -Wno-format-truncation -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SAN_FLAGS) -MMD -MP \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
ALL_CPPFLAGS = -D_DEFAULT_SOURCE -D_GNU_SOURCE -DFC_VERSION='"$(VERSION)"' \
	-Iinclude -Icommon -Iagent -Icollector $(CPPFLAGS)
LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
# The agent loads libcurl with dlopen only when it sends (agent/send.c), so
# that a run writing a file does not map its dependency tree.
AGENT_LIBS = $(shell $(PKG_CONFIG) --libs libcjson zlib sqlite3 2>/dev/null) -ldl
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

COMMON_SRC := $(sort $(filter-out common/platform_%.c,$(wildcard common/*.c))) common/platform_posix.c
AGENT_SRC := $(sort $(filter-out agent/main.c agent/os_%.c agent/hostenv_%.c,$(wildcard agent/*.c))) \
	agent/os_$(PLATFORM).c agent/hostenv_posix.c
COLLECTOR_SRC := $(sort $(filter-out collector/main.c,$(wildcard collector/*.c)))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))

COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
AGENT_OBJ := $(AGENT_SRC:%.c=$(BUILD)/obj/%.o)
COLLECTOR_OBJ := $(COLLECTOR_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/gen/lifecycle_data.o
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

AGENT := $(BUILD)/fleetcensus-agent
COLLECTOR := $(BUILD)/fleetcensus-collector
LIBCOMMON := $(BUILD)/libfccommon.a
LIBAGENT := $(BUILD)/libfcagent.a
LIBCOLLECTOR := $(BUILD)/libfccollector.a

.PHONY: all cross deps check check-run demo bench soak clean format format-check hdrcheck unit e2e valgrind
.DELETE_ON_ERROR:

all: $(AGENT) $(COLLECTOR)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

# The shipped end-of-support catalogue, compiled in (collector/lifecycle.c).
$(BUILD)/gen/lifecycle_data.c: data/lifecycle.csv
	@mkdir -p $(@D)
	{ printf '#include <stddef.h>\nextern const unsigned char lifecycle_data[];\n'; \
	  printf 'extern const size_t lifecycle_data_len;\nconst unsigned char lifecycle_data[] = {\n'; \
	  od -An -v -tu1 $< | awk '{ for (i = 1; i <= NF; i++) printf "%s,", $$i; print "" }'; \
	  printf '0};\nconst size_t lifecycle_data_len = sizeof(lifecycle_data) - 1;\n'; } >$@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(LIBCOMMON): $(COMMON_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIBAGENT): $(AGENT_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIBCOLLECTOR): $(COLLECTOR_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(AGENT): $(BUILD)/obj/agent/main.o $(LIBAGENT) $(LIBCOMMON)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(AGENT_LIBS)

$(COLLECTOR): $(BUILD)/obj/collector/main.o $(LIBCOLLECTOR) $(LIBCOMMON)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) -lpthread

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/obj/tests/unit/testutil.o \
		$(LIBCOLLECTOR) $(LIBAGENT) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) -lcmocka -lpthread

# The agents for old machines (mk/windows.mk, mk/static.mk), built before the
# tests that run them; their libraries are built once from Debian sources
# into packaging/deps/ (packaging/build-deps.sh) and reused. They are built
# first, in a make of their own: mk/windows.mk reads their libs.mk when it is
# parsed.
cross:
	@if command -v i686-w64-mingw32-gcc >/dev/null && command -v musl-gcc >/dev/null; then \
		FC_DEPS_DIR=$(FC_DEPS_DIR) sh packaging/build-deps.sh x86_64-w64-mingw32 \
			i686-w64-mingw32 x86_64-linux-musl && \
		$(MAKE) --no-print-directory windows static; \
	else \
		echo "fleetcensus: mingw-w64 or musl-tools missing: no Windows or static agent (their tests skip)"; \
	fi

# Install missing Debian build dependencies (apt-get, when run as root).
deps:
	@sh packaging/install-deps.sh

unit: $(UNIT_BIN)

# Runs every unit and end-to-end test of one build; appends counts to
# $(BUILD)/results. Used twice by check: plain, then SANITIZE=1.
check-run: $(AGENT) $(COLLECTOR) $(UNIT_BIN)
	@FC_VALGRIND=$(if $(SANITIZE),0,$(if $(VALGRIND),1,0)) sh tests/run.sh $(BUILD)

check: deps
	@rm -f build/results build/asan/results
	@$(MAKE) --no-print-directory format-check hdrcheck
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory cross
	@$(MAKE) --no-print-directory check-run
	@$(MAKE) --no-print-directory SANITIZE=1 all unit
	@$(MAKE) --no-print-directory SANITIZE=1 check-run
	@$(MAKE) --no-print-directory fuzz-check FUZZ_COUNTED=1
	@sh tests/summary.sh build/results build/asan/results

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tests/demo.sh $(BUILD)

# Benchmarks: figures on this machine, with ratios to a baseline run alongside.
$(BUILD)/bench/loadgen: $(BUILD)/obj/bench/loadgen.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/bench/sha256: $(BUILD)/obj/bench/sha256.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/loadgen $(BUILD)/bench/sha256
	@sh bench/results.sh $(BUILD)

# Soak: 1,000 simulated agents for SOAK_SECONDS (default 600) with a few
# percent bad requests; prints the collector's RSS and fds every 10 s.
soak: deps
	@$(MAKE) --no-print-directory all
	@sh bench/soak.sh $(BUILD)

# Each header compiles on its own.
hdrcheck:
	@set -e; for h in include/*.h common/*.h agent/*.h collector/*.h; do \
		printf '#include "%s"\nint hdrcheck;\n' "$${h##*/}" | \
		$(CC) $(ALL_CPPFLAGS) $(WARN) $(shell $(PKG_CONFIG) --cflags $(PKGS)) \
			-x c -fsyntax-only -; \
	done; echo "headers ok"

FORMAT_SRC = $(wildcard include/*.h common/*.[ch] agent/*.[ch] collector/*.[ch] tests/unit/*.[ch] \
	bench/*.[ch])
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC) && echo "format ok"

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

include mk/static.mk
include mk/fuzz.mk
include mk/windows.mk
