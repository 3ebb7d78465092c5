#!/bin/sh
# Builds the static third-party libraries of the cross and static agents from
# Debian bookworm source packages:
#
#   packaging/build-deps.sh TARGET...
#
# TARGET is x86_64-w64-mingw32, i686-w64-mingw32 (Windows XP and later) or
# x86_64-linux-musl (the fully static Linux agent). For each target it
# installs into ${FC_DEPS_DIR:-packaging/deps}/TARGET/{include,lib}:
#   libcurl (HTTP and HTTPS only, proxies kept), mbedTLS (curl's TLS),
#   zlib, cJSON, and for x86_64-linux-musl also SQLite,
# and writes TARGET/libs.mk (DEPS_CC, DEPS_CFLAGS, DEPS_LIBS for make),
# TARGET/stamp (pinned versions and build flags) and TARGET/READY.
# A run whose stamp matches the existing one reuses the cache and does nothing.
#
# Sources come only from `apt-get source` (checked against the signed Debian
# archive indexes) at the exact versions pinned below; they are unpacked once
# into FC_DEPS_DIR/src. Builds run in FC_DEPS_DIR/build/TARGET, logging to
# FC_DEPS_DIR/build/TARGET/*.log.
set -eu

# Pinned Debian bookworm source versions (apt-cache showsrc PKG). Change a pin
# only after reviewing the new version's changes; the cache rebuilds itself.
PIN_CURL=7.88.1-10+deb12u15
PIN_MBEDTLS=2.28.3-1
PIN_CJSON=1.7.15-1+deb12u4
PIN_ZLIB=1:1.2.13.dfsg-1
PIN_SQLITE=3.40.1-2+deb12u2

# Upstream directory names inside the source packages.
DIR_CURL=curl-7.88.1
DIR_MBEDTLS=mbedtls-2.28.3
DIR_CJSON=cjson-1.7.15
DIR_ZLIB=zlib-1.2.13.dfsg
DIR_SQLITE=sqlite3-3.40.1

# Windows: Windows XP (0x0501) is the oldest target, for both x86 and x64.
WIN_CPPFLAGS="-D_WIN32_WINNT=0x0501 -DWINVER=0x0501"
# libcurl: HTTP and HTTPS only.
CURL_OPTS="--disable-shared --enable-static --disable-ftp --disable-file --disable-ldap --disable-ldaps
--disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap
--disable-smtp --disable-gopher --disable-mqtt --disable-smb --disable-ntlm-wb --disable-cookies
--disable-manual --disable-docs --without-libssh2 --without-libssh --without-wolfssh --without-nghttp2
--without-nghttp3 --without-ngtcp2 --without-quiche --without-msh3 --without-libidn2 --without-winidn
--without-libpsl --without-brotli --without-zstd --without-librtmp --without-libgsasl --without-hyper
--without-ca-bundle --without-ca-path --disable-sspi --without-schannel --without-openssl
--without-gnutls --without-wolfssl --without-bearssl --without-rustls --without-nss"

die() {
	echo "build-deps: $*" >&2
	exit 1
}

# fail LOG MESSAGE: print the end of a build log, then stop.
fail() {
	echo "build-deps: $2 failed; last lines of $1:" >&2
	tail -n 40 "$1" >&2
	exit 1
}

# run LOG CMD...: run a build step with its output appended to LOG.
run() {
	log=$1
	shift
	echo "+ $*" >>"$log"
	"$@" >>"$log" 2>&1 || fail "$log" "'$*'"
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEPS=${FC_DEPS_DIR:-$ROOT/packaging/deps}
mkdir -p "$DEPS"
DEPS=$(cd "$DEPS" && pwd)
SRC=$DEPS/src
JOBS=${FC_DEPS_JOBS:-2}

[ $# -gt 0 ] || die "usage: $0 TARGET... (x86_64-w64-mingw32 i686-w64-mingw32 x86_64-linux-musl)"
for t in "$@"; do
	case $t in
	x86_64-w64-mingw32 | i686-w64-mingw32 | x86_64-linux-musl) ;;
	*) die "unknown target '$t' (x86_64-w64-mingw32, i686-w64-mingw32, x86_64-linux-musl)" ;;
	esac
done

# ---------------------------------------------------------------- sources

