#!/bin/sh
# t480-console.sh - the operator console (/ui/, docs/console.md) in a real
# browser: Debian's chromium, headless, driven by console_test.py
# (python3-selenium, chromium-driver). Log in, the tender table equals
# `report tender`, CSV and XLSX downloads equal the CLI's, a manager joins
# and signs, logout; a reader sees its own organisation only; a hostile
# host name is text; a form without its CSRF field gets a 4xx; a revoked or
# expired session goes back to the login page. Screenshots of every page
# go to $FC_BUILD/console-shots (test artefacts). The ASan pass runs the
# browser tests too (about a minute): the server is the sanitized one. Without HTTP: the
# security headers and the route's edges with curl.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

why=$(collector_prereqs)
if [ -n "$why" ]; then
	test_skip "console: $why"
	test_done
	exit
fi

DB=$TEST_DIR/fleet.db
TPL=$TEST_DIR/tpl.json
SHOTS=$BUILD_DIR/console-shots
W10='{"major":10,"minor":0,"build":19045,"ubr":3803,"product_type":1,"suite_mask":256,
 "product_name":"Windows 10 Pro","edition_id":"Professional","display_version":"22H2",
 "release_id":"2009","native_arch":"AMD64","current_version":"6.3",
 "installation_type":"Client"}'

# machine ORG N HOST: a Windows 10 machine
machine() {
	craft "m$2.json" ".content.hardware.uuid = \"$(printf '00000000-0000-4000-8000-%012d' "$2")\" |
		.content.fleetcensus.agent_id = \"$(printf '11111111-0000-4000-8000-%012d' "$2")\" |
		.content.hardware.name = \$ARGS.named.host |
		del(.content.fleetcensus.machine_id) | del(.content.fleetcensus.os_release) |
		.content.fleetcensus.windows = $W10" --arg host "$3"
	collector import --db "$DB" --org "$1" "m$2.json" >/dev/null
}

make_template "$TPL"
# craft with jq --arg: a host name with quotes and angle brackets
craft() {
	c_out=$1 c_f=$2
	shift 2
	jq -c --arg rid "$(uuid)" "$@" ".content.fleetcensus.report_id = \$rid | $c_f" "$TPL" \
		>"$c_out"
}
collector org add north --db "$DB" >/dev/null
collector org add south --db "$DB" >/dev/null
i=1
while [ $i -le 60 ]; do
	machine north $i "host-n-$i"
	i=$((i + 1))
done
machine south 100 host-s-1
machine south 101 host-s-2
machine north 102 '<img src=x onerror=document.title="pwned";window.fcpwned=1>'
NMGR=$(collector token add --org north --role manager --db "$DB")
READER=$(collector token add --org north --role reader --db "$DB")
SPARE=$(collector token add --org north --role reader --db "$DB")
ADMIN=$(collector token add --role admin --db "$DB")
SPARE_ID=$(collector token list --db "$DB" | awk -F'\t' '$2 == "reader" { id = $1 } END { print id }')
collector campaign create "esu 10" --products "Windows 10" --as-of 2026-06-01 \
	--deadline 2099-12-31 --db "$DB" >/dev/null
# past daily snapshots: the burn-down of Windows 10
for d in 01 08 15 22 29; do
	sqlite3 "$DB" "INSERT INTO snapshots SELECT '2026-10-$d', id, 'Windows 10', 'Pro',
		CASE name WHEN 'north' THEN 100 - $d * 2 ELSE 40 - $d END FROM organisations"
done
srv_start "$TEST_DIR/srv" "$DB"
export URL DB NMGR READER SPARE SPARE_ID ADMIN COLLECTOR_BIN
FC_SHOTS=$SHOTS
export FC_SHOTS

page() { # page PATH [curl options]: status into stdout, body into answer
	p=$1
	shift
	curl -sS --max-time 30 -o answer -D headers -w '%{http_code}' "$@" "$URL$p"
}

test_expect_success 'without a session every page sends to the login page' '
	for p in /ui/ /ui/tender /ui/search /ui/campaigns /ui/nope; do
		st=$(page $p) && test "$st" = 303 && grep -qi "^location: /ui/login" headers || return 1
	done
'

