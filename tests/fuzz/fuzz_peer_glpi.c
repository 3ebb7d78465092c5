/* fuzz_peer_glpi.c - a plain GLPI-format inventory (no content.fleetcensus)
 * through ingest_decode and peer_glpi_adopt (collector/peer_glpi.h): the
 * identity keys, the kept OS facts, the agent's name.
 *
 * Input: byte 0, when odd, selects small limits; the rest is the JSON body.
 * Accepted reports are checked: keys of the right shape, and nothing but
 * the kept OS facts and fleetcensus in os_json. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "fuzz.h"
#include "ingest.h"
#include "peer_glpi.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ingest_global_init();
	return 0;
}

static void check_os_json(const char *os_json)
{
	static const char *const kept[] = {"name",        "full_name",      "version",
	                                   "kernel_name", "kernel_version", "service_pack",
	                                   "arch"};
	cJSON *doc = cJSON_Parse(os_json), *os, *it;
	size_t i;
	bool ok;

	FUZZ_CHECK(cJSON_IsObject(doc));
	os = cJSON_GetObjectItemCaseSensitive(doc, "operatingsystem");
	FUZZ_CHECK(cJSON_IsObject(os));
	for (it = os->child; it; it = it->next) {
		ok = false;
		for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
			ok = ok || !strcmp(it->string, kept[i]);
		FUZZ_CHECK(ok);
	}
	cJSON_Delete(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ingest_limits lim;
	struct ingest_report r;
	char err[FC_ERRLEN], name[PEER_AGENT_LEN], version[PEER_AGENT_LEN];
	char *vc;
	int status = 0;
	enum fc_rc rc;

	if (size < 1)
		return 0;
	ingest_limits_default(&lim);
	if (data[0] & 1) {
		lim.max_body = 4096;
		lim.max_software = 4;
		lim.max_string = 64;
	}
	ingest_report_init(&r);
	rc = ingest_decode(data + 1, size - 1, NULL, &lim, &r, &status, err);
	fuzz_check_err(rc, err);
	if (!rc) {
		FUZZ_CHECK(strlen(r.report_id) == 36);
		FUZZ_CHECK(r.agent_id[0] == '\0' || strlen(r.agent_id) <= 64);
		if (strstr(r.os_json, "\"peer\":{\"agent\":"))
			check_os_json(r.os_json);
	}
	ingest_report_release(&r);
	vc = fuzz_strndup(data, size);
	peer_glpi_agent(vc, name, version);
	FUZZ_CHECK(strlen(name) < PEER_AGENT_LEN && strlen(version) < PEER_AGENT_LEN);
	FUZZ_CHECK(!strchr(name, '"') && !strchr(version, '\\'));
	free(vc);
	return 0;
}
