/* os_linux.c - the Linux probes: read files below a root, hand them to the
 * pure parsers. */
#ifndef __linux__
#error "os_linux.c: Linux builds only"
#endif

#include "os.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "buf.h"
#include "hwfacts.h"
#include "log.h"
#include "parse_apk.h"
#include "parse_dpkg.h"
#include "parse_osrelease.h"
#include "parse_pacman.h"
#include "rootfs.h"
#include "rpmdb.h"
#include "smbios.h"
#include "xalloc.h"

#define OSREL_MAX (64u << 10) /* os-release and legacy release files */
#define SMALL_FILE_MAX (64u << 10) /* /proc and /sys files, hostname */
#define PACMAN_DESC_MAX (1u << 20)
#define TEXT_DB_CHUNK (256u << 10) /* read size of the large text databases */
#define DMI_TABLE_MAX (1u << 20) /* /sys/firmware/dmi/tables/DMI */
#define CPU0 "/sys/devices/system/cpu/cpu0"
#define EFIVARS "/sys/firmware/efi/efivars"
#define EFI_GLOBAL "8be4df61-93ca-11d2-aa0d-00e098032b8c"

/* Reads a small text file below root and returns its first line without
 * leading and trailing blanks (Solaris centres its /etc/release), as a heap
 * string; NULL, with err, when it cannot be read. */
static char *read_first_line_err(const char *root, const char *path, char *err)
{
	struct buf b;
	char *line = NULL;
	const char *s;
	size_t n;

	buf_init(&b, SMALL_FILE_MAX);
	if (rootfs_read(root, path, SMALL_FILE_MAX, &b, err) == FC_OK) {
		s = b.ptr + strspn(b.ptr, " \t");
		n = strcspn(s, "\r\n");
		while (n > 0 && isspace((unsigned char)s[n - 1]))
			n--;
		line = xstrndup(s, n);
	}
	buf_release(&b);
	return line;
}

static char *read_first_line(const char *root, const char *path)
{
	char err[FC_ERRLEN];

	return read_first_line_err(root, path, err);
}

static bool is_legacy_release_name(const char *name)
{
	static const char *const exact[] = {"release", "version", "product", "system-release-cpe"};
	size_t n = strlen(name), i;

	if (!strcmp(name, "os-release"))
		return false;
	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(name, exact[i]))
			return true;
	return (n > 8 && !strcmp(name + n - 8, "-release")) ||
	       (n > 8 && !strcmp(name + n - 8, "_version"));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects /etc's legacy release files: path -> first line, sorted by path. */
static enum fc_rc read_legacy_release(const char *root, struct os_facts *f)
{
	enum fc_rc rc = FC_OK;
	DIR *d = rootfs_opendir(root, "/etc", &rc, f->err);
	struct dirent *e;
	char **names = NULL, path[300], *line;
	size_t n = 0, i;

	if (!d)
		return rc;
	while ((e = readdir(d)) != NULL && n < 256) {
		if (!is_legacy_release_name(e->d_name))
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/etc/%s", names[i]);
		line = read_first_line(root, path);
		if (line)
			kvlist_add(&f->release_files, path, line);
		free(line);
		free(names[i]);
	}
	free(names);
	return FC_OK;
}

static enum fc_rc read_os_release(const char *root, struct os_facts *f)
{
	static const char *const paths[] = {"/etc/os-release", "/usr/lib/os-release"};
	struct buf b;
	enum fc_rc rc = FC_ENOENT;
	size_t i;

	buf_init(&b, OSREL_MAX);
	for (i = 0; i < 2 && rc == FC_ENOENT; i++) {
		rc = rootfs_read(root, paths[i], OSREL_MAX, &b, f->err);
		if (rc == FC_OK) {
			snprintf(f->osrel_path, sizeof(f->osrel_path), "%s", paths[i]);
			rc = parse_osrelease(b.ptr, b.len, &f->osrel, f->err);
		}
	}
	buf_release(&b);
	return rc;
}

