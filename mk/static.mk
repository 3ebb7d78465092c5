# Fully static Linux agent (musl libc), included from the Makefile.
#
#   make static   build build/linux-x86_64-static/fleetcensus-agent: the agent
#                 linked with -static against musl and the libraries that
#                 packaging/build-deps.sh builds from Debian sources into
#                 $(FC_DEPS_DIR)/x86_64-linux-musl (built there when missing).
#
# libcurl is linked in (FC_CURL_LINKED), not loaded with dlopen as in the
# dynamic build (a static binary cannot dlopen); its TLS is mbedTLS
# (FC_CURL_MBEDTLS: agent/send.c checks iPAddress names itself).
#
# musl-gcc sees only musl's headers and the deps' headers, never the build
# machine's glibc ones; nothing from the build machine's libraries is linked.

FC_DEPS_DIR ?= packaging/deps
STATIC_CC ?= musl-gcc
STATIC_TARGET := x86_64-linux-musl
STATIC_DEPS := $(FC_DEPS_DIR)/$(STATIC_TARGET)
STATIC_BUILD := build/linux-x86_64-static
STATIC_AGENT := $(STATIC_BUILD)/fleetcensus-agent
# The Linux agent's sources (mk/sources.mk).
STATIC_SRC := $(COMMON_SRC) $(COMMON_POSIX_SRC) $(AGENT_SRC) $(AGENT_LINUX_SRC) $(AGENT_MAIN_SRC)
STATIC_OBJ := $(STATIC_SRC:%.c=$(STATIC_BUILD)/obj/%.o)

# From the generated libs.mk; read when a recipe runs, after the deps exist
# (including libs.mk itself would make every plain `make` build the deps).
static_dep = $(shell sed -n 's/^$(1) := //p' $(STATIC_DEPS)/libs.mk)

.PHONY: static

static: $(STATIC_AGENT)

# build-deps.sh keeps a stamp and does nothing when the cache is current.
$(STATIC_DEPS)/READY: packaging/build-deps.sh
	FC_DEPS_DIR='$(FC_DEPS_DIR)' sh packaging/build-deps.sh $(STATIC_TARGET)
	@touch $@

$(STATIC_BUILD)/obj/%.o: %.c | $(STATIC_DEPS)/READY
	@mkdir -p $(@D)
	$(STATIC_CC) $(ALL_CPPFLAGS) $(call static_dep,DEPS_CFLAGS) \
		-DFC_CURL_LINKED=1 -DFC_CURL_MBEDTLS=1 $(WARN) $(CFLAGS) -MMD -MP -c $< -o $@

$(STATIC_AGENT): $(STATIC_OBJ) $(STATIC_DEPS)/READY
	$(STATIC_CC) -static $(LDFLAGS) -o $@ $(STATIC_OBJ) $(call static_dep,DEPS_LIBS)

-include $(shell find $(STATIC_BUILD)/obj -name '*.d' 2>/dev/null)
