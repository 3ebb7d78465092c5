#!/bin/sh
# Hostile and broken bodies on POST /api/v1/inventory: each gets the right
# 4xx and a JSON error naming the problem, the server goes on serving
# (/healthz 200 afterwards) and the database is unchanged (a digest of every
# table but the tokens, whose last use is recorded on each request).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs gzip perl awk)
if [ -n "$skip_all" ]; then
	test_skip "t340-collector-bad-input: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/bad.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
TOKEN=$(collector org add Hostile --db "$DB")
srv_start srv "$DB" --conn-timeout 1 || :
craft good.json
post "$URL" "$TOKEN" good.json >/dev/null
DIGEST=$(db_digest "$DB")

# refused STATUS REGEX FILE [curl options...]: FILE is refused with STATUS
# and an error matching REGEX; the server still serves; the database is
# unchanged.
refused() {
	rf_want=$1 rf_re=$2 rf_file=$3
	shift 3
	rf_st=$(post "$URL" "$TOKEN" "$rf_file" "$@" || :)
	[ "$rf_st" = "$rf_want" ] ||
		{ echo "status $rf_st, want $rf_want: $(head -c 300 answer)" >&2; return 1; }
	error_says "$rf_re"
	served_and_unchanged
}

served_and_unchanged() {
	[ "$(get "$URL" "" /healthz)" = 200 ] || { echo "/healthz is not 200 afterwards" >&2; return 1; }
	[ "$(db_digest "$DB")" = "$DIGEST" ] || { echo "the database changed" >&2; return 1; }
}

# splice OUT PATH RAW-FILE: the template (with a new report_id) with the
# value at PATH (a jq path) replaced by the raw JSON text in RAW-FILE, for
# documents too big or too deep to build with jq.
splice() {
	jq -c --arg rid "$(uuid)" ".content.fleetcensus.report_id = \$rid |
		$2 = \"@@RAW@@\"" "$TPL" |
		awk -v pre="$1.pre" -v post="$1.post" 'BEGIN { RS = "\001" } {
			i = index($0, "\"@@RAW@@\"")
			printf "%s", substr($0, 1, i - 1) >pre
			printf "%s", substr($0, i + 9) >post
		}'
	cat "$1.pre" "$3" "$1.post" >"$1"
}

test_expect_success 'the reference report is accepted (the server and the checks work)' '
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 1 &&
	served_and_unchanged
'

test_expect_success 'invalid JSON: 400 naming the byte' '
	printf "{\"deviceid\": \"x\", \"content\": {" >trunc.json &&
	refused 400 "invalid JSON" trunc.json &&
	printf "not json at all" >garbage.json &&
	refused 400 "JSON" garbage.json
'

test_expect_success 'an empty body: 400' '
	: >empty.json &&
	refused 400 "empty" empty.json
'

test_expect_success 'valid JSON of the wrong shape: 400 naming the field' '
	echo "[1, 2, 3]" >array.json &&
	refused 400 "top level" array.json &&
	echo "{\"deviceid\": \"x\", \"content\": 5}" >content5.json &&
	refused 400 "content" content5.json &&
	craft nocontent.json "del(.content.fleetcensus)" &&
	refused 400 "content.fleetcensus" nocontent.json &&
	craft badsw.json ".content.softwares[3].name = 5" &&
	refused 400 "content.softwares\[3\]\.name" badsw.json &&
	craft badrid.json ".content.fleetcensus.report_id = \"not-a-uuid\"" &&
	refused 400 "report_id" badrid.json
'

test_expect_success 'a schema version it does not know: 400 naming the schema' '
	craft schema.json ".content.fleetcensus.schema = 99" &&
	refused 400 "schema" schema.json
'

test_expect_success 'a gzip bomb (small body, 100 MB of output): 413' '
	head -c 100000000 /dev/zero | gzip -1 >bomb.gz &&
	refused 413 "larger|ratio|limit" bomb.gz -H "Content-Encoding: gzip"
'

test_expect_success 'truncated gzip: 400' '
	gzip -c good.json >full.gz &&
	head -c $(($(wc -c <full.gz) - 12)) full.gz >truncated.gz &&
	refused 400 "gzip|truncated|Content-Encoding" truncated.gz -H "Content-Encoding: gzip"
'