static void read_hostname(const char *root, struct os_facts *f)
{
	char name[256];
	const char *dot;

	if (root && strcmp(root, "/"))
		f->hostname = read_first_line(root, "/etc/hostname");
	if ((!f->hostname || !*f->hostname) && gethostname(name, sizeof(name)) == 0) {
		name[sizeof(name) - 1] = '\0';
		free(f->hostname);
		f->hostname = xstrdup(name);
	}
	if (!f->hostname)
		f->hostname = xstrdup("localhost");
	f->fqdn = xstrdup(f->hostname);
	dot = strchr(f->hostname, '.');
	if (dot && dot[1]) {
		f->dns_domain = xstrdup(dot + 1);
		f->hostname[dot - f->hostname] = '\0';
	}
}

enum fc_rc os_get_info(const char *root, struct os_facts *f)
{
	struct utsname u;
	enum fc_rc rc;

	f->kernel_name = xstrdup("linux");
	if (uname(&u) == 0) {
		f->kernel_version = xstrdup(u.release);
		f->kernel_arch = xstrdup(u.machine);
	}
	read_hostname(root, f);
	rc = read_os_release(root, f);
	if (rc == FC_ENOENT) {
		f->err[0] = '\0';
		rc = read_legacy_release(root, f);
		if (rc == FC_OK && f->release_files.n == 0) {
			snprintf(f->err, sizeof(f->err),
			         "no os-release and no legacy release file in /etc");
			rc = FC_ENOENT;
		}
	}
	if (rc) {
		LOG_WARN("os: %s", f->err);
		f->status = SECTION_FAILED;
	}
	return FC_OK;
}

/* ---- packages ---- */

static enum fc_rc read_text_db(const char *root, const char *path,
                               enum fc_rc (*parse)(const char *, size_t, fc_pkg_cb, void *, char *),
                               fc_pkg_cb cb, void *ctx, int *found, char *err)
{
	struct buf b;
	enum fc_rc rc;

	buf_init(&b, PKG_MAX_TEXT_DB);
	rc = rootfs_read(root, path, PKG_MAX_TEXT_DB, &b, err);
	if (rc == FC_ENOENT && !rootfs_exists(root, path)) {
		err[0] = '\0';
		buf_release(&b);
		return FC_OK;
	}
	(*found)++;
	if (rc == FC_OK)
		rc = parse(b.ptr, b.len, cb, ctx, err);
	if (rc && !strstr(err, path)) {
		char tmp[FC_ERRLEN];

		snprintf(tmp, sizeof(tmp), "'%s': %s", path, err);
		memcpy(err, tmp, sizeof(tmp));
	}
	buf_release(&b);
	return rc;
}

/* A stanza database parser that numbers lines from first_line (parse_dpkg_at). */
typedef enum fc_rc (*text_db_parse)(const char *, size_t, size_t, fc_pkg_cb, void *, char *);

/* Parses the complete stanzas at the start of b (up to and including its
 * last blank line, "\n\n"; everything at eof) and keeps the rest in b.
 * *lines counts the lines parsed before, so that a parser error names the
 * line of the whole file. */
static enum fc_rc parse_stanzas(struct buf *b, bool eof, text_db_parse parse, fc_pkg_cb cb,
                                void *ctx, size_t *lines, char *err)
{
	size_t n = b->len, i;
	enum fc_rc rc;

	while (!eof && n >= 2 && !(b->ptr[n - 1] == '\n' && b->ptr[n - 2] == '\n'))
		n--;
	if (!eof && n < 2)
		return FC_OK; /* no stanza complete yet: read more */
	rc = parse(b->ptr, n, *lines + 1, cb, ctx, err);
	for (i = 0; i < n; i++)
		*lines += b->ptr[i] == '\n';
	memmove(b->ptr, b->ptr + n, b->len - n);
	b->len -= n;
	b->ptr[b->len] = '\0';
	return rc;
}

