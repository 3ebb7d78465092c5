/* classify_linux.c - the Linux rules of the classifier (classify.c):
 * os-release, then the legacy release files (docs/classification.md). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify_int.h"

/* ---- Linux ---- */

/* The part of v before its n-th dot (n = 1: the major version). */
static void ver_prefix(const char *v, int n, char *dst, size_t cap)
{
	size_t i;

	for (i = 0; v[i] && i + 1 < cap; i++) {
		if (v[i] == '.' && --n == 0)
			break;
		dst[i] = v[i];
	}
	dst[i] = '\0';
}

/* os_product of a Linux (or BSD) system from its os-release ID, NAME and
 * VERSION_ID, at the vendor's lifecycle granularity (facts e). */
void classify_linux_product(const char *id, const char *name, const char *ver, struct os_class *out)
{
	static const struct {
		const char *id, *product;
		int parts; /* version parts kept: 1 major, 2 major.minor, 0 none */
	} map[] = {
	    {"debian", "Debian", 1},
	    {"ubuntu", "Ubuntu", 2},
	    {"rhel", "Red Hat Enterprise Linux", 1},
	    {"centos", "CentOS", 1},
	    {"rocky", "Rocky Linux", 1},
	    {"almalinux", "AlmaLinux", 1},
	    {"ol", "Oracle Linux", 1},
	    {"scientific", "Scientific Linux", 1},
	    {"fedora", "Fedora", 1},
	    {"opensuse-leap", "openSUSE Leap", 2},
	    {"opensuse", "openSUSE", 2},
	    {"opensuse-tumbleweed", "openSUSE Tumbleweed", 0},
	    {"alpine", "Alpine Linux", 2},
	    {"arch", "Arch Linux", 0},
	    {"linuxmint", "Linux Mint", 2},
	    {"freebsd", "FreeBSD", 1},
	};
	char v[48];

	ver = ver ? ver : "";
	if (!strcmp(id, "sles") || !strcmp(id, "sled")) {
		const char *kind = id[3] == 's' ? "Server" : "Desktop";
		const char *dot = strchr(ver, '.');

		ver_prefix(ver, 1, v, sizeof(v));
		if (dot && strcmp(dot + 1, "0") != 0 && dot[1]) {
			classify_putf(out->os_service_pack, sizeof(out->os_service_pack), "SP%.8s",
			              dot + 1);
			classify_putf(out->os_product, sizeof(out->os_product),
			              "SUSE Linux Enterprise %s %s %s", kind, v,
			              out->os_service_pack);
		} else {
			classify_putf(out->os_product, sizeof(out->os_product),
			              "SUSE Linux Enterprise %s %s", kind, v);
		}
		return;
	}
	if (!strcmp(id, "amzn")) {
		if (!strcmp(ver, "2") || (strlen(ver) == 4 && classify_has_prefix(ver, "20")))
			classify_putf(out->os_product, sizeof(out->os_product), "Amazon Linux %s",
			              ver);
		else
			classify_putf(out->os_product, sizeof(out->os_product),
			              "Amazon Linux AMI %.40s", ver);
		return;
	}
	if (!strcmp(id, "centos") && name && strstr(name, "Stream")) {
		ver_prefix(ver, 1, v, sizeof(v));
		classify_putf(out->os_product, sizeof(out->os_product), "CentOS Stream %s", v);
		return;
	}
	for (size_t i = 0; i < NELEM(map); i++) {
		if (strcmp(id, map[i].id) != 0)
			continue;
		if (!map[i].parts || !*ver) {
			if (map[i].parts)
				classify_flag(out, "no version");
			classify_put(out->os_product, sizeof(out->os_product), map[i].product);
			return;
		}
		ver_prefix(ver, map[i].parts, v, sizeof(v));
		classify_putf(out->os_product, sizeof(out->os_product), "%s %s", map[i].product, v);
		return;
	}
	classify_putf(out->os_product, sizeof(out->os_product), "%.60s%s%.30s", name ? name : id,
	              *ver ? " " : "", ver);
}

/* Copies an os-release ID, lower-cased, keeping [a-z0-9._-] (os-release(5)). */
static void norm_id(const char *s, char *dst, size_t cap)
{
	size_t n = 0;

	for (; s && *s && n + 1 < cap; s++)
		if (isalnum((unsigned char)*s) || strchr("._-", *s))
			dst[n++] = (char)tolower((unsigned char)*s);
	dst[n] = '\0';
}

void classify_set_family(const char *id, struct os_class *out)
{
	classify_put(out->os_family, sizeof(out->os_family),
	             !strcmp(id, "freebsd") || !strcmp(id, "openbsd") || !strcmp(id, "netbsd")
	                 ? "bsd"
	                 : "linux");
}

bool classify_osrelease(const cJSON *osr, struct os_class *out)
{
	const char *ver = classify_jstr(osr, "VERSION_ID");

	norm_id(classify_jstr(osr, "ID"), out->os_id, sizeof(out->os_id));
	if (!out->os_id[0])
		return false;
	classify_set_family(out->os_id, out);
	classify_put(out->os_version, sizeof(out->os_version), ver);
	classify_put(out->os_build, sizeof(out->os_build), classify_jstr(osr, "BUILD_ID"));
	classify_linux_product(out->os_id, classify_jstr(osr, "NAME"), ver, out);
	return true;
}

/* The ID of a distribution from the text before " release " in a
 * redhat-release style line, or from a GLPI name. */
