/* peer_glpi.h - plain GLPI-format inventories from other agents (GLPI
 * Agent, FusionInventory, or an OCS inventory turned into this shape by
 * peer_ocs.c): a report without content.fleetcensus. docs/peer-agents.md
 * says what is kept. */
#ifndef FC_COLLECTOR_PEER_GLPI_H
#define FC_COLLECTOR_PEER_GLPI_H

#include <cJSON.h>

#include "fc_rc.h"

/* Longest agent name and version kept from content.versionclient. */
#define PEER_AGENT_LEN 64

/* Makes the parsed plain GLPI inventory root (whose content object is
 * content, without a fleetcensus member) readable as one of ours: adds a
 * content.fleetcensus with a new report_id, the time of receipt, the
 * identity keys these agents give (machine_id from the BIOS serial, else
 * the lowest physical MAC address; agent_id from the deviceid), the
 * sections present and "peer": {"agent", "version"} from versionclient; and
 * replaces content.operatingsystem by the OS facts classification reads,
 * normalised (nothing else of it is kept). Every item added belongs to
 * root. Returns FC_OK, or FC_EPARSE with err naming the field. */
enum fc_rc peer_glpi_adopt(cJSON *root, cJSON *content, char *err);

/* Splits a versionclient ("FusionInventory-Agent_v2.6") into the agent's
 * name and version ("" when there is no "_v"); both cut to
 * PEER_AGENT_LEN - 1 bytes, visible ASCII only, '"' and '\\' made '?'. */
void peer_glpi_agent(const char *versionclient, char name[PEER_AGENT_LEN],
                     char version[PEER_AGENT_LEN]);

#endif
