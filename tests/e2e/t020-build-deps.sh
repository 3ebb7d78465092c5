#!/bin/sh
# A build on a machine without a library it needs stops before compiling and
# names the Debian packages and `make deps` (the Makefile's pkgcheck), not a
# missing header. make runs on this tree into a scratch build directory with
# a pkg-config that hides some packages; nothing is uninstalled.
. "$(dirname "$0")/lib.sh"
REAL_PKG_CONFIG=$(command -v pkg-config || true)

# fake_pkg_config NAME...: $TEST_DIR/pkg-config, the real pkg-config except
# that it fails, as for a package not installed, when asked about a NAME.
fake_pkg_config() {
	{
		echo '#!/bin/sh'
		echo 'for a; do case $a in'
		for n; do
			echo "$n) echo \"Package $n was not found in the pkg-config search path.\" >&2; exit 1 ;;"
		done
		echo 'esac; done'
		echo "exec $REAL_PKG_CONFIG \"\$@\""
	} >"$TEST_DIR/pkg-config"
	chmod +x "$TEST_DIR/pkg-config"
}

# build PKG_CONFIG [TARGET...]: make in the source tree, objects in ./build;
# the make check around this test does not leak in (MAKEFLAGS).
build() {
	pc=$1
	shift
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$TOP" \
		PKG_CONFIG="$pc" BUILD="$TEST_DIR/build" "$@"
}

no_objects() {
	test -z "$(find "$TEST_DIR/build" -name '*.o' 2>/dev/null)"
}

# On a failed check: what make printed.
shown() {
	cat out err
	false
}

test_expect_success 'missing libraries stop a plain make, naming their Debian packages' '
	[ -n "$REAL_PKG_CONFIG" ] || skip_test "no pkg-config"
	fake_pkg_config libcjson sqlite3 &&
	expect_status 2 build "$TEST_DIR/pkg-config" >out 2>err &&
	grep -qx "fleetcensus: cannot build: $TEST_DIR/pkg-config finds no libcjson sqlite3" err &&
	grep -q "install the Debian packages libcjson-dev libsqlite3-dev;" err &&
	grep -q "'"'make deps'"' run as root installs every build dependency" err &&
	grep -q "'"'make demo'"' and '"'make check'"' run as root" err &&
	! grep -q "No such file" err &&
	no_objects || shown
'

test_expect_success 'without pkg-config a plain make says so' '
	expect_status 2 build "$TEST_DIR/no-pkg-config" >out 2>err &&
	grep -qx "fleetcensus: cannot build: no $TEST_DIR/no-pkg-config" err &&
	grep -q "install the Debian packages pkg-config;" err &&
	no_objects || shown
'

test_expect_success 'without cmocka the unit tests stop, the programs build' '
	[ -n "$REAL_PKG_CONFIG" ] || skip_test "no pkg-config"
	fake_pkg_config cmocka &&
	expect_status 2 build "$TEST_DIR/pkg-config" "$TEST_DIR/build/obj/tests/unit/test_common.o" \
		>out 2>err &&
	grep -qx "fleetcensus: cannot build: $TEST_DIR/pkg-config finds no cmocka" err &&
	grep -q "install the Debian packages libcmocka-dev;" err &&
	no_objects &&
	build "$TEST_DIR/pkg-config" "$TEST_DIR/build/obj/common/buf.o" >out 2>err &&
	test -s "$TEST_DIR/build/obj/common/buf.o" || shown
'

test_done
