# mk/sources.mk - every C source file of the project, each named once, and
# the include path it is compiled with (read by the Makefile first).
#
# One file a line, sorted, each line ending in " \"; the "# end" line closes
# a list. A .c file of agent/, collector/, common/, tests/unit/ or
# tests/fuzz/ that is in no list (or in two) stops `make` (make srccheck):
# a new file is never built, or left out, without saying so. srccheck also
# refuses an #include "../...".
#
# The targets are composed from these lists:
#   the agent      AGENT_MAIN_SRC AGENT_SRC AGENT_LINUX_SRC COMMON_SRC COMMON_POSIX_SRC
#   make static    the same, with musl (mk/static.mk)
#   make windows   AGENT_MAIN_SRC AGENT_SRC AGENT_WINDOWS_SRC COMMON_SRC COMMON_WINDOWS_SRC
#                  (mk/windows.mk)
#   the collector  COLLECTOR_MAIN_SRC COLLECTOR_SRC COMMON_SRC COMMON_POSIX_SRC

# Stand-alone helpers both programs link (libfccommon.a).
COMMON_SRC := \
	common/buf.c \
	common/fctime.c \
	common/gzip.c \
	common/json.c \
	common/kvlist.c \
	common/log.c \
	common/outfile.c \
	common/rc.c \
	common/sha256.c \
	common/textesc.c \
	common/utf8.c \
	common/uuid.c \
	common/xalloc.c \
	# end

# The file operations of both programs (common/platform.h), one per system.
COMMON_POSIX_SRC := \
	common/platform_posix.c \
	# end

COMMON_WINDOWS_SRC := \
	common/platform_windows.c \
	# end

AGENT_MAIN_SRC := agent/main.c

# The agent's portable sources: every agent build has them.
AGENT_SRC := \
	agent/certsan.c \
	agent/config.c \
	agent/deliver.c \
	agent/facts.c \
	agent/hwfacts.c \
	agent/inventory.c \
	agent/output.c \
	agent/parse_apk.c \
	agent/parse_dpkg.c \
	agent/parse_osrelease.c \
	agent/parse_pacman.c \
	agent/relay.c \
	agent/send.c \
	agent/smbios.c \
	agent/spool.c \
	agent/state.c \
	agent/textlines.c \
	agent/winreg_decode.c \
	# end

# Only in the Linux agents (the dynamic and the static one).
AGENT_LINUX_SRC := \
	agent/os_linux.c \
	agent/hostenv_posix.c \
	agent/rootfs.c \
	agent/rpm_bdb.c \
	agent/rpm_header.c \
	agent/rpm_ndb.c \
	agent/rpmdb.c \
	# end

# Only in the Windows agents.
AGENT_WINDOWS_SRC := \
	agent/os_windows.c \
	agent/os_windows_hw.c \
	agent/hostenv_windows.c \
	# end

COLLECTOR_MAIN_SRC := collector/main.c

COLLECTOR_SRC := \
	collector/arena.c \
	collector/auth.c \
	collector/campaign.c \
	collector/campaign_cli.c \
	collector/campaign_cost.c \
	collector/campaign_table.c \
	collector/classify.c \
	collector/classify_linux.c \
	collector/classify_windows.c \
	collector/cmd.c \
	collector/cmd_admin.c \
	collector/cmd_data.c \
	collector/http.c \
	collector/http_answer.c \
	collector/http_admin.c \
	collector/http_campaigns.c \
	collector/http_inventory.c \
	collector/http_machines.c \
	collector/http_peer.c \
	collector/http_reports.c \
	collector/import.c \
	collector/import_source.c \
	collector/ingest.c \
	collector/ingest_hw.c \
	collector/ingest_json.c \
	collector/ingest_scan.c \
	collector/lifecycle.c \
	collector/metrics.c \
	collector/peer_glpi.c \
	collector/peer_ocs.c \
	collector/privs.c \
	collector/readiness.c \
	collector/report.c \
	collector/report_coverage.c \
	collector/report_params.c \
	collector/report_writer.c \
	collector/source.c \
	collector/source_ad.c \
	collector/source_csv.c \
	collector/source_ldap.c \
	collector/source_mgmt.c \
	collector/store.c \
	collector/store_backup.c \
	collector/store_campaign.c \
	collector/store_class.c \
	collector/store_inventory.c \
	collector/store_machine.c \
	collector/store_ready.c \
	collector/store_sighting.c \
	collector/store_stmt.c \
	collector/store_ui.c \
	collector/store_schema.c \
	collector/ui.c \
	collector/ui_html.c \
	collector/ui_pages.c \
	collector/ui_svg.c \
	collector/xlsx.c \
	# end

# ---- unit tests (tests/unit), by the program whose module each tests ----

# Tests of common/.
UNIT_COMMON_TESTS := \
	tests/unit/test_common.c \
	tests/unit/test_fctime.c \
	tests/unit/test_gzip.c \
	tests/unit/test_outfile.c \
	tests/unit/test_textesc.c \
	tests/unit/test_uuid.c \
	# end

# Tests of agent/. test_inventory_windows.c also pins what the collector's
# classifier makes of the agent's Windows facts (the contract between the
# two): the one test that names a collector header, "collector/classify.h".
UNIT_AGENT_TESTS := \
	tests/unit/test_certsan.c \
	tests/unit/test_config.c \
	tests/unit/test_deliver.c \
	tests/unit/test_hwfacts.c \
	tests/unit/test_inventory.c \
	tests/unit/test_inventory_windows.c \
	tests/unit/test_parse_apk.c \
	tests/unit/test_parse_dpkg.c \
	tests/unit/test_parse_osrelease.c \
	tests/unit/test_parse_pacman.c \
	tests/unit/test_rootfs.c \
	tests/unit/test_rpmdb.c \
	tests/unit/test_send.c \
	tests/unit/test_smbios.c \
	tests/unit/test_spool.c \
	tests/unit/test_textlines.c \
	tests/unit/test_winreg.c \
	# end

