/* state.h - what the agent keeps in its state directory between runs: its
 * random agent id (created once) and its creation time. The spool and the
 * lock are in spool.h. */
#ifndef FC_AGENT_STATE_H
#define FC_AGENT_STATE_H

#include <time.h>

#include "fc_rc.h"

#define STATE_ID_LEN 36

/* Formats 16 random bytes as an RFC 4122 version 4 UUID (37 bytes with NUL). */
void state_format_uuid(const unsigned char bytes[16], char out[STATE_ID_LEN + 1]);

/* Returns a new random UUID in out. */
enum fc_rc state_new_uuid(char out[STATE_ID_LEN + 1]);

/* Reads <state_dir>/agent-id, creating it (atomically, mode 0644) with a new
 * UUID on first use. *created receives the file's modification time, which
 * dates the agent's first run. A file that holds no valid UUID is replaced.
 * Returns FC_OK or FC_EIO with err set. */
enum fc_rc state_agent_id(const char *state_dir, char id[STATE_ID_LEN + 1], time_t *created,
                          char *err);

#endif
