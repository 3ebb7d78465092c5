/* loadgen.c - play a fleet against a collector over loopback: N distinct
 * machines in M organisations, C concurrent connections (libcurl multi),
 * gzip reports as the agent sends them (docs/protocol.md), and print stored
 * reports per second, latency percentiles and the loadgen's own CPU time.
 *
 *   loadgen [options] URL TOKENS-FILE TEMPLATE.json...
 *
 * TOKENS-FILE holds one agent token a line, one per organisation; machine m
 * belongs to organisation m mod M. Each TEMPLATE is a real agent report
 * (fleetcensus-agent --output, of this machine or of a corpus root): its
 * software list, operating system and os-release are real. From them the
 * loadgen makes --images base images (image k: template k mod T, with the
 * versions of one package in 20 made image-specific and a few entries of
 * the other templates added, so sizes and names stay those of real package
 * databases). Most machines run one of the images; --unique percent of them
 * have their own list (the image plus 1..5 packages of their own).
 *
 * Modes (--mode):
 *   first      every machine sends its full report (a first report);
 *   unchanged  every machine sends a short report (software_unchanged, the
 *              digest of its list), as agents do on the following days;
 *   mixed      --changed percent of the machines send a full report with a
 *              changed list (one package upgraded), the others short ones.
 * A 409 {"resend":"full"} is answered with the full report, as the agent
 * does; a 429 or 503 is retried after its Retry-After (plus up to half of
 * it), as the agent does, at most --retries times; a failed connection is
 * retried after a second.
 *
 * Bodies are composed without compressing the software lists again: each
 * image's list is deflated once; a report's own parts (ids, times) are
 * deflated per request and joined with the image's blocks (full flushes,
 * crc32_combine), as pigz joins blocks, so the loadgen's CPU stays small.
 *
 * The bodies of the first LOADGEN_PREPARE_MAX reports are made before the
 * clock starts, and each organisation's header list once: the load generator
 * stands for thousands of agents on other machines, so the CPU it spends
 * during the run (printed) should be the sending, not the composing. A 409
 * or a retry composes its body again during the run, as an agent would.
 *
 * --ack-file FILE writes the report_id of every report answered 200. */
#include <curl/curl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>

#include <cJSON.h>

#include "buf.h"
#include "fctime.h"
#include "gzip.h"
#include "sha256.h"
#include "xalloc.h"

#define MAX_TEMPLATES 64
#define MAX_BODY ((size_t)64 << 20)

struct image {
	char *os; /* "\"operatingsystem\":{...}" of its template */
	char *os_release; /* "\"os_release\":{...}" */
	struct buf list; /* the entries' JSON, comma-separated */
	struct buf z; /* list deflated (raw, ends with a full flush) */
	uLong crc; /* crc32 of list */
	size_t n; /* entries */
	struct sha256 digest0; /* the digest state after the tag and the entries */
};

struct machine {
	int image;
	int extras; /* packages of its own (unique machines), 0 for most */
	int changes; /* times its list changed (mixed mode) */
	int org;
};

struct req {
	int machine;
	bool ready; /* body made before the clock started */
	bool full; /* sending the full report */
	int attempts;
	double not_before; /* monotonic time before which it is not sent (retry) */
	double start;
	char report_id[37];
	struct buf gz;
};

struct run {
	const char *url;
	char **auth; /* "Authorization: Bearer T" per organisation */
	struct curl_slist **hdr; /* every header of a request, per organisation */
	CURL **idle; /* easy handles of finished requests, used again */
	int n_idle;
	int orgs;
	struct image *img;
	int n_img;
	struct machine *m;
	int n_machines;
	const char *mode;
	int changed_pct;
	int retries;
	FILE *ack;
	unsigned seed;
	/* results */
	double *lat;
	size_t n_lat;
	long st200, st409, st503, st_other, conn_fail, gave_up;
	size_t bytes;
};

/* Reports whose bodies are made before the clock starts (memory: about 9 KB
 * each for full reports); the rest are made as they are sent. */
#define LOADGEN_PREPARE_MAX 200000

