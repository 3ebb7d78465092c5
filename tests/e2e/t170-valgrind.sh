#!/bin/sh
# The agent under valgrind over every kind of input it parses: no memory
# errors, no leaks (definite or indirect), in the plain build. The ASan build
# checks the same by itself, so this file skips there.
. "$(dirname "$0")/lib.sh"
X=.content.fleetcensus

if ! command -v valgrind >/dev/null; then
	test_skip "valgrind is not installed"
	test_done
	exit
fi
case $FC_BUILD in *asan*)
	test_skip "ASan build: valgrind cannot run it"
	test_done
	exit ;;
esac

vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect \
		"$AGENT_BIN" --config /dev/null --state-dir st "$@"
}

test_expect_success 'valgrind: dpkg root with hardware facts' '
	vg --root "$FIXTURES/roots/debian12" --output r.json &&
	test "$(jqr $X.sections.software r.json)" = ok
'

test_expect_success 'valgrind: legacy release files' '
	vg --root "$FIXTURES/roots/centos6-legacy" --output r.json
'

test_expect_success 'valgrind: bad input (garbage database, huge os-release, loop)' '
	mkdir -p b/etc b/var/lib/dpkg b/var/lib/rpm &&
	head -c 20000 /dev/urandom >b/var/lib/dpkg/status &&
	head -c 20000 /dev/urandom >b/var/lib/rpm/Packages &&
	truncate -s 1M b/etc/os-release &&
	vg --root b --output r.json &&
	test "$(jqr $X.sections.software r.json)" = failed
'

for case_dir in "$SHARED"/corpus/packages/*/*/; do
	[ -d "$case_dir/root" ] || continue
	name=${case_dir%/}
	name=${name#"$SHARED"/corpus/packages/}
	case $name in dpkg/local-*) continue ;; esac # the same parser as the others, but 1,000 packages
	test_expect_success "valgrind: corpus $name" '
		vg --root "$case_dir/root" --output r.json &&
		test "$(jqr $X.sections.software r.json)" = ok
	'
done

test_expect_success 'valgrind: sending to a closed port (curl, gzip, spool)' '
	expect_status 75 vg --root "$FIXTURES/roots/debian12" --server http://127.0.0.1:9 --token t --timeout 5
'

test_expect_success 'valgrind: the collector serves a report, a listing, an import, then stops' '
	C=$BUILD_DIR/fleetcensus-collector
	token=$("$C" org add Valgrind --db v.db)
	reader=$("$C" token add --org Valgrind --role reader --db v.db)
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		"$C" serve --db v.db --listen 127.0.0.1:0 --port-file port --threads 2 2>vg.log &
	vpid=$!
	i=0
	while [ ! -s port ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	url=http://127.0.0.1:$(cat port)
	vg --root "$FIXTURES/roots/debian12" --server "$url" --token "$token"
	curl -sf -H "Authorization: Bearer $reader" "$url/api/v1/machines?format=csv" >m.csv
	test "$(wc -l <m.csv)" = 2
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $token" \
		--data-binary "{bad" "$url/api/v1/inventory")" = 400
	kill -TERM $vpid
	st=0
	wait $vpid || st=$?
	test "$st" = 0 || { cat vg.log; exit 1; }
	vg --root "$FIXTURES/roots/debian12" --output r.json
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		"$C" import --org Valgrind --db v.db r.json
'

test_done