/* Reads the fd of a stanza database (dpkg status, apk installed) in chunks
 * and parses it stanza by stanza, so that memory does not grow with the
 * database; a stanza is held whole, up to PKG_MAX_TEXT_DB. */
static enum fc_rc read_stanza_fd(int fd, const char *path, text_db_parse parse, fc_pkg_cb cb,
                                 void *ctx, char *err)
{
	char *chunk = xmalloc(TEXT_DB_CHUNK);
	size_t lines = 0, total = 0;
	enum fc_rc rc = FC_OK;
	struct buf b;
	ssize_t n;

	buf_init(&b, PKG_MAX_TEXT_DB);
	while (!rc && (n = read(fd, chunk, TEXT_DB_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, FC_ERRLEN, "cannot read '%s': %s", path, strerror(errno));
			rc = FC_EIO;
		} else if ((total += (size_t)n) > PKG_MAX_TEXT_DB ||
		           buf_add(&b, chunk, (size_t)n)) {
			snprintf(err, FC_ERRLEN, "'%s' is larger than %u bytes", path,
			         PKG_MAX_TEXT_DB);
			rc = FC_ELIMIT;
		} else {
			rc = parse_stanzas(&b, false, parse, cb, ctx, &lines, err);
		}
	}
	if (!rc && !b.ptr)
		rc = buf_add(&b, "", 0);
	if (!rc)
		rc = parse_stanzas(&b, true, parse, cb, ctx, &lines, err);
	buf_release(&b);
	free(chunk);
	return rc;
}

/* As read_text_db, for the large single-file databases, read in chunks. */
static enum fc_rc read_stanza_db(const char *root, const char *path, text_db_parse parse,
                                 fc_pkg_cb cb, void *ctx, int *found, char *err)
{
	enum fc_rc rc;
	struct stat st;
	int fd = rootfs_open(root, path, 0, &rc, err);

	if (fd < 0 && rc == FC_ENOENT && !rootfs_exists(root, path)) {
		err[0] = '\0';
		return FC_OK;
	}
	(*found)++;
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		snprintf(err, FC_ERRLEN, "'%s' is not a regular file", path);
		rc = FC_EIO;
	} else if (fd >= 0 && (unsigned long long)st.st_size > PKG_MAX_TEXT_DB) {
		snprintf(err, FC_ERRLEN, "'%s' is larger than %u bytes", path, PKG_MAX_TEXT_DB);
		rc = FC_ELIMIT;
	} else if (fd >= 0) {
		rc = read_stanza_fd(fd, path, parse, cb, ctx, err);
	}
	if (fd >= 0)
		close(fd);
	if (rc && !strstr(err, path)) {
		char tmp[FC_ERRLEN];

		snprintf(tmp, sizeof(tmp), "'%s': %s", path, err);
		memcpy(err, tmp, sizeof(tmp));
	}
	return rc;
}

/* Reads every file of a directory of package databases (dpkg status.d,
 * pacman local/<pkg>/desc). suffix is appended to each entry's path. */
static enum fc_rc read_db_dir(const char *root, const char *dir, const char *suffix,
                              enum fc_rc (*parse)(const char *, size_t, fc_pkg_cb, void *, char *),
                              fc_pkg_cb cb, void *ctx, int *found, char *err)
{
	enum fc_rc rc = FC_OK;
	DIR *d = rootfs_opendir(root, dir, &rc, err);
	struct dirent *e;
	char path[1024];
	int files = 0;

	if (!d) {
		if (rc == FC_ENOENT) {
			err[0] = '\0';
			return FC_OK;
		}
		return rc;
	}
	while (rc == FC_OK && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (strlen(dir) + strlen(e->d_name) + strlen(suffix) + 2 >= sizeof(path))
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", dir, e->d_name, suffix);
		if (strlen(e->d_name) > 8 && !strcmp(e->d_name + strlen(e->d_name) - 8, ".md5sums"))
			continue; /* status.d holds NAME and NAME.md5sums */
		rc = read_text_db(root, path, parse, cb, ctx, &files, err);
	}
	closedir(d);
	if (files)
		(*found)++;
	return rc;
}

