/* os_linux.c - the Linux probes. */
#ifndef __linux__
#error "os_linux.c: Linux builds only"
#endif

#include "os.h"
