#!/bin/sh
# The command line and the configuration file: help, version, exit codes.
. "$(dirname "$0")/lib.sh"
ROOT=$FIXTURES/roots/debian12

test_expect_success '--help lists every option and exits 0' '
	agent --help >help &&
	for o in --config --root --output --server --token --token-file --cacert \
		--timeout --state-dir --splay --verbose --quiet --version --help; do
		grep -q -- "$o" help || { echo "--help lacks $o"; exit 1; }
	done
'

test_expect_success '--version prints the version' '
	agent --version | grep -Eq "^fleetcensus-agent [0-9]+\.[0-9]+\.[0-9]+$"
'

test_expect_success 'usage errors exit 64 with a message' '
	expect_status 64 agent --bogus 2>err && grep -q "unknown option" err &&
	expect_status 64 agent --root 2>err && grep -q "needs a value" err &&
	expect_status 64 agent --state-dir st 2>err && grep -q "nothing to do" err &&
	expect_status 64 agent --output x --timeout 0 2>err && grep -q timeout err &&
	expect_status 64 agent --output x --splay abc 2>err && grep -q splay err &&
	expect_status 64 agent --output x extra 2>err && grep -q "unexpected argument" err
'

test_expect_success 'the configuration file is read; the command line wins' '
	cat >agent.conf <<-EOF &&
	# fleetcensus agent settings
	root = $ROOT
	output = from-config.json
	state-dir = st
	EOF
	agent --config agent.conf &&
	test "$(jqr .content.fleetcensus.os_release.ID from-config.json)" = debian &&
	agent --config agent.conf --output from-cli.json &&
	test -s from-cli.json
'

test_expect_success 'bad configuration exits 78 and names the line' '
	printf "root = /\nsrever = x\n" >bad.conf &&
	expect_status 78 agent --config bad.conf --output x 2>err &&
	grep -q "bad.conf.*line 2: unknown setting .srever." err &&
	expect_status 78 agent --config missing.conf --output x 2>err &&
	grep -q "missing.conf" err
'

test_expect_success 'sending without a token exits 78' '
	expect_status 78 agent --root "$ROOT" --server http://127.0.0.1:9 --state-dir st 2>err &&
	grep -q token err &&
	expect_status 78 agent --root "$ROOT" --server http://127.0.0.1:9 \
		--token-file nonexistent --state-dir st 2>err &&
	grep -q nonexistent err
'

test_expect_success 'an output file that cannot be written: exit 73, nothing half-written' '
	expect_status 73 agent --root "$ROOT" --state-dir st --output /nonexistent/dir/r.json 2>err &&
	grep -q "/nonexistent/dir" err
'

test_expect_success '--quiet prints nothing on success, --verbose says what was done' '
	agent --root "$ROOT" --state-dir st --output r.json --quiet 2>err &&
	test ! -s err &&
	agent --root "$ROOT" --state-dir st --output r.json --verbose 2>err &&
	grep -q "6 packages" err
'

test_done
