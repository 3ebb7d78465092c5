/* platform_windows.c - platform.h on Windows (XP SP3 and later): wide CRT
 * and Win32 calls on UTF-16 paths converted from our UTF-8 ones. */
#ifndef _WIN32
#error "platform_windows.c: Windows builds only"
#endif

#include "platform.h"

#include <errno.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wchar.h>
#include <windows.h>

#include "platform_win.h"
#include "xalloc.h"

#define PLAT_WPATH_MAX 32768

wchar_t *plat_widen(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	wchar_t *w;

	if (n <= 0 || n > PLAT_WPATH_MAX) {
		errno = n <= 0 ? EINVAL : ENAMETOOLONG;
		return NULL;
	}
	w = xmalloc((size_t)n * sizeof(*w));
	if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n) != n) {
		free(w);
		errno = EINVAL;
		return NULL;
	}
	return w;
}

char *plat_narrow(const wchar_t *w)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	char *s;

	if (n <= 0)
		return xstrdup("");
	s = xmalloc((size_t)n);
	if (WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) != n)
		s[0] = '\0';
	return s;
}

static void set_errno_from_win32(DWORD e)
{
	switch (e) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND: errno = ENOENT; break;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION: errno = EACCES; break;
	case ERROR_LOCK_VIOLATION: errno = EWOULDBLOCK; break;
	case ERROR_ALREADY_EXISTS:
	case ERROR_FILE_EXISTS: errno = EEXIST; break;
	default: errno = EIO; break;
	}
}

int plat_open(const char *path, int flags, int mode)
{
	wchar_t *w = plat_widen(path);
	int fd;

	(void)mode; /* the file inherits its directory's ACL */
	if (!w)
		return -1;
	fd = _wopen(w, flags | _O_BINARY | _O_NOINHERIT, _S_IREAD | _S_IWRITE);
	free(w);
	return fd;
}

FILE *plat_fopen(const char *path, const char *mode)
{
	wchar_t *w = plat_widen(path), *wm = plat_widen(mode);
	FILE *f = w && wm ? _wfopen(w, wm) : NULL;

	free(w);
	free(wm);
	return f;
}

/* n random bytes from the system's generator (what os_random does on
 * Windows; common/ cannot call the agent's). 0 or -1. */
static int random_bytes(unsigned char *buf, DWORD n)
{
	HCRYPTPROV prov;
	BOOL ok;

	if (!CryptAcquireContextW(&prov, NULL, NULL, PROV_RSA_FULL,
	                          CRYPT_VERIFYCONTEXT | CRYPT_SILENT))
		return -1;
	ok = CryptGenRandom(prov, n, buf);
	CryptReleaseContext(prov, 0);
	return ok ? 0 : -1;
}

