#!/bin/sh
# Every HTTP route, every method, every kind of token: no token, a
# malformed header, organisation A's agent, reader and revoked tokens,
# organisation B's agent and reader tokens, an admin token. Each answer has
# the status docs/protocol.md gives, and no answer to anything but an admin
# token holds a byte of data that is not the asker's: B's organisation
# name, host names, machine ids, hardware UUIDs and public machine ids never
# reach A's tokens (nor A's reach B's), and no data at all reaches a request
# without a valid token.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
if [ -n "$skip_all" ]; then
	test_skip "t530-collector-routes: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/routes.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
A_ORG=Aalten-Orgname-7q3 B_ORG=Bunnik-Orgname-9x4
A_AGENT=$(collector org add "$A_ORG" --db "$DB")
B_AGENT=$(collector org add "$B_ORG" --db "$DB")
A_READER=$(collector token add --org "$A_ORG" --role reader --db "$DB")
B_READER=$(collector token add --org "$B_ORG" --role reader --db "$DB")
ADMIN=$(collector token add --role admin --db "$DB")
REVOKED=$(collector token add --org "$A_ORG" --role reader --db "$DB")
collector token revoke "$(collector token list --db "$DB" | awk 'END { print $1 }')" --db "$DB"
srv_start srv "$DB" || :

# One machine per organisation, with markers that must not cross over.
for x in A B; do
	eval "tok=\$${x}_AGENT"
	craft $x.json ".content.hardware.name = \"host-secret-$x-5k2\" |
		.content.operatingsystem.fqdn = \"host-secret-$x-5k2.example\" |
		.content.hardware.uuid = \"$(uuid)\" |
		.content.fleetcensus.machine_id = \"$(uuid | tr -d - | cut -c1-32)\" |
		.content.fleetcensus.agent_id = \"$(uuid)\""
	test "$(post "$URL" "$tok" $x.json)" = 200 || echo "setup: cannot store $x" >&2
	jq -r .machine answer >$x.public
done

# markers X: the strings that belong to organisation X alone.
markers() {
	echo "$(eval echo "\$${1}_ORG")"
	echo "host-secret-$1-5k2"
	jq -r '.content.hardware.uuid, .content.fleetcensus.machine_id,
		.content.fleetcensus.agent_id' "$1.json"
	cat "$1.public"
}

PATHS="/api/v1/inventory /api/v1/machines /api/v1/machines?format=csv
/api/v1/reports/machines /api/v1/reports/counts /api/v1/reports/tender
/api/v1/reports/software?name=* /api/v1/reports/trend?product=Debian%2012
/api/v1/reports/stale /api/v1/reports/nonsense /healthz /metrics /api/v1/nothing /
/api/v1/inventory/extra /API/V1/MACHINES"

# walk NAME TOKEN: every path with GET, POST (A's report), PUT and DELETE;
# one line "METHOD PATH STATUS" per request in walk-NAME.txt, the answers
# in ans-NAME/.
walk() {
	w_name=$1 w_tok=$2
	mkdir -p "ans-$w_name"
	: >"walk-$w_name.txt"
	w_i=0
	for p in $PATHS; do
		for m in GET POST PUT DELETE HEAD; do
			w_i=$((w_i + 1))
			if [ $m = HEAD ]; then set -- --head; else set -- -X $m; fi
			[ -z "$w_tok" ] || set -- "$@" -H "Authorization: Bearer $w_tok"
			[ $m != POST ] || set -- "$@" --data-binary @A.json
			st=$(curl -sS --max-time 30 -o "ans-$w_name/$w_i" -D "ans-$w_name/$w_i.h" \
				-w "%{http_code}" "$@" "$URL$p" 2>"ans-$w_name/$w_i.err") || st=ERR
			echo "$m $p $st" >>"walk-$w_name.txt"
		done
	done
}

# leaks NAME ORG...: fails when an answer of walk NAME holds a marker of
# one of the organisations ORG.
leaks() {
	l_name=$1
	shift
	for o in "$@"; do markers "$o"; done | sort -u >"markers-$l_name"
	! grep -rFl -f "markers-$l_name" "ans-$l_name" >&2
}

# status NAME METHOD PATH: the status walk NAME recorded.
status() {
	awk -v m="$2" -v p="$3" '$1 == m && $2 == p { print $3 }' "walk-$1.txt"
}

