#!/bin/sh
# Unchanged software lists (docs/protocol.md): the first report is full, the
# next one short while the list is unchanged; a 409 asking for the full
# report gets it in the same run; a lost software.digest, a changed list or a
# failed software section always means a full report. Against httpd.py.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-httpd.sh"
ROOT=$FIXTURES/roots/debian12
X=.content.fleetcensus

skip_all=$(httpd_prereqs)
if [ -n "$skip_all" ]; then
	test_skip "t210-short-reports: $skip_all"
	test_done
	exit $?
fi

# send STATE ROOT [agent options...]: one agent run against $URL.
send() {
	sd_state=$1 sd_root=$2
	shift 2
	agent --root "$sd_root" --server "$URL" --token "$TOKEN" --state-dir "$sd_state" \
		--timeout 10 "$@"
}

# copy_root DIR: a copy of the fixture root to change.
copy_root() {
	cp -R "$ROOT" "$1"
}

test_expect_success 'a full report carries the digest and count of its list' '
	httpd_start s1 short409 &&
	send st1 "$ROOT" &&
	test "$(req_kinds s1)" = "full:200" &&
	test "$(jqr $X.software_digest s1/req-1.json)" = "$(digest_of s1/req-1.json)" &&
	test "$(jqr "$X.software_count" s1/req-1.json)" = 6 &&
	test "$(jqr ".content.softwares | length" s1/req-1.json)" = 6 &&
	test "$(jqr "$X | has(\"software_unchanged\")" s1/req-1.json)" = false &&
	printf "%s\n" "$(digest_of s1/req-1.json)" >want &&
	diff -u want st1/software.digest
'

test_expect_success 'first run full, second short (unchanged list), answered 200' '
	httpd_start s2 ok &&
	send st2 "$ROOT" &&
	send st2 "$ROOT" -v 2>err &&
	test "$(req_kinds s2)" = "full:200 short:200" &&
	grep -q "software list unchanged" err &&
	test "$(jqr ".content | has(\"softwares\")" s2/req-2.json)" = false &&
	test "$(jqr "$X.software_unchanged" s2/req-2.json)" = true &&
	test "$(jqr "$X.software_digest" s2/req-2.json)" = "$(digest_of s2/req-1.json)" &&
	test "$(jqr "$X.software_count" s2/req-2.json)" = 6 &&
	test "$(jqr "$X.sections.software" s2/req-2.json)" = ok &&
	test "$(jqr "$X.report_id" s2/req-2.json)" != "$(jqr "$X.report_id" s2/req-1.json)" &&
	if have_shared; then validate_report s2/req-2.json; fi &&
	! test -e st2/spool/report.json.gz
'

test_expect_success '409 resend full to the short report: the full one in the same run, exit 0' '
	httpd_start s3 short409 &&
	send st3 "$ROOT" &&
	send st3 "$ROOT" -v 2>err &&
	test "$(req_kinds s3)" = "full:200 short:409 full:200" &&
	grep -q "asks for the full report" err &&
	! grep -q "refused" err &&
	test "$(jqr "$X.report_id" s3/req-2.json)" = "$(jqr "$X.report_id" s3/req-3.json)" &&
	test "$(jqr ".content.softwares | length" s3/req-3.json)" = 6 &&
	printf "%s\n" "$(digest_of s3/req-3.json)" >want &&
	diff -u want st3/software.digest &&
	! test -e st3/spool/report.json.gz
'

test_expect_success 'a short report refused otherwise (400) is final: 69, no full one sent' '
	httpd_start s4 short409 &&
	send st4 "$ROOT" &&
	httpd_stop s4 &&
	httpd_start s4b e400 &&
	expect_status 69 send st4 "$ROOT" 2>err &&
	test "$(req_kinds s4b)" = "short:400"
'

test_expect_success 'software.digest lost: full report' '
	httpd_start s5 ok &&
	send st5 "$ROOT" &&
	rm st5/software.digest &&
	send st5 "$ROOT" &&
	test "$(req_kinds s5)" = "full:200 full:200" &&
	test -s st5/software.digest
'

test_expect_success 'a corrupt software.digest: full report, then replaced' '
	httpd_start s6 ok &&
	send st6 "$ROOT" &&
	echo "not a digest" >st6/software.digest &&
	send st6 "$ROOT" &&
	send st6 "$ROOT" &&
	test "$(req_kinds s6)" = "full:200 full:200 short:200"
'

test_expect_success 'one package added: full report with the new digest, then short again' '
	copy_root r7 &&
	httpd_start s7 ok &&
	send st7 r7 &&
	cat >>r7/var/lib/dpkg/status <<-STANZA &&

	Package: hostname
	Status: install ok installed
	Priority: required
	Section: admin
	Installed-Size: 46
	Maintainer: Michael Meskes <meskes@debian.org>
	Architecture: amd64
	Version: 3.23+nmu1
	Description: utility to set/show the host name or domain name
	STANZA
	send st7 r7 &&
	send st7 r7 &&
	test "$(req_kinds s7)" = "full:200 full:200 short:200" &&
	test "$(jqr "$X.software_count" s7/req-2.json)" = 7 &&
	test "$(jqr "$X.software_digest" s7/req-2.json)" != "$(jqr "$X.software_digest" s7/req-1.json)" &&
	test "$(jqr "$X.software_digest" s7/req-2.json)" = "$(digest_of s7/req-2.json)" &&
	test "$(jqr "$X.software_digest" s7/req-3.json)" = "$(digest_of s7/req-2.json)"
'

test_expect_success 'a failed software section is never sent short, and carries no digest' '
	copy_root r8 &&
	httpd_start s8 ok &&
	send st8 r8 &&
	cp st8/software.digest before &&
	head -c 700 "$ROOT/var/lib/dpkg/status" >r8/var/lib/dpkg/status &&
	send st8 r8 &&
	send st8 r8 &&
	test "$(req_kinds s8)" = "full:200 full:200 full:200" &&
	test "$(jqr "$X.sections.software" s8/req-3.json)" = failed &&
	test "$(jqr "$X | has(\"software_digest\") or has(\"software_unchanged\")" s8/req-3.json)" = false &&
	diff -u before st8/software.digest
'

test_expect_success 'not delivered (500): the digest is not stored; the next run is full' '
	httpd_start s9 e500 &&
	expect_status 75 send st9 "$ROOT" &&
	! test -e st9/software.digest &&
	httpd_stop s9 &&
	httpd_start s9b ok &&
	send st9 "$ROOT" &&
	test "$(req_kinds s9b)" = "full:200"
'

test_expect_success '--output files are always full, whatever the state says' '
	httpd_start s10 ok &&
	send st10 "$ROOT" &&
	agent --root "$ROOT" --state-dir st10 --output out.json &&
	test "$(jqr ".content.softwares | length" out.json)" = 6 &&
	test "$(jqr "$X | has(\"software_unchanged\")" out.json)" = false &&
	test "$(jqr "$X.software_digest" out.json)" = "$(digest_of out.json)"
'

test_done