# Tests of collector/.
UNIT_COLLECTOR_TESTS := \
	tests/unit/test_arena.c \
	tests/unit/test_auth.c \
	tests/unit/test_campaign.c \
	tests/unit/test_classify.c \
	tests/unit/test_cmd.c \
	tests/unit/test_import.c \
	tests/unit/test_ingest.c \
	tests/unit/test_lifecycle.c \
	tests/unit/test_peer_glpi.c \
	tests/unit/test_peer_ocs.c \
	tests/unit/test_readiness.c \
	tests/unit/test_report_kinds.c \
	tests/unit/test_source.c \
	tests/unit/test_store.c \
	tests/unit/test_store_scale.c \
	tests/unit/test_ui_html.c \
	# end

# ---- fuzz targets (tests/fuzz/fuzz_<target>.c; mk/fuzz.mk) ----

FUZZ_AGENT_TARGETS := \
	apk \
	config \
	dpkg \
	hwfacts \
	osrelease \
	pacman \
	rpm_bdb \
	rpm_header \
	rpm_ndb \
	rpm_sqlite \
	smbios \
	winreg \
	# end

FUZZ_COLLECTOR_TARGETS := \
	auth \
	http \
	ingest \
	lifecycle \
	peer_glpi \
	peer_ocs \
	schedule \
	textesc \
	# end

# What the targets share: the libFuzzer-free replay driver, the input
# helpers and the quiet log.
FUZZ_COMMON_SRC := \
	tests/fuzz/fuzz_log.c \
	tests/fuzz/fuzz_util.c \
	tests/fuzz/replay.c \
	# end

# ---- include paths ----
#
# Each program has its own: a header is found by its base name only in its
# own program's directory, include/ and common/ (two headers
# of one base name in two programs never meet). common/ sees only include/ and itself.
# Tests get the path of the program they test, plus -iquote . : the helpers
# all tests share (tests/unit/testutil.[ch], tests/fuzz/fuzz.h) and
# test_inventory_windows.c name the other program's headers by their path from
# the top ("collector/store.h"), never by a relative path.
COMMON_INC := -Iinclude -Icommon
AGENT_INC := $(COMMON_INC) -Iagent
COLLECTOR_INC := $(COMMON_INC) -Icollector

INC_common := $(COMMON_INC)
INC_agent := $(AGENT_INC)
INC_collector := $(COLLECTOR_INC)
INC_bench := $(COMMON_INC)
$(foreach f,$(UNIT_COMMON_TESTS) tests/unit/testutil.c,$(eval INC_$(f) := $(COMMON_INC) -iquote .))
$(foreach f,$(UNIT_AGENT_TESTS),$(eval INC_$(f) := $(AGENT_INC) -iquote .))
$(foreach f,$(UNIT_COLLECTOR_TESTS),$(eval INC_$(f) := $(COLLECTOR_INC) -iquote .))
$(foreach f,$(FUZZ_COMMON_SRC),$(eval INC_$(f) := $(COMMON_INC) -iquote . -Itests/fuzz))
$(foreach t,$(FUZZ_AGENT_TARGETS),$(eval INC_tests/fuzz/fuzz_$(t).c := $(AGENT_INC) -iquote . -Itests/fuzz))
$(foreach t,$(FUZZ_COLLECTOR_TARGETS),$(eval INC_tests/fuzz/fuzz_$(t).c := $(COLLECTOR_INC) -iquote . -Itests/fuzz))

# src_inc FILE: FILE's include path: its own when it has one (tests), else
# its top directory's (agent/x.c: INC_agent); none for generated files.
src_inc = $(if $(INC_$(1)),$(INC_$(1)),$(INC_$(firstword $(subst /, ,$(1)))))

# ---- make srccheck ----

SRCCHECK_SRC := $(COMMON_SRC) $(COMMON_POSIX_SRC) $(COMMON_WINDOWS_SRC) $(AGENT_MAIN_SRC) $(AGENT_SRC) $(AGENT_LINUX_SRC) \
	$(AGENT_WINDOWS_SRC) $(COLLECTOR_MAIN_SRC) $(COLLECTOR_SRC)
SRCCHECK_UNIT := $(UNIT_COMMON_TESTS) $(UNIT_AGENT_TESTS) $(UNIT_COLLECTOR_TESTS)
SRCCHECK_FUZZ := $(FUZZ_COMMON_SRC) \
	$(patsubst %,tests/fuzz/fuzz_%.c,$(FUZZ_AGENT_TARGETS) $(FUZZ_COLLECTOR_TARGETS))

# Where srccheck looks for an #include "../".
SRCCHECK_INCLUDERS = $(wildcard include/*.h common/*.[ch] agent/*.[ch] collector/*.[ch] \
	tests/unit/*.[ch] tests/fuzz/*.[ch] bench/*.[ch])

.PHONY: srccheck
srccheck:
	@sh mk/srccheck.sh 'agent/*.c collector/*.c common/*.c' $(SRCCHECK_SRC) && \
	sh mk/srccheck.sh 'tests/unit/test_*.c' $(SRCCHECK_UNIT) && \
	sh mk/srccheck.sh 'tests/fuzz/*.c' $(SRCCHECK_FUZZ) && \
	if grep -n '^#[[:space:]]*include[[:space:]]*"\.\./' $(SRCCHECK_INCLUDERS) >&2; then \
		echo "srccheck: an include by a relative path (above): name the header by its base name, or the other program's by its path from the top" >&2; \
		exit 1; \
	fi && \
	echo "sources ok"