/* CPU seconds used by this process so far. */
static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned rnd(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

static void die(const char *what)
{
	fprintf(stderr, "loadgen: %s\n", what);
	exit(70);
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

static cJSON *load_json(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t n;
	cJSON *doc;

	if (!f) {
		fprintf(stderr, "loadgen: cannot open '%s'\n", path);
		exit(66);
	}
	buf_init(&b, 256u << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n))
			exit(66);
	fclose(f);
	doc = cJSON_Parse(buf_cstr(&b));
	buf_release(&b);
	if (!doc || !cJSON_GetObjectItem(doc, "content")) {
		fprintf(stderr, "loadgen: '%s' is not a report\n", path);
		exit(65);
	}
	return doc;
}

/* Deflates in (raw, level) into out; full flush, or finish when last. */
static void deflate_part(const void *in, size_t len, int level, bool last, struct buf *out)
{
	unsigned char chunk[65536];
	z_stream zs;
	int zrc;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2 failed");
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		zrc = deflate(&zs, last ? Z_FINISH : Z_FULL_FLUSH);
		if (zrc == Z_STREAM_ERROR || buf_add(out, chunk, sizeof(chunk) - zs.avail_out))
			die("deflate failed");
	} while (zs.avail_out == 0 || (last && zrc != Z_STREAM_END));
	deflateEnd(&zs);
}

static void put_le32(struct buf *b, uLong v)
{
	unsigned char le[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
	                       (unsigned char)(v >> 24)};

	if (buf_add(b, le, 4))
		die("body too large");
}

/* One software entry as JSON, fields as the agent writes them. */
static void entry_json(struct buf *b, const char *name, const char *version, const char *arch,
                       const char *publisher, const char *from)
{
	cJSON *e = cJSON_CreateObject();
	char *t;

	cJSON_AddStringToObject(e, "name", name);
	cJSON_AddStringToObject(e, "version", version);
	if (arch[0])
		cJSON_AddStringToObject(e, "arch", arch);
	if (publisher[0])
		cJSON_AddStringToObject(e, "publisher", publisher);
	cJSON_AddStringToObject(e, "from", from);
	t = cJSON_PrintUnformatted(e);
	if (!t || (b->len && buf_addstr(b, ",")) || buf_addstr(b, t))
		die("out of memory");
	free(t);
	cJSON_Delete(e);
}

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static void digest_fields(struct sha256 *c, const char *name, const char *version, const char *arch,
                          const char *publisher, const char *from)
{
	const char *f[5] = {name, version, arch, publisher, from};
	int k;

	for (k = 0; k < 5; k++)
		sha256_update(c, f[k], strlen(f[k]) + 1);
}

static char *print_member(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(obj, key);
	char *t = v ? cJSON_PrintUnformatted(v) : NULL;
	struct buf b;

	buf_init(&b, 1 << 20);
	if (buf_printf(&b, "\"%s\":%s", key, t ? t : "{}"))
		die("template member too large");
	free(t);
	return buf_take(&b, NULL);
}

/* Builds image k from the templates. */
static void make_image(struct image *im, int k, cJSON **tpl, int n_tpl)
{
	static const char tag[] = "fleetcensus software list 1\n";
	cJSON *content = cJSON_GetObjectItem(tpl[k % n_tpl], "content");
	cJSON *sw = cJSON_GetObjectItem(content, "softwares"), *e;
	char version[512];
	int i = 0, t;

	im->os = print_member(content, "operatingsystem");
	im->os_release = print_member(cJSON_GetObjectItem(content, "fleetcensus"), "os_release");
	buf_init(&im->list, MAX_BODY);
	buf_init(&im->z, MAX_BODY);
	sha256_init(&im->digest0);
	sha256_update(&im->digest0, tag, sizeof(tag) - 1);
	cJSON_ArrayForEach(e, sw)
	{
		if (k >= n_tpl && i % 20 == k % 20)
			snprintf(version, sizeof(version), "%s+img%d", str_of(e, "version"), k);
		else
			snprintf(version, sizeof(version), "%s", str_of(e, "version"));
		i++;
		entry_json(&im->list, str_of(e, "name"), version, str_of(e, "arch"),
		           str_of(e, "publisher"), str_of(e, "from"));
		digest_fields(&im->digest0, str_of(e, "name"), version, str_of(e, "arch"),
		              str_of(e, "publisher"), str_of(e, "from"));
		im->n++;
	}
	/* a few entries of the other templates, so images differ in size */
	for (t = 0; t < n_tpl && k >= n_tpl; t++) {
		cJSON *osw =
		    cJSON_GetObjectItem(cJSON_GetObjectItem(tpl[t], "content"), "softwares");
		int j = 0, want = (k * 7 + t * 13) % 40;

		if (t == k % n_tpl)
			continue;
		cJSON_ArrayForEach(e, osw)
		{
			if (j++ >= want)
				break;
			entry_json(&im->list, str_of(e, "name"), str_of(e, "version"),
			           str_of(e, "arch"), str_of(e, "publisher"), str_of(e, "from"));
			digest_fields(&im->digest0, str_of(e, "name"), str_of(e, "version"),
			              str_of(e, "arch"), str_of(e, "publisher"), str_of(e, "from"));
			im->n++;
		}
	}
	im->crc = crc32(0L, (const Bytef *)im->list.ptr, (uInt)im->list.len);
	deflate_part(im->list.ptr, im->list.len, 6, false, &im->z);
}

