#!/bin/sh
# Installs the Debian packages fleetcensus needs to build and test, when they
# are missing. As root it runs apt-get; otherwise it names what is missing.
set -u
PKGS="gcc make pkg-config libcurl4-openssl-dev libcjson-dev zlib1g-dev libsqlite3-dev libmicrohttpd-dev sqlite3 curl
libcmocka-dev python3 python3-jsonschema jq dpkg openssl valgrind clang-format time bc
clang-14 libclang-rt-14-dev llvm-14"
missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null)
	[ "$st" = installed ] || missing="$missing $p"
done
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
