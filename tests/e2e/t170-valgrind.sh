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

test_done