/* The machine's own entries (after the image's), as JSON with a leading
 * comma when the image has entries, and fed to the digest. */
static void own_entries(const struct run *R, int m, struct buf *out, struct sha256 *dg)
{
	const struct machine *mc = &R->m[m];
	char name[64], version[64];
	int i;

	for (i = 0; i < mc->extras + (mc->changes ? 1 : 0); i++) {
		struct buf one;

		if (i < mc->extras) {
			snprintf(name, sizeof(name), "site-tool-%d", i);
			snprintf(version, sizeof(version), "1.%d-machine%d", i, m);
		} else {
			snprintf(name, sizeof(name), "upgraded-package");
			snprintf(version, sizeof(version), "2.%d", mc->changes);
		}
		buf_init(&one, 4096);
		entry_json(&one, name, version, "amd64", "", "deb");
		if ((out->len || R->img[mc->image].n) && buf_addstr(out, ","))
			die("out of memory");
		if (buf_add(out, one.ptr, one.len))
			die("out of memory");
		buf_release(&one);
		digest_fields(dg, name, version, "amd64", "", "deb");
	}
}

static void uuid_of(unsigned a, unsigned b, unsigned c, char out[37])
{
	snprintf(out, 37, "%08x-%04x-4%03x-8%03x-%012x", a, b & 0xffff, c & 0xfff, (a >> 3) & 0xfff,
	         a * 2654435761u);
}

/* Builds the body of r: its full report, or its short one. */
static void make_body(struct run *R, struct req *r)
{
	const struct machine *mc = &R->m[r->machine];
	const struct image *im = &R->img[mc->image];
	struct buf head, tail, own, whole;
	struct sha256 dg = im->digest0;
	unsigned char d[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1], hw[37], agent[37], at[32];
	int64_t t = (int64_t)time(NULL);
	size_t count;
	int i;
	unsigned m = (unsigned)r->machine;

	buf_init(&own, MAX_BODY);
	own_entries(R, r->machine, &own, &dg);
	sha256_final(&dg, d);
	for (i = 0; i < SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	count = im->n + (size_t)mc->extras + (mc->changes ? 1u : 0u);
	uuid_of(m, 0x3333, 0x333, hw);
	uuid_of(m, 0x2222, 0x222, agent);
	uuid_of(rnd(&R->seed) << 16 ^ rnd(&R->seed), rnd(&R->seed), rnd(&R->seed), r->report_id);
	(void)fctime_format_rfc3339(t, at); /* "" past 9999 */
	buf_init(&head, MAX_BODY);
	buf_init(&tail, MAX_BODY);
	if (buf_printf(&head,
	               "{\"deviceid\":\"bench-%07u-2026-01-01-00-00-00\",\"itemtype\":\"Computer\","
	               "\"action\":\"inventory\",\"content\":{\"versionclient\":"
	               "\"fleetcensus-agent_v0.1.0\",%s",
	               m, r->full ? "\"softwares\":[" : ""))
		die("out of memory");
	if ((r->full && (buf_add(&tail, own.ptr, own.len) || buf_addstr(&tail, "],"))) ||
	    buf_printf(&tail,
	               "%s,\"hardware\":{\"name\":\"bench-%07u\",\"uuid\":\"%s\"},"
	               "\"fleetcensus\":{\"schema\":1,\"report_id\":\"%s\",\"collected_at\":\"%s\","
	               "\"agent_id\":\"%s\",\"machine_id\":\"%016x%016x\","
	               "\"sections\":{\"os\":\"ok\",\"software\":\"ok\",\"hardware\":\"ok\"},"
	               "\"errors\":{},%s,\"software_digest\":\"%s\",\"software_count\":%zu%s}}}",
	               im->os, m, hw, r->report_id, at, agent, m, 0x5eedu, im->os_release, hex,
	               count, r->full ? "" : ",\"software_unchanged\":true"))
		die("out of memory");
	buf_release(&r->gz);
	buf_init(&r->gz, MAX_BODY);
	if (!r->full) {
		buf_init(&whole, MAX_BODY);
		if (buf_add(&whole, head.ptr, head.len) || buf_add(&whole, tail.ptr, tail.len) ||
		    gzip_compress(whole.ptr, whole.len, &r->gz))
			die("cannot compress");
		buf_release(&whole);
	} else {
		static const unsigned char gzhead[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
		uLong crc = crc32(0L, (const Bytef *)head.ptr, (uInt)head.len);

		crc = crc32_combine(crc, im->crc, (z_off_t)im->list.len);
		crc = crc32_combine(crc, crc32(0L, (const Bytef *)tail.ptr, (uInt)tail.len),
		                    (z_off_t)tail.len);
		if (buf_add(&r->gz, gzhead, sizeof(gzhead)))
			die("out of memory");
		deflate_part(head.ptr, head.len, 1, false, &r->gz);
		if (buf_add(&r->gz, im->z.ptr, im->z.len))
			die("out of memory");
		deflate_part(tail.ptr, tail.len, 1, true, &r->gz);
		put_le32(&r->gz, crc);
		put_le32(&r->gz, (uLong)(head.len + im->list.len + tail.len));
	}
	buf_release(&head);
	buf_release(&tail);
	buf_release(&own);
}

static void start(CURLM *multi, struct run *R, struct req *r)
{
	CURL *e = R->n_idle ? R->idle[--R->n_idle] : curl_easy_init();

	if (!e)
		die("curl_easy_init failed");
	curl_easy_setopt(e, CURLOPT_URL, R->url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, R->hdr[R->m[r->machine].org]);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->gz.ptr);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->gz.len);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 120L);
	r->start = now();
	r->attempts++;
	R->bytes += r->gz.len;
	curl_multi_add_handle(multi, e);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static long parse_num(const char *s, long min, long max, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < min || v > max) {
		fprintf(stderr, "loadgen: %s: want a number %ld..%ld\n", what, min, max);
		exit(64);
	}
	return v;
}

