#!/bin/sh
# The agent over a fixture root writes a report with exactly that root's OS,
# packages and hardware, valid against the GLPI inventory schema.
. "$(dirname "$0")/lib.sh"
ROOT=$FIXTURES/roots/debian12
X=.content.fleetcensus

validate_or_parse() {
	if have_shared; then validate_report "$1"; else jq -e . "$1" >/dev/null; fi
}

test_expect_success 'report of the debian12 fixture root' '
	agent --root "$ROOT" --state-dir st --output r.json &&
	test "$(jqr .itemtype r.json)" = Computer &&
	test "$(jqr $X.os_release.ID r.json)" = debian &&
	test "$(jqr $X.os_release.VERSION_ID r.json)" = 12 &&
	test "$(jqr $X.os_release.VERSION_CODENAME r.json)" = bookworm &&
	test "$(jqr .content.operatingsystem.full_name r.json)" = "Debian GNU/Linux 12 (bookworm)" &&
	test "$(jqr .content.operatingsystem.kernel_name r.json)" = linux &&
	test "$(jqr $X.sections r.json)" = "{\"os\":\"ok\",\"software\":\"ok\",\"hardware\":\"ok\"}" &&
	test "$(jqr $X.errors r.json)" = "{}" &&
	test "$(jqr $X.schema r.json)" = 1
'

test_expect_success 'the report validates against the GLPI schema' '
	have_shared || skip_test "no ../shared: schema not available"
	validate_report r.json
'

test_expect_success 'packages equal dpkg-query --admindir on the same root' '
	dpkg-query --admindir="$ROOT/var/lib/dpkg" -W \
		-f "\${db:Status-Status}\t\${Package}\t\${Version}\t\${Architecture}\n" |
		awk -F"\t" "\$1 == \"installed\" {print \$2 \"\t\" \$3 \"\t\" \$4}" | sort >want &&
	jqr ".content.softwares[] | [.name, .version, .arch] | @tsv" r.json | sort >got &&
	diff -u want got &&
	test "$(wc -l <got)" = 6
'

