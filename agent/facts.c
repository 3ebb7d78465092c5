/* facts.c - life cycle of the fact structs every probe fills. */
#include "os.h"

#include <stdlib.h>

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
}

void hw_facts_release(struct hw_facts *h)
{
	kvlist_release(&h->dmi);
	kvlist_release(&h->macs);
	free(h->cpu_model);
	free(h->vmsystem);
	free(h->machine_id);
	hw_facts_init(h);
}
