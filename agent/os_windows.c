/* os_windows.c - the Windows probes (XP SP3 to 11): the registry and Win32
 * calls for the OS version, hardware, software and random; the readiness
 * facts are in os_windows_hw.c (what both share: os_windows_int.h). Decoding
 * is left to the pure winreg.c and smbios.c. Everything newer than XP SP3 is
 * resolved at run time with GetProcAddress and has a fallback
 * (tests/e2e/t610-xp-imports.sh checks the imports). */
#ifndef _WIN32
#error "os_windows.c: Windows builds only"
#endif

#include "os.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <windows.h>

#include <iphlpapi.h>
#include <lm.h>
#include <wincrypt.h>

#include "hwfacts.h"
#include "log.h"
#include "os_windows_int.h"
#include "smbios.h"
#include "winreg_decode.h"
#include "xalloc.h"

#define UNINSTALL L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
#define USER_UNINSTALL L"\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
#define ADAPTERS_MAX (1u << 20)
#define SMBIOS_MAX (1u << 20)

typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOEXW *);
typedef UINT(WINAPI *get_fw_table_fn)(DWORD, DWORD, PVOID, DWORD);

any_fn win_resolve(const wchar_t *dll, const char *name)
{
	HMODULE m = GetModuleHandleW(dll);
	FARPROC p = m ? GetProcAddress(m, name) : NULL;

	if (!p)
		LOG_DEBUG("%s is not available; using the fallback", name);
	return (any_fn)p;
}

/* "a.b.c", or "a.b" when c is negative, as a heap string. */
static char *version_text(long long a, long long b, long long c)
{
	char tmp[96];

	if (c < 0)
		snprintf(tmp, sizeof(tmp), "%lld.%lld", a, b);
	else
		snprintf(tmp, sizeof(tmp), "%lld.%lld.%lld", a, b, c);
	return xstrdup(tmp);
}

/* ---- registry ---- */

/* Reads value name of open key k into a heap buffer (*data, *len, *type).
 * FC_ENOENT when absent, FC_ELIMIT when larger than WINREG_MAX_VALUE. */
enum fc_rc win_reg_raw(HKEY k, const wchar_t *name, DWORD *type, unsigned char **data, DWORD *len)
{
	DWORD size = 0;
	LONG e;

	*data = NULL;
	*len = 0;
	e = RegQueryValueExW(k, name, NULL, type, NULL, &size);
	if (e == ERROR_FILE_NOT_FOUND)
		return FC_ENOENT;
	if (e != ERROR_SUCCESS)
		return FC_EIO;
	if (size > WINREG_MAX_VALUE)
		return FC_ELIMIT;
	*data = xmalloc(size + 2);
	*len = size;
	e = RegQueryValueExW(k, name, NULL, type, *data, len);
	if (e != ERROR_SUCCESS || *len > size) {
		free(*data);
		*data = NULL;
		return e == ERROR_MORE_DATA ? FC_ELIMIT : FC_EIO;
	}
	return FC_OK;
}

/* A string value as heap UTF-8, or NULL when absent or not a string. */
char *win_reg_str(HKEY k, const wchar_t *name)
{
	unsigned char *data;
	char err[FC_ERRLEN], *s = NULL;
	DWORD type, len;

	if (win_reg_raw(k, name, &type, &data, &len) != FC_OK)
		return NULL;
	if (winreg_string(type, data, len, &s, err) != FC_OK)
		LOG_DEBUG("registry value: %s", err);
	free(data);
	return s;
}

/* A DWORD/QWORD value, or -1 when absent or malformed. */
static long long reg_num(HKEY k, const wchar_t *name)
{
	unsigned char *data;
	unsigned long long v;
	char err[FC_ERRLEN];
	DWORD type, len;
	long long r = -1;

	if (win_reg_raw(k, name, &type, &data, &len) != FC_OK)
		return -1;
	if (winreg_number(type, data, len, &v, err) == FC_OK && v <= 0x7FFFFFFFFFFFFFFFull)
		r = (long long)v;
	else
		LOG_DEBUG("registry value: %s", err);
	free(data);
	return r;
}

HKEY win_reg_open(HKEY root, const wchar_t *path, REGSAM view)
{
	HKEY k;

	if (RegOpenKeyExW(root, path, 0, KEY_READ | view, &k) != ERROR_SUCCESS)
		return NULL;
	return k;
}