enum fc_rc os_each_package(const char *root, fc_pkg_cb cb, void *ctx, int *found, char *err)
{
	enum fc_rc rc;

	*found = 0;
	err[0] = '\0';
	rc = read_stanza_db(root, "/var/lib/dpkg/status", parse_dpkg_at, cb, ctx, found, err);
	if (rc == FC_OK)
		rc = read_db_dir(root, "/var/lib/dpkg/status.d", "", parse_dpkg_statusd, cb, ctx,
		                 found, err);
	if (rc == FC_OK)
		rc = read_stanza_db(root, "/lib/apk/db/installed", parse_apk_at, cb, ctx, found,
		                    err);
	if (rc == FC_OK)
		rc = read_db_dir(root, "/var/lib/pacman/local", "/desc", parse_pacman_desc, cb, ctx,
		                 found, err);
	if (rc == FC_OK) {
		rc = rpmdb_read(root, cb, ctx, err);
		if (rc == FC_OK)
			(*found)++;
		else if (rc == FC_ENOENT) {
			err[0] = '\0';
			rc = FC_OK;
		}
	}
	return rc;
}

/* ---- hardware ---- */

static void read_dmi(const char *root, struct hw_facts *h)
{
	static const char *const names[] = {
	    "sys_vendor",     "product_name", "product_version", "product_serial", "product_uuid",
	    "product_family", "chassis_type", "chassis_vendor",  "bios_vendor",    "bios_version",
	    "bios_date",      "board_vendor", "board_name",      "board_serial"};
	char path[128], *v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "/sys/class/dmi/id/%s", names[i]);
		v = read_first_line(root, path);
		if (v && *v)
			kvlist_add(&h->dmi, names[i], v);
		free(v);
	}
}

/* Reads MemTotal, the CPU model and the logical CPU count from /proc. */
static bool read_proc(const char *root, struct hw_facts *h)
{
	struct buf b;
	char err[FC_ERRLEN];
	const char *p;
	bool ok = false;

	buf_init(&b, 4u << 20);
	if (rootfs_read(root, "/proc/meminfo", 4u << 20, &b, err) == FC_OK) {
		p = strstr(b.ptr, "MemTotal:");
		if (p) {
			char *end;
			long long kib;

			errno = 0;
			kib = strtoll(p + 9, &end, 10);
			if (end != p + 9 && !errno && kib >= 0)
				h->memory_mb = kib / 1024;
			ok = true;
		}
	}
	if (rootfs_read(root, "/proc/cpuinfo", 4u << 20, &b, err) != FC_OK) {
		const char *all[] = {"cpu_vendor",   "cpu_family", "cpu_model",
		                     "cpu_stepping", "cpu_brand",  "cpu_logical",
		                     "cpu_cores",    "cpu_sse42",  "cpu_popcnt"};
		size_t i;

		for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			hw_unknown(&h->ready, all[i], "%s", err);
	} else {
		(void)hwfacts_cpuinfo(b.ptr, b.len, &h->ready); /* reasons in ready.unknown */
		h->cpu_count = 0;
		for (p = b.ptr; (p = strstr(p, "\nprocessor")) != NULL; p++)
			h->cpu_count++;
		if (!strncmp(b.ptr, "processor", 9))
			h->cpu_count++;
		p = strstr(b.ptr, "model name");
		if (p && (p = strchr(p, ':')) != NULL) {
			p += 1 + strspn(p + 1, " \t");
			h->cpu_model = xstrndup(p, strcspn(p, "\n"));
		}
		if (strstr(b.ptr, " hypervisor") && !h->vmsystem)
			h->vmsystem = xstrdup("Virtual");
	}
	buf_release(&b);
	return ok;
}

