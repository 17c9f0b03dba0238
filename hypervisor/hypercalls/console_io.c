/* console_io: guest output to the hypervisor console (pv-abi/console_io.h). */
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
            count -= n;
        }
        return 0;
    case PV_CONSOLEIO_read:
        /* Reading the hypervisor console is for the console domain (dom0), which does not
         * exist yet: boot-time domains get their input on their console ring. */
        return -PV_EPERM;
    }
    return -PV_ENOSYS;
}
