/* xen_version: version strings, capabilities and feature bits (pv-abi/xen_version.h). */
#include "pv-abi/errno.h"
#include "guest_access.h"
#include "hypercall_table.h"
#include "x86/layout.h"
#include "lib.h"
#include "pv-abi/xen_version.h"

/* Feature bits a 64-bit PV domU sees in word 0, the ones Xen gives a PV domain: the A/D-keeping
 * MMU_PT_UPDATE_PRESERVE_AD (mm/mod_entry.c), MMUEXT_CLEAR_PAGE/COPY_PAGE, grant maps carrying
 * flags bits 16-18 into the entry's available bits (common/grant_map.c). Linux panics without
 * the first and the last. */
#define HV_FEATURES                                                                                \
    ((1u << PV_XENFEAT_mmu_pt_update_preserve_ad) | (1u << PV_XENFEAT_highmem_assist) |            \
     (1u << PV_XENFEAT_gnttab_map_avail_bits) | (1u << PV_XENFEAT_direct_mapped))
/* The initial domain also sees dom0 and memory_op_vnode_supported, as under Xen 4.17 (0x228e0). */
#define HV_FEATURES_DOM0                                                                           \
    (HV_FEATURES | (1u << PV_XENFEAT_dom0) | (1u << PV_XENFEAT_memory_op_vnode_supported))

/* Copy a string into a fixed-size guest buffer, zero-padded after the NUL as Xen does. */
static long put_string(guest_handle arg, const char *s, size_t size)
{
    char buf[1024] = {0};

    lib_strlcpy(buf, s, size);
    return guest_copy_to(arg, buf, size) ? -PV_EFAULT : 0;
}

static long compile_info(guest_handle arg)
{
    struct pv_compile_info ci = {.compiler = "gcc " __VERSION__, .compile_by = "hv",
                                 .compile_domain = "local", .compile_date = __DATE__ " " __TIME__};

    return guest_copy_to(arg, &ci, sizeof(ci)) ? -PV_EFAULT : 0;
}

static long get_features(const struct vcpu *v, guest_handle arg)
{
    struct pv_feature_info fi;

    if (guest_copy_from(&fi, arg, sizeof(fi)))
        return -PV_EFAULT;
    if (fi.submap_idx >= PV_XENFEAT_NR_SUBMAPS)
        return -PV_EINVAL;
    fi.submap = v->domain->privileged ? HV_FEATURES_DOM0 : HV_FEATURES;
    return guest_copy_to(arg, &fi, sizeof(fi)) ? -PV_EFAULT : 0;
}

long hc_xen_version(struct vcpu *v, unsigned long cmd, guest_handle arg)
{
    switch (cmd) {
    case PV_XENVER_version:
        return HV_XEN_VERSION;
    case PV_XENVER_extraversion:
        return put_string(arg, ".0-hv", sizeof(pv_extraversion_t));
    case PV_XENVER_compile_info:
        return compile_info(arg);
    case PV_XENVER_capabilities:
        return put_string(arg, "xen-3.0-x86_64", sizeof(pv_capabilities_info_t));
    case PV_XENVER_changeset:
        return put_string(arg, "hv", sizeof(pv_changeset_info_t));
    case PV_XENVER_platform_parameters:
        return guest_copy_to(arg, &(struct pv_platform_parameters){.virt_start = HV_VIRT_START},
                             sizeof(struct pv_platform_parameters))
                   ? -PV_EFAULT
                   : 0;
    case PV_XENVER_get_features:
        return get_features(v, arg);
    case PV_XENVER_pagesize:
        return 4096;
    case PV_XENVER_guest_handle:
        return guest_copy_to(arg, (uint8_t[16]){0}, 16) ? -PV_EFAULT : 0;
    case PV_XENVER_commandline:
    case PV_XENVER_build_id:
        return -PV_EPERM; /* privileged domains only, as under Xen's default policy */
    }
    return -PV_ENOSYS;
}
