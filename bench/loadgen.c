/* loadgen.c - post many distinct machines' reports to a collector over
 * loopback with C concurrent connections (libcurl multi), and print stored
 * reports per second and latency percentiles.
 *
 *   loadgen URL TOKEN TEMPLATE.json REPORTS CONCURRENCY PACKAGES
 *
 * TEMPLATE is a real agent report (fleetcensus-agent --output); its software
 * list is repeated with numbered names until it holds PACKAGES entries. Every
 * report gets its own report_id, agent_id, machine_id and hardware UUID, so
 * each is a first report of a new machine. All bodies are built and
 * gzip-compressed before the clock starts. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "buf.h"
#include "gzip.h"
#include "xalloc.h"

struct job {
	struct buf gz;
	double start;
	double latency;
	long status;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

static cJSON *load_template(const char *path)
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

/* Pads content.softwares to want entries by repeating it with numbered names. */
static void pad_software(cJSON *doc, int want)
{
	cJSON *sw = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "content"), "softwares");
	int have = cJSON_GetArraySize(sw), i;
	char name[300];

	for (i = 0; have > 0 && cJSON_GetArraySize(sw) < want; i++) {
		cJSON *src = cJSON_GetArrayItem(sw, i % have), *copy = cJSON_Duplicate(src, 1);
		cJSON *n = cJSON_GetObjectItem(copy, "name");

		snprintf(name, sizeof(name), "%s-x%d", cJSON_IsString(n) ? n->valuestring : "pkg",
		         i / have);
		cJSON_ReplaceItemInObject(copy, "name", cJSON_CreateString(name));
		cJSON_AddItemToArray(sw, copy);
	}
}

static void set_str(cJSON *obj, const char *key, const char *val)
{
	if (cJSON_GetObjectItem(obj, key))
		cJSON_ReplaceItemInObject(obj, key, cJSON_CreateString(val));
	else
		cJSON_AddStringToObject(obj, key, val);
}

static void make_body(cJSON *doc, int i, struct buf *gz)
{
	cJSON *content = cJSON_GetObjectItem(doc, "content");
	cJSON *ext = cJSON_GetObjectItem(content, "fleetcensus");
	cJSON *hw = cJSON_GetObjectItem(content, "hardware");
	char id[40], hex[33];
	char *text;

	snprintf(id, sizeof(id), "%08x-1111-4111-8111-%012x", (unsigned)i, (unsigned)i);
	set_str(ext, "report_id", id);
	snprintf(id, sizeof(id), "%08x-2222-4222-8222-%012x", (unsigned)i, (unsigned)i);
	set_str(ext, "agent_id", id);
	snprintf(hex, sizeof(hex), "%016x%016x", (unsigned)i, 0x5eedu);
	set_str(ext, "machine_id", hex);
	if (!hw)
		hw = cJSON_AddObjectToObject(content, "hardware");
	snprintf(id, sizeof(id), "%08x-3333-4333-8333-%012x", (unsigned)i, (unsigned)i);
	set_str(hw, "uuid", id);
	snprintf(id, sizeof(id), "bench-%06d", i);
	set_str(hw, "name", id);
	text = cJSON_PrintUnformatted(doc);
	buf_init(gz, 64u << 20);
	if (!text || gzip_compress(text, strlen(text), gz)) {
		fprintf(stderr, "loadgen: cannot build report %d\n", i);
		exit(70);
	}
	free(text);
}

static CURL *start(CURLM *multi, const char *url, struct curl_slist *hdr, struct job *j)
{
	CURL *e = curl_easy_init();

	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->gz.ptr);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)j->gz.len);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(e, CURLOPT_PRIVATE, j);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 60L);
	j->start = now();
	curl_multi_add_handle(multi, e);
	return e;
}

/* A whole number in 1..max from s, or -1. */
static long number(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	return end != s && !*end && v >= 1 && v <= max ? v : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct curl_slist *hdr = NULL;
	char auth[300], url[1024];
	int n, conc, pkgs, next = 0, done = 0, running, i, ok = 0, left;
	struct job *jobs;
	double t0, wall, *lat;
	CURLM *multi;
	CURLMsg *msg;
	cJSON *doc;
	size_t bytes = 0;

	if (argc != 7) {
		fprintf(stderr, "usage: loadgen URL TOKEN TEMPLATE REPORTS CONCURRENCY PACKAGES\n");
		return 64;
	}
	n = (int)number(argv[4], 10000000);
	conc = (int)number(argv[5], 1024);
	pkgs = (int)number(argv[6], 200000);
	if (n < 0 || conc < 0 || pkgs < 0) {
		fprintf(stderr, "loadgen: REPORTS, CONCURRENCY and PACKAGES must be positive\n");
		return 64;
	}
	doc = load_template(argv[3]);
	pad_software(doc, pkgs);
	jobs = xcalloc((size_t)n, sizeof(*jobs));
	for (i = 0; i < n; i++) {
		make_body(doc, i, &jobs[i].gz);
		bytes += jobs[i].gz.len;
	}
	cJSON_Delete(doc);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(url, sizeof(url), "%s/api/v1/inventory", argv[1]);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", argv[2]);
	hdr = curl_slist_append(hdr, auth);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, "Content-Encoding: gzip");
	hdr = curl_slist_append(hdr, "Expect:");
	multi = curl_multi_init();
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)conc);
	t0 = now();
	for (; next < n && next < conc; next++)
		start(multi, url, hdr, &jobs[next]);
	while (done < n) {
		curl_multi_perform(multi, &running);
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			struct job *j;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
			j->latency = now() - j->start;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &j->status);
			ok += j->status == 200;
			curl_multi_remove_handle(multi, msg->easy_handle);
			curl_easy_cleanup(msg->easy_handle);
			done++;
			if (next < n)
				start(multi, url, hdr, &jobs[next++]);
		}
		if (done < n)
			curl_multi_poll(multi, NULL, 0, 100, NULL);
	}
	wall = now() - t0;
	lat = xcalloc((size_t)n, sizeof(*lat));
	for (i = 0; i < n; i++)
		lat[i] = jobs[i].latency * 1000;
	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	printf("reports %d, stored (HTTP 200) %d, concurrency %d, packages per report %d\n", n, ok,
	       conc, pkgs);
	printf("average gzip body %zu bytes\n", bytes / (size_t)n);
	printf("stored per second %.0f\n", ok / wall);
	printf("latency ms p50 %.1f p95 %.1f p99 %.1f max %.1f\n", lat[n / 2], lat[n * 95 / 100],
	       lat[n * 99 / 100], lat[n - 1]);
	for (i = 0; i < n; i++)
		buf_release(&jobs[i].gz);
	free(jobs);
	free(lat);
	curl_multi_cleanup(multi);
	curl_slist_free_all(hdr);
	curl_global_cleanup();
	return ok == n ? 0 : 1;
}
