/* The console log ring (Xen's conring): the latest CONSOLE_LOG_SIZE bytes of console output,
 * which the toolstack reads with sysctl readconsole (xl dmesg). */
#include "console.h"
#include "spinlock.h"

static char log_ring[CONSOLE_LOG_SIZE];
static uint32_t log_prod, log_cons; /* free-running; log_cons is the oldest byte kept */
static spinlock_t log_lock = SPINLOCK_INIT;

void console_log_append(const char *s, size_t len)
{
    spin_lock(&log_lock);
    for (size_t i = 0; i < len; i++)
        log_ring[log_prod++ % CONSOLE_LOG_SIZE] = s[i];
    if (log_prod - log_cons > CONSOLE_LOG_SIZE)
        log_cons = log_prod - CONSOLE_LOG_SIZE;
    spin_unlock(&log_lock);
}

void console_log_indices(uint32_t *cons, uint32_t *prod)
{
    spin_lock(&log_lock);
    *cons = log_cons;
    *prod = log_prod;
    spin_unlock(&log_lock);
}

const char *console_log_at(uint32_t idx)
{
    return &log_ring[idx % CONSOLE_LOG_SIZE];
}

void console_log_clear(uint32_t upto)
{
    spin_lock(&log_lock);
    /* Xen's rule: a reader that fell behind the ring clears what the ring still holds. */
    log_cons = log_prod - upto > CONSOLE_LOG_SIZE ? log_prod - CONSOLE_LOG_SIZE : upto;
    spin_unlock(&log_lock);
}