/* A decimal string value (CurrentBuildNumber) as a number, -1 otherwise. */
long long win_reg_decimal(HKEY k, const wchar_t *name)
{
	char *s = win_reg_str(k, name), *end;
	long long v = -1;

	if (s && *s) {
		v = strtoll(s, &end, 10);
		if (*end || v < 0)
			v = -1;
	}
	free(s);
	return v;
}

/* ---- OS ---- */

static const char *arch_name(WORD a)
{
	switch (a) {
	case PROCESSOR_ARCHITECTURE_AMD64: return "AMD64";
	case PROCESSOR_ARCHITECTURE_INTEL: return "x86";
	case PROCESSOR_ARCHITECTURE_ARM64: return "ARM64";
	case PROCESSOR_ARCHITECTURE_IA64: return "IA64";
	case PROCESSOR_ARCHITECTURE_ARM: return "ARM";
	}
	return NULL;
}

/* The native architecture (GetNativeSystemInfo, XP and later) as the
 * windows.native_arch text, and its GLPI/uname name. */
static void native_arch(struct os_facts *f)
{
	SYSTEM_INFO si;
	const char *a;
	char num[16];

	GetNativeSystemInfo(&si);
	a = arch_name(si.wProcessorArchitecture);
	if (!a) {
		snprintf(num, sizeof(num), "%u", si.wProcessorArchitecture);
		a = num;
	}
	f->win.native_arch = xstrdup(a);
	if (!strcmp(a, "AMD64"))
		f->kernel_arch = xstrdup("x86_64");
	else if (!strcmp(a, "ARM64"))
		f->kernel_arch = xstrdup("arm64");
	else if (!strcmp(a, "IA64"))
		f->kernel_arch = xstrdup("ia64");
	else if (!strcmp(a, "ARM"))
		f->kernel_arch = xstrdup("arm");
	else
		f->kernel_arch = xstrdup(!strcmp(a, "x86") ? "x86" : a);
}

/* RtlGetVersion (ntdll, resolved at run time: not manifest-dependent), with
 * GetVersionExW as the fallback. */
static void rtl_version(struct win_facts *w, char csd[256])
{
	rtl_get_version_fn rtl = (rtl_get_version_fn)win_resolve(L"ntdll.dll", "RtlGetVersion");
	OSVERSIONINFOEXW vi;
	BOOL ok;

	memset(&vi, 0, sizeof(vi));
	vi.dwOSVersionInfoSize = sizeof(vi);
	ok = rtl ? rtl(&vi) == 0 : GetVersionExW((OSVERSIONINFOW *)&vi);
	csd[0] = '\0';
	if (!ok)
		return;
	w->major = vi.dwMajorVersion;
	w->minor = vi.dwMinorVersion;
	w->build = vi.dwBuildNumber & 0xFFFF;
	w->product_type = vi.wProductType;
	w->suite_mask = vi.wSuiteMask;
	WideCharToMultiByte(CP_UTF8, 0, vi.szCSDVersion, -1, csd, 256, NULL, NULL);
	csd[255] = '\0';
}

static void registry_version(struct win_facts *w)
{
	HKEY k = win_reg_open(HKEY_LOCAL_MACHINE, NT_CURRENT_VERSION, KEY_WOW64_64KEY);

	if (!k) {
		LOG_WARN("cannot open HKLM\\%ls", NT_CURRENT_VERSION);
		return;
	}
	w->product_name = win_reg_str(k, L"ProductName");
	w->edition_id = win_reg_str(k, L"EditionID");
	w->display_version = win_reg_str(k, L"DisplayVersion");
	w->release_id = win_reg_str(k, L"ReleaseId");
	w->csd_version = win_reg_str(k, L"CSDVersion");
	w->installation_type = win_reg_str(k, L"InstallationType");
	w->current_version = win_reg_str(k, L"CurrentVersion");
	w->reg_major = reg_num(k, L"CurrentMajorVersionNumber");
	w->reg_minor = reg_num(k, L"CurrentMinorVersionNumber");
	w->reg_build = win_reg_decimal(k, L"CurrentBuildNumber");
	w->ubr = reg_num(k, L"UBR");
	RegCloseKey(k);
}

/* EmbeddedNT (suite bit or ProductSuite), the POSReady value and the
 * GetSystemMetrics edition flags. */