test_expect_success 'gzip sent without Content-Encoding: 400; an unknown encoding: 415' '
	gzip -c good.json >g.gz &&
	refused 400 "gzip" g.gz &&
	refused 415 "br" good.json -H "Content-Encoding: br"
'

test_expect_success 'an oversized body (9 MiB with Content-Length): 413 before it is read' '
	head -c 9437184 /dev/zero | tr "\0" " " >big.json &&
	refused 413 "exceeds the limit" big.json
'

test_expect_success 'an oversized chunked body: 413 once it is over (the rest discarded)' '
	refused 413 "exceeds the limit" big.json -H "Transfer-Encoding: chunked"
'

test_expect_success 'a chunked body that goes on past twice the limit: disconnected' '
	head -c 20000000 /dev/zero | tr "\0" " " >huge.json &&
	! post "$URL" "$TOKEN" huge.json -H "Transfer-Encoding: chunked" 2>/dev/null &&
	grep -q "closing the connection after" srv/log &&
	served_and_unchanged
'

test_expect_success 'deep nesting: 400 naming the depth' '
	awk "BEGIN { for (i = 0; i < 100000; i++) printf \"[\"; for (i = 0; i < 100000; i++) printf \"]\" }" >deep.raw &&
	splice deep.json .content.extra deep.raw &&
	refused 400 "nesting" deep.json &&
	awk "BEGIN { for (i = 0; i < 40; i++) printf \"{\\\"a\\\":\"; printf 1; for (i = 0; i < 40; i++) printf \"}\" }" >deep40.raw &&
	splice deep40.json .content.extra deep40.raw &&
	refused 400 "nesting" deep40.json
'

test_expect_success '1,000,000 software entries (gzip): refused naming content.softwares' '
	awk "BEGIN { printf \"[\"; for (i = 0; i < 1000000; i++) printf \"%s{\\\"name\\\":\\\"p%d\\\",\\\"version\\\":\\\"%d\\\"}\", (i ? \",\" : \"\"), i, i; printf \"]\" }" >sw.raw &&
	splice sw.json .content.softwares sw.raw &&
	test "$(wc -c <sw.json)" -gt 20000000 &&
	gzip -1 sw.json &&
	test "$(wc -c <sw.json.gz)" -lt 8388608 &&
	st=$(post "$URL" "$TOKEN" sw.json.gz -H "Content-Encoding: gzip") &&
	case $st in 400|413) ;; *) echo "status $st"; exit 1 ;; esac &&
	error_says "content.softwares" &&
	served_and_unchanged
'

test_expect_success 'invalid UTF-8 in a string: 400' '
	LC_ALL=C sed "s/\"ws-0042\"/\"ws-$(printf "\377\376")\"/" "$TPL" >utf8.json &&
	grep -q "ws-" utf8.json &&
	refused 400 "UTF-8" utf8.json
'

test_expect_success 'NUL in strings, escaped (\u0000) or raw: 400' '
	craft nul.json ".content.hardware.name = \"ws\u0000evil\"" &&
	grep -qF "\\u0000" nul.json &&
	refused 400 "NUL" nul.json &&
	perl -pe "s/\"ws-0042\"/\"ws-\x00\"/" "$TPL" >rawnul.json &&
	refused 400 "NUL" rawnul.json
'

test_expect_success 'a client that stalls mid-request is dropped after --conn-timeout' '
	test -x "$PY" || skip_test "no python3"
	start=$(date +%s) &&
	$PY -c "import socket, sys
s = socket.create_connection((\"127.0.0.1\", int(sys.argv[1])))
s.sendall(b\"GET /healthz HTTP/1.1\r\nHost: x\r\n\")
s.settimeout(10)
sys.exit(0 if s.recv(1000) == b\"\" else 1)" "$PORT" &&
	test $(($(date +%s) - start)) -le 6 &&
	served_and_unchanged
'

test_expect_success 'the server logged every refusal and is still serving' '
	grep -q "POST /api/v1/inventory 413" srv/log &&
	grep -q "POST /api/v1/inventory 400" srv/log &&
	grep -q "POST /api/v1/inventory 415" srv/log
'

srv_finish srv
test_expect_success 'the server stopped cleanly on SIGTERM: exit 0, nothing logged by a sanitizer' '
	srv_clean srv
'

test_done
