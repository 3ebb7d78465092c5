#!/bin/sh
# Installs the Debian packages fleetcensus needs to build and test, when they
# are missing. As root it runs apt-get; otherwise it names what is missing.
set -u
PKGS="gcc make pkg-config libcurl4-openssl-dev libcjson-dev zlib1g-dev libsqlite3-dev libmicrohttpd-dev libxml2-dev sqlite3 curl
libxlsxwriter-dev python3-openpyxl chromium chromium-driver python3-selenium
libcmocka-dev python3 python3-jsonschema jq dpkg openssl valgrind clang-format time bc man-db
musl-tools mingw-w64 dpkg-dev xz-utils bzip2 tcl debian-archive-keyring file strace
wine wine64
clang-14 libclang-rt-14-dev llvm-14
ocsinventory-agent fusioninventory-agent
libldap-dev samba-ad-dc samba-ad-provision ldb-tools ldap-utils iproute2"
# The last three lines: static and cross agents (packaging/build-deps.sh builds their
# libraries from Debian sources: dpkg-dev unpacks them, tcl makes SQLite's
# amalgamation) and their test (file, strace, chroot from coreutils);
# wine runs the Windows agent in the tests; clang-14 builds the fuzz targets.
# ocsinventory-agent, fusioninventory-agent: t460/t465 run these peer agents
# against a collector (tests only).
# libldap-dev: import --source ldap (a build dependency); samba-ad-dc, samba-ad-provision,
# ldb-tools, iproute2: t455 provisions and runs a throwaway Samba AD DC
# (tests only; ldap-utils to look at it by hand).
# chromium, chromium-driver, python3-selenium: t480 drives the console in a
# headless browser (it skips without them).
# man-db: t700-install renders the installed man pages (systemd, for its
# systemd-analyze verify, is not pulled in: too large; that check skips).
missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null)
	[ "$st" = installed ] || missing="$missing $p"
done

# wine32 (the wine tests of the 32-bit Windows agent) needs i386 multiarch,
# whose index can be out of sync with amd64, and the x86 cases have never run
# on this project's build machine (its i386 index was out of sync): so it is
# tried only when asked (FC_WINE32=1 make check), once per machine, never
# fatal; when it fails the architecture is removed again and those tests skip.
wine32() {
	[ "$(id -u)" = 0 ] && [ "$(dpkg --print-architecture)" = amd64 ] || return 0
	[ "$(dpkg-query -W -f '${db:Status-Status}' wine32:i386 2>/dev/null)" != installed ] ||
		return 0
	stamp=/var/cache/fleetcensus-wine32-tried
	[ ! -e "$stamp" ] || return 0
	mkdir -p "${stamp%/*}" && : >"$stamp"
	had_i386=$(dpkg --print-foreign-architectures | grep -x i386)
	echo "fleetcensus: trying wine32:i386 (optional, for the 32-bit wine tests)" >&2
	if dpkg --add-architecture i386 && apt-get update -qq >/dev/null 2>&1 &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			wine32:i386 >/dev/null 2>&1; then
		return 0
	fi
	echo "fleetcensus: wine32:i386 cannot be installed here; its tests will skip" >&2
	if [ -z "$had_i386" ] && ! dpkg --get-selections | grep -q ':i386'; then
		dpkg --remove-architecture i386 && apt-get update -qq >/dev/null 2>&1
	fi
	return 0
}
[ "${FC_WINE32:-0}" != 1 ] || wine32
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "fleetcensus: missing build dependencies:$missing" >&2
	echo "fleetcensus: run 'sudo apt-get install$missing' or 'sudo make deps'" >&2
	exit 1
fi
echo "fleetcensus: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
{ echo "fleetcensus: apt-get install$missing failed" >&2; exit 1; }
