#!/bin/sh
# Machine identity over HTTP (docs/identity.md), one organisation per rule:
# reports are the agent's own --output with their keys edited by jq, posted
# with curl; and import stores a file exactly as posting it does.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
if [ -n "$skip_all" ]; then
	test_skip "t320-collector-identity: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/identity.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
collector token add --role admin --db "$DB" >admin.token
ADMIN=$(cat admin.token)
srv_start srv "$DB" || :

# rep OUT HW_UUID MACHINE_ID AGENT_ID HOSTNAME SECONDS: a report with these
# keys ("" leaves the key out), collected SECONDS after the template.
rep() {
	craft "$1" "
	  (if \"$2\" == \"\" then del(.content.hardware.uuid)
	   else .content.hardware.uuid = \"$2\" end) |
	  (if \"$3\" == \"\" then del(.content.fleetcensus.machine_id)
	   else .content.fleetcensus.machine_id = \"$3\" end) |
	  .content.fleetcensus.agent_id = \"$4\" |
	  .content.hardware.name = \"$5\" | .content.operatingsystem.fqdn = \"$5.example\" |
	  .content.fleetcensus.collected_at = \"$(later "$6")\""
}

# post_ok TOKEN FILE: posts FILE, expects 200, prints the machine's id.
post_ok() {
	po_st=$(post "$URL" "$1" "$2")
	[ "$po_st" = 200 ] || { echo "POST $2: $po_st $(cat answer)" >&2; return 1; }
	jq -e '.status == "ok" and .next_report_seconds > 0' answer >/dev/null
	jq -r .machine answer
}

# The machines of ORG (admin token), as JSON.
list() {
	machines "$URL" "$ADMIN" "org=$1"
}

mid() {
	uuid | tr -d -
}

test_expect_success 'a renamed machine stays one machine (the new name wins)' '
	t=$(collector org add rename --db "$DB") &&
	hw=$(uuid) m=$(mid) a=$(uuid) &&
	rep r1.json "$hw" "$m" "$a" pc-old 0 &&
	rep r2.json "$hw" "$m" "$a" pc-new 60 &&
	id1=$(post_ok "$t" r1.json) && id2=$(post_ok "$t" r2.json) &&
	test "$id1" = "$id2" &&
	list rename >l.json &&
	test "$(jq length l.json)" = 1 &&
	test "$(jq -r ".[0].hostname" l.json)" = pc-new
'

test_expect_success 'the same hardware UUID with a new machine id (OS reinstalled) is one machine' '
	t=$(collector org add reinstall --db "$DB") &&
	hw=$(uuid) m1=$(mid) m2=$(mid) &&
	rep r1.json "$hw" "$m1" "$(uuid)" pc 0 &&
	rep r2.json "$hw" "$m2" "$(uuid)" pc 60 &&
	id1=$(post_ok "$t" r1.json) && id2=$(post_ok "$t" r2.json) &&
	test "$id1" = "$id2" &&
	list reinstall >l.json &&
	test "$(jq length l.json)" = 1 &&
	test "$(jq -r ".[0].machine_id" l.json)" = "$m2"
'

test_expect_success 'clones: one machine id, different hardware UUIDs are separate machines' '
	t=$(collector org add clones --db "$DB") &&
	m=$(mid) &&
	rep r1.json "$(uuid)" "$m" "$(uuid)" clone 0 &&
	rep r2.json "$(uuid)" "$m" "$(uuid)" clone 0 &&
	rep r3.json "$(uuid)" "$m" "$(uuid)" clone 0 &&
	id1=$(post_ok "$t" r1.json) && id2=$(post_ok "$t" r2.json) &&
	id3=$(post_ok "$t" r3.json) &&
	test "$id1" != "$id2" && test "$id2" != "$id3" && test "$id1" != "$id3" &&
	test "$(list clones | jq length)" = 3
'

test_expect_success 'placeholder hardware UUIDs are ignored for identity' '
	t=$(collector org add placeholders --db "$DB") &&
	a=$(uuid) m=$(mid) &&
	rep p0.json 00000000-0000-0000-0000-000000000000 "$m" "$a" pc 0 &&
	id0=$(post_ok "$t" p0.json) &&
	for ph in 00000000-0000-0000-0000-000000000000 FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF \
		ffffffff-ffff-ffff-ffff-ffffffffffff 03000200-0400-0500-0006-000700080009; do
		rep p.json "$ph" "$(mid)" "$(uuid)" other 0 &&
		post_ok "$t" p.json >/dev/null || exit 1
	done &&
	test "$(list placeholders | jq length)" = 5 &&
	rep p1.json 03000200-0400-0500-0006-000700080009 "$m" "$a" pc 60 &&
	test "$(post_ok "$t" p1.json)" = "$id0" &&
	list placeholders >l.json &&
	test "$(jq length l.json)" = 5 &&
	test "$(jq "[.[] | select(.hw_uuid != \"\")] | length" l.json)" = 0
'

test_expect_success 'the same ids in two organisations are two machines' '
	t1=$(collector org add twins-a --db "$DB") &&
	t2=$(collector org add twins-b --db "$DB") &&
	rep r.json "$(uuid)" "$(mid)" "$(uuid)" twin 0 &&
	id1=$(post_ok "$t1" r.json) && id2=$(post_ok "$t2" r.json) &&
	test "$id1" != "$id2" &&
	test "$(list twins-a | jq -r ".[].machine")" = "$id1" &&
	test "$(list twins-b | jq -r ".[].machine")" = "$id2"
'

test_expect_success 'neither hardware UUID nor machine id: the agent id identifies the machine' '
	t=$(collector org add agentid --db "$DB") &&
	a1=$(uuid) a2=$(uuid) &&
	rep r1.json "" "" "$a1" pc-1 0 &&
	rep r2.json "" "" "$a1" pc-1-renamed 60 &&
	rep r3.json "" "" "$a2" pc-2 0 &&
	id1=$(post_ok "$t" r1.json) && id2=$(post_ok "$t" r2.json) &&
	id3=$(post_ok "$t" r3.json) &&
	test "$id1" = "$id2" && test "$id1" != "$id3" &&
	list agentid >l.json &&
	test "$(jq length l.json)" = 2 &&
	test "$(jq -r "[.[] | select(.agent_id == \"$a1\")][0].hostname" l.json)" = pc-1-renamed
'

test_expect_success 'a report re-sent with the same report_id is stored once' '
	t=$(collector org add idempotent --db "$DB") &&
	rep r.json "$(uuid)" "$(mid)" "$(uuid)" pc 0 &&
	rid=$(jq -r .content.fleetcensus.report_id r.json) &&
	id1=$(post_ok "$t" r.json) && id2=$(post_ok "$t" r.json) && id3=$(post_ok "$t" r.json) &&
	test "$id1" = "$id2" && test "$id2" = "$id3" &&
	test "$(sql "$DB" "SELECT count(*) FROM reports WHERE report_id = '\''$rid'\''")" = 1 &&
	test "$(list idempotent | jq length)" = 1 &&
	get "$URL" "" /metrics >/dev/null &&
	grep -Eq "^fleetcensus_reports_duplicate_total [1-9]" answer
'

test_expect_success 'an older report arriving later is recorded but changes no facts' '
	t=$(collector org add stale --db "$DB") &&
	hw=$(uuid) m=$(mid) a=$(uuid) &&
	rep new.json "$hw" "$m" "$a" pc-newer 60 &&
	rep old.json "$hw" "$m" "$a" pc-older 0 &&
	id1=$(post_ok "$t" new.json) && id2=$(post_ok "$t" old.json) &&
	test "$id1" = "$id2" &&
	list stale >l.json &&
	test "$(jq -r ".[0].hostname" l.json)" = pc-newer &&
	test "$(jq -r ".[0].collected_at" l.json)" = "$(later 60)"
'

test_expect_success 'import gives the same stored machine as POST (plain and gzip)' '
	tp=$(collector org add via-post --db "$DB") &&
	collector org add via-import --db "$DB" >/dev/null &&
	tg=$(collector org add via-post-gz --db "$DB") &&
	collector org add via-import-gz --db "$DB" >/dev/null &&
	rep r.json "$(uuid)" "$(mid)" "$(uuid)" imported 0 &&
	gzip -c r.json >r.json.gz &&
	post_ok "$tp" r.json >/dev/null &&
	test "$(post "$URL" "$tg" r.json.gz -H "Content-Encoding: gzip")" = 200 &&
	collector import --db "$DB" --org via-import r.json >out &&
	collector import --db "$DB" --org via-import-gz r.json.gz >>out &&
	test "$(grep -c "(new)$" out)" = 2 &&
	for o in via-post via-import via-post-gz via-import-gz; do
		list $o | jq -S "map(del(.org, .machine, .last_seen))" >$o.json || exit 1
	done &&
	test "$(jq length via-post.json)" = 1 &&
	diff -u via-post.json via-import.json &&
	diff -u via-post.json via-post-gz.json &&
	diff -u via-post.json via-import-gz.json
'

srv_finish srv
test_expect_success 'the server stopped cleanly on SIGTERM: exit 0, nothing logged by a sanitizer' '
	srv_clean srv
'

test_done