int plat_mkstemps(char *tmpl, int suffixlen)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t n = strlen(tmpl), i;
	unsigned char r[6];
	char *x;
	int tries, fd;

	if (suffixlen < 0 || n < 6 + (size_t)suffixlen ||
	    strncmp(tmpl + n - (size_t)suffixlen - 6, "XXXXXX", 6) != 0) {
		errno = EINVAL;
		return -1;
	}
	x = tmpl + n - (size_t)suffixlen - 6;
	for (tries = 0; tries < 100; tries++) {
		if (random_bytes(r, sizeof(r)) != 0) {
			errno = EIO;
			return -1;
		}
		for (i = 0; i < 6; i++)
			x[i] = set[r[i] % (sizeof(set) - 1)];
		fd = plat_open(tmpl, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

int plat_mkstemp(char *tmpl)
{
	return plat_mkstemps(tmpl, 0);
}

/* Creates w and its missing parents. */
static int mkdir_parents(wchar_t *w)
{
	size_t n = wcslen(w), i;
	wchar_t c;

	for (i = 1; i <= n; i++) {
		if ((w[i] != L'\\' && w[i] != L'/' && w[i] != L'\0') || w[i - 1] == L':' ||
		    w[i - 1] == L'\\' || w[i - 1] == L'/')
			continue;
		c = w[i];
		w[i] = L'\0';
		if (!CreateDirectoryW(w, NULL) && GetLastError() != ERROR_ALREADY_EXISTS &&
		    GetLastError() != ERROR_ACCESS_DENIED) {
			set_errno_from_win32(GetLastError());
			return -1;
		}
		w[i] = c;
	}
	return 0;
}

int plat_mkdir(const char *path, int mode)
{
	wchar_t *w = plat_widen(path);
	int rc;

	(void)mode; /* the directory inherits its parent's ACL */
	if (!w)
		return -1;
	rc = mkdir_parents(w);
	if (rc == 0 && GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES) {
		errno = EEXIST;
		rc = -1;
	}
	free(w);
	return rc;
}

int plat_stat(const char *path, struct stat *st)
{
	WIN32_FILE_ATTRIBUTE_DATA a;
	unsigned long long t;
	wchar_t *w = plat_widen(path);
	BOOL ok = w && GetFileAttributesExW(w, GetFileExInfoStandard, &a);

	free(w);
	if (!ok) {
		if (w)
			set_errno_from_win32(GetLastError());
		return -1;
	}
	memset(st, 0, sizeof(*st));
	st->st_mode = (a.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? S_IFDIR : S_IFREG;
	st->st_size = (off_t)(((unsigned long long)a.nFileSizeHigh << 32) | a.nFileSizeLow);
	t = ((unsigned long long)a.ftLastWriteTime.dwHighDateTime << 32) |
	    a.ftLastWriteTime.dwLowDateTime;
	st->st_mtime = (time_t)((t - 116444736000000000ull) / 10000000u); /* 1601 -> 1970 */
	return 0;
}

int plat_lstat(const char *path, struct stat *st)
{
	return plat_stat(path, st);
}

int plat_unlink(const char *path)
{
	wchar_t *w = plat_widen(path);
	int rc;

	if (!w)
		return -1;
	rc = _wunlink(w);
	free(w);
	return rc;
}

int plat_replace(const char *from, const char *to)
{
	wchar_t *wf = plat_widen(from), *wt = plat_widen(to);
	int rc = -1;

	if (wf && wt) {
		if (MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
			rc = 0;
		else
			set_errno_from_win32(GetLastError());
	}
	free(wf);
	free(wt);
	return rc;
}

int plat_rename_new(const char *from, const char *to)
{
	wchar_t *wf = plat_widen(from), *wt = plat_widen(to);
	int rc = -1;

	if (wf && wt) {
		/* without MOVEFILE_REPLACE_EXISTING an existing to is an error */
		if (MoveFileExW(wf, wt, MOVEFILE_WRITE_THROUGH))
			rc = 0;
		else
			set_errno_from_win32(GetLastError());
	}
	free(wf);
	free(wt);
	return rc;
}

int plat_truncate(int fd)
{
	intptr_t h = _get_osfhandle(fd);

	if (h == -1) {
		errno = EBADF;
		return -1;
	}
	/* _chsize_s is not in XP's msvcrt.dll; this is what it does */
	if (SetFilePointer((HANDLE)h, 0, NULL, FILE_BEGIN) == INVALID_SET_FILE_POINTER ||
	    !SetEndOfFile((HANDLE)h)) {
		set_errno_from_win32(GetLastError());
		return -1;
	}
	return 0;
}

void plat_sleep_ms(long ms)
{
	Sleep(ms > 0 ? (DWORD)ms : 0);
}

bool plat_is_dirsep(char c)
{
	return c == '/' || c == '\\';
}

struct plat_dir {
	HANDLE h;
	WIN32_FIND_DATAW fd;
	bool first; /* fd holds the first entry, not yet returned */
	char *name; /* the last name returned */
};

struct plat_dir *plat_opendir(const char *dir)
{
	size_t n = strlen(dir);
	char *pattern = xmalloc(n + 3);
	wchar_t *w;
	struct plat_dir *d;
	HANDLE h;

	memcpy(pattern, dir, n);
	if (n && !plat_is_dirsep(dir[n - 1]))
		pattern[n++] = '\\';
	memcpy(pattern + n, "*", 2);
	w = plat_widen(pattern);
	free(pattern);
	if (!w)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	h = FindFirstFileW(w, &d->fd);
	free(w);
	if (h == INVALID_HANDLE_VALUE) {
		DWORD e = GetLastError();

		free(d);
		if (e == ERROR_FILE_NOT_FOUND) { /* no entry at all, not even "." */
			d = xcalloc(1, sizeof(*d));
			d->h = INVALID_HANDLE_VALUE;
			return d;
		}
		set_errno_from_win32(e == ERROR_DIRECTORY ? ERROR_PATH_NOT_FOUND : e);
		return NULL;
	}
	d->h = h;
	d->first = true;
	return d;
}

const char *plat_readdir(struct plat_dir *d)
{
	free(d->name);
	d->name = NULL;
	if (d->h == INVALID_HANDLE_VALUE)
		return NULL;
	if (!d->first && !FindNextFileW(d->h, &d->fd))
		return NULL;
	d->first = false;
	d->name = plat_narrow(d->fd.cFileName);
	return d->name;
}

void plat_closedir(struct plat_dir *d)
{
	if (!d)
		return;
	if (d->h != INVALID_HANDLE_VALUE)
		(void)FindClose(d->h); /* nothing to lose */
	free(d->name);
	free(d);
}

int plat_fsync(int fd)
{
	intptr_t h = _get_osfhandle(fd);

	if (h == -1) {
		errno = EBADF;
		return -1;
	}
	if (!FlushFileBuffers((HANDLE)h)) {
		set_errno_from_win32(GetLastError());
		return -1;
	}
	return 0;
}

int plat_sync_dir(const char *dir)
{
	(void)dir;
	return 0;
}

int plat_set_mode(int fd, int mode)
{
	(void)fd;
	(void)mode; /* the file inherits its directory's ACL */
	return 0;
}

int plat_umask(void)
{
	return 0;
}

int plat_set_blocking(int fd)
{
	(void)fd;
	return 0;
}

int plat_lock(int fd)
{
	intptr_t h = _get_osfhandle(fd);
	OVERLAPPED ov;

	if (h == -1) {
		errno = EBADF;
		return -1;
	}
	memset(&ov, 0, sizeof(ov));
	if (!LockFileEx((HANDLE)h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0,
	                &ov)) {
		set_errno_from_win32(GetLastError());
		return -1;
	}
	return 0;
}

void plat_gmtime(time_t t, struct tm *out)
{
	struct tm *tm = gmtime(&t); /* msvcrt keeps it per thread */

	if (tm)
		*out = *tm;
	else
		memset(out, 0, sizeof(*out));
}

enum fc_rc plat_read_file(const char *path, size_t max, struct buf *out, char *err)
{
	char chunk[16384];
	wchar_t *w = plat_widen(path);
	FILE *f = w ? _wfopen(w, L"rb") : NULL;
	enum fc_rc rc = FC_OK;
	size_t n, total = 0;

	free(w);
	if (!f) {
		snprintf(err, FC_ERRLEN, "cannot open '%s': %s", path, strerror(errno));
		return errno == ENOENT ? FC_ENOENT : FC_EIO;
	}
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		total += n;
		if (total > max) {
			snprintf(err, FC_ERRLEN, "'%s' is larger than %zu bytes", path, max);
			rc = FC_ELIMIT;
		} else {
			rc = buf_add(out, chunk, n);
		}
	}
	if (!rc && ferror(f)) {
		snprintf(err, FC_ERRLEN, "cannot read '%s': %s", path, strerror(errno));
		rc = FC_EIO;
	}
	fclose(f);
	return rc;
}

enum fc_rc plat_read_fd(int fd, const char *name, size_t max, struct buf *out, char *err)
{
	char chunk[16384];
	int n, saved;

	buf_reset(out);
	while ((n = _read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			saved = errno;
			snprintf(err, FC_ERRLEN, "cannot read '%s': %s", name, strerror(errno));
			errno = saved;
			return FC_EIO;
		}
		if ((size_t)n > max - out->len || buf_add(out, chunk, (size_t)n)) {
			snprintf(err, FC_ERRLEN, "'%s' is larger than %zu bytes", name, max);
			return FC_ELIMIT;
		}
	}
	return out->ptr ? FC_OK : buf_add(out, "", 0);
}
