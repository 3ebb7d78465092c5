/* os_windows_hw.c - the Windows readiness facts (docs/protocol.md): the
 * processor, cores, memory, system volume, firmware and Secure Boot, TPM,
 * the appraiser's verdicts and the ESU year. Decoding is left to the pure
 * hwfacts.c. Everything newer than XP SP3 is resolved at run time and has a
 * fallback (tests/e2e/t610-xp-imports.sh checks the imports). */
#ifndef _WIN32
#error "os_windows_hw.c: Windows builds only"
#endif

#include "os_windows_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <windows.h>

#if defined(__i386__) || defined(__x86_64__)
#include <cpuid.h>
#endif

#include "hwfacts.h"
#include "log.h"
#include "os.h"
#include "winreg_decode.h"
#include "xalloc.h"

typedef BOOL(WINAPI *installed_memory_fn)(ULONGLONG *);
typedef BOOL(WINAPI *firmware_type_fn)(DWORD *);
typedef DWORD(WINAPI *firmware_var_fn)(LPCSTR, LPCSTR, PVOID, DWORD);
typedef BOOL(WINAPI *logical_info_fn)(SYSTEM_LOGICAL_PROCESSOR_INFORMATION *, DWORD *);
typedef UINT32(WINAPI *tbs_device_info_fn)(UINT32, PVOID);
typedef HRESULT(WINAPI *sl_open_fn)(HANDLE *);
typedef HRESULT(WINAPI *sl_close_fn)(HANDLE);
typedef HRESULT(WINAPI *sl_status_fn)(HANDLE, const GUID *, const GUID *, LPCWSTR, UINT *, void **);

/* SL_LICENSING_STATUS (slpublic.h, Windows 8 and later). */
struct sl_status {
	GUID sku;
	DWORD status; /* 1 = licensed */
	DWORD grace_time, grace_days;
	HRESULT reason;
	UINT64 expiration;
};

/* fn of a system DLL that may not be loaded yet (tbs.dll, slc.dll), loaded
 * by its full path below the system directory; NULL with the reason in why
 * when the DLL or the function is missing. */
static any_fn resolve_load(const wchar_t *dll, const char *name, char *why)
{
	wchar_t path[MAX_PATH + 32];
	UINT n = GetSystemDirectoryW(path, MAX_PATH);
	size_t dn = wcslen(dll);
	HMODULE m;
	FARPROC p;

	if (n == 0 || n >= MAX_PATH) {
		snprintf(why, FC_ERRLEN, "no system directory");
		return NULL;
	}
	if (dn > 30) {
		snprintf(why, FC_ERRLEN, "DLL name too long");
		return NULL;
	}
	path[n] = L'\\';
	memcpy(path + n + 1, dll, (dn + 1) * sizeof(wchar_t));
	m = LoadLibraryW(path);
	if (!m) {
		snprintf(why, FC_ERRLEN, "no %ls (error %lu)", dll, GetLastError());
		return NULL;
	}
	p = GetProcAddress(m, name);
	if (!p)
		snprintf(why, FC_ERRLEN, "%s missing in %ls", name, dll);
	return (any_fn)p;
}

#define CPU0_KEY L"HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0"
#define SECUREBOOT_KEY L"SYSTEM\\CurrentControlSet\\Control\\SecureBoot\\State"
#define APPRAISER_KEY                                                                              \
	L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\AppCompatFlags\\"                       \
	L"TargetVersionUpgradeExperienceIndicators"
#define TBS_E_TPM_NOT_FOUND 0x8028400Fu

/* A DWORD registry value as the fact (at most max), or its reason. */
static void reg_fact(HKEY k, const wchar_t *name, const char *fact, long long max, long long *out,
                     struct hw_ready *r)
{
	unsigned char *data;
	char err[FC_ERRLEN];
	DWORD type, len;
	enum fc_rc rc = win_reg_raw(k, name, &type, &data, &len);

	if (rc == FC_ENOENT)
		hw_unknown(r, fact, "no registry value %ls", name);
	else if (rc)
		hw_unknown(r, fact, "registry value %ls: %s", name, fc_strerror(rc));
	else if (hwfacts_reg_number(type, data, len, max, out, err) != FC_OK)
		hw_unknown(r, fact, "registry value %ls: %s", name, err);
	free(data);
}

