#!/bin/sh
# Bad input under --root: every case ends with a clear message and a valid
# report whose section is marked failed - never a crash, never an empty list
# passed off as a real one.
. "$(dirname "$0")/lib.sh"
X=.content.fleetcensus

# mkroot DIR: a minimal root with a good os-release and dpkg database.
mkroot() {
	mkdir -p "$1/etc" "$1/var/lib/dpkg" &&
	cp "$FIXTURES/roots/debian12/etc/os-release" "$1/etc/os-release" &&
	cp "$FIXTURES/roots/debian12/var/lib/dpkg/status" "$1/var/lib/dpkg/status"
}

# report_ok FILE: the report is strict UTF-8 JSON and schema-valid.
report_ok() {
	if have_shared; then validate_report "$1"; else jq -e . "$1" >/dev/null; fi
}

test_expect_success 'binary garbage as dpkg status: software failed, message says why' '
	mkroot r &&
	head -c 65536 /dev/urandom >r/var/lib/dpkg/status &&
	printf "\0\0\0" >>r/var/lib/dpkg/status &&
	agent --root r --state-dir st --output out.json 2>err &&
	report_ok out.json &&
	test "$(jqr $X.sections.software out.json)" = failed &&
	jqr $X.errors.software out.json | grep -q "/var/lib/dpkg/status" &&
	test "$(jqr ".content | has(\"softwares\")" out.json)" = false &&
	grep -q "software:" err
'

test_expect_success 'truncated dpkg status: software failed, as dpkg-query refuses it too' '
	mkroot r2 &&
	head -c 700 "$FIXTURES/roots/debian12/var/lib/dpkg/status" >r2/var/lib/dpkg/status &&
	! dpkg-query --admindir=r2/var/lib/dpkg -W >/dev/null 2>&1 &&
	agent --root r2 --state-dir st --output out.json &&
	report_ok out.json &&
	test "$(jqr $X.sections.software out.json)" = failed &&
	jqr $X.errors.software out.json | grep -q "/var/lib/dpkg/status"
'

test_expect_success 'a directory where the dpkg status file should be: software failed' '
	mkroot r3 && rm r3/var/lib/dpkg/status && mkdir r3/var/lib/dpkg/status &&
	agent --root r3 --state-dir st --output out.json &&
	test "$(jqr $X.sections.software out.json)" = failed &&
	jqr $X.errors.software out.json | grep -q "not a regular file"
'

test_expect_success 'binary garbage as an rpm database: software failed' '
	mkroot r4 && rm -r r4/var/lib/dpkg && mkdir -p r4/var/lib/rpm &&
	head -c 1000000 /dev/urandom >r4/var/lib/rpm/Packages &&
	agent --root r4 --state-dir st --output out.json &&
	report_ok out.json &&
	test "$(jqr $X.sections.software out.json)" = failed &&
	jqr $X.errors.software out.json | grep -q Packages
'

test_expect_success 'truncated rpm Berkeley DB: software failed, not a short list' '
	have_shared || skip_test "no ../shared corpus"
	src=$SHARED/corpus/packages/rpm/scancode-var-lib-rpm-bdb/root/var/lib/rpm/Packages &&
	mkroot r5 && rm -r r5/var/lib/dpkg && mkdir -p r5/var/lib/rpm &&
	size=$(stat -c %s "$src") &&
	head -c $((size / 2 + 100)) "$src" >r5/var/lib/rpm/Packages &&
	agent --root r5 --state-dir st --output out.json &&
	report_ok out.json &&
	test "$(jqr $X.sections.software out.json)" = failed &&
	test "$(jqr ".content | has(\"softwares\")" out.json)" = false
'

test_expect_success 'a 100 MB os-release: os failed with the limit named, report still valid' '
	mkroot r6 && truncate -s 100M r6/etc/os-release &&
	agent --root r6 --state-dir st --output out.json 2>err &&
	report_ok out.json &&
	test "$(jqr $X.sections.os out.json)" = failed &&
	jqr $X.errors.os out.json | grep -q "larger than" &&
	test "$(jqr $X.sections.software out.json)" = ok
'

test_expect_success 'os-release lines without separators are skipped, the rest is read' '
	mkroot r7 &&
	printf "this line has no separator\nID=debian\n\037\036garbage\nVERSION_ID=\"12\"\n=novalue\n" >r7/etc/os-release &&
	agent --root r7 --state-dir st --output out.json &&
	report_ok out.json &&
	test "$(jqr $X.os_release.ID out.json)" = debian &&
	test "$(jqr $X.os_release.VERSION_ID out.json)" = 12
'

test_expect_success 'invalid UTF-8 stays out of the JSON: replaced by U+FFFD' '
	mkroot r8 &&
	printf "ID=debian\nPRETTY_NAME=\"Caf\351 \300\257 Linux\"\nNAME=\"\355\240\200\"\n" >r8/etc/os-release &&
	agent --root r8 --state-dir st --output out.json &&
	report_ok out.json &&
	$PY -c "import sys; open(sys.argv[1], encoding=\"utf-8\", errors=\"strict\").read()" out.json &&
	test "$(jqr $X.os_release.PRETTY_NAME out.json)" = "Caf� �� Linux"
'

test_expect_success 'a symlink loop under --root: os failed, loop named, no hang' '
	mkroot r9 && rm r9/etc/os-release &&
	ln -s os-release.b r9/etc/os-release && ln -s os-release r9/etc/os-release.b &&
	agent --root r9 --state-dir st --output out.json &&
	report_ok out.json &&
	test "$(jqr $X.sections.os out.json)" = failed &&
	jqr $X.errors.os out.json | grep -q "symbolic links"
'

test_expect_success 'a symlink loop over the package directory: software failed' '
	mkroot r10 && rm -r r10/var/lib/dpkg &&
	ln -s dpkg2 r10/var/lib/dpkg && ln -s dpkg r10/var/lib/dpkg2 &&
	agent --root r10 --state-dir st --output out.json &&
	test "$(jqr $X.sections.software out.json)" = failed
'

test_expect_success 'links that point out of the root stay inside it' '
	mkroot r11 && rm r11/etc/os-release &&
	ln -s ../../../../../../../../usr/lib/os-release r11/etc/os-release &&
	mkdir -p r11/usr/lib &&
	printf "ID=inside\n" >r11/usr/lib/os-release &&
	agent --root r11 --state-dir st --output out.json &&
	test "$(jqr $X.os_release.ID out.json)" = inside
'

test_expect_success 'an empty root: every section says why, nothing passed off as empty' '
	mkdir empty &&
	agent --root empty --state-dir st --output out.json &&
	report_ok out.json &&
	test "$(jqr $X.sections out.json)" = "{\"os\":\"failed\",\"software\":\"skipped\",\"hardware\":\"skipped\"}" &&
	test "$(jqr "$X.errors | keys" out.json)" = "[\"hardware\",\"os\",\"software\"]"
'

test_expect_success 'a root that is not a directory: exit 66' '
	: >notadir &&
	expect_status 66 agent --root notadir --state-dir st --output r66.json &&
	expect_status 66 agent --root /nonexistent/root --state-dir st --output r66.json &&
	test ! -e r66.json
'

test_done