# The deb-src entry for bookworm main, added (as root) when apt knows no
# source for curl.
ensure_deb_src() {
	apt-cache showsrc curl 2>/dev/null | grep -q '^Version:' && return 0
	[ "$(id -u)" = 0 ] ||
		die "apt has no deb-src entry for bookworm; run as root once (it adds one) or add it yourself"
	echo "build-deps: adding /etc/apt/sources.list.d/fleetcensus-src.sources (deb-src bookworm main)" >&2
	cat >/etc/apt/sources.list.d/fleetcensus-src.sources <<-EOF
		Types: deb-src
		URIs: http://deb.debian.org/debian
		Suites: bookworm bookworm-updates
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

		Types: deb-src
		URIs: http://deb.debian.org/debian-security
		Suites: bookworm-security
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null || die "apt-get update failed"
}

# fetch PKG PIN DIR: unpack source package PKG at exactly version PIN into
# SRC/DIR (once; a marker records the version that was unpacked).
fetch() {
	pkg=$1 pin=$2 dir=$3
	if [ -f "$SRC/$dir/.fc-version" ] && [ "$(cat "$SRC/$dir/.fc-version")" = "$pin" ]; then
		return 0
	fi
	ensure_deb_src
	avail=$(apt-cache showsrc --only-source "$pkg" 2>/dev/null | sed -n 's/^Version: //p')
	if ! printf '%s\n' "$avail" | grep -qxF "$pin"; then
		die "$pkg: pinned version $pin is not offered by apt (offered: $(echo $avail)); refusing to build another version - review it and update the pin in $0"
	fi
	mkdir -p "$SRC"
	rm -rf "${SRC:?}/$dir"
	log=$SRC/$pkg.log
	: >"$log"
	echo "build-deps: apt-get source $pkg=$pin" >&2
	(cd "$SRC" && apt-get source -q "$pkg=$pin") >>"$log" 2>&1 || fail "$log" "apt-get source $pkg=$pin"
	[ -d "$SRC/$dir" ] || fail "$log" "unpacking $pkg (no $dir)"
	echo "$pin" >"$SRC/$dir/.fc-version"
}

# ---------------------------------------------------------------- targets

setup_target() {
	T=$1
	case $T in
	*-w64-mingw32)
		# The -win32 thread model compiler: nothing pulls in libwinpthread,
		# whose GetTickCount64 import stops programs from loading on XP.
		CC=$T-gcc-win32
		AR=$T-ar
		RANLIB=$T-ranlib
		HOST=$T
		TCPPFLAGS=$WIN_CPPFLAGS
		CURL_TOPTS="--host=$T --disable-pthreads --enable-threaded-resolver"
		SYSLIBS="-lws2_32 -lcrypt32 -ladvapi32"
		WITH_SQLITE=0
		;;
	x86_64-linux-musl)
		CC=musl-gcc
		AR=ar
		RANLIB=ranlib
		HOST=x86_64-linux-musl
		TCPPFLAGS="-D_FILE_OFFSET_BITS=64"
		CURL_TOPTS="--host=x86_64-linux-musl --enable-threaded-resolver"
		SYSLIBS="-lpthread"
		WITH_SQLITE=1
		;;
	esac
	command -v "$CC" >/dev/null || die "$T: compiler $CC not found (install mingw-w64 / musl-tools: packaging/install-deps.sh)"
	TCFLAGS="-O2 -fno-strict-aliasing"
	PREFIX=$DEPS/$T
	BLD=$DEPS/build/$T
}

# The stamp: everything that decides what a target's libraries contain.
stamp_text() {
	echo "target=$T cc=$CC"
	echo "curl=$PIN_CURL mbedtls=$PIN_MBEDTLS cjson=$PIN_CJSON zlib=$PIN_ZLIB"
	[ "$WITH_SQLITE" = 0 ] || echo "sqlite=$PIN_SQLITE sqlite_flags=$SQLITE_FLAGS"
	echo "cppflags=$TCPPFLAGS cflags=$TCFLAGS"
	echo "curl_opts=$CURL_TOPTS" $CURL_OPTS
	echo "mbedtls_config=$(mbedtls_config_edits | tr '\n' ';')"
	case $T in *-linux-*) echo "mbedtls_patch=getrandom-with-any-libc" ;; esac
	echo "syslibs=$SYSLIBS recipe=4"
}

