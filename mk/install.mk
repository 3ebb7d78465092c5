# mk/install.mk - make install / make uninstall (included from the Makefile).
#
#   make install     PREFIX=/usr/local DESTDIR= (both optional): builds if
#                    needed, then installs the files below with install(1)
#   make uninstall   removes exactly the files install puts (same PREFIX,
#                    DESTDIR); directories shared with other programs stay
#   make install-user  as root, on the collector's machine, once: the system
#                    user fleetcensus and /var/lib/fleetcensus owned by it
#                    (packaging/setup-collector.sh; DESTDIR is honoured)
#
# Where (DESTDIR is prepended to every path):
#
#   $(bindir)         PREFIX/bin: fleetcensus-agent, fleetcensus-collector
#   $(man8dir)        PREFIX/share/man/man8: both man pages
#   $(confdir)        /etc/fleetcensus (0700, made only when missing):
#                     agent.conf.example. /etc whatever the PREFIX: the agent
#                     reads /etc/fleetcensus/agent.conf by default.
#   $(unitdir)        PREFIX/lib/systemd/system: the units and timers, not
#                     enabled. systemd reads both /usr/lib/systemd/system and
#                     /usr/local/lib/systemd/system, and /etc/systemd/system
#                     stays the administrator's (overrides, drop-ins). With
#                     another PREFIX (/opt/...) give unitdir=/etc/systemd/system.
#   $(crondir)        /etc/cron.d: fleetcensus-agent, fleetcensus-tender.
#                     Active once installed; INSTALL_CRON=0 leaves them out
#                     (for machines that use the systemd timers instead).
#   $(pkgdatadir)     PREFIX/share/fleetcensus: setup-collector.sh
#
# The units and cron files name the programs by absolute path; the shipped
# ones say /usr/local/bin, and install writes $(bindir) in their place
# (generated into $(BUILD)/install/ first).

PREFIX ?= /usr/local
DESTDIR ?=
bindir ?= $(PREFIX)/bin
mandir ?= $(PREFIX)/share/man
man8dir ?= $(mandir)/man8
sysconfdir ?= /etc
confdir ?= $(sysconfdir)/fleetcensus
unitdir ?= $(PREFIX)/lib/systemd/system
crondir ?= /etc/cron.d
pkgdatadir ?= $(PREFIX)/share/fleetcensus
INSTALL ?= install
INSTALL_CRON ?= 1

INST_UNITS := $(notdir $(wildcard packaging/systemd/*.service packaging/systemd/*.timer))
INST_CRON := $(notdir $(wildcard packaging/cron.d/*))
INST_MANS := fleetcensus-agent.8 fleetcensus-collector.8
INST_GEN := $(INST_UNITS:%=$(BUILD)/install/systemd/%) $(INST_CRON:%=$(BUILD)/install/cron.d/%)

.PHONY: install uninstall install-user

# The shipped files with /usr/local/bin replaced by $(bindir); remade when
# bindir changes (the stamp holds it).
$(BUILD)/install/bindir: FORCE
	@mkdir -p $(@D)
	@echo '$(bindir)' | cmp -s - $@ || echo '$(bindir)' >$@
$(BUILD)/install/%: packaging/% $(BUILD)/install/bindir
	@mkdir -p $(@D)
	sed 's|/usr/local/bin/|$(bindir)/|g' $< >$@

.PHONY: FORCE
FORCE:

install: $(AGENT) $(COLLECTOR) $(INST_GEN)
	$(INSTALL) -d -m 0755 '$(DESTDIR)$(bindir)' '$(DESTDIR)$(man8dir)' '$(DESTDIR)$(unitdir)' \
		'$(DESTDIR)$(pkgdatadir)'
	$(INSTALL) -m 0755 $(AGENT) $(COLLECTOR) '$(DESTDIR)$(bindir)/'
	$(INSTALL) -m 0644 $(INST_MANS:%=docs/man/%) '$(DESTDIR)$(man8dir)/'
	[ -d '$(DESTDIR)$(confdir)' ] || $(INSTALL) -d -m 0700 '$(DESTDIR)$(confdir)'
	$(INSTALL) -m 0644 packaging/agent.conf.example '$(DESTDIR)$(confdir)/'
	$(INSTALL) -m 0644 $(INST_UNITS:%=$(BUILD)/install/systemd/%) '$(DESTDIR)$(unitdir)/'
	$(INSTALL) -m 0755 packaging/setup-collector.sh '$(DESTDIR)$(pkgdatadir)/'
ifeq ($(INSTALL_CRON),1)
	$(INSTALL) -d -m 0755 '$(DESTDIR)$(crondir)'
	$(INSTALL) -m 0644 $(INST_CRON:%=$(BUILD)/install/cron.d/%) '$(DESTDIR)$(crondir)/'
endif

# Files only; the two directories that are fleetcensus's own go when empty
# (/etc/fleetcensus keeps an operator's agent.conf and token).
uninstall:
	rm -f '$(DESTDIR)$(bindir)/fleetcensus-agent' '$(DESTDIR)$(bindir)/fleetcensus-collector'
	rm -f $(INST_MANS:%='$(DESTDIR)$(man8dir)/%')
	rm -f '$(DESTDIR)$(confdir)/agent.conf.example'
	rm -f $(INST_UNITS:%='$(DESTDIR)$(unitdir)/%')
	rm -f $(INST_CRON:%='$(DESTDIR)$(crondir)/%')
	rm -f '$(DESTDIR)$(pkgdatadir)/setup-collector.sh'
	for d in '$(DESTDIR)$(pkgdatadir)' '$(DESTDIR)$(confdir)'; do \
		[ ! -d "$$d" ] || rmdir "$$d" 2>/dev/null || :; \
	done

install-user:
	DESTDIR='$(DESTDIR)' sh packaging/setup-collector.sh
