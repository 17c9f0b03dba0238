/* tests/hvctl's device-test helpers (dev_harness.h). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dev_harness.h"
#include "xsd_harness.h"

static pid_t backend_pid;

static void fake_backend(const char *kind)
{
    struct xs_handle *h = xs_open(0);
    char base[64], path[256], sp[300], **doms, **devs, *v;
    unsigned nd, nv, i, j, len;
    xs_transaction_t t;

    snprintf(base, sizeof(base), "/local/domain/0/backend/%s", kind);
    for (;;) {
        nd = 0;
        doms = xs_directory(h, XBT_NULL, base, &nd);
        for (i = 0; doms && i < nd; i++) {
            snprintf(path, sizeof(path), "%s/%s", base, doms[i]);
            nv = 0;
            devs = xs_directory(h, XBT_NULL, path, &nv);
            for (j = 0; devs && j < nv; j++) {
                snprintf(sp, sizeof(sp), "%s/%s/state", path, devs[j]);
                /* As Linux's xenbus_switch_state: read and write in one transaction, so a
                 * state the toolstack removed meanwhile is never written back. */
                t = xs_transaction_start(h);
                if (!(v = xs_read(h, t, sp, &len))) {
                    xs_transaction_end(h, t, true);
                    continue;
                }
                if (!strcmp(v, "1"))
                    xs_write(h, t, sp, "2", 1);
                else if (!strcmp(v, "5"))
                    xs_write(h, t, sp, "6", 1);
                xs_transaction_end(h, t, false);
                free(v);
            }
            free(devs);
        }
        free(doms);
        usleep(10000);
    }
}

void fake_backend_start(const char *kind)
{
    backend_pid = fork();
    if (backend_pid == 0)
        fake_backend(kind);
}

void fake_backend_stop(void)
{
    if (backend_pid > 0) {
        kill(backend_pid, SIGKILL);
        waitpid(backend_pid, NULL, 0);
    }
    backend_pid = 0;
}

int dev_teardown(const char *dir, void **state)
{
    char cmd[400];

    fake_backend_stop();
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd))
        return -1;
    return xsd_stop(state);
}

char *slurp_calls(const char *path)
{
    FILE *f = fopen(path, "r");
    char *s = calloc(1, 4096);

    if (f && s) {
        size_t n = fread(s, 1, 4095, f);
        s[n] = 0;
    }
    if (f)
        fclose(f);
    unlink(path);
    return s;
}

bool has_line(const char *snap, const char *line)
{
    char want[400];

    snprintf(want, sizeof(want), "\n%s\n", line);
    return strstr(snap, want) != NULL;
}