static void read_macs(const char *root, struct hw_facts *h)
{
	enum fc_rc rc;
	char err[FC_ERRLEN], path[512], *mac;
	DIR *d = rootfs_opendir(root, "/sys/class/net", &rc, err);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL && h->macs.n < 64) {
		if (e->d_name[0] == '.' || strlen(e->d_name) > 64)
			continue;
		snprintf(path, sizeof(path), "/sys/class/net/%s/device", e->d_name);
		if (!rootfs_exists(root, path))
			continue; /* virtual: lo, bridges, veth, tun */
		snprintf(path, sizeof(path), "/sys/class/net/%s/address", e->d_name);
		mac = read_first_line(root, path);
		if (mac && strlen(mac) == 17 && strcmp(mac, "00:00:00:00:00:00"))
			kvlist_add(&h->macs, e->d_name, mac);
		free(mac);
	}
	closedir(d);
}

/* Names the hypervisor or container from DMI strings and marker files. */
static void detect_vm(const char *root, struct hw_facts *h)
{
	static const struct {
		const char *needle, *name;
	} vms[] = {{"QEMU", "QEMU"},
	           {"KVM", "KVM"},
	           {"VMware", "VMware"},
	           {"VirtualBox", "VirtualBox"},
	           {"innotek", "VirtualBox"},
	           {"Xen", "Xen"},
	           {"Virtual Machine", "Hyper-V"},
	           {"Bochs", "Bochs"},
	           {"Parallels", "Parallels"},
	           {"Amazon EC2", "KVM"},
	           {"Google Compute Engine", "KVM"}};
	const char *vendor = kvlist_get(&h->dmi, "sys_vendor");
	const char *product = kvlist_get(&h->dmi, "product_name");
	char *vm = NULL;
	size_t i;

	if (rootfs_exists(root, "/.dockerenv"))
		vm = "Docker";
	else if (rootfs_exists(root, "/run/.containerenv"))
		vm = "Podman";
	for (i = 0; !vm && i < sizeof(vms) / sizeof(vms[0]); i++)
		if ((vendor && strstr(vendor, vms[i].needle)) ||
		    (product && strstr(product, vms[i].needle)))
			vm = (char *)vms[i].name;
	if (vm) {
		free(h->vmsystem);
		h->vmsystem = xstrdup(vm);
	} else if (!h->vmsystem && vendor) {
		h->vmsystem = xstrdup("Physical");
	}
}

static bool valid_machine_id(const char *s)
{
	size_t i;
	bool nonzero = false;

	if (!s || strlen(s) != 32)
		return false;
	for (i = 0; i < 32; i++) {
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
		nonzero |= s[i] != '0';
	}
	return nonzero;
}

/* ---- the readiness facts (docs/protocol.md) ---- */

static void ready_cpu(const char *root, struct hw_ready *r)
{
	char err[FC_ERRLEN], *s;
	long long v;

	s = read_first_line_err(root, CPU0 "/cpufreq/cpuinfo_max_freq", err);
	if (s && hwfacts_number(s, false, 1LL << 40, &v, err) == FC_OK) {
		r->cpu_max_mhz = v / 1000;
	} else if (r->cpu_max_mhz < 0) {
		hw_unknown(r, "cpu_max_mhz", "%s, and no cpu MHz in /proc/cpuinfo", err);
	}
	free(s);
	s = read_first_line_err(root, CPU0 "/microcode/processor_flags", err);
	if (s && hwfacts_number(s, true, 0xFFFFFFFFLL, &v, err) == FC_OK)
		r->cpu_platform_flags = v;
	else
		hw_unknown(r, "cpu_platform_flags", "%s", err);
	free(s);
}

/* A boolean UEFI variable (name-GUID) from efivarfs into *on, or unknown. */
static void ready_efivar(const char *root, const char *name, const char *fact, int *on,
                         struct hw_ready *r)
{
	char path[128], err[FC_ERRLEN], why[FC_ERRLEN];
	struct buf b;

	snprintf(path, sizeof(path), EFIVARS "/%s-" EFI_GLOBAL, name);
	buf_init(&b, 64);
	if (rootfs_read(root, path, 64, &b, err) != FC_OK)
		hw_unknown(r, fact, "%s", err);
	else if (hwfacts_efivar_bool((const unsigned char *)b.ptr, b.len, on, why) != FC_OK)
		hw_unknown(r, fact, "%s: %s", path, why);
	buf_release(&b);
}

