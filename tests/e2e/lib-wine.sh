# lib-wine.sh - run the Windows agent under wine (t6xx), sourced after
# lib.sh and lib-collector.sh: find wine and the agent's .exe, make one base
# prefix per test file and copy it per Windows version, load .reg fixtures,
# set wine's own Windows version, run the .exe with a timeout, translate
# paths, and stop every wineserver of the file on exit.
#
# Environment: FC_WIN_EXE / FC_WIN_EXE32 name the x64 / x86 agent (default
# build/windows-x64/fleetcensus-agent.exe and build/windows-x86/..., built
# with `make windows-x64` / `make windows-x86` when missing); FC_WINE64 /
# FC_WINE32 name the wine loaders (default wine64 in PATH, else
# /usr/lib/wine/wine64; /usr/lib/wine/wine from wine32:i386);
# FC_WINE_LOG=FILE keeps the wine log (regedit, reg query, agent runs).
WIN_FIXTURES=$FIXTURES/windows
WINE_LOG=$TEST_DIR/wine.log
: >"$WINE_LOG"
# No Mono/Gecko install prompts, no display, no debug chatter.
WINEDEBUG=-all
WINEDLLOVERRIDES="mscoree,mshtml="
export WINEDEBUG WINEDLLOVERRIDES
unset DISPLAY WAYLAND_DISPLAY

# The wine loaders: 64-bit (wine64 package) and 32-bit (wine32:i386, which
# needs i386 multiarch). Debian 12 installs them in /usr/lib/wine.
WINE64=${FC_WINE64:-$(command -v wine64 || :)}
[ -n "$WINE64" ] || [ ! -x /usr/lib/wine/wine64 ] || WINE64=/usr/lib/wine/wine64
WINE32=${FC_WINE32:-}
[ -n "$WINE32" ] || [ ! -x /usr/lib/wine/wine ] || WINE32=/usr/lib/wine/wine
WINESERVER=$(command -v wineserver || :)
[ -n "$WINESERVER" ] || [ ! -x /usr/lib/wine/wineserver64 ] ||
	WINESERVER=/usr/lib/wine/wineserver64

# Every prefix this file made, one a line: their wineservers are stopped on
# exit (wineserver -k kills the prefix's processes and the server).
WINE_PREFIXES=$TEST_DIR/.wine-prefixes
: >"$WINE_PREFIXES"
wine_kill_all() {
	[ -n "$WINESERVER" ] || return 0
	while read -r wk_p; do
		WINEPREFIX=$wk_p "$WINESERVER" -k >/dev/null 2>&1 || :
		WINEPREFIX=$wk_p "$WINESERVER" -w >/dev/null 2>&1 || :
	done <"$WINE_PREFIXES"
	[ -z "${FC_WINE_LOG:-}" ] || cp "$WINE_LOG" "$FC_WINE_LOG" 2>/dev/null || :
}
test_cleanup_cmds="wine_kill_all; $test_cleanup_cmds"

# wine_log MSG...: a line in the wine log.
wine_log() {
	echo "$*" >>"$WINE_LOG"
}

# wine_note FILE: FILE as TAP comment lines, so that it lands in the test
# log of tests/run.sh (the debug record of what the prefix held).
wine_note() {
	sed 's/^/# /' "$1"
}

# wine_prereqs: prints why wine cannot run the x64 agent; nothing when it
# can.
wine_prereqs() {
	if [ -z "$WINE64" ]; then
		echo "wine64 is not installed (packaging/install-deps.sh installs it)"
	elif [ -z "$WINESERVER" ]; then
		echo "wineserver is not installed"
	elif ! command -v timeout >/dev/null 2>&1; then
		echo "timeout (coreutils) is missing"
	fi
}

# wine32_missing: prints why 32-bit programs cannot run; nothing when they
# can. (wine64 alone starts a 32-bit .exe in "experimental wow64 mode",
# which fails without syswow64 and still exits 0: never trust that.)
wine32_missing() {
	if [ -z "$WINE32" ]; then
		printf '%s %s\n' "wine32 is not installed (needs i386 multiarch:" \
			"dpkg --add-architecture i386; apt-get install wine32:i386)"
	fi
}