static void ready_cpu(struct hw_facts *h)
{
	struct hw_ready *r = &h->ready;
	HKEY k = win_reg_open(HKEY_LOCAL_MACHINE, CPU0_KEY, KEY_WOW64_64KEY);
	SYSTEM_INFO si;
	char *v;

	GetNativeSystemInfo(&si);
	r->cpu_logical = (long long)si.dwNumberOfProcessors;
	if (si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_INTEL ||
	    si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64) {
		r->cpu_family = si.wProcessorLevel;
		r->cpu_model = si.wProcessorRevision >> 8;
		r->cpu_stepping = si.wProcessorRevision & 0xFF;
	} else {
		hw_unknown(r, "cpu_family", "not an x86 processor");
		hw_unknown(r, "cpu_model", "not an x86 processor");
		hw_unknown(r, "cpu_stepping", "not an x86 processor");
	}
#if defined(__i386__) || defined(__x86_64__)
	{
		unsigned a, b, c, d;

		if (__get_cpuid(1, &a, &b, &c, &d)) {
			r->cpu_sse42 = (c >> 20) & 1;
			r->cpu_popcnt = (c >> 23) & 1;
		} else {
			hw_unknown(r, "cpu_sse42", "no CPUID leaf 1");
			hw_unknown(r, "cpu_popcnt", "no CPUID leaf 1");
		}
	}
#endif
	if (si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_ARM64)
		r->cpu_arm_v81_atomics = IsProcessorFeaturePresent(34) ? 1 : 0;
	if (!k) {
		hw_unknown(r, "cpu_vendor", "no CentralProcessor\\0 key");
		hw_unknown(r, "cpu_max_mhz", "no CentralProcessor\\0 key");
		hw_unknown(r, "cpu_platform_flags", "no CentralProcessor\\0 key");
		return;
	}
	v = win_reg_str(k, L"VendorIdentifier");
	if (v && *v)
		r->cpu_vendor = v;
	else {
		free(v);
		hw_unknown(r, "cpu_vendor", "no registry value VendorIdentifier");
	}
	reg_fact(k, L"~MHz", "cpu_max_mhz", 1000000, &r->cpu_max_mhz, r);
	reg_fact(k, L"Platform Specific Field 1", "cpu_platform_flags", 0xFFFFFFFFLL,
	         &r->cpu_platform_flags, r);
	RegCloseKey(k);
}

static void ready_cores(struct hw_ready *r)
{
	logical_info_fn get =
	    (logical_info_fn)win_resolve(L"kernel32.dll", "GetLogicalProcessorInformation");
	SYSTEM_LOGICAL_PROCESSOR_INFORMATION *info;
	DWORD size = 0, i;
	long long cores = 0;

	if (!get) {
		hw_unknown(r, "cpu_cores", "GetLogicalProcessorInformation missing");
		return;
	}
	if (get(NULL, &size) || GetLastError() != ERROR_INSUFFICIENT_BUFFER || size == 0 ||
	    size > (1u << 20)) {
		hw_unknown(r, "cpu_cores", "GetLogicalProcessorInformation: error %lu",
		           GetLastError());
		return;
	}
	info = xmalloc(size);
	if (!get(info, &size)) {
		hw_unknown(r, "cpu_cores", "GetLogicalProcessorInformation: error %lu",
		           GetLastError());
	} else {
		for (i = 0; i < size / sizeof(*info); i++)
			cores += info[i].Relationship == RelationProcessorCore;
		r->cpu_cores = cores;
	}
	free(info);
}

void win_ready_memory_volume(struct hw_ready *r)
{
	installed_memory_fn mem =
	    (installed_memory_fn)win_resolve(L"kernel32.dll", "GetPhysicallyInstalledSystemMemory");
	ULARGE_INTEGER avail, total, free_bytes;
	wchar_t drive[MAX_PATH];
	ULONGLONG kib;
	DWORD n;

	if (!mem)
		hw_unknown(r, "memory_installed_mib", "GetPhysicallyInstalledSystemMemory missing");
	else if (!mem(&kib))
		hw_unknown(r, "memory_installed_mib",
		           "GetPhysicallyInstalledSystemMemory: error %lu", GetLastError());
	else
		r->memory_installed_mib = (long long)(kib / 1024);
	n = GetEnvironmentVariableW(L"SystemDrive", drive, MAX_PATH - 2);
	if (n == 0 || n >= MAX_PATH - 2) {
		hw_unknown(r, "system_volume_mib", "no SystemDrive in the environment");
		return;
	}
	drive[n] = L'\\';
	drive[n + 1] = L'\0';
	if (GetDiskFreeSpaceExW(drive, &avail, &total, &free_bytes))
		r->system_volume_mib = (long long)(total.QuadPart >> 20);
	else
		hw_unknown(r, "system_volume_mib", "GetDiskFreeSpaceExW(%ls): error %lu", drive,
		           GetLastError());
}

