/* cmd.c - what the collector's commands share: exit codes, opening the
 * database with one clear line when it cannot be, the option-value error
 * text, the end of output. */
#include "cmd.h"

#include <errno.h>
#include <string.h>

#include "log.h"

int cmd_exit_for(enum fc_rc rc)
{
	switch (rc) {
	case FC_OK: return EXIT_DONE;
	case FC_EUSAGE: return EXIT_USAGE;
	case FC_EPARSE:
	case FC_ELIMIT:
	case FC_ENOENT:
	case FC_EEXIST: return EXIT_DATAERR;
	case FC_EIO:
	case FC_EDB: return EXIT_IOERR;
	case FC_EBUSY:
	case FC_ELOCKED: return EXIT_TEMPFAIL;
	case FC_ENET: return EXIT_UNAVAIL;
	case FC_ECONFIG: return EXIT_CONFIG;
	default: return EXIT_SOFTWARE;
	}
}

int cmd_flush(const struct cmd_opts *o, int code)
{
	if (fflush(o->out) != 0 || ferror(o->out)) {
		LOG_ERR("cannot write to standard output: %s", strerror(errno));
		return code ? code : EXIT_IOERR;
	}
	return code;
}

int cmd_bad_value(const char *name, const char *value, const char *want)
{
	LOG_ERR("--%s: '%s' is not %s", name, value, want);
	return EXIT_USAGE;
}

int cmd_open_store(const struct cmd_opts *o, bool create, bool readonly, struct store **st)
{
	char err[FC_ERRLEN] = "";
	enum fc_rc rc;

	if (readonly)
		rc = store_open_readonly(o->db, st, err);
	else
		rc = store_open(o->db, create, st, err);
	if (rc == FC_OK)
		return EXIT_DONE;
	LOG_ERR("database '%s': %s", o->db, err);
	if (rc == FC_ENOENT)
		return EXIT_NOINPUT;
	if (rc == FC_EIO && create)
		return EXIT_CANTCREAT;
	return cmd_exit_for(rc);
}
