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

/* Length of a software list digest: 64 lower-case hex digits. */
#define STATE_DIGEST_LEN 64

/* Reads <state_dir>/software.digest, the digest of the software list the
 * collector last accepted (docs/protocol.md, "Unchanged software lists").
 * Returns FC_OK with out set, or FC_ENOENT when the file is missing or does
 * not hold one digest (then a full report is due). */
enum fc_rc state_read_digest(const char *state_dir, char out[STATE_DIGEST_LEN + 1]);

/* Writes digest to <state_dir>/software.digest atomically (temporary file,
 * fsync, rename; mode 0644). Returns FC_OK or FC_EIO with err set. */
enum fc_rc state_write_digest(const char *state_dir, const char *digest, char *err);

/* Removes <state_dir>/software.digest (missing is fine). Returns FC_OK or
 * FC_EIO with err set. */
enum fc_rc state_forget_digest(const char *state_dir, char *err);

#endif