static void ready_firmware(struct hw_ready *r)
{
	firmware_type_fn type = (firmware_type_fn)win_resolve(L"kernel32.dll", "GetFirmwareType");
	firmware_var_fn var;
	DWORD t = 0, e;
	HKEY k;

	if (type && type(&t) && (t == 1 || t == 2)) {
		r->firmware = t == 2 ? "uefi" : "bios";
	} else if (type) {
		hw_unknown(r, "firmware", "GetFirmwareType: type %lu, error %lu", t,
		           GetLastError());
	} else {
		var = (firmware_var_fn)win_resolve(L"kernel32.dll",
		                                   "GetFirmwareEnvironmentVariableA");
		if (!var) {
			hw_unknown(r, "firmware", "GetFirmwareEnvironmentVariableA missing");
		} else if (var("", "{00000000-0000-0000-0000-000000000000}", NULL, 0) == 0) {
			e = GetLastError();
			r->firmware = e == ERROR_INVALID_FUNCTION ? "bios" : "uefi";
		} else {
			hw_unknown(r, "firmware",
			           "GetFirmwareEnvironmentVariableA read a variable");
		}
	}
	hw_unknown(r, "secure_boot_setup_mode", "not visible without privileges");
	k = win_reg_open(HKEY_LOCAL_MACHINE, SECUREBOOT_KEY, KEY_WOW64_64KEY);
	if (k) {
		long long on = -1;

		r->secure_boot_capable = 1;
		reg_fact(k, L"UEFISecureBootEnabled", "secure_boot_enabled", 1, &on, r);
		r->secure_boot_enabled = (int)on;
		RegCloseKey(k);
	} else if (r->firmware && !strcmp(r->firmware, "bios")) {
		r->secure_boot_capable = 0;
	} else {
		hw_unknown(r, "secure_boot_capable", "no SecureBoot\\State key");
		hw_unknown(r, "secure_boot_enabled", "no SecureBoot\\State key");
	}
}

static void ready_tpm(struct hw_ready *r)
{
	char why[FC_ERRLEN];
	tbs_device_info_fn get =
	    (tbs_device_info_fn)resolve_load(L"tbs.dll", "Tbsi_GetDeviceInfo", why);
	unsigned char info[16];
	UINT32 e;

	if (!get) {
		hw_unknown(r, "tpm_present", "%s", why);
		return;
	}
	memset(info, 0, sizeof(info));
	e = get(sizeof(info), info);
	if (e == TBS_E_TPM_NOT_FOUND) {
		r->tpm_present = 0;
	} else if (e != 0) {
		hw_unknown(r, "tpm_present", "Tbsi_GetDeviceInfo: 0x%08lx", (unsigned long)e);
	} else {
		r->tpm_present = 1;
		if (hwfacts_tpm_device_info(info, sizeof(info), &r->tpm_version, why) != FC_OK)
			hw_unknown(r, "tpm_version", "%s", why);
	}
}

