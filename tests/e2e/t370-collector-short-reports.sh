#!/bin/sh
# Short reports for unchanged software lists (docs/protocol.md "Unchanged
# software lists") over HTTP: the digest the collector keeps is the one
# computed in received order (checked here with jq and sha256sum), a short
# report is stored when it matches the machine's current list and answered
# 409 {"resend":"full"} with nothing stored otherwise; import refuses short
# reports.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs sha256sum)
if [ -n "$skip_all" ]; then
	test_skip "t370-collector-short-reports: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/short.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
TOKEN=$(collector org add "Gemeente Utrecht" --db "$DB")
srv_start srv "$DB" || :

# digest FILE: the software list digest of a full report, in received order.
digest() {
	jq -j '"fleetcensus software list 1\n", (.content.softwares[] |
		(.name // ""), "\u0000", (.version // ""), "\u0000", (.arch // ""), "\u0000",
		(.publisher // ""), "\u0000", (.from // ""), "\u0000")' "$1" |
		sha256sum | cut -d' ' -f1
}

# short IN OUT [DIGEST]: the short report of full report IN (new report_id),
# claiming DIGEST (default: IN's own).
short() {
	s_d=${3:-$(digest "$1")}
	jq -c --arg rid "$(uuid)" --arg d "$s_d" '.content.fleetcensus.report_id = $rid |
		.content.fleetcensus.software_count = (.content.softwares | length) |
		del(.content.softwares) | .content.fleetcensus.software_unchanged = true |
		.content.fleetcensus.software_digest = $d' "$1" >"$2"
}

stored_digest() {
	sql "$DB" "SELECT lower(hex(software_digest)) FROM machines WHERE hw_uuid = '$1'"
}

reports() {
	sql "$DB" "SELECT count(*) FROM reports"
}

HW=4c4c4544-0000-4000-8000-000000000370

test_expect_success 'a full report: the stored digest is the one of the list in received order' '
	craft full.json ".content.hardware.uuid = \"$HW\"" &&
	test "$(post "$URL" "$TOKEN" full.json)" = 200 &&
	test "$(stored_digest $HW)" = "$(digest full.json)"
'

test_expect_success 'a short report with that digest is stored like a full report' '
	short full.json s1.json &&
	test "$(jq ".content | has(\"softwares\")" s1.json)" = false &&
	before=$(reports) &&
	m1=$(sql "$DB" "SELECT public_id FROM machines WHERE hw_uuid = \"$HW\"") &&
	test "$(post "$URL" "$TOKEN" s1.json --compressed)" = 200 &&
	test "$(jq -r .machine answer)" = "$m1" &&
	test "$(reports)" = $((before + 1)) &&
	test "$(sql "$DB" "SELECT report_id FROM machines WHERE hw_uuid = \"$HW\"")" = \
		"$(jq -r .content.fleetcensus.report_id s1.json)" &&
	test "$(stored_digest $HW)" = "$(digest full.json)" &&
	n=$(jq ".content.softwares | length" full.json) &&
	machines "$URL" "$(collector token add --role admin --db "$DB")" >l.json &&
	test "$(jq ".[] | select(.machine == \"$m1\") | .software_count" l.json)" = "$n"
'

test_expect_success 'a short report of another list: 409 resend full, nothing stored' '
	before=$(reports) && dbd=$(db_digest "$DB") &&
	short full.json s2.json 0000000000000000000000000000000000000000000000000000000000000000 &&
	test "$(post "$URL" "$TOKEN" s2.json)" = 409 &&
	jq -e ".status == \"error\" and .resend == \"full\"" answer >/dev/null &&
	error_says "software list 0{64} is not the one stored for this machine: send the full report" &&
	test "$(reports)" = "$before" && test "$(db_digest "$DB")" = "$dbd"
'

test_expect_success 'the same entries in another order are another list (409)' '
	jq -c ".content.softwares |= reverse" full.json >rev.json &&
	test "$(digest rev.json)" != "$(digest full.json)" &&
	short rev.json s3.json &&
	test "$(post "$URL" "$TOKEN" s3.json)" = 409
'

test_expect_success 'a short report of an unknown machine: 409' '
	craft new.json ".content.hardware.uuid = \"4c4c4544-0000-4000-8000-000000000371\"" &&
	short new.json s4.json && before=$(reports) &&
	test "$(post "$URL" "$TOKEN" s4.json)" = 409 &&
	test "$(reports)" = "$before" &&
	test "$(sql "$DB" "SELECT count(*) FROM machines WHERE hw_uuid LIKE \"%0371\"")" = 0
'

test_expect_success 'after a 409 the full report converges; then the new digest is accepted' '
	craft changed.json ".content.hardware.uuid = \"$HW\" |
		.content.softwares += [{\"name\":\"vim\",\"version\":\"2:9.0\",\"from\":\"deb\"}] |
		.content.fleetcensus.collected_at = \"$(later 100)\"" &&
	short changed.json s5.json && test "$(post "$URL" "$TOKEN" s5.json)" = 409 &&
	test "$(post "$URL" "$TOKEN" changed.json)" = 200 &&
	test "$(stored_digest $HW)" = "$(digest changed.json)" &&
	short changed.json s6.json && test "$(post "$URL" "$TOKEN" s6.json)" = 200 &&
	short full.json s7.json && test "$(post "$URL" "$TOKEN" s7.json)" = 409
'

test_expect_success 'a repeated short report (same report_id) is answered 200 once stored' '
	test "$(post "$URL" "$TOKEN" s6.json)" = 200 &&
	test "$(sql "$DB" "SELECT count(*) FROM reports WHERE report_id = \
		\"$(jq -r .content.fleetcensus.report_id s6.json)\"")" = 1
'

test_expect_success 'malformed short reports are refused with 400 naming the field' '
	jq -c ".content.softwares = []" s6.json >bad1.json &&
	test "$(post "$URL" "$TOKEN" bad1.json)" = 400 &&
	error_says "content.softwares: present in a short report" &&
	jq -c "del(.content.fleetcensus.software_digest)" s6.json >bad2.json &&
	test "$(post "$URL" "$TOKEN" bad2.json)" = 400 &&
	error_says "content.fleetcensus.software_digest: missing" &&
	jq -c ".content.fleetcensus.software_digest = \"ABC\"" s6.json >bad3.json &&
	test "$(post "$URL" "$TOKEN" bad3.json)" = 400 &&
	error_says "software_digest: not 64 lower-case hex digits"
'

test_expect_success 'import refuses a short report in a file, clearly' '
	expect_status 65 collector import --org "Gemeente Utrecht" --db "$DB" s6.json \
		2>err.txt &&
	grep -q "a short report (content.fleetcensus.software_unchanged is true) has no software list" err.txt
'

test_expect_success 'the database is consistent' '
	test "$(sql "$DB" "PRAGMA integrity_check")" = ok
'

srv_finish srv
test_expect_success 'the server stopped cleanly' 'srv_clean srv'
test_done
