/* ingest_json.c - cJSON's allocations in a per-thread arena (arena.h)
 * while ingest_decode parses a report, so that its tree of thousands of
 * small nodes costs no malloc and no free. */
#include "ingest_int.h"

#include <pthread.h>
#include <stdlib.h>

#include <cJSON.h>

#include "arena.h"
#include "xalloc.h"

/* cJSON's hooks are process-wide; they use the calling thread's arena while
 * ingest_decode has one open (ingest_json_begin .. ingest_json_end) and
 * plain malloc/free otherwise, so every other user of cJSON in the process
 * (answers, the agent's code, tests) is unaffected. Inside the window only
 * objects of the window are touched: cJSON_Delete is then a no-op and the
 * arena is reset instead. */
static _Thread_local struct arena *json_scratch;
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void *json_malloc(size_t n)
{
	return json_scratch ? arena_alloc(json_scratch, n) : malloc(n);
}

static void json_free(void *p)
{
	if (!json_scratch)
		free(p);
}

static void scratch_destroy(void *p)
{
	arena_release(p);
	free(p);
}

static void scratch_setup(void)
{
	cJSON_Hooks hooks = {json_malloc, json_free};

	if (pthread_key_create(&scratch_key, scratch_destroy) != 0)
		abort(); /* only when the process is out of keys: at start */
	cJSON_InitHooks(&hooks);
}

void ingest_global_init(void)
{
	pthread_once(&scratch_once, scratch_setup);
}

void ingest_json_begin(void)
{
	struct arena *a;

	ingest_global_init();
	a = pthread_getspecific(scratch_key);
	if (!a) {
		a = xcalloc(1, sizeof(*a));
		if (pthread_setspecific(scratch_key, a) != 0)
			abort();
	}
	json_scratch = a;
}

void ingest_json_end(void)
{
	if (json_scratch)
		arena_reset(json_scratch);
	json_scratch = NULL;
}
