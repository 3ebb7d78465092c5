#!/bin/sh
# Tokens stay secret: after a run that uses every token (agent, reader,
# admin, revoked, unknown, malformed) on every route, with the agent sending
# (verbose) and failing (spooled), the token bytes appear nowhere: not in
# the collector's log, any HTTP answer, the metrics, the CLI's listings and
# reports, the agent's output, its spool or state, nor in the database
# files. And the agent refuses a token file that other users can read.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
if [ -n "$skip_all" ]; then
	test_skip "t540-tokens-secret: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/secret.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
mkdir -p out
AGENT_TOK=$(collector org add Geheim --db "$DB")
READER=$(collector token add --org Geheim --role reader --db "$DB")
ADMIN=$(collector token add --role admin --db "$DB")
REVOKED=$(collector token add --org Geheim --role agent --db "$DB")
collector token revoke "$(collector token list --db "$DB" | awk 'END { print $1 }')" --db "$DB"
printf '%s\n' "$AGENT_TOK" "$READER" "$ADMIN" "$REVOKED" >tokens.txt
srv_start srv "$DB" || :

test_expect_success 'the tokens are what the collector made: 32 or more characters' '
	while read -r t; do
		test ${#t} -ge 32 || exit 1
	done <tokens.txt
'

test_expect_success 'the agent sends with a token file (verbose), then fails and spools' '
	umask 077 && echo "$AGENT_TOK" >agent.token &&
	agent --root "$ROOT" --server "$URL" --token-file agent.token --state-dir st \
		--timeout 10 --verbose >out/agent-ok.stdout 2>out/agent-ok.stderr &&
	grep -q "delivered" out/agent-ok.stdout &&
	expect_status 75 agent --root "$ROOT" --server "http://127.0.0.1:9" \
		--token-file agent.token --state-dir st --timeout 5 --verbose \
		>out/agent-fail.stdout 2>out/agent-fail.stderr &&
	gzip -dc st/spool/report.json.gz >out/spool.json &&
	echo "$REVOKED" >revoked.token &&
	expect_status 69 agent --root "$ROOT" --server "$URL" --token-file revoked.token \
		--state-dir st2 --timeout 10 --verbose >out/agent-revoked.stdout \
		2>out/agent-revoked.stderr &&
	grep -q "unknown or revoked token" out/agent-revoked.stderr &&
	{ agent --root "$ROOT" --server "$URL" --token "$AGENT_TOK x" --state-dir st3 \
		--timeout 5 >out/agent-space.stdout 2>out/agent-space.stderr || :; } &&
	cat out/agent-space.stderr &&
	grep -q "token is empty or holds spaces" out/agent-space.stderr
'

test_expect_success 'every token on every route; wrong schemes and junk around tokens' '
	i=0 &&
	for t in "$AGENT_TOK" "$READER" "$ADMIN" "$REVOKED" "unknown-$ADMIN" ""; do
		for p in /api/v1/inventory /api/v1/machines "/api/v1/machines?format=csv" \
			/api/v1/reports/counts /api/v1/reports/tender /metrics /healthz /nope; do
			i=$((i + 1)) &&
			get "$URL" "$t" "$p" >/dev/null && cp answer out/get-$i &&
			craft r.json && post "$URL" "$t" r.json >/dev/null &&
			cp answer out/post-$i && cp headers out/post-$i.h || exit 1
		done
	done &&
	for h in "Basic $ADMIN" "Bearer  $ADMIN" "Bearer $ADMIN extra" "Token $READER" \
		"bearer $READER$READER" "Bearer $(printf "%s\001" "$READER")"; do
		i=$((i + 1)) &&
		curl -sS -o out/hdr-$i -D out/hdr-$i.h -H "Authorization: $h" \
			"$URL/api/v1/machines" || exit 1
	done &&
	test "$(get "$URL" "$ADMIN" /metrics)" = 200 && cp answer out/metrics-admin &&
	grep -q "^fleetcensus_machines{org=\"Geheim\"}" out/metrics-admin
'

test_expect_success 'the CLI: listings and reports' '
	collector org list --db "$DB" >out/org-list &&
	collector token list --db "$DB" >out/token-list &&
	for k in machines counts tender stale; do
		collector report $k --db "$DB" --format json >out/report-$k || exit 1
	done
'

test_expect_success 'no token byte anywhere: log, answers, outputs, spool, state, database' '
	srv_stop srv &&
	cp srv/log out/collector.log &&
	cp -r st out/state &&
	for f in "$DB" "$DB-wal" "$DB-shm"; do
		[ ! -f "$f" ] || cp "$f" out/ || exit 1
	done &&
	ls out | wc -l &&
	! grep -raF -f tokens.txt out/ &&
	grep -q " 401 " out/collector.log &&
	grep -i "authorization" out/agent-ok.stderr | grep -q "redacted"
'

test_expect_success 'the agent refuses a token file others can read or write (78, says why)' '
	umask 022 &&
	echo "$AGENT_TOK" >open.token && chmod 644 open.token &&
	expect_status 78 agent --root "$ROOT" --server "$URL" --token-file open.token \
		--state-dir st5 2>err &&
	cat err &&
	grep -q "accessible by other users (mode 0644)" err &&
	grep -q "chmod 600" err &&
	! grep -qF "$AGENT_TOK" err &&
	chmod 640 open.token &&
	expect_status 78 agent --root "$ROOT" --server "$URL" --token-file open.token \
		--state-dir st5 2>err &&
	chmod 602 open.token &&
	expect_status 78 agent --root "$ROOT" --server "$URL" --token-file open.token \
		--state-dir st5 2>err &&
	! test -e st5/spool/report.json.gz
'

test_expect_success 'a settings file holding the token is checked the same way (server gone)' '
	umask 022 &&
	printf "server = %s\ntoken = %s\n" "$URL" "$AGENT_TOK" >open.conf &&
	expect_status 78 "$AGENT_BIN" --config open.conf --root "$ROOT" --state-dir st7 2>err &&
	grep -q "open.conf.* is accessible by other users (mode 0644)" err &&
	! grep -qF "$AGENT_TOK" err &&
	"$AGENT_BIN" --config open.conf --root "$ROOT" --output out.json &&
	chmod 600 open.conf &&
	expect_status 75 "$AGENT_BIN" --config open.conf --root "$ROOT" --state-dir st7 \
		--timeout 5 2>err &&
	! grep -q "accessible by other users" err
'

test_expect_success 'the agent refuses a token file of another user (root runs the test)' '
	[ "$(id -u)" = 0 ] || skip_test "needs root to chown the file"
	umask 077 &&
	echo "$AGENT_TOK" >theirs.token && chown nobody theirs.token &&
	expect_status 78 agent --root "$ROOT" --server "$URL" --token-file theirs.token \
		--state-dir st6 2>err &&
	grep -q "belongs to another user" err
'

test_expect_success 'no sanitizer report in any server log' '
	! grep -E "Sanitizer|runtime error" ./*/log
'

test_done
