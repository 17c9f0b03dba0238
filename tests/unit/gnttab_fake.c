/* Host stand-ins and world builders for the grant table tests (gnttab_fake.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "console.h"
#include "pv-abi/errno.h"
#include "gnttab_fake.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "mm_baseptr.h"
#include "paging.h"

struct domain dom_p;
struct gtf_state gtf;
uint8_t gtf_guest[GTF_GVA_SIZE];
static struct vcpu vcpu_p;

struct domain *domain_by_id(unsigned domid)
{
    struct domain *all[] = {&dom_a, &dom_b, &dom_p};

    for (unsigned i = 0; i < 3; i++)
        if (all[i]->domid == domid)
            return all[i];
    return NULL;
}

void printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(gtf.console + gtf.console_len, sizeof(gtf.console) - gtf.console_len, fmt, ap);
    va_end(ap);
    if (n > 0)
        gtf.console_len = MIN(gtf.console_len + (size_t)n, sizeof(gtf.console) - 1);
}

bool hypercall_preempt_check(void)
{
    if (gtf.between)
        gtf.between(++gtf.checks);
    if (gtf.preempt_after < 0)
        return false;
    if (gtf.preempt_after == 0)
        return true;
    gtf.preempt_after--;
    return false;
}

long hypercall_continue(unsigned nr, unsigned n, const uint64_t args[])
{
    gtf.continues++;
    gtf.cont_nr = nr;
    for (unsigned i = 0; i < n; i++)
        gtf.cont_arg[i] = args[i];
    return (long)nr;
}

static uint8_t *guest_ptr(uint64_t gva, size_t len)
{
    if (gva >= GTF_GVA && gva + len >= gva && gva + len <= GTF_GVA + GTF_GVA_SIZE)
        return gtf_guest + (gva - GTF_GVA);
    return NULL;
}

int guest_copy_from(void *dst, guest_handle src, size_t len)
{
    uint8_t *p = guest_ptr(src.gva, len);

    if (!p)
        return -PV_EFAULT;
    memcpy(dst, p, len);
    return 0;
}

int guest_copy_to(guest_handle dst, const void *src, size_t len)
{
    uint8_t *p = guest_ptr(dst.gva, len);

    if (!p)
        return -PV_EFAULT;
    memcpy(p, src, len);
    return 0;
}

static void setup_domain(struct domain *d)
{
    d->max_grant_frames = GNTTAB_DEFAULT_MAX_FRAMES;
    assert_int_equal(gnttab_init(d), 0);
}

void gtf_reset(void)
{
    mmf_reset();
    memset(&gtf, 0, sizeof(gtf));
    gtf.preempt_after = -1;
    memset(&dom_p, 0, sizeof(dom_p));
    memset(&vcpu_p, 0, sizeof(vcpu_p));
    dom_p.domid = 3;
    dom_p.privileged = true;
    dom_p.first_page = FRAME_NONE;
    dom_p.nr_vcpus = 1;
    dom_p.vcpu[0] = &vcpu_p;
    vcpu_p.domain = &dom_p;
    vcpu_p.kernel_mode = true;
    setup_domain(&dom_a);
    setup_domain(&dom_b);
    setup_domain(&dom_p);
    memset(gtf_guest, 0, sizeof(gtf_guest));
}

uint64_t gtf_tables(struct domain *d)
{
    uint64_t l4 = mmf_frame(d), l3 = mmf_frame(d), l2 = mmf_frame(d), l1 = mmf_frame(d);
    const uint64_t up = PTE_P | PTE_RW | PTE_US;

    mmf_mem(l4)[pt_index(GTF_VA, 4)] = mmf_pte(l3, up);
    mmf_mem(l3)[pt_index(GTF_VA, 3)] = mmf_pte(l2, up);
    mmf_mem(l2)[pt_index(GTF_VA, 2)] = mmf_pte(l1, up);
    assert_int_equal(mm_pin(d, l4, 4), 0);
    assert_int_equal(mm_new_baseptr(d->vcpu[0], l4), 0);
    return l1;
}

struct pv_grant_entry_v1 *gtf_entry(const struct domain *d, uint32_t ref)
{
    return gnttab_entry(d->gnttab, ref);
}

void gtf_grant(struct domain *d, uint32_t ref, uint16_t grantee, uint64_t frame, uint16_t flags)
{
    struct pv_grant_entry_v1 *e = gtf_entry(d, ref);

    e->domid = grantee;
    e->frame = (uint32_t)frame;
    e->flags = flags;
}

void gtf_reap(struct domain *d)
{
    gnttab_release_mappings(d);
    spin_lock(&d->mm_lock);
    mm_domain_teardown(d);
    frame_release_all(d);
    gnttab_destroy(d);
    spin_unlock(&d->mm_lock);
}