# win_exe ARCH: the agent .exe for x64 or x86 on stdout. When it is
# missing, `make windows-ARCH` builds it, provided mingw-w64 and the cached
# static dependencies (FC_DEPS_DIR, default packaging/deps, made by
# packaging/build-deps.sh: minutes, so never from a test) are there.
# Fails with the reason on stdout.
win_exe() {
	case $1 in
	x64) we_f=${FC_WIN_EXE:-$TOP/build/windows-x64/fleetcensus-agent.exe}
		we_t=x86_64-w64-mingw32 ;;
	x86) we_f=${FC_WIN_EXE32:-$TOP/build/windows-x86/fleetcensus-agent.exe}
		we_t=i686-w64-mingw32 ;;
	*) echo "win_exe: unknown architecture $1"; return 1 ;;
	esac
	[ ! -f "$we_f" ] || { echo "$we_f"; return 0; }
	if { [ -n "${FC_WIN_EXE:-}" ] && [ "$1" = x64 ]; } ||
		{ [ -n "${FC_WIN_EXE32:-}" ] && [ "$1" = x86 ]; }; then
		echo "$we_f (from FC_WIN_EXE/FC_WIN_EXE32) does not exist"
		return 1
	fi
	we_deps=${FC_DEPS_DIR:-$TOP/packaging/deps}
	case $we_deps in /*) ;; *) we_deps=$TOP/$we_deps ;; esac
	if ! command -v "$we_t-gcc-win32" >/dev/null 2>&1; then
		echo "$we_f is not built and $we_t-gcc-win32 (mingw-w64) is not installed"
		return 1
	elif [ ! -f "$we_deps/$we_t/stamp" ]; then
		printf '%s %s\n' "$we_f is not built and the static dependencies are not in" \
			"$we_deps/$we_t (make windows builds them)"
		return 1
	fi
	if ! FC_DEPS_DIR=$we_deps make --no-print-directory -C "$TOP" "windows-$1" \
		>"$TEST_DIR/make-windows-$1.log" 2>&1 || [ ! -f "$we_f" ]; then
		echo "make windows-$1 failed: $(grep -m 1 -E '\*\*\*|error' \
			"$TEST_DIR/make-windows-$1.log" || tail -n 1 "$TEST_DIR/make-windows-$1.log")"
		return 1
	fi
	echo "$we_f"
}

# wine_path UNIX-PATH: the path as a wine program sees it (drive Z: is /).
wine_path() {
	case $1 in
	/*) printf 'Z:%s\n' "$1" | tr / '\\' ;;
	*) printf 'Z:%s/%s\n' "$(pwd)" "$1" | tr / '\\' ;;
	esac
}

# wine_in PREFIX CMD...: runs CMD with WINEPREFIX=PREFIX.
wine_in() {
	wi_p=$1
	shift
	WINEPREFIX=$wi_p "$@"
}

# wine_stop PREFIX [wait]: ends the prefix's wineserver (and programs),
# which then writes its registry to the prefix's *.reg files; with "wait",
# waits until it has.
wine_stop() {
	WINEPREFIX=$1 "$WINESERVER" -k >/dev/null 2>&1 || :
	[ "${2:-}" != wait ] || WINEPREFIX=$1 "$WINESERVER" -w >/dev/null 2>&1 || :
}

# wine_base DIR: a fresh prefix in DIR (wineboot -i, ~10-20 s). Its
# wineserver keeps running for what the caller loads next; wine_stop DIR
# wait before copying it.
wine_base() {
	echo "$1" >>"$WINE_PREFIXES"
	wine_log "== wineboot -i in $1"
	if ! wine_in "$1" timeout -k 5 120 "$WINE64" wineboot -i >>"$WINE_LOG" 2>&1; then
		tail -n 20 "$WINE_LOG"
		return 1
	fi
	[ -f "$1/.update-timestamp" ] || { echo "wineboot made no prefix in $1"; return 1; }
}

# wine_clone BASE DST: a copy of the stopped base prefix. The registry
# files and .update-timestamp are copied (without it wine would run the
# ~15 s prefix update again); drive_c (~700 MB of DLLs) is hard-linked:
# wine replaces files rather than writing into them.
wine_clone() {
	mkdir -p "$2" &&
	cp -a "$1/dosdevices" "$1"/*.reg "$1/.update-timestamp" "$2/" &&
	cp -al "$1/drive_c" "$2/drive_c" &&
	echo "$2" >>"$WINE_PREFIXES"
}

# wine_import PREFIX FILE...: loads .reg files with one regedit /S (one
# wine process: each costs about half a second); fails when regedit fails.
# The fixtures are "Windows Registry Editor Version 5.00" files kept in
# UTF-8; regedit gets them as Windows writes them, UTF-16LE with a byte
# order mark (wine reads a file without one as ANSI).
wine_import() {
	wm_p=$1
	shift
	wm_u=$TEST_DIR/.import.reg
	wine_log "== regedit /S $*"
	{
		printf '\377\376'
		{
			echo 'Windows Registry Editor Version 5.00'
			for wm_f in "$@"; do
				echo
				grep -v '^Windows Registry Editor Version 5.00' "$wm_f" || :
			done
		} | iconv -f UTF-8 -t UTF-16LE
	} >"$wm_u" || { echo "cannot convert $* to UTF-16LE"; return 1; }
	wine_in "$wm_p" timeout -k 5 60 "$WINE64" regedit /S "$(wine_path "$wm_u")" \
		>>"$WINE_LOG" 2>&1 || { echo "regedit /S $* failed"; return 1; }
}

# wine_run PREFIX ARCH EXE SECONDS ARGS...: runs the .exe (ARCH x64 or
# x86) with the loader its architecture needs, killed after SECONDS;
# returns its exit status (124 for a timeout).
wine_run() {
	wr_p=$1 wr_arch=$2 wr_exe=$3 wr_t=$4
	shift 4
	wr_loader=$WINE64
	[ "$wr_arch" != x86 ] || wr_loader=$WINE32
	wine_log "== $wr_loader $wr_exe $*"
	wine_in "$wr_p" timeout -k 5 "$wr_t" "$wr_loader" "$wr_exe" "$@"
}

# reg_values FILE: the REG_SZ and REG_DWORD values a .reg file sets, and
# the values it deletes, one "KEY<TAB>NAME<TAB>TYPE<TAB>VALUE" line each
# (TYPE REG_SZ, REG_DWORD as 0x..., or DELETED), in `reg query` terms.
reg_values() {
	awk '
	/^\[/ { key = substr($0, 2, length($0) - 2); next }
	/^"[^"]*"=/ {
		name = $0; sub(/^"/, "", name); sub(/"=.*/, "", name)
		val = $0; sub(/^"[^"]*"=/, "", val)
		if (val == "-") { print key "\t" name "\tDELETED\t"; next }
		if (val ~ /^dword:/) {
			sub(/^dword:/, "", val); n = 0
			for (i = 1; i <= length(val); i++)
				n = n * 16 + index("0123456789abcdef", tolower(substr(val, i, 1))) - 1
			printf "%s\t%s\tREG_DWORD\t0x%x\n", key, name, n; next
		}
		if (val ~ /^".*"$/) {
			val = substr(val, 2, length(val) - 2)
			gsub(/\\\\/, "\\", val); gsub(/\\"/, "\"", val)
			print key "\t" name "\tREG_SZ\t" val
		}
	}' "$1"
}