test_expect_success 'epoch kept, multi-arch counted per architecture, all from deb' '
	test "$(jqr ".content.softwares[] | select(.name == \"openssh-server\") | .version" r.json)" = 1:9.2p1-2+deb12u3 &&
	test "$(jqr "[.content.softwares[] | select(.name == \"libc6\") | .arch] | sort" r.json)" = "[\"amd64\",\"i386\"]" &&
	test "$(jqr "[.content.softwares[].from] | unique" r.json)" = "[\"deb\"]" &&
	test "$(jqr ".content.softwares[0].publisher" r.json)" = "Santiago Vila <sanvila@debian.org>"
'

test_expect_success 'architecture witnessed by the packages, not the kernel' '
	test "$(jqr .content.operatingsystem.arch r.json)" = x86_64
'

test_expect_success 'hardware, BIOS and network facts from the root' '
	test "$(jqr .content.hardware.memory r.json)" = 7863 &&
	test "$(jqr .content.hardware.uuid r.json)" = 4c4c4544-0048-5110-8032-b5c04f585731 &&
	test "$(jqr .content.hardware.name r.json)" = ws-0042 &&
	test "$(jqr .content.operatingsystem.fqdn r.json)" = ws-0042.gemeente.example &&
	test "$(jqr .content.operatingsystem.dns_domain r.json)" = gemeente.example &&
	test "$(jqr .content.hardware.vmsystem r.json)" = Physical &&
	test "$(jqr .content.bios.ssn r.json)" = 5HQ2XW1 &&
	test "$(jqr .content.bios.smanufacturer r.json)" = "Dell Inc." &&
	test "$(jqr .content.bios.smodel r.json)" = "OptiPlex 7010" &&
	test "$(jqr .content.networks r.json)" = "[{\"description\":\"eth0\",\"mac\":\"18:03:73:1f:2a:9c\"}]" &&
	test "$(jqr .content.cpus[0].core r.json)" = 2 &&
	test "$(jqr .content.cpus[0].name r.json)" = "Intel(R) Core(TM) i5-3470 CPU @ 3.20GHz"
'

test_expect_success 'machine-id is sent hashed with the application key, never raw' '
	! grep -q 0f3e9b0d6a2c4e1f8b7a6c5d4e3f2a1b r.json &&
	want=$($PY -c "import hmac, hashlib
m = bytearray(hmac.new(bytes.fromhex(\"0f3e9b0d6a2c4e1f8b7a6c5d4e3f2a1b\"),
    bytes.fromhex(\"5f3c2d8e9a414b6e8c1d2e7f90a4b3c5\"), hashlib.sha256).digest()[:16])
m[6] = (m[6] & 0x0F) | 0x40
m[8] = (m[8] & 0x3F) | 0x80
print(m.hex())") &&
	test "$(jqr $X.machine_id r.json)" = "$want"
'

test_expect_success 'agent id kept across runs, report id new each run' '
	agent --root "$ROOT" --state-dir st --output r2.json &&
	test "$(jqr $X.agent_id r.json)" = "$(cat st/agent-id)" &&
	test "$(jqr $X.agent_id r2.json)" = "$(cat st/agent-id)" &&
	test "$(jqr .deviceid r.json)" = "$(jqr .deviceid r2.json)" &&
	jqr .deviceid r.json | grep -Eq "^ws-0042-[0-9]{4}(-[0-9]{2}){5}$" &&
	test "$(jqr $X.report_id r.json)" != "$(jqr $X.report_id r2.json)"
'

test_expect_success '--output - writes the report to stdout' '
	agent --root "$ROOT" --state-dir st --output - >out.json &&
	test "$(jqr ".content.softwares | length" out.json)" = 6
'

test_expect_success 'collected_at is RFC 3339 UTC' '
	jqr $X.collected_at r.json | grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
'

test_expect_success 'legacy release files reported verbatim when there is no os-release' '
	agent --root "$FIXTURES/roots/centos6-legacy" --state-dir st --output c6.json &&
	jqr "$X.release_files | to_entries[] | \"\(.key)=\(.value)\"" c6.json >got &&
	cat >want <<-\EOF &&
	/etc/centos-release=CentOS release 6.10 (Final)
	/etc/redhat-release=CentOS release 6.10 (Final)
	/etc/system-release=CentOS release 6.10 (Final)
	/etc/system-release-cpe=cpe:/o:centos:linux:6:GA
	EOF
	diff -u want got &&
	test "$(jqr "$X | has(\"os_release\")" c6.json)" = false &&
	test "$(jqr $X.sections.os c6.json)" = ok &&
	test "$(jqr $X.sections.software c6.json)" = skipped &&
	test "$(jqr "$X.errors.software" c6.json)" = "no package database found (dpkg, rpm, apk, pacman)" &&
	test "$(jqr ".content | has(\"softwares\")" c6.json)" = false &&
	test "$(jqr .content.operatingsystem.full_name c6.json)" = "CentOS release 6.10 (Final)"
'

test_expect_success '--output DIR/: a new uniquely named file per run, never overwritten' '
	mkdir usb &&
	agent --root "$ROOT" --state-dir st --output usb/ &&
	agent --root "$ROOT" --state-dir st --output usb &&
	ls usb >names &&
	test "$(wc -l <names)" = 2 &&
	! grep -v "^fleetcensus-ws-0042-[0-9]\{8\}T[0-9]\{6\}Z-[0-9a-f]\{8\}\.json$" names &&
	for f in usb/*; do
		validate_or_parse "$f" &&
		rid=$(jqr $X.report_id "$f") &&
		case $f in *-$(echo "$rid" | cut -c1-8).json) ;; *) exit 1 ;; esac &&
		test "$(jqr ".content.softwares | length" "$f")" = 6 || exit 1
	done &&
	test "$(ls -a usb | grep -c "^\.fleetcensus")" = 0
'

test_expect_success '--output DIR/ that does not exist: 73, nothing made' '
	expect_status 73 agent --root "$ROOT" --state-dir st --output nodir/ 2>err &&
	grep -q "nodir" err &&
	! test -e nodir
'

test_expect_success '--output DIR/ that cannot be written: 73, nothing left in it' '
	mkdir usb2 &&
	chmod 0555 usb2 &&
	if touch usb2/probe 2>/dev/null; then
		rm -f usb2/probe; chmod 0755 usb2; skip_test "running as root: the directory stays writable"
	fi
	expect_status 73 agent --root "$ROOT" --state-dir st --output usb2/ 2>err &&
	chmod 0755 usb2 &&
	test -z "$(ls -A usb2)"
'

test_expect_success 'a status file of many read chunks: packages equal dpkg-query' '
	mkdir -p big/var/lib/dpkg &&
	$PY -c "import re, sys
st = [s for s in open(sys.argv[1], encoding=\"utf-8\").read().split(\"\n\n\") if s.strip()]
with open(sys.argv[2], \"w\", encoding=\"utf-8\") as f:
    for i in range(6000):
        s = st[i % len(st)]
        f.write(re.sub(\"^Package: (.*)$\", lambda m: \"Package: %s-%d\" % (m.group(1), i), s,
                       count=1, flags=re.M) + \"\n\n\" + \"\n\" * (i % 3))
" "$ROOT/var/lib/dpkg/status" big/var/lib/dpkg/status &&
	test "$(wc -c <big/var/lib/dpkg/status)" -gt 1000000 &&
	agent --root big --state-dir st --output big.json 2>/dev/null &&
	dpkg-query --admindir=big/var/lib/dpkg -W \
		-f "\${db:Status-Status}\t\${Package}\t\${Version}\t\${Architecture}\n" |
		awk -F"\t" "\$1 == \"installed\" {print \$2 \"\t\" \$3 \"\t\" \$4}" | sort >want &&
	jqr ".content.softwares[] | [.name, .version, .arch] | @tsv" big.json | sort >got &&
	test "$(wc -l <got)" -gt 3000 &&
	diff -u want got
'

test_expect_success 'an error far into a large status names its line in the whole file' '
	cp big/var/lib/dpkg/status bad-status &&
	line=$(grep -n "^Package: perl-base-4804$" bad-status | cut -d: -f1) &&
	mkdir -p bad/var/lib/dpkg &&
	{ head -n $((line - 1)) bad-status; printf "Package: x\0y\n"; tail -n +$((line + 1)) bad-status; } \
		>bad/var/lib/dpkg/status &&
	agent --root bad --state-dir st --output bad.json 2>/dev/null &&
	test "$(jqr $X.sections.software bad.json)" = failed &&
	jqr $X.errors.software bad.json | grep -q "line $line: NUL byte" &&
	test "$(jqr ".content | has(\"softwares\")" bad.json)" = false
'

test_expect_success 'this machine: a smoke run validates' '
	have_shared || skip_test "no ../shared: schema not available"
	agent --state-dir st --output host.json &&
	validate_report host.json &&
	test "$(jqr $X.sections.os host.json)" = ok &&
	test "$(jqr $X.sections.software host.json)" = ok
'

test_expect_success 'machine_id equals systemd-id128 --app-specific on this machine' '
	command -v systemd-id128 >/dev/null && test -s /etc/machine-id || skip_test "no systemd-id128 or /etc/machine-id here"
	want=$(systemd-id128 machine-id --app-specific=5f3c2d8e9a414b6e8c1d2e7f90a4b3c5) &&
	agent --state-dir st --output host-id.json &&
	test "$(jqr $X.machine_id host-id.json)" = "$want"
'

test_done
