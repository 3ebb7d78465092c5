/* os.h - the one probe interface; one implementation per OS (os_linux.c,
 * os_windows.c). The probes only read the system; parsers interpret. */
#ifndef FC_AGENT_OS_H
#define FC_AGENT_OS_H

#include "fc_rc.h"

#endif
