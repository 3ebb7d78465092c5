#!/bin/sh
# The 32-bit Windows agent starts on Windows XP SP3: every DLL it imports
# exists there, no imported function is newer than XP SP3 (a single one makes
# the loader refuse the exe: "procedure entry point ... could not be
# located"), and the PE header asks for subsystem 5.01 or lower. What is
# newer than XP is resolved at run time with GetProcAddress instead.
# Sources of the lists: ../shared/reference/windows-and-linux-facts.md (d)
# and (f), and the "Minimum supported client" lines of Microsoft's API pages.
. "$(dirname "$0")/lib.sh"
cross_plain_only

TRIPLE=i686-w64-mingw32
OBJDUMP=$TRIPLE-objdump
EXE=$TOP/build/windows-x86/fleetcensus-agent.exe
DEPS=${FC_DEPS_DIR:-packaging/deps}
case $DEPS in /*) ;; *) DEPS=$TOP/$DEPS ;; esac

if ! command -v "$TRIPLE-gcc-win32" >/dev/null 2>&1 || ! command -v "$OBJDUMP" >/dev/null 2>&1; then
	test_skip "mingw-w64 ($TRIPLE-gcc-win32, $OBJDUMP) is not installed"
	test_done
	exit
fi
if [ ! -f "$DEPS/$TRIPLE/stamp" ] && [ ! -f "$EXE" ]; then
	test_skip "no Windows dependencies in $DEPS/$TRIPLE (make windows builds them with packaging/build-deps.sh)"
	test_done
	exit
fi

# "DLL Name: X", a header line, then one "vma hint name" line per function
# up to a blank line, as objdump -p prints the import tables.
list_imports() {
	awk '/DLL Name:/ { dll = $3; next }
	     /^[[:space:]]*$/ { dll = ""; next }
	     dll && NF >= 3 && $1 ~ /^[0-9a-f]+$/ && $2 ~ /^[0-9]+$/ { print dll, $3 }' "$1"
}

# Prints the functions of an import list ("DLL name" lines) that XP lacks.
xp_breakers() {
	pat="^($(grep -v "^$" "$TEST_DIR/not-on-xp" | sed "s/^[[:space:]]*//" | paste -sd "|" -))\$"
	awk "{ print \$2 }" "$1" | grep -E "$pat" || :
}

# DLLs Windows XP SP3 (32-bit) ships.
XP_DLLS='KERNEL32.dll ADVAPI32.dll msvcrt.dll WS2_32.dll WSOCK32.dll IPHLPAPI.DLL SHELL32.dll
USER32.dll CRYPT32.dll NETAPI32.dll WLDAP32.dll ole32.dll OLEAUT32.dll SHLWAPI.dll GDI32.dll
VERSION.dll PSAPI.DLL SECUR32.dll RPCRT4.dll'

# Functions XP SP3 lacks (Vista or later, or XP x64 / Server 2003 SP1 only),
# one extended regular expression per line, matched against whole names.
cat >"$TEST_DIR/not-on-xp" <<-'EOF'
	GetTickCount64
	(Initialize|Acquire|Release|TryAcquire)SRWLock(Exclusive|Shared)?
	InitializeConditionVariable|SleepConditionVariable(CS|SRW)|Wake(All)?ConditionVariable
	InitOnce(ExecuteOnce|Initialize|BeginInitialize|Complete)
	CreateSymbolicLink[AW]?|GetFileInformationByHandleEx|SetFileInformationByHandle
	QueryFullProcessImageName[AW]|GetProductInfo|Fls(Alloc|Free|GetValue|SetValue)
	CancelIoEx|GetSystemTimePreciseAsFileTime|GetFinalPathNameByHandle[AW]
	K32[A-Za-z]+
	GetSystemFirmwareTable|EnumSystemFirmwareTables
	GetLocaleInfoEx|LCIDToLocaleName|LocaleNameToLCID|CompareStringEx|GetUserDefaultLocaleName
	Create(Event|Mutex|Semaphore|WaitableTimer)Ex[AW]|InitializeCriticalSectionEx
	GetCurrentProcessorNumber|GetThreadId|GetErrorMode|SetThreadErrorMode|GetThreadErrorMode
	IsWow64Process|RtlGetVersion|RtlGetNtVersionNumbers
	RegGetValue[AW]|RegDeleteKeyEx[AW]|RegDeleteTree[AW]|RegCopyTree[AW]|RegSetKeyValue[AW]
	RegLoadMUIString[AW]|RegDeleteKeyValue[AW]|RegOpenKeyTransacted[AW]
	inet_pton|inet_ntop|InetPton[AW]|InetNtop[AW]|WSAPoll|if_nametoindex|if_indextoname
	GetAddrInfoEx[AW]?|FreeAddrInfoEx[AW]?|WSASendMsg
	GetIfEntry2|GetIfTable2|GetIpInterfaceEntry|GetUnicastIpAddressTable|NotifyIpInterfaceChange
	SHGetKnownFolderPath|IdnToAscii|IdnToUnicode
	BCrypt[A-Za-z]+|NCrypt[A-Za-z]+
	.*_s|strnlen|wcsnlen|_(f|w)?(seek|tell)i64|_fseeki64|_ftelli64
	_(gmtime|localtime|mktime|mkgmtime|time|ctime|wctime|difftime|futime|utime|wutime)32
	_get_errno|_set_errno|_(get|set)_invalid_parameter_handler|_aligned_msize
	__stdio_common_[a-z]+|__acrt_[a-z_]+
	EOF

