/* hostenv_windows.c - hostenv.h on Windows (XP SP3 and later). */
#ifndef _WIN32
#error "hostenv_windows.c: Windows builds only"
#endif

#include "hostenv.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>

#include <shellapi.h>
#include <shlobj.h>

#include "platform_win.h"
#include "xalloc.h"

void plat_utf8_args(int *argc, char ***argv)
{
	int n = 0, i;
	wchar_t **w = CommandLineToArgvW(GetCommandLineW(), &n);
	char **a;

	if (!w || n <= 0)
		return; /* keep the ANSI arguments */
	a = xcalloc((size_t)n + 1, sizeof(*a));
	for (i = 0; i < n; i++)
		a[i] = plat_narrow(w[i]);
	LocalFree(w);
	*argc = n;
	*argv = a;
}

/* <common application data>\fleetcensus\<leaf>, or NULL. */
static char *appdata_path(const wchar_t *leaf)
{
	wchar_t dir[MAX_PATH], path[MAX_PATH + 64];
	int n;

	if (SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, 0, dir) != S_OK)
		return NULL;
	dir[MAX_PATH - 1] = L'\0';
	n = _snwprintf(path, sizeof(path) / sizeof(path[0]), L"%ls\\fleetcensus\\%ls", dir, leaf);
	if (n < 0 || (size_t)n >= sizeof(path) / sizeof(path[0]))
		return NULL;
	return plat_narrow(path);
}

char *plat_default_config(void)
{
	static const wchar_t name[] = L"fleetcensus-agent.conf";
	wchar_t exe[MAX_PATH + sizeof(name) / sizeof(name[0])];
	DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
	wchar_t *slash;
	char *s;

	if (n > 0 && n < MAX_PATH) {
		exe[n] = L'\0';
		slash = wcsrchr(exe, L'\\');
		if (slash) {
			memcpy(slash + 1, name, sizeof(name)); /* room: MAX_PATH + the name */
			if (GetFileAttributesW(exe) != INVALID_FILE_ATTRIBUTES)
				return plat_narrow(exe);
		}
	}
	s = appdata_path(L"agent.conf");
	return s ? s : xstrdup("C:\\fleetcensus\\agent.conf");
}

char *plat_default_state_dir(void)
{
	char *s = appdata_path(L"state");

	return s ? s : xstrdup("C:\\fleetcensus\\state");
}

char *plat_default_config_help(void)
{
	static const char fmt[] = "fleetcensus-agent.conf next to the program when it "
	                          "exists,\n                        else %s";
	char *conf = appdata_path(L"agent.conf");
	const char *c = conf ? conf : "C:\\fleetcensus\\agent.conf";
	size_t n = sizeof(fmt) + strlen(c);
	char *s = xmalloc(n);

	snprintf(s, n, fmt, c);
	free(conf);
	return s;
}

bool plat_has_root_option(void)
{
	return false;
}

void plat_adopt_old_state(const char *state_dir)
{
	(void)state_dir;
}
