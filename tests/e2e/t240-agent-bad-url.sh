#!/bin/sh
# A server URL the agent can never use (a scheme other than http/https, no
# host, a port out of range, spaces or control characters) is a mistake to
# fix, not a network failure to retry: 64 when it came from the command line,
# 78 when it came from the settings file, said at once, before anything is
# collected, locked or spooled. 75 ("kept for the next run") would make the
# shipped systemd unit (SuccessExitStatus=75) and cron treat it as success on
# every machine of a fleet.
. "$(dirname "$0")/lib.sh"
ROOT=$FIXTURES/roots/debian12

# bad_cli URL WANT: --server URL exits 64, the error names WANT, and the state
# directory was not even created (nothing collected, locked or spooled).
bad_cli() {
	rm -rf st &&
	expect_status 64 agent --root "$ROOT" --server "$1" --token t --state-dir st \
		--timeout 5 2>err &&
	grep -q -- "--server" err &&
	grep -q -- "$2" err &&
	test "$(wc -l <err)" = 1 &&
	test ! -e st
}

test_expect_success 'a scheme other than http or https: 64, nothing spooled' '
	bad_cli ftp://host:21 "scheme .ftp. is not http or https" &&
	bad_cli file:///etc/passwd "scheme .file. is not http or https" &&
	bad_cli "ldap://127.0.0.1:9" "scheme .ldap." &&
	bad_cli "http:/127.0.0.1:9" "must start with http:// or https://"
'

test_expect_success 'not a URL at all: 64, nothing spooled' '
	bad_cli not-a-url "must start with http:// or https://" &&
	bad_cli 127.0.0.1:8443 "must start with http:// or https://" &&
	bad_cli "http://" "no host"
'

test_expect_success 'no host, or a port out of range: 64, nothing spooled' '
	bad_cli http://:80 "no host" &&
	bad_cli http://h:99999 "port .99999. is not 1 to 65535" &&
	bad_cli https://h:0 "port .0. is not 1 to 65535" &&
	bad_cli http://h:80x "port .80x. is not 1 to 65535" &&
	bad_cli "http://[::1" "unclosed" &&
	bad_cli "http://user:pw@h:80" "user name"
'

test_expect_success 'spaces, control characters, a query: 64, nothing spooled' '
	bad_cli "http://h ost:80" "space or control character" &&
	bad_cli " http://h:80" "space or control character" &&
	bad_cli "$(printf "http://h:80\033[2J")" "space or control character" &&
	! grep -q "$(printf "\033")" err &&
	bad_cli "http://h:80/?x=1" "query or fragment" &&
	bad_cli "http://h:80/#top" "query or fragment"
'

test_expect_success 'with --relay too: 64, the folder untouched' '
	mkdir -p in && echo "{}" >in/r.json &&
	expect_status 64 agent --relay in --server ftp://h --token t --state-dir st 2>err &&
	grep -q "scheme .ftp." err &&
	test -f in/r.json && test ! -e st
'

test_expect_success 'a bad URL in the settings file: 78, naming the file, nothing spooled' '
	for url in ftp://host:21 not-a-url http://:80 http://h:99999; do
		printf "server = %s\ntoken = t\n" "$url" >bad.conf &&
		chmod 600 bad.conf &&
		rm -rf st &&
		expect_status 78 agent --config bad.conf --root "$ROOT" --state-dir st \
			--timeout 5 2>err &&
		grep -q "bad.conf" err &&
		grep -q "server" err &&
		test ! -e st || exit 1
	done
'

test_expect_success 'the command line wins over a bad URL in the settings file' '
	printf "server = ftp://host:21\ntoken = t\n" >bad.conf &&
	chmod 600 bad.conf &&
	expect_status 75 agent --config bad.conf --root "$ROOT" --state-dir st2 \
		--server http://127.0.0.1:9 --timeout 5 2>err &&
	test -s st2/spool/report.json.gz
'

test_expect_success 'a bad URL in the settings file does not stop --output' '
	printf "server = ftp://host:21\n" >bad.conf &&
	agent --config bad.conf --root "$ROOT" --state-dir st3 --output r.json &&
	test -s r.json
'

test_expect_success 'usable URLs pass the check: case, IPv6, a path, a trailing slash' '
	for url in HTTP://127.0.0.1:9 http://127.0.0.1:9/fleet/ "http://[::1]:9" \
		https://127.0.0.1:9/; do
		rm -rf st4 &&
		expect_status 75 agent --root "$ROOT" --server "$url" --token t --state-dir st4 \
			--timeout 5 2>err &&
		test -s st4/spool/report.json.gz || { cat err; exit 1; }
	done
'

test_done