test_expect_success 'the x86 agent builds (make windows-x86)' '
	if [ -f "$DEPS/$TRIPLE/stamp" ]; then
		make -C "$TOP" --no-print-directory windows-x86 FC_DEPS_DIR="$DEPS" >build.log 2>&1 ||
			{ tail -30 build.log; exit 1; }
	else
		echo "no dependencies in $DEPS/$TRIPLE: checking the existing $EXE as it is"
	fi
	test -f "$EXE"
	"$OBJDUMP" -p "$EXE" >"$TEST_DIR/pe.txt"
	list_imports "$TEST_DIR/pe.txt" >"$TEST_DIR/imports"
'

test_expect_success 'the PE header asks for subsystem 5.01 or lower (XP)' '
	maj=$(sed -n "s/^MajorSubsystemVersion[[:space:]]*//p" "$TEST_DIR/pe.txt")
	min=$(sed -n "s/^MinorSubsystemVersion[[:space:]]*//p" "$TEST_DIR/pe.txt")
	echo "subsystem version $maj.$min"
	[ -n "$maj" ] && [ -n "$min" ]
	[ "$maj" -lt 5 ] || { [ "$maj" -eq 5 ] && [ "$min" -le 1 ]; }
	grep -q "^Magic[[:space:]]*010b" "$TEST_DIR/pe.txt" # PE32, not PE32+
'

test_expect_success 'every imported DLL ships with Windows XP SP3' '
	test -s "$TEST_DIR/imports"
	bad=0
	for d in $(sed -n "s/.*DLL Name: //p" "$TEST_DIR/pe.txt" | sort -u); do
		ok=0
		for x in $XP_DLLS; do
			[ "$(echo "$d" | tr A-Z a-z)" = "$(echo "$x" | tr A-Z a-z)" ] && ok=1
		done
		[ $ok = 1 ] || { echo "imports $d, which Windows XP does not have"; bad=1; }
	done
	[ $bad = 0 ]
'

test_expect_success 'no imported function is newer than Windows XP SP3' '
	xp_breakers "$TEST_DIR/imports" >newer
	if [ -s newer ]; then
		echo "imports functions Windows XP SP3 lacks:"; cat newer; exit 1
	fi
	echo "$(wc -l <"$TEST_DIR/imports") imports checked"
'

# The check itself, on objdump output of an exe that would not start on XP
# (mbedTLS 2.28 through _vsnprintf_s, winpthreads through GetTickCount64).
test_expect_success 'the check finds XP breakers in objdump output' '
	printf "%s\n" "	DLL Name: KERNEL32.dll" "	vma:  Hint/Ord Member-Name Bound-To" \
		"	1a0e8	  141  CloseHandle" "	1a0f4	  711  GetTickCount64" \
		"	1a104	  712  GetTickCount" "" "	DLL Name: msvcrt.dll" \
		"	vma:  Hint/Ord Member-Name Bound-To" "	1a1e8	  101  _vsnprintf_s" \
		"	1a1f8	  102  _vsnprintf" "	1a208	  103  strnlen" "" >bad.txt
	list_imports bad.txt >bad.imports
	[ "$(wc -l <bad.imports)" = 6 ]
	xp_breakers bad.imports >found
	printf "GetTickCount64\n_vsnprintf_s\nstrnlen\n" | diff -u - found
'

test_expect_success 'the newer APIs are resolved at run time (GetProcAddress)' '
	grep -q " GetProcAddress\$" "$TEST_DIR/imports"
	for f in RtlGetVersion GetSystemFirmwareTable; do
		grep -aq "$f" "$EXE" || { echo "$f is not named in the exe"; exit 1; }
	done
'

test_done
