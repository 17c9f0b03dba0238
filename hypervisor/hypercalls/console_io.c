/* console_io: guest output to the hypervisor console, and dom0's input (pv-abi/console_io.h). */
#include "conring.h"
#include "pv-abi/console_io.h"
#include "pv-abi/errno.h"
#include "guest_access.h"
#include "hypercall_table.h"

long hc_console_io(struct vcpu *v, unsigned long cmd, unsigned int count, guest_handle buf)
{
    char chunk[128];

    switch (cmd) {
    case PV_CONSOLEIO_write:
        while (count) {
            size_t n = count < sizeof(chunk) ? count : sizeof(chunk);

            if (guest_copy_from(chunk, buf, n))
                return -PV_EFAULT;
            conring_guest_write(v->domain, chunk, n);
            buf = guest_handle_add(buf, n);
            if ((count -= n) && hypercall_preempt_check()) /* a tick's worth at a time, as Xen */
                return hypercall_continue(PV_HYPERCALL_console_io, 3,
                                          (const uint64_t[]){cmd, count, buf.gva});
        }
        return 0;
    case PV_CONSOLEIO_read: /* the initial domain's serial input; others have their ring */
        if (!v->domain->privileged)
            return -PV_EPERM;
        count = (unsigned)conring_read(chunk, count < sizeof(chunk) ? count : sizeof(chunk));
        return guest_copy_to(buf, chunk, count) ? -PV_EFAULT : (long)count;
    }
    return -PV_ENOSYS;
}