SQLITE_FLAGS="-DSQLITE_THREADSAFE=1 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_DEFAULT_MEMSTATUS=0"

# mbedTLS configuration edits (scripts/config.py arguments, one per line),
# applied to include/mbedtls/config.h of the build copy so that every user of
# the installed headers sees the same configuration.
mbedtls_config_edits() {
	case $T in
	*-w64-mingw32)
		# mbedTLS's mingw snprintf wrapper calls vsnprintf_s, which XP's
		# msvcrt.dll lacks. Use mingw-w64's own C99 printf (libmingwex,
		# linked statically); the wrapper is then never referenced.
		echo "set MBEDTLS_PLATFORM_SNPRINTF_MACRO __mingw_snprintf"
		echo "set MBEDTLS_PLATFORM_VSNPRINTF_MACRO __mingw_vsnprintf"
		;;
	esac
	# mbedTLS threading stays off (its default): curl serialises its own
	# use of the entropy source and the agent calls curl from one thread.
	echo "unset MBEDTLS_THREADING_C"
}

build_zlib() {
	log=$BLD/zlib.log
	rm -rf "$BLD/zlib" && mkdir -p "$BLD/zlib"
	extra=""
	case $T in *-linux-*) extra="-DHAVE_UNISTD_H -DHAVE_STDARG_H" ;; esac
	for f in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback inffast inflate \
		inftrees trees uncompr zutil; do
		run "$log" "$CC" $TCPPFLAGS $extra $TCFLAGS -c "$SRC/$DIR_ZLIB/$f.c" -o "$BLD/zlib/$f.o"
	done
	run "$log" "$AR" rcs "$PREFIX/lib/libz.a" "$BLD"/zlib/*.o
	cp "$SRC/$DIR_ZLIB/zlib.h" "$SRC/$DIR_ZLIB/zconf.h" "$PREFIX/include/"
	if [ -n "$extra" ]; then
		# The installed zconf.h must agree with how the library was built.
		sed -i 's|^#ifdef HAVE_UNISTD_H .*|#if 1|; s|^#ifdef HAVE_STDARG_H .*|#if 1|' \
			"$PREFIX/include/zconf.h"
	fi
}

build_cjson() {
	log=$BLD/cjson.log
	rm -rf "$BLD/cjson" && mkdir -p "$BLD/cjson"
	run "$log" "$CC" $TCPPFLAGS -DCJSON_HIDE_SYMBOLS $TCFLAGS -c "$SRC/$DIR_CJSON/cJSON.c" \
		-o "$BLD/cjson/cJSON.o"
	run "$log" "$AR" rcs "$PREFIX/lib/libcjson.a" "$BLD/cjson/cJSON.o"
	cp "$SRC/$DIR_CJSON/cJSON.h" "$PREFIX/include/"
}

build_mbedtls() {
	log=$BLD/mbedtls.log
	rm -rf "$BLD/mbedtls"
	cp -a "$SRC/$DIR_MBEDTLS" "$BLD/mbedtls"
	mbedtls_config_edits | while read -r a; do
		run "$log" python3 "$BLD/mbedtls/scripts/config.py" -f "$BLD/mbedtls/include/mbedtls/config.h" $a
	done
	case $T in
	*-linux-*)
		# Build-time patch: mbedTLS 2.28 calls getrandom(2) only with glibc
		# and otherwise reads /dev/urandom, which an empty chroot or a
		# minimal container lacks. musl has the same syscall() wrapper and
		# SYS_getrandom, so use it there too (mbedTLS still falls back to
		# /dev/urandom when the kernel answers ENOSYS, before Linux 3.17).
		run "$log" sed -i 's/^#if ((defined(__linux__) && defined(__GLIBC__)) || defined(__midipix__))$/#if defined(__linux__) || defined(__midipix__)/' \
			"$BLD/mbedtls/library/entropy_poll.c"
		run "$log" grep -qx '#if defined(__linux__) || defined(__midipix__)' \
			"$BLD/mbedtls/library/entropy_poll.c"
		;;
	esac
	run "$log" make -C "$BLD/mbedtls/library" -j"$JOBS" CC="$CC" AR="$AR" \
		CFLAGS="$TCPPFLAGS $TCFLAGS" static
	cp -R "$BLD/mbedtls/include/mbedtls" "$BLD/mbedtls/include/psa" "$PREFIX/include/"
	for l in mbedtls mbedx509 mbedcrypto; do
		cp "$BLD/mbedtls/library/lib$l.a" "$PREFIX/lib/"
	done
}

build_curl() {
	log=$BLD/curl.log
	rm -rf "$BLD/curl" && mkdir -p "$BLD/curl"
	libs=""
	case $T in *-w64-mingw32) libs="$SYSLIBS" ;; esac
	(
		cd "$BLD/curl"
		run "$log" "$SRC/$DIR_CURL/configure" $CURL_TOPTS $CURL_OPTS --prefix="$PREFIX" \
			--with-mbedtls="$PREFIX" --with-zlib="$PREFIX" CC="$CC" AR="$AR" RANLIB="$RANLIB" \
			CPPFLAGS="$TCPPFLAGS -I$PREFIX/include" CFLAGS="$TCFLAGS" LDFLAGS="-L$PREFIX/lib" \
			LIBS="$libs" PKG_CONFIG=false
		run "$log" make -C lib -j"$JOBS"
		run "$log" make -C lib install
		run "$log" make -C include install
		run "$log" make install-pkgconfigDATA
	)
}

build_sqlite() {
	log=$BLD/sqlite.log
	rm -rf "$BLD/sqlite" && mkdir -p "$BLD/sqlite"
	# The amalgamation (sqlite3.c) is generated with the build machine's
	# compiler and tclsh, then compiled for the target.
	(
		cd "$BLD/sqlite"
		run "$log" "$SRC/$DIR_SQLITE/configure" --disable-tcl --disable-shared CC=cc
		run "$log" make sqlite3.c
	)
	run "$log" "$CC" $TCPPFLAGS $SQLITE_FLAGS $TCFLAGS -c "$BLD/sqlite/sqlite3.c" -o "$BLD/sqlite/sqlite3.o"
	run "$log" "$AR" rcs "$PREFIX/lib/libsqlite3.a" "$BLD/sqlite/sqlite3.o"
	cp "$BLD/sqlite/sqlite3.h" "$PREFIX/include/"
}

write_libs_mk() {
	l="-lcurl -lmbedtls -lmbedx509 -lmbedcrypto -lz -lcjson"
	[ "$WITH_SQLITE" = 0 ] || l="$l -lsqlite3"
	cflags="-I$PREFIX/include -DCURL_STATICLIB"
	case $T in *-w64-mingw32) cflags="$cflags -DCJSON_HIDE_SYMBOLS $WIN_CPPFLAGS" ;; esac
	cat >"$PREFIX/libs.mk" <<-EOF
		# Generated by packaging/build-deps.sh for $T; do not edit.
		DEPS_CC := $CC
		DEPS_CFLAGS := $cflags
		DEPS_LIBS := -L$PREFIX/lib $l $SYSLIBS
	EOF
	# The same for shell scripts (tests).
	sed -n 's/^\(DEPS_[A-Z]*\) := \(.*\)/\1="\2"/p' "$PREFIX/libs.mk" >"$PREFIX/libs.mk.sh"
}

# Windows XP has no Vista-and-later imports, and its msvcrt.dll (7.0) none of
# the secure-CRT *_s functions. Links a small program that uses curl (HTTPS
# through a proxy, gzip), cJSON and zlib, and checks what it imports.
XP_DLLS="ADVAPI32.dll CRYPT32.dll KERNEL32.dll msvcrt.dll WS2_32.dll"
XP_BAD='^(GetTickCount64|.*SRWLock.*|.*ConditionVariable.*|InitOnce.*|inet_pton|inet_ntop|Inet(Pton|Ntop)[AW]?|if_nametoindex|if_indextoname|WSAPoll|GetSystemTimePreciseAsFileTime|RegGetValue[AW]|CancelIoEx|Fls(Alloc|Free|GetValue|SetValue)|GetFinalPathNameByHandle[AW]|QueryFullProcessImageName[AW]|K32.*|CreateSymbolicLink[AW]|GetFileInformationByHandleEx|GetProductInfo|GetSystemFirmwareTable|.*_s)$'
check_xp_imports() {
	log=$BLD/xpcheck.log
	cat >"$BLD/xpcheck.c" <<-'EOF'
		#include <cJSON.h>
		#include <curl/curl.h>
		#include <stdio.h>
		#include <zlib.h>
		int main(int argc, char **argv)
		{
			CURL *c;
			cJSON *j = cJSON_CreateObject();
			char *s;
			int rc;
			curl_global_init(CURL_GLOBAL_ALL);
			c = curl_easy_init();
			cJSON_AddStringToObject(j, "zlib", zlibVersion());
			s = cJSON_PrintUnformatted(j);
			curl_easy_setopt(c, CURLOPT_URL, argc > 1 ? argv[1] : "https://127.0.0.1:1/");
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, s);
			curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
			curl_easy_setopt(c, CURLOPT_PROXY, argc > 2 ? argv[2] : "");
			if (argc > 3)
				curl_easy_setopt(c, CURLOPT_CAINFO, argv[3]);
			rc = (int)curl_easy_perform(c);
			printf("%s %s rc=%d\n", curl_version(), s, rc);
			curl_easy_cleanup(c);
			cJSON_free(s);
			cJSON_Delete(j);
			return 0;
		}
	EOF
	. "$PREFIX/libs.mk.sh"
	run "$log" "$CC" $DEPS_CFLAGS -O2 -o "$BLD/xpcheck.exe" "$BLD/xpcheck.c" $DEPS_LIBS
	run "$log" "$T-objdump" -p "$BLD/xpcheck.exe"
	# "DLL Name: X" starts a DLL's list; its imports are "hint name" lines.
	"$T-objdump" -p "$BLD/xpcheck.exe" | awk '
		/^[ \t]*DLL Name:/ { dll = $3; print "dll", dll; next }
		dll != "" && /^[ \t]*$/ { dll = ""; next }
		dll != "" && $1 ~ /^[0-9a-f]+$/ && $2 ~ /^[0-9]+$/ { print "fn", dll, $3 }
	' >"$BLD/xpcheck.imports"
	bad=""
	for d in $(awk '$1 == "dll" { print $2 }' "$BLD/xpcheck.imports"); do
		case " $XP_DLLS " in *" $d "*) ;; *) bad="$bad $d" ;; esac
	done
	bad="$bad $(awk '$1 == "fn" { print $3 }' "$BLD/xpcheck.imports" | grep -E "$XP_BAD" | tr '\n' ' ')"
	if [ -n "$(echo $bad)" ]; then
		die "$T: a test program linked with these libraries imports what Windows XP lacks:$bad (see $BLD/xpcheck.imports)"
	fi
	echo "build-deps: $T: imports checked: only $(awk '$1 == "dll" { printf "%s ", $2 }' "$BLD/xpcheck.imports")with nothing newer than Windows XP"
}

build_target() {
	setup_target "$1"
	st=$(stamp_text)
	if [ -f "$PREFIX/stamp" ] && [ "$(cat "$PREFIX/stamp")" = "$st" ] && [ -f "$PREFIX/READY" ]; then
		echo "build-deps: $T: reusing the cache in $PREFIX (stamp unchanged)"
		return 0
	fi
	fetch zlib "$PIN_ZLIB" "$DIR_ZLIB"
	fetch cjson "$PIN_CJSON" "$DIR_CJSON"
	fetch mbedtls "$PIN_MBEDTLS" "$DIR_MBEDTLS"
	fetch curl "$PIN_CURL" "$DIR_CURL"
	[ "$WITH_SQLITE" = 0 ] || fetch sqlite3 "$PIN_SQLITE" "$DIR_SQLITE"
	echo "build-deps: $T: building into $PREFIX (logs in $BLD)"
	rm -rf "$PREFIX" "$BLD"
	mkdir -p "$PREFIX/include" "$PREFIX/lib" "$BLD"
	build_zlib
	build_cjson
	build_mbedtls
	build_curl
	[ "$WITH_SQLITE" = 0 ] || build_sqlite
	write_libs_mk
	case $T in *-w64-mingw32) check_xp_imports ;; esac
	echo "$st" >"$PREFIX/stamp"
	: >"$PREFIX/READY"
	echo "build-deps: $T: done"
}

for t in "$@"; do
	build_target "$t"
done