static void edition_evidence(struct win_facts *w)
{
	HKEY k =
	    win_reg_open(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Control\\ProductOptions",
	                 KEY_WOW64_64KEY);
	char *suite = k ? win_reg_str(k, L"ProductSuite") : NULL;
	char *ptype = k ? win_reg_str(k, L"ProductType") : NULL;

	if (k)
		RegCloseKey(k);
	w->embedded = (w->suite_mask >= 0 && (w->suite_mask & 0x40)) ||
	              (suite && winreg_list_has(suite, "EmbeddedNT"));
	if (w->product_type < 0 && ptype) /* RtlGetVersion failed: the registry's word */
		w->product_type = !strcasecmp(ptype, "WinNT")      ? 1
		                  : !strcasecmp(ptype, "LanmanNT") ? 2
		                  : !strcasecmp(ptype, "ServerNT") ? 3
		                                                   : -1;
	free(suite);
	free(ptype);
	k = win_reg_open(HKEY_LOCAL_MACHINE, L"SYSTEM\\WPA\\PosReady", KEY_WOW64_64KEY);
	w->posready = k && reg_num(k, L"Installed") == 1;
	if (k)
		RegCloseKey(k);
	w->tablet_pc = GetSystemMetrics(86) != 0; /* SM_TABLETPC */
	w->media_center = GetSystemMetrics(87) != 0; /* SM_MEDIACENTER */
	w->starter = GetSystemMetrics(88) != 0; /* SM_STARTER */
	w->server_r2 = GetSystemMetrics(89); /* SM_SERVERR2: the build on 2003 R2 */
}

static char *computer_name(COMPUTER_NAME_FORMAT fmt)
{
	wchar_t name[512];
	DWORD n = sizeof(name) / sizeof(name[0]);
	char *s;

	if (!GetComputerNameExW(fmt, name, &n) || n == 0)
		return NULL;
	s = winreg_utf16_to_utf8((const unsigned char *)name, (size_t)n * 2);
	return s;
}

/* The NetBIOS domain or workgroup the machine has joined (XP and later). */
static char *workgroup(void)
{
	NETSETUP_JOIN_STATUS st;
	LPWSTR name = NULL;
	char *s = NULL;

	if (NetGetJoinInformation(NULL, &name, &st) != NERR_Success)
		return NULL;
	if (name && (st == NetSetupWorkgroupName || st == NetSetupDomainName))
		s = winreg_utf16_to_utf8((const unsigned char *)name, wcslen(name) * 2);
	NetApiBufferFree(name);
	return s;
}

static void glpi_names(struct os_facts *f, const char *rtl_csd)
{
	struct win_facts *w = &f->win;
	const char *csd = w->csd_version ? w->csd_version : rtl_csd;
	char full[512];

	f->kernel_name = xstrdup("windows");
	if (w->major >= 0)
		f->kernel_version = version_text(w->major, w->minor, w->build);
	f->os_name = xstrdup(w->product_name ? w->product_name : "Windows");
	if (csd && *csd) {
		snprintf(full, sizeof(full), "%s %s", f->os_name, csd);
		f->os_full_name = xstrdup(full);
		f->service_pack = xstrdup(csd);
	} else {
		f->os_full_name = xstrdup(f->os_name);
	}
	if (w->display_version)
		f->os_version = xstrdup(w->display_version);
	else if (w->release_id)
		f->os_version = xstrdup(w->release_id);
	else if (w->major >= 0)
		f->os_version = version_text(w->major, w->minor, -1);
}

enum fc_rc os_get_info(const char *root, struct os_facts *f)
{
	char csd[256];

	if (root && strcmp(root, "/") != 0) {
		f->status = SECTION_FAILED;
		snprintf(f->err, sizeof(f->err), "--root is not supported on Windows");
		return FC_OK;
	}
	f->win.present = 1;
	rtl_version(&f->win, csd);
	registry_version(&f->win);
	edition_evidence(&f->win);
	native_arch(f);
	glpi_names(f, csd);
	f->hostname = computer_name(ComputerNameDnsHostname);
	if (!f->hostname)
		f->hostname = computer_name(ComputerNameNetBIOS);
	f->dns_domain = computer_name(ComputerNameDnsDomain);
	f->fqdn = computer_name(ComputerNameDnsFullyQualified);
	f->workgroup = workgroup();
	if (f->win.major < 0 && !f->win.product_name) {
		f->status = SECTION_FAILED;
		snprintf(f->err, sizeof(f->err),
		         "neither RtlGetVersion nor the registry gave a version");
	}
	return FC_OK;
}

