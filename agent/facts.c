/* facts.c - life cycle of the fact structs every probe fills. */
#include "os.h"

#include <stdlib.h>

static void win_facts_init(struct win_facts *w)
{
	w->present = 0;
	w->major = w->minor = w->build = w->ubr = -1;
	w->product_type = w->suite_mask = w->server_r2 = -1;
	w->reg_major = w->reg_minor = w->reg_build = -1;
	w->product_name = w->edition_id = w->display_version = w->release_id = NULL;
	w->csd_version = w->installation_type = w->current_version = w->native_arch = NULL;
	w->embedded = w->posready = w->media_center = w->tablet_pc = w->starter = -1;
}

static void win_facts_release(struct win_facts *w)
{
	free(w->product_name);
	free(w->edition_id);
	free(w->display_version);
	free(w->release_id);
	free(w->csd_version);
	free(w->installation_type);
	free(w->current_version);
	free(w->native_arch);
	win_facts_init(w);
}

const char *section_status_name(enum section_status s)
{
	switch (s) {
	case SECTION_OK: return "ok";
	case SECTION_FAILED: return "failed";
	case SECTION_SKIPPED: return "skipped";
	}
	return "failed";
}

void os_facts_init(struct os_facts *f)
{
	f->status = SECTION_OK;
	f->err[0] = '\0';
	f->osrel_path[0] = '\0';
	kvlist_init(&f->osrel);
	kvlist_init(&f->release_files);
	f->kernel_name = NULL;
	f->kernel_version = NULL;
	f->kernel_arch = NULL;
	f->hostname = NULL;
	f->fqdn = NULL;
	f->dns_domain = NULL;
	f->os_name = f->os_full_name = f->os_version = f->service_pack = NULL;
	f->workgroup = NULL;
	win_facts_init(&f->win);
}

void os_facts_release(struct os_facts *f)
{
	kvlist_release(&f->osrel);
	kvlist_release(&f->release_files);
	free(f->kernel_name);
	free(f->kernel_version);
	free(f->kernel_arch);
	free(f->hostname);
	free(f->fqdn);
	free(f->dns_domain);
	free(f->os_name);
	free(f->os_full_name);
	free(f->os_version);
	free(f->service_pack);
	free(f->workgroup);
	win_facts_release(&f->win);
	os_facts_init(f);
}

void hw_facts_init(struct hw_facts *h)
{
	h->status = SECTION_OK;
	h->err[0] = '\0';
	kvlist_init(&h->dmi);
	h->memory_mb = -1;
	h->cpu_model = NULL;
	h->cpu_count = -1;
	h->vmsystem = NULL;
	kvlist_init(&h->macs);
	h->machine_id = NULL;
	hw_ready_init(&h->ready);
}

void hw_facts_release(struct hw_facts *h)
{
	kvlist_release(&h->dmi);
	kvlist_release(&h->macs);
	free(h->cpu_model);
	free(h->vmsystem);
	free(h->machine_id);
	hw_ready_release(&h->ready);
	hw_facts_init(h);
}