static void usage(void)
{
	fprintf(stderr, "usage: loadgen [--machines N] [--reports N] [--concurrency C] [--mode "
	                "first|unchanged|mixed]\n"
	                "               [--images K] [--unique PCT] [--changed PCT] [--retries R] "
	                "[--seed S]\n"
	                "               [--ack-file FILE] URL TOKENS-FILE TEMPLATE.json...\n");
	exit(64);
}

static char **read_tokens(const char *path, int *n)
{
	FILE *f = fopen(path, "r");
	char line[512], **out = NULL;
	int k = 0;

	if (!f) {
		fprintf(stderr, "loadgen: cannot open '%s'\n", path);
		exit(66);
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		out = xrealloc(out, (size_t)(k + 1) * sizeof(*out));
		out[k] = xmalloc(strlen(line) + 40);
		sprintf(out[k], "Authorization: Bearer %s", line);
		k++;
	}
	fclose(f);
	if (!k) {
		fprintf(stderr, "loadgen: no token in '%s'\n", path);
		exit(65);
	}
	*n = k;
	return out;
}

/* Decides what r sends first in this mode. */
static void plan(struct run *R, struct req *r)
{
	if (!strcmp(R->mode, "first")) {
		r->full = true;
	} else if (!strcmp(R->mode, "mixed") && (int)(rnd(&R->seed) % 100) < R->changed_pct) {
		R->m[r->machine].changes++;
		r->full = true;
	} else {
		r->full = false;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"machines", required_argument, NULL, 'n'},
	                                     {"reports", required_argument, NULL, 'r'},
	                                     {"concurrency", required_argument, NULL, 'c'},
	                                     {"mode", required_argument, NULL, 'm'},
	                                     {"images", required_argument, NULL, 'i'},
	                                     {"unique", required_argument, NULL, 'u'},
	                                     {"changed", required_argument, NULL, 'x'},
	                                     {"retries", required_argument, NULL, 'R'},
	                                     {"seed", required_argument, NULL, 's'},
	                                     {"ack-file", required_argument, NULL, 'a'},
	                                     {NULL, 0, NULL, 0}};
	struct run R;
	cJSON *tpl[MAX_TEMPLATES];
	int n_tpl = 0, conc = 64, unique_pct = 10, reports = -1, c, i, running, left;
	int next = 0, active = 0, finished = 0;
	struct req *reqs, **waiting;
	int n_wait = 0;
	double t0, wall, full_share = 0;
	double cpu0, cpu, prep;
	char url[1024];
	long full_sent = 0;
	CURLM *multi;
	CURLMsg *msg;

	memset(&R, 0, sizeof(R));
	R.n_machines = 2000;
	R.n_img = 20;
	R.mode = "first";
	R.changed_pct = 10;
	R.retries = 20;
	R.seed = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': R.n_machines = (int)parse_num(optarg, 1, 10000000, "--machines"); break;
		case 'r': reports = (int)parse_num(optarg, 1, 100000000, "--reports"); break;
		case 'c': conc = (int)parse_num(optarg, 1, 4096, "--concurrency"); break;
		case 'm': R.mode = optarg; break;
		case 'i': R.n_img = (int)parse_num(optarg, 1, 10000, "--images"); break;
		case 'u': unique_pct = (int)parse_num(optarg, 0, 100, "--unique"); break;
		case 'x': R.changed_pct = (int)parse_num(optarg, 0, 100, "--changed"); break;
		case 'R': R.retries = (int)parse_num(optarg, 0, 1000, "--retries"); break;
		case 's': R.seed = (unsigned)parse_num(optarg, 0, 1000000000, "--seed"); break;
		case 'a':
			R.ack = fopen(optarg, "w");
			if (!R.ack)
				die("cannot open the ack file");
			break;
		default: usage();
		}
	}
	if (strcmp(R.mode, "first") && strcmp(R.mode, "unchanged") && strcmp(R.mode, "mixed"))
		usage();
	if (argc - optind < 3 || argc - optind - 2 > MAX_TEMPLATES)
		usage();
	if (reports < 0)
		reports = R.n_machines;
	snprintf(url, sizeof(url), "%s/api/v1/inventory", argv[optind]);
	R.url = url;
	R.auth = read_tokens(argv[optind + 1], &R.orgs);
	for (i = optind + 2; i < argc; i++)
		tpl[n_tpl++] = load_json(argv[i]);
	R.img = xcalloc((size_t)R.n_img, sizeof(*R.img));
	for (i = 0; i < R.n_img; i++)
		make_image(&R.img[i], i, tpl, n_tpl);
	for (i = 0; i < n_tpl; i++)
		cJSON_Delete(tpl[i]);
	/* the fleet: the same for every mode and run with the same sizes */
	R.m = xcalloc((size_t)R.n_machines, sizeof(*R.m));
	{
		unsigned fs = 7;

		for (i = 0; i < R.n_machines; i++) {
			R.m[i].image = (int)(rnd(&fs) % (unsigned)R.n_img);
			R.m[i].extras =
			    (int)(rnd(&fs) % 100) < unique_pct ? 1 + (int)(rnd(&fs) % 5) : 0;
			R.m[i].org = i % R.orgs;
		}
	}
	R.seed ^= (unsigned)time(NULL) * 2654435761u;
	reqs = xcalloc((size_t)reports, sizeof(*reqs));
	waiting = xcalloc((size_t)reports, sizeof(*waiting));
	R.lat = xcalloc((size_t)reports * 2 + 16, sizeof(*R.lat));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	R.idle = xcalloc((size_t)conc, sizeof(*R.idle));
	R.hdr = xcalloc((size_t)R.orgs, sizeof(*R.hdr));
	for (i = 0; i < R.orgs; i++) {
		R.hdr[i] = curl_slist_append(NULL, "Content-Type: application/json");
		R.hdr[i] = curl_slist_append(R.hdr[i], "Content-Encoding: gzip");
		R.hdr[i] = curl_slist_append(R.hdr[i], "Expect:");
		R.hdr[i] = curl_slist_append(R.hdr[i], R.auth[i]);
	}
	prep = now();
	for (i = 0; i < reports && i < LOADGEN_PREPARE_MAX; i++) {
		reqs[i].machine = i % R.n_machines;
		plan(&R, &reqs[i]);
		make_body(&R, &reqs[i]);
		reqs[i].ready = true;
	}
	prep = now() - prep;
	cpu0 = cpu_seconds();
	multi = curl_multi_init();
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)conc);
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)conc);
	t0 = now();
	while (finished < reports) {
		double tnow = now();

		/* retries whose time has come, then new reports */
		for (i = 0; i < n_wait && active < conc;) {
			if (waiting[i]->not_before <= tnow) {
				struct req *r = waiting[i];

				waiting[i] = waiting[--n_wait];
				make_body(&R, r);
				full_sent += r->full;
				start(multi, &R, r);
				active++;
			} else {
				i++;
			}
		}
		while (active < conc && next < reports) {
			struct req *r = &reqs[next];

			if (!r->ready) {
				r->machine = next % R.n_machines;
				plan(&R, r);
				make_body(&R, r);
			}
			full_sent += r->full;
			start(multi, &R, r);
			next++;
			active++;
		}
		curl_multi_perform(multi, &running);
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			struct req *r;
			long status = 0;
			curl_off_t ra = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RETRY_AFTER, &ra);
			curl_multi_remove_handle(multi, msg->easy_handle);
			R.idle[R.n_idle++] = msg->easy_handle; /* at most conc of them */
			active--;
			tnow = now();
			if (status == 200) {
				R.st200++;
				R.lat[R.n_lat++] = (tnow - r->start) * 1000;
				if (R.ack)
					fprintf(R.ack, "%s\n", r->report_id);
				buf_release(&r->gz);
				finished++;
				continue;
			}
			if (status == 409 && !r->full) { /* the agent sends the full report */
				R.st409++;
				r->full = true;
				r->not_before = 0;
				waiting[n_wait++] = r;
				continue;
			}
			if (status == 503 || status == 429)
				R.st503++;
			else if (status == 0)
				R.conn_fail++;
			else
				R.st_other++;
			if ((status == 503 || status == 429 || status == 0) &&
			    r->attempts <= R.retries) {
				double wait = status ? (ra > 0 ? (double)ra : 1.0) : 1.0;

				r->not_before = tnow + wait + wait * (rnd(&R.seed) % 500) / 1000.0;
				waiting[n_wait++] = r;
				continue;
			}
			if (status != 200 && status != 503 && status != 429 && status != 0)
				fprintf(stderr, "loadgen: machine %d: HTTP %ld\n", r->machine,
				        status);
			R.gave_up++;
			buf_release(&r->gz);
			finished++;
		}
		if (finished < reports)
			curl_multi_poll(multi, NULL, 0, n_wait ? 20 : 100, NULL);
	}
	wall = now() - t0;
	cpu = cpu_seconds() - cpu0;
	qsort(R.lat, R.n_lat, sizeof(*R.lat), cmp_double);
	full_share = next ? 100.0 * (double)full_sent / (double)next : 0;
	printf("mode %s: %d reports of %d machines in %d organisations, %d images, %d%% unique,"
	       " concurrency %d\n",
	       R.mode, reports, R.n_machines, R.orgs, R.n_img, unique_pct, conc);
	printf("answers: 200 %ld, 409 %ld (then full), 503/429 %ld (retried), other %ld, "
	       "failed connections %ld, given up %ld; full bodies sent %ld (%.0f%% of reports)\n",
	       R.st200, R.st409, R.st503, R.st_other, R.conn_fail, R.gave_up, full_sent,
	       full_share);
	printf("average gzip body %zu bytes\n",
	       R.st200 + R.st409 + R.st503
	           ? R.bytes / (size_t)(R.st200 + R.st409 + R.st503 + R.st_other + R.conn_fail)
	           : (size_t)0);
	printf("stored per second %.0f (%.1f s)\n", (double)R.st200 / wall, wall);
	if (R.n_lat)
		printf("latency ms (200 answers) p50 %.1f p95 %.1f p99 %.1f max %.1f\n",
		       R.lat[R.n_lat / 2], R.lat[R.n_lat * 95 / 100], R.lat[R.n_lat * 99 / 100],
		       R.lat[R.n_lat - 1]);
	printf("loadgen CPU during the run %.2f s (%.3f ms per report); bodies of %d reports"
	       " made before it in %.1f s\n",
	       cpu, cpu * 1000 / (reports ? reports : 1),
	       reports < LOADGEN_PREPARE_MAX ? reports : LOADGEN_PREPARE_MAX, prep);
	if (R.ack)
		fclose(R.ack);
	curl_multi_cleanup(multi);
	for (i = 0; i < R.orgs; i++)
		curl_slist_free_all(R.hdr[i]);
	free(R.hdr);
	while (R.n_idle)
		curl_easy_cleanup(R.idle[--R.n_idle]);
	free(R.idle);
	curl_global_cleanup();
	return R.gave_up || R.st200 != reports ? 1 : 0;
}