/* ---- hardware ---- */

/* The raw SMBIOS data (RawSMBIOSData) from GetSystemFirmwareTable('RSMB'),
 * or where that is missing (32-bit XP) from the registry value SMBiosData
 * that mssmbios.sys writes; NULL with why when neither is there. */
static unsigned char *smbios_raw(size_t *len, char *why)
{
	get_fw_table_fn get =
	    (get_fw_table_fn)win_resolve(L"kernel32.dll", "GetSystemFirmwareTable");
	const DWORD rsmb = 0x52534D42; /* 'RSMB' */
	unsigned char *raw;
	DWORD type, dlen;
	HKEY k;
	UINT n;

	*len = 0;
	if (get) {
		n = get(rsmb, 0, NULL, 0);
		if (n == 0 || n > SMBIOS_MAX) {
			snprintf(why, FC_ERRLEN,
			         "GetSystemFirmwareTable('RSMB'): %u bytes, error %lu", n,
			         GetLastError());
			return NULL;
		}
		raw = xmalloc(n);
		if (get(rsmb, 0, raw, n) != n) {
			free(raw);
			snprintf(why, FC_ERRLEN, "GetSystemFirmwareTable('RSMB') changed size");
			return NULL;
		}
		*len = n;
		return raw;
	}
	k = win_reg_open(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Services\\mssmbios\\Data",
	                 0);
	if (!k) {
		snprintf(why, FC_ERRLEN, "no GetSystemFirmwareTable and no mssmbios\\Data key");
		return NULL;
	}
	if (win_reg_raw(k, L"SMBiosData", &type, &raw, &dlen) != FC_OK || type != REG_BINARY) {
		free(raw);
		raw = NULL;
		snprintf(why, FC_ERRLEN, "no GetSystemFirmwareTable and no SMBiosData value");
	}
	RegCloseKey(k);
	*len = dlen;
	return raw;
}

/* The BIOS, chassis and memory facts of the SMBIOS table. */
static void smbios_ready(const unsigned char *raw, size_t n, struct hw_facts *h)
{
	struct smbios_hw *hw = xmalloc(sizeof(*hw));
	const unsigned char *table;
	char err[FC_ERRLEN], num[16];
	size_t tlen;

	if (smbios_rsmb_table(raw, n, &table, &tlen, err) != FC_OK ||
	    smbios_hw_info(table, tlen, hw, err) != FC_OK) {
		if (h->ready.memory_installed_mib < 0)
			hw_unknown(&h->ready, "memory_installed_mib", "SMBIOS: %s", err);
		free(hw);
		return;
	}
	if (hw->bios_vendor[0])
		kvlist_add(&h->dmi, "bios_vendor", hw->bios_vendor);
	if (hw->bios_version[0])
		kvlist_add(&h->dmi, "bios_version", hw->bios_version);
	if (hw->bios_date[0])
		kvlist_add(&h->dmi, "bios_date", hw->bios_date);
	if (hw->chassis_type >= 0) {
		snprintf(num, sizeof(num), "%d", hw->chassis_type);
		kvlist_add(&h->dmi, "chassis_type", num);
	}
	if (h->ready.memory_installed_mib < 0 && hw->memory_mib >= 0) {
		h->ready.memory_installed_mib = hw->memory_mib;
		hw_known(&h->ready, "memory_installed_mib");
	} else if (h->ready.memory_installed_mib < 0) {
		hw_unknown(&h->ready, "memory_installed_mib", "%s", hw->memory_err);
	}
	free(hw);
}

static void smbios(struct hw_facts *h)
{
	struct smbios_system sys;
	unsigned char *raw;
	char err[FC_ERRLEN];
	size_t n;

	raw = smbios_raw(&n, err);
	if (!raw) {
		LOG_DEBUG("SMBIOS: %s", err);
		if (h->ready.memory_installed_mib < 0)
			hw_unknown(&h->ready, "memory_installed_mib", "%s", err);
		hwfacts_dmi_finish(&h->ready, &h->dmi, err);
		return;
	}
	smbios_ready(raw, n, h);
	if (smbios_system_info(raw, n, &sys, err) == FC_ENOENT)
		hwfacts_dmi_finish(&h->ready, &h->dmi, "no type 1 in the SMBIOS table");
	if (smbios_system_info(raw, n, &sys, err) != FC_OK) {
		LOG_WARN("SMBIOS: %s", err);
	} else {
		if (sys.uuid[0])
			kvlist_add(&h->dmi, "product_uuid", sys.uuid);
		if (sys.serial[0])
			kvlist_add(&h->dmi, "product_serial", sys.serial);
		if (sys.manufacturer[0])
			kvlist_add(&h->dmi, "sys_vendor", sys.manufacturer);
		if (sys.product[0])
			kvlist_add(&h->dmi, "product_name", sys.product);
	}
	free(raw);
	hwfacts_dmi_finish(&h->ready, &h->dmi, "not in the SMBIOS table");
}

