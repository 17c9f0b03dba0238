/* guest-kit: the test library: one result line per test guest, then power off. */
#include "gk/test.h"

#include "internal.h"

static const char *test_name = "unnamed";
static char first_failure[200];
static bool failed;

__attribute__((noreturn)) static void report(const char *reason)
{
    gk_fatal_hook = NULL;
    if (reason)
        gk_printf("TEST %s FAIL %s\n", test_name, reason);
    else
        gk_printf("TEST %s PASS\n", test_name);
    gk_poweroff();
}

static void fatal(const char *msg)
{
    if (!failed)
        report(msg);
    gk_printf("# %s\n", msg);
    report(first_failure);
}

void gk_test_run(const char *name, void (*body)(void))
{
    test_name = name;
    gk_fatal_hook = fatal;
    body();
    gk_test_finish();
}

void gk_test_fail_at(const char *file, int line, const char *fmt, ...)
{
    char msg[160];
    va_list ap;

    va_start(ap, fmt);
    lib_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gk_printf("# %s:%d: %s\n", file, line, msg);
    if (failed)
        return;
    failed = true;
    lib_snprintf(first_failure, sizeof(first_failure), "%s:%d: %s", file, line, msg);
}

void gk_test_finish(void)
{
    report(failed ? first_failure : NULL);
}

bool gk_test_failed(void)
{
    return failed;
}

void gk_test_log(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    lib_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gk_printf("# %s\n", msg);
}
