/* fuzz_rpm_header.c - rpm_header_parse and rpm_header_emit
 * (agent/rpm_header.h) on any bytes: the strings found lie inside the blob
 * and are terminated there. */
#include <string.h>

#include "fuzz.h"
#include "rpm_header.h"

static void check_str(const char *s, const uint8_t *data, size_t size)
{
	const char *lo = (const char *)data, *hi = lo + size;

	if (!s)
		return;
	FUZZ_CHECK(s >= lo && s < hi);
	FUZZ_CHECK(memchr(s, '\0', (size_t)(hi - s)) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpm_header_info info;
	struct rpm_header_sink sink;
	char err[FC_ERRLEN];
	size_t n = 0;
	enum fc_rc rc;

	memset(err, 'x', sizeof(err));
	rc = rpm_header_parse(data, size, &info, err);
	FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE || rc == FC_ELIMIT);
	if (rc) {
		fuzz_check_err(rc, err);
		FUZZ_CHECK(!info.name && !info.version && !info.release && !info.arch &&
		           !info.vendor && !info.has_epoch);
	} else {
		check_str(info.name, data, size);
		check_str(info.version, data, size);
		check_str(info.release, data, size);
		check_str(info.arch, data, size);
		check_str(info.vendor, data, size);
	}
	rpm_header_sink_init(&sink, "/fuzz/Packages", fuzz_pkg_cb, &n);
	err[0] = '\0';
	rc = rpm_header_emit(&sink, data, size, "record 1", err);
	FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE || rc == FC_ELIMIT);
	if (rc)
		fuzz_check_err(rc, err);
	FUZZ_CHECK(sink.seen == 1 && sink.packages == n && n <= 1);
	return 0;
}
