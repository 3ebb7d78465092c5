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
#   make deps       install the missing Debian build dependencies (as root)
#   make srccheck   every .c file is in a list of mk/sources.mk, once
#   make hdrcheck   every header compiles on its own
#
# Sources and include paths: mk/sources.mk. Before compiling, pkgcheck stops
# a build that lacks a library, naming its Debian package.

VERSION := 0.1.0
CC ?= cc
PKG_CONFIG ?= pkg-config
BUILD ?= build

ifeq ($(SANITIZE),1)
BUILD := build/asan
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

# The source lists and each file's include path (src_inc); it has a rule, so:
.DEFAULT_GOAL := all
include mk/sources.mk

PKGS := libcurl libcjson zlib sqlite3 libmicrohttpd xlsxwriter libxml-2.0 ldap
# The Debian package of each (packaging/install-deps.sh installs them all).
DEB_libcurl := libcurl4-openssl-dev
DEB_libcjson := libcjson-dev
DEB_zlib := zlib1g-dev
DEB_sqlite3 := libsqlite3-dev
DEB_libmicrohttpd := libmicrohttpd-dev
DEB_xlsxwriter := libxlsxwriter-dev
DEB_libxml-2.0 := libxml2-dev
DEB_ldap := libldap-dev
DEB_cmocka := libcmocka-dev
WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wformat=2 \
	-Wmissing-prototypes -Wno-format-truncation -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SAN_FLAGS) -MMD -MP \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
DEFS = -D_DEFAULT_SOURCE -D_GNU_SOURCE -DFC_VERSION='"$(VERSION)"'
# In a recipe: the include path of the source $< (mk/sources.mk).
ALL_CPPFLAGS = $(DEFS) $(call src_inc,$<) $(CPPFLAGS)
LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
# The agent loads libcurl with dlopen only when it sends (agent/send.c), so
# that a run writing a file does not map its dependency tree.
AGENT_LIBS = $(shell $(PKG_CONFIG) --libs libcjson zlib sqlite3 2>/dev/null) -ldl
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

# The libraries of the build machine's programs; the mains link them.
AGENT_LIB_SRC := $(AGENT_SRC) $(AGENT_LINUX_SRC)
UNIT_SRC := $(UNIT_COMMON_TESTS) $(UNIT_AGENT_TESTS) $(UNIT_COLLECTOR_TESTS)

COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o) $(COMMON_POSIX_SRC:%.c=$(BUILD)/obj/%.o)
AGENT_OBJ := $(AGENT_LIB_SRC:%.c=$(BUILD)/obj/%.o)
COLLECTOR_OBJ := $(COLLECTOR_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/gen/lifecycle_data.o
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

AGENT := $(BUILD)/fleetcensus-agent
COLLECTOR := $(BUILD)/fleetcensus-collector
LIBCOMMON := $(BUILD)/libfccommon.a
LIBAGENT := $(BUILD)/libfcagent.a
LIBCOLLECTOR := $(BUILD)/libfccollector.a

.PHONY: all cross deps pkgcheck pkgcheck-unit check check-run demo bench bench-instructions soak clean format format-check hdrcheck unit \
	e2e valgrind
.DELETE_ON_ERROR:

all: srccheck $(AGENT) $(COLLECTOR)

# pkgcheck first: a missing library is named, not found as a missing header.
$(BUILD)/obj/%.o: %.c | pkgcheck
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

$(AGENT): $(AGENT_MAIN_SRC:%.c=$(BUILD)/obj/%.o) $(LIBAGENT) $(LIBCOMMON)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(AGENT_LIBS)

$(COLLECTOR): $(COLLECTOR_MAIN_SRC:%.c=$(BUILD)/obj/%.o) $(LIBCOLLECTOR) $(LIBCOMMON)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) -lpthread

$(UNIT_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/tests/unit/testutil.o: | pkgcheck-unit

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

# pkg_missing PKG...: a shell command that fails, naming the Debian packages
# to install, when pkg-config does not know one of the PKGs.
pkg_missing = what= debs=; \
	if ! command -v $(PKG_CONFIG) >/dev/null 2>&1; then what="no $(PKG_CONFIG)" debs=" pkg-config"; \
	else for p in $(foreach p,$(1),$(p)=$(DEB_$(p))); do \
		$(PKG_CONFIG) --exists "$${p%%=*}" 2>/dev/null || \
			{ what="$${what:-$(PKG_CONFIG) finds no} $${p%%=*}"; debs="$$debs $${p\#*=}"; }; \
	done; fi; \
	if [ -n "$$what" ]; then \
		echo "fleetcensus: cannot build: $$what" >&2; \
		echo "fleetcensus: install the Debian packages$$debs; 'make deps' run as root installs every build dependency, and so do 'make demo' and 'make check' run as root" >&2; \
		exit 1; \
	fi

# Before any compiling: the libraries of PKGS (and cmocka for the tests).
pkgcheck:
	@$(call pkg_missing,$(PKGS))
pkgcheck-unit:
	@$(call pkg_missing,cmocka)

unit: srccheck $(UNIT_BIN)

# Runs every unit and end-to-end test of one build; appends counts to
# $(BUILD)/results. Used twice by check: plain, then SANITIZE=1.
check-run: $(AGENT) $(COLLECTOR) $(UNIT_BIN)
	@FC_VALGRIND=$(if $(SANITIZE),0,$(if $(VALGRIND),1,0)) sh tests/run.sh $(BUILD)

check: deps
	@rm -f build/results build/asan/results
	@$(MAKE) --no-print-directory format-check srccheck hdrcheck
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

# Instructions (callgrind) of this build against BASE's, e.g. a worktree of
# the commit a refactoring started from: make bench-instructions BASE=../old/build
bench-instructions: all
	@sh bench/instructions.sh $(BASE) $(BUILD)

bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/loadgen $(BUILD)/bench/sha256
	@sh bench/results.sh $(BUILD)

# Soak: 1,000 simulated agents for SOAK_SECONDS (default 600) with a few
# percent bad requests; prints the collector's RSS and fds every 10 s.
soak: deps
	@$(MAKE) --no-print-directory all
	@sh bench/soak.sh $(BUILD)

# Each header compiles on its own, included by its path from the top
# ("collector/report.h") with the include path of its program (the tests'
# helpers: of the tests).
HDRCHECK_INC_include := $(COMMON_INC)
HDRCHECK_INC_common := $(COMMON_INC)
HDRCHECK_INC_agent := $(AGENT_INC)
HDRCHECK_INC_collector := $(COLLECTOR_INC)
HDRCHECK_INC_tests/unit := $(INC_tests/unit/testutil.c)
HDRCHECK_INC_tests/fuzz := $(INC_tests/fuzz/fuzz_util.c)
hdrcheck: srccheck | pkgcheck
	@set -e; $(foreach d,include common agent collector tests/unit tests/fuzz,for h in $(d)/*.h; do \
		printf '#include "%s"\nint hdrcheck;\n' "$$h" | \
		$(CC) $(DEFS) -iquote . $(HDRCHECK_INC_$(d)) $(WARN) $(shell $(PKG_CONFIG) --cflags $(PKGS)) \
			-x c -fsyntax-only - || { echo "hdrcheck: $$h" >&2; exit 1; }; \
	done;) echo "headers ok"

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
include mk/install.mk
