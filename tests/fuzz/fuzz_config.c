/* fuzz_config.c - config_parse (agent/config.h) on any bytes as the agent's
 * configuration file: FC_OK or FC_ECONFIG with err naming the line, and
 * numbers inside their documented ranges; then config_check_server on the
 * server it set: FC_OK or FC_EPARSE, the message printable ASCII. */
#include <string.h>

#include "config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agent_opts o;
	char err[FC_ERRLEN];
	enum fc_rc rc;

	agent_opts_init(&o);
	memset(err, 'x', sizeof(err));
	err[0] = '\0';
	rc = config_parse((const char *)data, size, &o, err);
	FUZZ_CHECK(rc == FC_OK || rc == FC_ECONFIG);
	if (rc) {
		fuzz_check_err(rc, err);
		FUZZ_CHECK(!strncmp(err, "line ", 5));
	}
	FUZZ_CHECK(o.timeout == -1 || (o.timeout >= 1 && o.timeout <= CONFIG_MAX_TIMEOUT));
	FUZZ_CHECK(o.splay == -1 || (o.splay >= 0 && o.splay <= CONFIG_MAX_SPLAY));
	FUZZ_CHECK(o.verbose >= -1 && o.verbose <= 1 && o.quiet >= -1 && o.quiet <= 1);
	FUZZ_CHECK(!o.token || strlen(o.token) <= CONFIG_MAX_TOKEN);
	if (o.server) {
		size_t i;

		err[0] = '\0';
		rc = config_check_server(o.server, err);
		FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE);
		fuzz_check_err(rc, err);
		for (i = 0; err[i]; i++)
			FUZZ_CHECK(err[i] >= ' ' && err[i] < 0x7f);
	}
	agent_opts_release(&o);
	return 0;
}
