#!/bin/sh
# t435-readiness-agent.sh - Windows 11 readiness from the real agent to the
# real collector: the agent reads each fixture root of tests/fixtures/hw
# (SOURCES.md says where each comes from) with --root, the collector
# imports the reports, and report readiness gives each machine the verdict
# and reasons that docs/readiness.md's rules give its facts. A Linux
# machine is judged on its hardware (docs/readiness.md, "Which machines get
# a verdict"), so these roots exercise the same rules as a Windows 10.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

why=$(collector_prereqs)
if [ -n "$why" ]; then
	test_skip "readiness through the agent: $why"
	test_done
	exit
fi

DB=$TEST_DIR/fleet.db
HW=$FIXTURES/hw

# The expected verdict per root, and why (docs/readiness.md):
#   intel-6-142-9-pf10     i5-8200Y (Amber Lake Y): model 142 stepping 9 with
#                          platform flags 0x10 is the Kaby Lake exception: ready
#   intel-6-142-9-pf80     i7-7500U (Kaby Lake U): the same model and stepping
#                          without 0x10 fails the family rule: replace
#   amd-23-113-setupmode   Ryzen 7 3700X (Zen 2) passes; no TPM visible on a CPU
#                          that has a firmware TPM: firmware (Secure Boot in
#                          setup mode decides nothing)
#   amd-23-17-bios-tpm12   Ryzen 5 2400G (Raven Ridge, 23/17) fails; TPM 1.2;
#                          BIOS boot: replace
#   core2-bios-notpm-2g    Core 2 (6/15): family rule, no SSE4.2/POPCNT, no TPM,
#                          BIOS boot, 2 GiB: replace
#   ryzen-1700x-lp1722074  Ryzen 7 1700X (Zen 1, 23/1) fails; the real cpuinfo
#                          holds one processor entry, so one logical CPU: CPU
#   xeon-w2155-sosreport   Xeon W-2155 (6/85, the one allowed model <= 95); a
#                          sosreport has no /sys: TPM, UEFI and memory unknown
cat >want.tsv <<'EOF'
amd-23-113-setupmode	firmware	Tpm
amd-23-17-bios-tpm12	replace	CpuFms;Tpm;UefiSecureBoot
core2-bios-notpm-2g	replace	CpuFms;Sse42Popcnt;Tpm;UefiSecureBoot;Memory
intel-6-142-9-pf10	ready	
intel-6-142-9-pf80	replace	CpuFms
ryzen-1700x-lp1722074	replace	CpuFms;CPU
xeon-w2155-sosreport	unknown	Tpm?;UefiSecureBoot?;Memory?
EOF

test_expect_success 'the agent reads each fixture root; the collector imports the reports' '
	collector org add Gemeente --db "$DB" >/dev/null &&
	for r in $(cut -f1 want.tsv); do
		agent --root "$HW/$r" --state-dir "st-$r" --output "$r.json" &&
		collector import --db "$DB" --org Gemeente "$r.json" >/dev/null || return 1
	done &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 7
'

test_expect_success 'each machine gets the verdict and reasons of its facts' '
	collector report readiness --db "$DB" --window 36500 --format json >r.json &&
	for r in $(cut -f1 want.tsv); do
		cpu=$(jqr ".content.cpus[0].name" "$r.json") &&
		jq -r --arg cpu "$cpu" --arg r "$r" \
			".[] | select(.cpu == \$cpu) | [\$r, .win11, .win11_reasons] | @tsv" r.json ||
		return 1
	done >got.tsv &&
	diff -u want.tsv got.tsv
'

test_expect_success 'counts --by win11 over the same machines' '
	collector report counts --db "$DB" --window 36500 --by win11 --format csv >c.csv &&
	printf "win11,machines\r\nfirmware,1\r\nready,1\r\nreplace,4\r\nunknown,1\r\n" >want.c &&
	cmp want.c c.csv
'

test_done