/* Names a hypervisor from the SMBIOS maker and model (facts: the words
 * hypervisors put there); "Physical" otherwise, NULL without SMBIOS. */
static const char *vm_name(const char *vendor, const char *product)
{
	static const struct {
		const char *needle, *vm;
	} map[] = {{"VMware", "VMware"},
	           {"VirtualBox", "VirtualBox"},
	           {"innotek", "VirtualBox"},
	           {"QEMU", "QEMU"},
	           {"KVM", "KVM"},
	           {"Virtual Machine", "Hyper-V"},
	           {"Xen", "Xen"},
	           {"Parallels", "Parallels"},
	           {"Bochs", "Bochs"},
	           {"BHYVE", "bhyve"}};
	size_t i;

	if (!vendor && !product)
		return NULL;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((vendor && strstr(vendor, map[i].needle)) ||
		    (product && strstr(product, map[i].needle)))
			return map[i].vm;
	return "Physical";
}

static void macs(struct hw_facts *h)
{
	ULONG size = 0;
	IP_ADAPTER_INFO *info, *a;
	char mac[3 * MAX_ADAPTER_ADDRESS_LENGTH];
	UINT i;

	if (GetAdaptersInfo(NULL, &size) != ERROR_BUFFER_OVERFLOW || size == 0 ||
	    size > ADAPTERS_MAX)
		return;
	info = xmalloc(size);
	if (GetAdaptersInfo(info, &size) != ERROR_SUCCESS) {
		free(info);
		return;
	}
	for (a = info; a; a = a->Next) {
		if ((a->Type != MIB_IF_TYPE_ETHERNET && a->Type != 71 /* IEEE 802.11 */) ||
		    a->AddressLength != 6)
			continue;
		for (i = 0; i < 6; i++)
			snprintf(mac + 3 * i, 4, i < 5 ? "%02x:" : "%02x", a->Address[i]);
		a->Description[sizeof(a->Description) - 1] = '\0';
		kvlist_add(&h->macs, a->Description, mac);
	}
	free(info);
}

static void cpu_and_memory(struct hw_facts *h)
{
	MEMORYSTATUSEX ms;
	SYSTEM_INFO si;
	HKEY k =
	    win_reg_open(HKEY_LOCAL_MACHINE, L"HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0",
	                 KEY_WOW64_64KEY);
	char *name = k ? win_reg_str(k, L"ProcessorNameString") : NULL;
	size_t skip = 0;

	if (k)
		RegCloseKey(k);
	while (name && name[skip] == ' ') /* Intel pads the name on the left */
		skip++;
	if (name && name[skip])
		h->cpu_model = xstrdup(name + skip);
	else
		hw_unknown(&h->ready, "cpu_brand", "no registry value ProcessorNameString");
	free(name);
	GetSystemInfo(&si);
	h->cpu_count = (long)si.dwNumberOfProcessors;
	memset(&ms, 0, sizeof(ms));
	ms.dwLength = sizeof(ms);
	if (GlobalMemoryStatusEx(&ms))
		h->memory_mb = (long long)(ms.ullTotalPhys / (1024 * 1024));
}

/* MachineGuid from the 64-bit view (a 32-bit agent on 64-bit Windows would
 * read nothing from the redirected one), as 32 hex digits. */