# Statuses that do not depend on the token: unknown paths, wrong methods.
common_statuses() {
	for p in /api/v1/nothing / /api/v1/inventory/extra /API/V1/MACHINES; do
		for m in GET POST PUT DELETE; do
			test "$(status "$1" $m $p)" = 404 || { echo "$m $p: $(status "$1" $m $p)"; return 1; }
		done
	done
	for m in GET PUT DELETE HEAD; do
		test "$(status "$1" $m /api/v1/inventory)" = 405 || { echo "$m inventory"; return 1; }
	done
	for p in /api/v1/machines /api/v1/reports/counts /healthz /metrics; do
		for m in POST PUT DELETE; do
			test "$(status "$1" $m $p)" = 405 || { echo "$m $p: $(status "$1" $m $p)"; return 1; }
		done
	done
	grep -l "^Allow: " "ans-$1"/*.h >/dev/null
}

test_expect_success 'no token: 401 on every route that needs one, no data at all' '
	walk none "" &&
	common_statuses none &&
	test "$(status none POST /api/v1/inventory)" = 401 &&
	for p in /api/v1/machines /api/v1/reports/counts /api/v1/reports/tender \
		/api/v1/reports/stale; do
		test "$(status none GET $p)" = 401 || exit 1
	done &&
	test "$(status none GET /healthz)" = 200 &&
	test "$(status none GET /metrics)" = 200 &&
	! grep -q "^fleetcensus_machines" "ans-none/$(grep -n "^GET /metrics " walk-none.txt |
		cut -d: -f1)" &&
	leaks none A B
'

test_expect_success 'a malformed or revoked token: 401, no data' '
	walk revoked "$REVOKED" &&
	test "$(status revoked GET /api/v1/machines)" = 401 &&
	test "$(status revoked GET /api/v1/reports/counts)" = 401 &&
	leaks revoked A B &&
	walk junk "x y" &&
	test "$(status junk GET /api/v1/machines)" = 401 &&
	leaks junk A B
'

test_expect_success "A's agent token: may post (200), reads nothing (403); no B data" '
	walk aagent "$A_AGENT" &&
	common_statuses aagent &&
	test "$(status aagent POST /api/v1/inventory)" = 200 &&
	test "$(status aagent GET /api/v1/machines)" = 403 &&
	test "$(status aagent GET /api/v1/reports/counts)" = 403 &&
	leaks aagent B
'

test_expect_success "A's reader: reads A (200), cannot post (403); no B data" '
	walk areader "$A_READER" &&
	common_statuses areader &&
	test "$(status areader POST /api/v1/inventory)" = 403 &&
	test "$(status areader GET /api/v1/machines)" = 200 &&
	test "$(status areader GET /api/v1/reports/machines)" = 200 &&
	case $(status areader GET /api/v1/reports/nonsense) in 400 | 404) ;; *) exit 1 ;; esac &&
	grep -rqF host-secret-A-5k2 ans-areader &&
	leaks areader B
'

test_expect_success "B's reader and agent see nothing of A" '
	walk breader "$B_READER" &&
	grep -rqF host-secret-B-5k2 ans-breader &&
	leaks breader A &&
	walk bagent "$B_AGENT" &&
	leaks bagent A
'

test_expect_success "A's reader asking for B by name: 403 (machines) or A's data only (reports)" '
	test "$(get "$URL" "$A_READER" "/api/v1/machines?org=$B_ORG")" = 403 &&
	! grep -F -f "markers-breader" answer &&
	for k in machines counts tender stale; do
		st=$(get "$URL" "$A_READER" "/api/v1/reports/$k?org=$B_ORG") &&
		case $st in 200 | 403 | 404) ;; *) exit 1 ;; esac &&
		{ markers B | grep -F -f - answer && exit 1 || :; }
	done
'

test_expect_success 'admin: reads both organisations, cannot post (403)' '
	walk admin "$ADMIN" &&
	common_statuses admin &&
	test "$(status admin POST /api/v1/inventory)" = 403 &&
	test "$(status admin GET /api/v1/machines)" = 200 &&
	grep -rqF host-secret-A-5k2 ans-admin && grep -rqF host-secret-B-5k2 ans-admin &&
	grep -rqF "fleetcensus_machines{org=\"$B_ORG\"} " ans-admin
'

test_expect_success 'no sanitizer report in any server log' '
	! grep -E "Sanitizer|runtime error" ./*/log
'

test_done
