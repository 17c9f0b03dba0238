/* Unit tests of xenstored's domain checks on VIRQ_DOM_EXC (dom.c xsd_check_domains, Xen's
 * check_domains): a domain that shuts down or crashes fires @releaseDomain once (again only
 * after RESUME); a dying or vanished domain is released (no longer introduced, its connection
 * closed, its nodes given to dom0), which fires @releaseDomain; a hypervisor that cannot be
 * asked changes nothing. The hypervisor's answers are faked here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xs_harness.h"
#include "pv-abi/errno.h"
#include "pv-abi/xs_wire.h"

static int state_of[16]; /* the fake hypervisor: XSD_DOMINFO_* or an error, per domid */
static unsigned asked;

static int fake_dominfo(struct xsd_daemon *d, uint32_t domid)
{
    (void)d;
    asked++;
    return domid < 16 ? state_of[domid] : (int)XSD_DOMINFO_GONE;
}

struct fixture {
    struct xsd_daemon *d;
    struct xsd_conn *dom0, *d5;
};

static int setup(void **state)
{
    static struct fixture f;
    static const struct xsd_dom_hooks hooks = {.dominfo = fake_dominfo};

    memset(state_of, 0, sizeof(state_of));
    f.d = xs_h_daemon();
    xsd_daemon_set_hooks(f.d, &hooks);
    f.dom0 = xs_h_conn(f.d, 0, true);
    xs_h_introduce(f.dom0, 5);
    xs_h_introduce(f.dom0, 6);
    xs_h_introduce(f.dom0, 7);
    f.d5 = xs_h_conn(f.d, 5, false);
    xs_h_expect(f.dom0, PV_XS_MKDIR, 0, "/local/domain/6", -1, "OK");
    xs_h_expect(f.dom0, PV_XS_SET_PERMS, 0, "/local/domain/6\0b6\0r5", 22, "OK");
    xs_h_expect(f.dom0, PV_XS_WATCH, 0, "@releaseDomain\0rel", 19, "OK");
    assert_true(xs_h_event(f.dom0, "@releaseDomain", "rel")); /* a new watch fires once */
    assert_int_equal(xs_h_drain_events(f.dom0), 0);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    xs_h_check_store(f->dom0);
    xsd_daemon_free(f->d);
    assert_int_equal(xs_h_live, 0);
    return 0;
}

static void test_running(void **state)
{
    struct fixture *f = *state;

    asked = 0;
    xsd_check_domains(f->d);
    assert_int_equal(asked, 3);
    assert_int_equal(xs_h_drain_events(f->dom0), 0);
}

static void test_shutdown_once(void **state)
{
    struct fixture *f = *state;

    state_of[5] = XSD_DOMINFO_SHUTDOWN;
    xsd_check_domains(f->d);
    assert_true(xs_h_event(f->dom0, "@releaseDomain", "rel"));
    assert_int_equal(xs_h_drain_events(f->dom0), 0);
    xsd_check_domains(f->d); /* still shut down: nothing new */
    assert_int_equal(xs_h_drain_events(f->dom0), 0);
    xs_h_expect(f->dom0, PV_XS_IS_DOMAIN_INTRODUCED, 0, "5", -1, "T"); /* kept until destroyed */
    xs_h_expect(f->dom0, PV_XS_RESUME, 0, "5", -1, "OK");
    xsd_check_domains(f->d); /* resumed, then shut down again */
    assert_true(xs_h_event(f->dom0, "@releaseDomain", "rel"));
    state_of[7] = XSD_DOMINFO_SHUTDOWN;
    state_of[6] = XSD_DOMINFO_SHUTDOWN;
    xsd_check_domains(f->d); /* two in one pass: one event */
    assert_true(xs_h_event(f->dom0, "@releaseDomain", "rel"));
    assert_int_equal(xs_h_drain_events(f->dom0), 0);
}

static void test_dying_and_gone(void **state)
{
    struct fixture *f = *state;
    struct xs_reply r;

    state_of[6] = XSD_DOMINFO_SHUTDOWN | XSD_DOMINFO_DYING;
    state_of[5] = XSD_DOMINFO_GONE;
    xsd_check_domains(f->d);
    assert_true(xs_h_event(f->dom0, "@releaseDomain", "rel"));
    assert_int_equal(xs_h_drain_events(f->dom0), 1); /* one per release */
    xs_h_expect(f->dom0, PV_XS_IS_DOMAIN_INTRODUCED, 0, "5", -1, "F");
    xs_h_expect(f->dom0, PV_XS_IS_DOMAIN_INTRODUCED, 0, "6", -1, "F");
    xs_h_expect(f->dom0, PV_XS_IS_DOMAIN_INTRODUCED, 0, "7", -1, "T");
    /* 6's node is dom0's now; 5 lost its entry in the permission list */
    xs_h_req(f->dom0, PV_XS_GET_PERMS, 0, "/local/domain/6", -1, &r);
    assert_int_equal(r.type, PV_XS_GET_PERMS);
    assert_memory_equal(r.body, "b0\0", 3);
    assert_int_equal(r.len, 3);
    assert_true(xsd_conn_dead(f->d5)); /* 5's connection is closed */
    xsd_check_domains(f->d);
    assert_int_equal(xs_h_drain_events(f->dom0), 0);
}

static void test_cannot_ask(void **state)
{
    struct fixture *f = *state;

    state_of[5] = -PV_ENOSYS;
    state_of[6] = -PV_EPERM;
    state_of[7] = -PV_EFAULT;
    xsd_check_domains(f->d);
    assert_int_equal(xs_h_drain_events(f->dom0), 0);
    xs_h_expect(f->dom0, PV_XS_IS_DOMAIN_INTRODUCED, 0, "5", -1, "T");
    xs_h_expect(f->dom0, PV_XS_IS_DOMAIN_INTRODUCED, 0, "7", -1, "T");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_running, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dying_and_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cannot_ask, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