static void machine_guid(struct hw_facts *h)
{
	HKEY k =
	    win_reg_open(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Cryptography", KEY_WOW64_64KEY);
	char *g = k ? win_reg_str(k, L"MachineGuid") : NULL;
	char hex[33];

	if (k)
		RegCloseKey(k);
	if (g && winreg_machine_guid(g, hex) == FC_OK)
		h->machine_id = xstrdup(hex);
	else if (g)
		LOG_WARN("MachineGuid '%s' is not a GUID; not reported", g);
	free(g);
}

enum fc_rc os_get_hardware(const char *root, struct hw_facts *h)
{
	if (root && strcmp(root, "/") != 0) {
		h->status = SECTION_SKIPPED;
		snprintf(h->err, sizeof(h->err), "--root is not supported on Windows");
		return FC_OK;
	}
	win_ready_memory_volume(&h->ready);
	smbios(h);
	cpu_and_memory(h);
	win_ready_windows(h);
	macs(h);
	machine_guid(h);
	if (kvlist_get(&h->dmi, "sys_vendor") || kvlist_get(&h->dmi, "product_name")) {
		const char *vm =
		    vm_name(kvlist_get(&h->dmi, "sys_vendor"), kvlist_get(&h->dmi, "product_name"));
		h->vmsystem = xstrdup(vm);
	}
	return FC_OK;
}

/* ---- software ---- */

struct walk {
	fc_pkg_cb cb;
	void *ctx;
	const char *arch; /* "x64", "x86", "arm64" or "" (per user) */
	const char *userid; /* the SID for per-user lists, else NULL */
	char *err;
};

static enum fc_rc field_ok(const char *what, const char *s, const char *key, char *err)
{
	if (s && strlen(s) > PKG_MAX_FIELD) {
		snprintf(err, FC_ERRLEN, "Uninstall\\%s: %s longer than %d bytes", key, what,
		         PKG_MAX_FIELD);
		return FC_ELIMIT;
	}
	return FC_OK;
}

/* Reports one Uninstall subkey (open as k, named key). */
static enum fc_rc one_entry(HKEY k, const char *key, struct walk *w)
{
	struct winreg_uninstall u;
	struct fc_pkg p = {0};
	char *name = win_reg_str(k, L"DisplayName"), *version = win_reg_str(k, L"DisplayVersion");
	char *publisher = win_reg_str(k, L"Publisher"), *parent = win_reg_str(k, L"ParentKeyName");
	char *rtype = win_reg_str(k, L"ReleaseType");
	enum winreg_kind kind;
	enum fc_rc rc = FC_OK;
	bool hidden;

	u.key_name = key;
	u.display_name = name;
	u.parent_key_name = parent;
	u.release_type = rtype;
	u.system_component = reg_num(k, L"SystemComponent");
	kind = winreg_classify(&u, &hidden);
	if (kind != WINREG_SKIP) {
		rc = field_ok("DisplayName", name, key, w->err);
		if (!rc)
			rc = field_ok("DisplayVersion", version, key, w->err);
		if (!rc)
			rc = field_ok("Publisher", publisher, key, w->err);
	}
	if (kind != WINREG_SKIP && !rc) {
		p.name = name;
		p.version = version ? version : "";
		p.arch = w->arch;
		p.publisher = publisher ? publisher : "";
		p.from = "registry";
		p.system_category = hidden ? "system_component" : NULL;
		p.userid = w->userid;
		p.is_update = kind == WINREG_UPDATE;
		rc = w->cb(&p, w->ctx);
	}
	free(name);
	free(version);
	free(publisher);
	free(parent);
	free(rtype);
	return rc;
}

/* Walks every subkey of the Uninstall key at root\path in view. A missing
 * key is an empty list. */
static enum fc_rc walk_uninstall(HKEY root, const wchar_t *path, REGSAM view, struct walk *w,
                                 const char *where)
{
	wchar_t name[KEY_NAME_MAX];
	DWORD i, n;
	HKEY k, sub;
	LONG e = RegOpenKeyExW(root, path, 0, KEY_READ | view, &k);
	enum fc_rc rc = FC_OK;
	char *key;

	if (e == ERROR_FILE_NOT_FOUND)
		return FC_OK;
	if (e != ERROR_SUCCESS) {
		snprintf(w->err, FC_ERRLEN, "cannot open %s: error %ld", where, e);
		return FC_EIO;
	}
	for (i = 0; !rc; i++) {
		n = KEY_NAME_MAX;
		e = RegEnumKeyExW(k, i, name, &n, NULL, NULL, NULL, NULL);
		if (e == ERROR_NO_MORE_ITEMS)
			break;
		if (e != ERROR_SUCCESS) {
			snprintf(w->err, FC_ERRLEN, "cannot list %s: error %ld", where, e);
			rc = FC_EIO;
			break;
		}
		if (RegOpenKeyExW(k, name, 0, KEY_READ | view, &sub) != ERROR_SUCCESS)
			continue; /* deleted meanwhile, or unreadable: not an entry we can see */
		key = winreg_utf16_to_utf8((const unsigned char *)name, (size_t)n * 2);
		rc = one_entry(sub, key, w);
		free(key);
		RegCloseKey(sub);
	}
	RegCloseKey(k);
	return rc;
}

/* Per-user installs of every loaded profile (HKEY_USERS\<SID>). */
static enum fc_rc walk_users(struct walk *w)
{
	wchar_t sid[KEY_NAME_MAX], path[KEY_NAME_MAX + 64];
	DWORD i, n;
	LONG e;
	enum fc_rc rc = FC_OK;
	char *s;

	for (i = 0; !rc; i++) {
		n = KEY_NAME_MAX;
		e = RegEnumKeyExW(HKEY_USERS, i, sid, &n, NULL, NULL, NULL, NULL);
		if (e != ERROR_SUCCESS)
			break;
		if (n > 8 && !wcscmp(sid + n - 8, L"_Classes"))
			continue;
		if (!wcscmp(sid, L".DEFAULT"))
			continue; /* the same hive as S-1-5-18 */
		_snwprintf(path, sizeof(path) / sizeof(path[0]), L"%ls%ls", sid, USER_UNINSTALL);
		path[sizeof(path) / sizeof(path[0]) - 1] = L'\0';
		s = winreg_utf16_to_utf8((const unsigned char *)sid, (size_t)n * 2);
		w->userid = s;
		w->arch = "";
		rc = walk_uninstall(HKEY_USERS, path, KEY_WOW64_64KEY, w,
		                    "HKEY_USERS\\...\\Uninstall");
		if (rc == FC_EIO) {
			LOG_WARN("software of user %s not read: %s", s, w->err);
			rc = FC_OK;
		}
		free(s);
	}
	w->userid = NULL;
	return rc;
}

bool win_is_64bit(void)
{
	SYSTEM_INFO si;

	GetNativeSystemInfo(&si);
	return si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64 ||
	       si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_ARM64 ||
	       si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_IA64;
}

enum fc_rc os_each_package(const char *root, fc_pkg_cb cb, void *ctx, int *found, char *err)
{
	struct walk w = {cb, ctx, "x86", NULL, err};
	enum fc_rc rc;

	*found = 0;
	err[0] = '\0';
	if (root && strcmp(root, "/") != 0) {
		snprintf(err, FC_ERRLEN, "--root is not supported on Windows");
		return FC_EUSAGE;
	}
	*found = 1;
	if (win_is_64bit()) {
		SYSTEM_INFO si;

		GetNativeSystemInfo(&si);
		w.arch =
		    si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_ARM64 ? "arm64" : "x64";
		rc = walk_uninstall(HKEY_LOCAL_MACHINE, UNINSTALL, KEY_WOW64_64KEY, &w,
		                    "HKLM\\"
		                    "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall");
		if (rc)
			return rc;
		w.arch = "x86";
		rc = walk_uninstall(HKEY_LOCAL_MACHINE, UNINSTALL, KEY_WOW64_32KEY, &w,
		                    "HKLM\\SOFTWARE\\WOW6432Node\\...\\Uninstall");
	} else {
		rc =
		    walk_uninstall(HKEY_LOCAL_MACHINE, UNINSTALL, 0, &w,
		                   "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall");
	}
	if (rc)
		return rc;
	return walk_users(&w);
}

/* ---- random ---- */

enum fc_rc os_random(void *buf, size_t n)
{
	HCRYPTPROV prov;
	BOOL ok;

	if (n > 0xFFFFFFFFu)
		return FC_ELIMIT;
	if (!CryptAcquireContextW(&prov, NULL, NULL, PROV_RSA_FULL,
	                          CRYPT_VERIFYCONTEXT | CRYPT_SILENT)) {
		LOG_ERR("CryptAcquireContext: error %lu", GetLastError());
		return FC_EIO;
	}
	ok = CryptGenRandom(prov, (DWORD)n, buf);
	CryptReleaseContext(prov, 0);
	if (!ok) {
		LOG_ERR("CryptGenRandom: error %lu", GetLastError());
		return FC_EIO;
	}
	return FC_OK;
}
