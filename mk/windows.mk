# mk/windows.mk - the Windows agent, cross-built with mingw-w64 (included
# from the Makefile).
#
#   make windows   build/windows-x86/fleetcensus-agent.exe (i686: XP SP3 and
#                  later, 32- and 64-bit Windows) and
#                  build/windows-x64/fleetcensus-agent.exe (x86_64)
#
# The static libcurl + mbedTLS + cJSON + zlib come from
# packaging/build-deps.sh TRIPLE (Debian sources, built once into
# $(FC_DEPS_DIR)/TRIPLE with include/, lib/ and libs.mk). The agent's sources
# are the portable ones and the Windows ones (COMMON_SRC, COMMON_WINDOWS_SRC,
# AGENT_SRC, AGENT_WINDOWS_SRC in mk/sources.mk), each compiled with the agent's include path. XP SP3
# compatibility is checked on the built exe by tests/e2e/t610-xp-imports.sh.

FC_DEPS_DIR ?= packaging/deps
WIN_TRIPLES := i686-w64-mingw32 x86_64-w64-mingw32
WIN_DIR_i686-w64-mingw32 := $(BUILD)/windows-x86
WIN_DIR_x86_64-w64-mingw32 := $(BUILD)/windows-x64
# XP (5.1) for x86; XP x64 and Server 2003 are 5.2.
WIN_SUBSYS_i686-w64-mingw32 := 5,--minor-subsystem-version,1
WIN_SUBSYS_x86_64-w64-mingw32 := 5,--minor-subsystem-version,2

WIN_SRC := $(COMMON_SRC) $(COMMON_WINDOWS_SRC) $(AGENT_SRC) $(AGENT_WINDOWS_SRC) $(AGENT_MAIN_SRC)
# -D__USE_MINGW_ANSI_STDIO=1: mingw's own C99 printf (%zu, %lld), linked in
# statically, instead of msvcrt's. _WIN32_WINNT=0x0501 hides Vista-only
# declarations, so a newer API can only be reached through GetProcAddress.
# FC_CURL_LINKED: libcurl is linked statically (no dlopen on Windows);
# FC_CURL_MBEDTLS: its TLS is mbedTLS (agent/send.c's iPAddress check).
WIN_CPPFLAGS := -DFC_VERSION='"$(VERSION)"' -D_WIN32_WINNT=0x0501 -DWINVER=0x0501 \
	-D__USE_MINGW_ANSI_STDIO=1 -DNDEBUG -DFC_CURL_LINKED=1 -DFC_CURL_MBEDTLS=1
WIN_CFLAGS := $(WARN) -O2 -MMD -MP
WIN_SYSLIBS := -lnetapi32 -liphlpapi -lshell32 -ladvapi32 -lws2_32 -lcrypt32

.PHONY: windows windows-x86 windows-x64

windows: windows-x86 windows-x64
windows-x86: $(BUILD)/windows-x86/fleetcensus-agent.exe
windows-x64: $(BUILD)/windows-x64/fleetcensus-agent.exe

# win_target TRIPLE: the dependency cache, the objects and the exe. A
# present stamp is enough; without one, build-deps.sh makes the cache.
define win_target
$(FC_DEPS_DIR)/$(1)/stamp:
	@if [ -f packaging/build-deps.sh ]; then FC_DEPS_DIR=$(FC_DEPS_DIR) sh packaging/build-deps.sh $(1); \
	else echo "mk/windows.mk: no $$@ and no packaging/build-deps.sh to make it" >&2; exit 1; fi

$(WIN_DIR_$(1))/obj/%.o: %.c | $(FC_DEPS_DIR)/$(1)/stamp
	@mkdir -p $$(@D)
	$(1)-gcc-win32 $(WIN_CPPFLAGS) $$(call src_inc,$$<) $$(call win_dep,$(1),DEPS_CFLAGS) $(WIN_CFLAGS) -c $$< -o $$@

$(WIN_DIR_$(1))/fleetcensus-agent.exe: $(WIN_SRC:%.c=$(WIN_DIR_$(1))/obj/%.o)
	$(1)-gcc-win32 -static -static-libgcc -s \
		-Wl,--major-subsystem-version,$(WIN_SUBSYS_$(1)) \
		-Wl,--major-os-version,5,--minor-os-version,1 \
		-o $$@ $$^ $$(call win_dep,$(1),DEPS_LIBS) $(WIN_SYSLIBS)
endef

# win_dep TRIPLE VAR: VAR (DEPS_CFLAGS, DEPS_LIBS) of the triple's libs.mk,
# read when a recipe runs, after the dependency cache exists: including
# libs.mk would need it when the makefile is parsed.
win_dep = $(shell sed -n 's/^$(2) := //p' $(FC_DEPS_DIR)/$(1)/libs.mk)

$(foreach t,$(WIN_TRIPLES),$(eval $(call win_target,$(t))))

-include $(shell find $(BUILD)/windows-x86/obj $(BUILD)/windows-x64/obj -name '*.d' 2>/dev/null)