const char *classify_id_from_name(const char *s)
{
	static const struct {
		const char *prefix, *id;
	} map[] = {
	    {"CentOS", "centos"},
	    {"Red Hat", "rhel"},
	    {"Oracle Linux", "ol"},
	    {"Enterprise Linux", "ol"},
	    {"Rocky", "rocky"},
	    {"AlmaLinux", "almalinux"},
	    {"Scientific Linux", "scientific"},
	    {"Fedora", "fedora"},
	    {"Debian", "debian"},
	    {"Ubuntu", "ubuntu"},
	    {"SUSE Linux Enterprise Server", "sles"},
	    {"SUSE Linux Enterprise Desktop", "sled"},
	    {"openSUSE Leap", "opensuse-leap"},
	    {"openSUSE", "opensuse"},
	    {"Alpine", "alpine"},
	    {"Amazon Linux", "amzn"},
	    {"Arch Linux", "arch"},
	};

	for (size_t i = 0; s && i < NELEM(map); i++)
		if (classify_has_prefix(s, map[i].prefix))
			return map[i].id;
	return NULL;
}

/* The first run of digits and dots in s, into v. */
static void first_version(const char *s, char *v, size_t cap)
{
	size_t n = 0;

	while (*s && !isdigit((unsigned char)*s))
		s++;
	while ((isdigit((unsigned char)*s) || *s == '.') && n + 1 < cap)
		v[n++] = *s++;
	while (n && v[n - 1] == '.')
		n--;
	v[n] = '\0';
}

/* "CentOS release 6.10 (Final)", "Red Hat Enterprise Linux Server release
 * 5.11 (Tikanga)", "CentOS Linux release 7.9.2009 (Core)". */
bool classify_redhat_line(const char *line, struct os_class *out)
{
	const char *rel = strstr(line, " release ");
	const char *id = classify_id_from_name(line);
	char v[32];

	if (!rel || !id)
		return false;
	first_version(rel + 9, v, sizeof(v));
	classify_put(out->os_id, sizeof(out->os_id), id);
	classify_put(out->os_version, sizeof(out->os_version), v);
	classify_linux_product(id, NULL, v, out);
	return true;
}

/* "SUSE Linux Enterprise Server 11 (x86_64)", perhaps followed by the
 * "VERSION = 11" and "PATCHLEVEL = 4" lines. */
static bool from_suse_line(const char *text, struct os_class *out)
{
	const char *id = classify_id_from_name(text);
	const char *pl = strstr(text, "PATCHLEVEL");
	char v[32], p[16] = "";

	if (!id)
		return false;
	first_version(text, v, sizeof(v));
	if (pl)
		first_version(pl, p, sizeof(p));
	if (!strcmp(id, "sles") || !strcmp(id, "sled")) {
		if (p[0])
			classify_putf(out->os_version, sizeof(out->os_version), "%s.%s", v, p);
		else
			classify_put(out->os_version, sizeof(out->os_version), v);
		if (!p[0])
			classify_flag(
			    out, "service pack unknown: only SuSE-release's first line reported");
	} else {
		classify_put(out->os_version, sizeof(out->os_version), v);
	}
	classify_put(out->os_id, sizeof(out->os_id), id);
	classify_linux_product(id, NULL, out->os_version, out);
	return true;
}

/* lsb-release text: DISTRIB_ID= and DISTRIB_RELEASE= where present. */
static bool from_lsb(const char *text, struct os_class *out)
{
	const char *idp = strstr(text, "DISTRIB_ID=");
	const char *rp = strstr(text, "DISTRIB_RELEASE=");
	char name[48] = "", v[32] = "";
	size_t n = 0;

	if (!idp)
		return false;
	for (idp += 11; *idp && *idp != '\n' && *idp != '"' && n + 1 < sizeof(name); idp++)
		name[n++] = *idp;
	name[n] = '\0';
	if (rp)
		first_version(rp + 16, v, sizeof(v));
	norm_id(name, out->os_id, sizeof(out->os_id));
	if (!out->os_id[0])
		return false;
	classify_put(out->os_version, sizeof(out->os_version), v);
	if (!v[0])
		classify_flag(out, "lsb-release without DISTRIB_RELEASE");
	classify_linux_product(out->os_id, name, v, out);
	return true;
}

static bool from_simple_version(const char *id, const char *text, struct os_class *out)
{
	char v[32];

	first_version(text, v, sizeof(v));
	if (!v[0] || !isdigit((unsigned char)text[0]))
		return false;
	classify_put(out->os_id, sizeof(out->os_id), id);
	classify_put(out->os_version, sizeof(out->os_version), v);
	classify_linux_product(id, NULL, v, out);
	return true;
}

/* The legacy /etc release files (facts e, protocol release_files), most
 * specific first. */
bool classify_release_files(const cJSON *rf, struct os_class *out)
{
	static const struct {
		const char *path;
		int kind; /* 0 redhat-style, 1 SuSE, 2 lsb, 3 bare version of id */
		const char *id;
	} files[] = {
	    {"/etc/centos-release", 0, NULL},     {"/etc/redhat-release", 0, NULL},
	    {"/etc/oracle-release", 0, NULL},     {"/etc/system-release", 0, NULL},
	    {"/etc/SuSE-release", 1, NULL},       {"/etc/lsb-release", 2, NULL},
	    {"/etc/debian_version", 3, "debian"}, {"/etc/alpine-release", 3, "alpine"},
	};

	for (size_t i = 0; i < NELEM(files); i++) {
		const char *s = classify_jstr(rf, files[i].path);
		bool ok = false;

		if (!s)
			continue;
		if (files[i].kind == 0)
			ok = classify_redhat_line(s, out);
		else if (files[i].kind == 1)
			ok = from_suse_line(s, out);
		else if (files[i].kind == 2)
			ok = from_lsb(s, out);
		else
			ok = from_simple_version(files[i].id, s, out);
		if (ok) {
			classify_set_family(out->os_id, out);
			return true;
		}
	}
	return false;
}