# reg_check PREFIX FILE [ROOT...]: `reg query` of every key FILE sets (or
# `reg query ROOT /s` of each ROOT given), into the wine log and stdout;
# fails unless each REG_SZ/REG_DWORD value of FILE reads back as FILE says
# and each value FILE deletes is absent. Key names compare case-blind.
# Values with non-ASCII characters are left out: reg.exe prints in the
# console's OEM code page (437 here: "®" comes out as "r"); the agent's
# report, in UTF-8, shows them.
reg_check() {
	rc_p=$1 rc_f=$2
	shift 2
	reg_values "$rc_f" >"$TEST_DIR/.regvals"
	if [ $# = 0 ]; then
		set -- $(cut -f1 "$TEST_DIR/.regvals" | awk '!seen[$0]++' | tr ' ' '\001')
		rc_s=
	else
		rc_s=/s
	fi
	: >"$TEST_DIR/.regq"
	for rc_k in "$@"; do
		rc_k=$(printf '%s' "$rc_k" | tr '\001' ' ')
		# reg.exe once printed nothing at all for a key regedit had just
		# written (the agent then read the value): a query without a key
		# line is asked again, twice at most, and the retry logged
		echo "== reg query $rc_k $rc_s"
		for rc_try in 1 2 3; do
			wine_in "$rc_p" timeout -k 5 60 "$WINE64" reg query "$rc_k" $rc_s 2>&1 |
				tr -d '\r' >"$TEST_DIR/.regq1"
			cat "$TEST_DIR/.regq1"
			! grep -q '^HKEY_' "$TEST_DIR/.regq1" || break
			echo "== reg query printed no key (try $rc_try of 3)"
		done
		cat "$TEST_DIR/.regq1" >>"$TEST_DIR/.regq"
	done | tee -a "$WINE_LOG"
	# "key<TAB>value line" for every value line of the output
	awk -v cur= '/^HKEY_/ { cur = tolower($0); next }
		/^    / { print cur "\t" $0 }' "$TEST_DIR/.regq" >"$TEST_DIR/.regq.kv"
	awk -F '\t' 'BEGIN { bad = 0 }
		NR == FNR { have[$0] = 1; k = $1; n = $2; sub(/^    /, "", n); sub(/    .*/, "", n)
			named[k "\t" n] = 1; next }
		{ k = tolower($1)
		  if ($4 ~ /[^\001-\177]/) next
		  if ($3 == "DELETED") {
			if ((k "\t" $2) in named) { print "reg_check: " $1 "\\" $2 " is still there"; bad = 1 }
		  } else if (!((k "\t    " $2 "    " $3 "    " $4) in have)) {
			print "reg_check: " $1 "\\" $2 " is not " $3 " \"" $4 "\""; bad = 1
		  } }
		END { exit bad }' "$TEST_DIR/.regq.kv" "$TEST_DIR/.regvals"
}