/* UpgEx and RedReason of every release key the appraiser wrote. */
static void ready_appraiser(struct hw_ready *r)
{
	HKEY k = win_reg_open(HKEY_LOCAL_MACHINE, APPRAISER_KEY, KEY_WOW64_64KEY), sub;
	wchar_t name[KEY_NAME_MAX];
	DWORD i, n;
	char *release, *upgex, *red;

	if (!k) {
		hw_unknown(r, "appraiser", "no TargetVersionUpgradeExperienceIndicators key");
		return;
	}
	r->appraiser_read = true;
	for (i = 0; i < 256; i++) {
		n = KEY_NAME_MAX;
		if (RegEnumKeyExW(k, i, name, &n, NULL, NULL, NULL, NULL) != ERROR_SUCCESS)
			break;
		if (RegOpenKeyExW(k, name, 0, KEY_READ | KEY_WOW64_64KEY, &sub) != ERROR_SUCCESS)
			continue;
		release = winreg_utf16_to_utf8((const unsigned char *)name, n * 2);
		upgex = win_reg_str(sub, L"UpgEx");
		red = win_reg_str(sub, L"RedReason");
		if (upgex || red)
			(void)hwfacts_appraiser_add(r, release, upgex, red); /* past 16: dropped */
		free(release);
		free(upgex);
		free(red);
		RegCloseKey(sub);
	}
	RegCloseKey(k);
}

/* The commercial ESU year licensed (Windows 10 only: builds 10240..19045). */
static void ready_esu(struct hw_ready *r)
{
	/* Windows' application ID and the ESU activation IDs (hwfacts.h). */
	static const GUID app = {
	    0x55c92734, 0xd682, 0x4d71, {0x98, 0x3e, 0xd6, 0xec, 0x3f, 0x16, 0x05, 0x9f}};
	static const GUID ids[3] = {
	    {0xf520e45e, 0x7413, 0x4a34, {0xa4, 0x97, 0xd2, 0x76, 0x59, 0x67, 0xd0, 0x94}},
	    {0x1043add5, 0x23b1, 0x4afb, {0x9a, 0x0f, 0x64, 0x34, 0x3c, 0x8f, 0x3f, 0x8d}},
	    {0x83d49986, 0xadd3, 0x41d7, {0xba, 0x33, 0x87, 0xc7, 0xbf, 0xb5, 0xc0, 0xfb}}};
	char why[FC_ERRLEN];
	sl_open_fn sl_open = (sl_open_fn)resolve_load(L"slc.dll", "SLOpen", why);
	sl_status_fn sl_status =
	    sl_open ? (sl_status_fn)resolve_load(L"slc.dll", "SLGetLicensingStatusInformation", why)
	            : NULL;
	sl_close_fn sl_close =
	    sl_status ? (sl_close_fn)resolve_load(L"slc.dll", "SLClose", why) : NULL;
	unsigned long status[3] = {0, 0, 0};
	HRESULT hr, failed = S_OK;
	HANDLE slc;
	UINT n, j;
	int y;
	void *out;

	if (!sl_close) {
		hw_unknown(r, "esu_licensed_year", "%s", why);
		return;
	}
	if (FAILED(sl_open(&slc))) {
		hw_unknown(r, "esu_licensed_year", "SLOpen failed");
		return;
	}
	for (y = 0; y < 3; y++) {
		out = NULL;
		n = 0;
		hr = sl_status(slc, &app, &ids[y], NULL, &n, &out);
		if (FAILED(hr))
			failed = hr;
		if (FAILED(hr) || !out)
			continue;
		for (j = 0; j < n && j < 64; j++)
			if (((struct sl_status *)out)[j].status == 1)
				status[y] = 1;
		LocalFree(out);
	}
	sl_close(slc);
	if (hwfacts_esu_year(status) == 0 && failed != S_OK)
		hw_unknown(r, "esu_licensed_year", "SLGetLicensingStatusInformation: 0x%08lx",
		           (unsigned long)failed);
	else
		r->esu_licensed_year = hwfacts_esu_year(status);
}

void win_ready_windows(struct hw_facts *h)
{
	struct hw_ready *r = &h->ready;
	HKEY k = win_reg_open(HKEY_LOCAL_MACHINE, NT_CURRENT_VERSION, KEY_WOW64_64KEY);
	long long build = k ? win_reg_decimal(k, L"CurrentBuildNumber") : -1;

	if (k)
		RegCloseKey(k);
	ready_cpu(h);
	ready_cores(r);
	ready_firmware(r);
	ready_tpm(r);
	if (sizeof(void *) == 8 || win_is_64bit())
		r->os_bits = 64;
	else
		r->os_bits = 32;
	if (build >= 10240 && build < 22000) {
		ready_appraiser(r);
		ready_esu(r);
	}
	if (h->memory_mb < 0)
		hw_unknown(r, "memory_usable_mib", "GlobalMemoryStatusEx failed");
}