static bool dir_has_entries(const char *root, const char *path)
{
	enum fc_rc rc;
	char err[FC_ERRLEN];
	DIR *d = rootfs_opendir(root, path, &rc, err);
	struct dirent *e;
	bool any = false;

	while (d && !any && (e = readdir(d)) != NULL)
		any = e->d_name[0] != '.';
	if (d)
		closedir(d);
	return any;
}

static void ready_firmware(const char *root, struct hw_ready *r)
{
	if (!rootfs_exists(root, "/sys/firmware")) {
		hw_unknown(r, "firmware", "no /sys/firmware");
		hw_unknown(r, "secure_boot_capable", "no /sys/firmware");
		hw_unknown(r, "secure_boot_enabled", "no /sys/firmware");
		hw_unknown(r, "secure_boot_setup_mode", "no /sys/firmware");
		return;
	}
	if (!rootfs_exists(root, "/sys/firmware/efi")) {
		r->firmware = "bios";
		r->secure_boot_capable = 0;
		hw_unknown(r, "secure_boot_setup_mode", "BIOS boot: no Secure Boot");
		return;
	}
	r->firmware = "uefi";
	if (!dir_has_entries(root, EFIVARS)) {
		hw_unknown(r, "secure_boot_capable", "no variables in " EFIVARS " (not mounted)");
		hw_unknown(r, "secure_boot_enabled", "no variables in " EFIVARS " (not mounted)");
		hw_unknown(r, "secure_boot_setup_mode",
		           "no variables in " EFIVARS " (not mounted)");
		return;
	}
	if (!rootfs_exists(root, EFIVARS "/SecureBoot-" EFI_GLOBAL)) {
		r->secure_boot_capable = 0;
		hw_unknown(r, "secure_boot_setup_mode", "no SecureBoot variable");
		return;
	}
	r->secure_boot_capable = 1;
	ready_efivar(root, "SecureBoot", "secure_boot_enabled", &r->secure_boot_enabled, r);
	ready_efivar(root, "SetupMode", "secure_boot_setup_mode", &r->secure_boot_setup_mode, r);
}

static void ready_tpm(const char *root, struct hw_ready *r)
{
	char err[FC_ERRLEN], *major, *caps = NULL;
	struct buf b;

	if (!rootfs_exists(root, "/sys/class")) {
		hw_unknown(r, "tpm_present", "no /sys/class");
		return;
	}
	r->tpm_present = rootfs_exists(root, "/sys/class/tpm/tpm0");
	if (!r->tpm_present)
		return;
	major = read_first_line(root, "/sys/class/tpm/tpm0/tpm_version_major");
	buf_init(&b, SMALL_FILE_MAX);
	if (!major &&
	    rootfs_read(root, "/sys/class/tpm/tpm0/device/caps", SMALL_FILE_MAX, &b, err) == FC_OK)
		caps = b.ptr;
	if (hwfacts_tpm_sysfs(major, caps, &r->tpm_version, err) != FC_OK)
		hw_unknown(r, "tpm_version", "%s", err);
	buf_release(&b);
	free(major);
}

/* Installed memory from the SMBIOS table (readable by root only). */
static void ready_smbios(const char *root, struct hw_ready *r)
{
	struct smbios_hw *hw = xmalloc(sizeof(*hw));
	char err[FC_ERRLEN];
	struct buf b;

	buf_init(&b, DMI_TABLE_MAX);
	if (rootfs_read(root, "/sys/firmware/dmi/tables/DMI", DMI_TABLE_MAX, &b, err) != FC_OK)
		hw_unknown(r, "memory_installed_mib", "%s", err);
	else if (smbios_hw_info((const unsigned char *)b.ptr, b.len, hw, err) != FC_OK)
		hw_unknown(r, "memory_installed_mib", "%s", err);
	else if (hw->memory_mib < 0)
		hw_unknown(r, "memory_installed_mib", "%s", hw->memory_err);
	else
		r->memory_installed_mib = hw->memory_mib;
	buf_release(&b);
	free(hw);
}