test_expect_success 'the login page: security headers, a CSRF cookie, no script' '
	st=$(page /ui/login) && test "$st" = 200 &&
	grep -qi "^content-security-policy: default-src .none.; style-src .self.; img-src data:" headers &&
	grep -qi "^x-frame-options: DENY" headers &&
	grep -i "^set-cookie: fclogin=" headers | grep -q "HttpOnly; SameSite=Strict" &&
	! grep -qi "<script" answer &&
	st=$(page /ui/style.css) && test "$st" = 200 && grep -q "@media print" answer
'

test_expect_success 'login: without the CSRF pair refused, an agent token refused, a bad token 401' '
	st=$(page /ui/login -d "token=$ADMIN") && test "$st" = 403 &&
	AGENT=$(collector token add --org north --role agent --db "$DB") &&
	page /ui/login -c jar >/dev/null &&
	k=$(grep -o "name=\"csrf\" value=\"[0-9a-f]*" answer | sed "s/.*value=\"//") &&
	st=$(page /ui/login -b jar -d "csrf=$k&token=$AGENT") && test "$st" = 403 &&
	st=$(page /ui/login -b jar -d "csrf=$k&token=nope") && test "$st" = 401 &&
	st=$(page /ui/login -b jar -d "csrf=$k&token=$ADMIN" -c jar) && test "$st" = 303 &&
	grep -i "^set-cookie: fcsession=" headers | grep -q "HttpOnly; SameSite=Strict" &&
	st=$(page /ui/ -b jar) && test "$st" = 200 &&
	st=$(page /ui/nope -b jar) && test "$st" = 404 &&
	st=$(page /ui/tender -b jar -X POST -d x=1) && test "$st" = 403 &&
	st=$(page "/ui/search?page=0" -b jar) && test "$st" = 400 &&
	awk "BEGIN { for (i = 0; i < 20000; i++) printf \"a\" }" >big &&
	st=$(page /ui/login -b jar --data-binary @big) && test "$st" = 413
'

test_expect_success 'under HTTPS the cookies are Secure' '
	make_test_ca tls &&
	srv_start "$TEST_DIR/srv-tls" "$DB" --tls-cert tls/cert.pem --tls-key tls/key.pem &&
	st=$(curl -sS --cacert tls/ca.pem -c tjar -o answer -D headers -w "%{http_code}" \
		"$URL/ui/login") && test "$st" = 200 &&
	grep -i "^set-cookie: fclogin=" headers | grep -q "SameSite=Strict; Max-Age=3600; Secure" &&
	k=$(grep -o "name=\"csrf\" value=\"[0-9a-f]*" answer | sed "s/.*value=\"//") &&
	st=$(curl -sS --cacert tls/ca.pem -b tjar -o answer -D headers -w "%{http_code}" \
		-d "csrf=$k&token=$ADMIN" "$URL/ui/login") && test "$st" = 303 &&
	grep -i "^set-cookie: fcsession=" headers | grep -q "HttpOnly; SameSite=Strict; Max-Age=28800; Secure" &&
	srv_stop "$TEST_DIR/srv-tls"
'

browser_ok() {
	[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] ||
		skip_test "chromium and chromium-driver are not installed"
	/usr/bin/python3 -c "import selenium" 2>/dev/null || skip_test "python3-selenium is not installed"
}

browse() {
	browser_ok
	/usr/bin/python3 "$TOP/tests/e2e/console_test.py" "$1"
}

test_expect_success 'browser: a manager joins and signs; XLSX equals the CLI'\''s; logout' '
	browse manager_campaign
'
test_expect_success 'browser: admin logs in; the tender table and CSV equal report tender; every page' '
	browse admin_pages
'
test_expect_success 'browser: a reader of north reaches nothing of south' '
	browse reader_scope
'
test_expect_success 'browser: a hostile host name is shown as text and runs nothing' '
	browse xss
'
test_expect_success 'browser: a form without its CSRF field gets a 4xx' '
	browse csrf
'
test_expect_success 'browser: a session whose token is revoked goes to the login page' '
	browse revoked
'
test_expect_success 'browser: an expired session goes to the login page' '
	browser_ok
	FC_TEST_SESSION_SECONDS=2 srv_start "$TEST_DIR/srv2" "$DB" &&
	FC_TEST_SESSION_SECONDS=2 URL=$URL /usr/bin/python3 "$TOP/tests/e2e/console_test.py" expired
'

srv_stop "$TEST_DIR/srv"
test_done
