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
#include <sys/utsname.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "parse_apk.h"
#include "parse_dpkg.h"
#include "parse_osrelease.h"
#include "parse_pacman.h"
#include "rootfs.h"
#include "rpmdb.h"
#include "xalloc.h"

#define OSREL_MAX (64u << 10) /* os-release and legacy release files */
#define SMALL_FILE_MAX (64u << 10) /* /proc and /sys files, hostname */
#define PACMAN_DESC_MAX (1u << 20)
#define TEXT_DB_CHUNK (256u << 10) /* read size of the large text databases */

/* Reads a small text file below root and returns its first line without
 * leading and trailing blanks (Solaris centres its /etc/release), as a heap
 * string; NULL when it cannot be read. */
static char *read_first_line(const char *root, const char *path)
{
	struct buf b;
	char err[FC_ERRLEN];
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
			h->memory_mb = strtoll(p + 9, NULL, 10) / 1024;
			ok = true;
		}
	}
	if (rootfs_read(root, "/proc/cpuinfo", 4u << 20, &b, err) == FC_OK) {
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

enum fc_rc os_get_hardware(const char *root, struct hw_facts *h)
{
	bool any;

	read_dmi(root, h);
	any = read_proc(root, h);
	read_macs(root, h);
	detect_vm(root, h);
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