static void ready_system(const char *root, struct hw_ready *r)
{
	const char *dir = root ? root : "/";
	struct statvfs sv;
	struct utsname u;

	if (statvfs(dir, &sv) == 0)
		r->system_volume_mib =
		    (long long)((unsigned long long)sv.f_blocks * sv.f_frsize >> 20);
	else
		hw_unknown(r, "system_volume_mib", "statvfs '%s': %s", dir, strerror(errno));
	if (root && strcmp(root, "/")) {
		hw_unknown(r, "os_bits", "not known below --root");
	} else if (uname(&u) != 0) {
		hw_unknown(r, "os_bits", "uname: %s", strerror(errno));
	} else if (strstr(u.machine, "64") || !strcmp(u.machine, "s390x")) {
		r->os_bits = 64;
	} else if ((u.machine[0] == 'i' && !strcmp(u.machine + 2, "86")) ||
	           !strncmp(u.machine, "arm", 3) || !strcmp(u.machine, "ppc") ||
	           !strcmp(u.machine, "mips") || !strcmp(u.machine, "s390")) {
		r->os_bits = 32;
	} else {
		hw_unknown(r, "os_bits", "uname machine '%s' not known", u.machine);
	}
}

static void read_ready(const char *root, struct hw_facts *h)
{
	ready_cpu(root, &h->ready);
	ready_firmware(root, &h->ready);
	ready_tpm(root, &h->ready);
	ready_smbios(root, &h->ready);
	ready_system(root, &h->ready);
	hwfacts_dmi_finish(&h->ready, &h->dmi,
	                   rootfs_exists(root, "/sys/class/dmi/id") ? "not in /sys/class/dmi/id"
	                                                            : "no /sys/class/dmi/id");
	if (h->memory_mb < 0)
		hw_unknown(&h->ready, "memory_usable_mib", "no MemTotal in /proc/meminfo");
}

enum fc_rc os_get_hardware(const char *root, struct hw_facts *h)
{
	bool any;

	read_dmi(root, h);
	any = read_proc(root, h);
	read_macs(root, h);
	detect_vm(root, h);
	read_ready(root, h);
	h->machine_id = read_first_line(root, "/etc/machine-id");
	if (!valid_machine_id(h->machine_id))
		FREE_AND_NULL(h->machine_id);
	if (!any && h->dmi.n == 0) {
		snprintf(h->err, sizeof(h->err),
		         "no /proc/meminfo and no /sys/class/dmi/id below %s", root ? root : "/");
		h->status = root && strcmp(root, "/") ? SECTION_SKIPPED : SECTION_FAILED;
	}
	return FC_OK;
}

/* Fills buf from /dev/urandom: the source on kernels older than 3.17, which
 * lack getrandom(2) (the static agent runs on Linux 2.6.32 and later). */
static enum fc_rc urandom_read(unsigned char *p, size_t n)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0) {
		LOG_ERR("getrandom: not in this kernel, and /dev/urandom: %s", strerror(errno));
		return FC_EIO;
	}
	while (n > 0) {
		got = read(fd, p, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			LOG_ERR("/dev/urandom: %s",
			        got < 0 ? strerror(errno) : "unexpected end of file");
			close(fd);
			return FC_EIO;
		}
		p += got;
		n -= (size_t)got;
	}
	close(fd);
	return FC_OK;
}

enum fc_rc os_random(void *buf, size_t n)
{
	unsigned char *p = buf;
	ssize_t got;

	while (n > 0) {
		got = getrandom(p, n, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == ENOSYS)
			return urandom_read(p, n);
		if (got < 0) {
			LOG_ERR("getrandom: %s", strerror(errno));
			return FC_EIO;
		}
		p += got;
		n -= (size_t)got;
	}
	return FC_OK;
}
