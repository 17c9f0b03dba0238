/* xl list -l: every domain as a JSON object in libxl's domain_config shape ("domid", "config":
 * {"c_info", "b_info", ...}), from what the hypervisor and xenstore hold (docs/hvctl.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* "key": "value" at the given indent, or nothing when value is empty. */
static void json_kv(FILE *f, int indent, const char *key, const char *value, bool *first)
{
    if (!value || !*value)
        return;
    fprintf(f, "%s\n%*s\"%s\": ", *first ? "" : ",", indent, "", key);
    json_str(f, value);
    *first = false;
}

static void json_num(FILE *f, int indent, const char *key, unsigned long long v, bool *first)
{
    fprintf(f, "%s\n%*s\"%s\": %llu", *first ? "" : ",", indent, "", key, v);
    *first = false;
}

/* A node under the domain's /vm/<uuid> (kernel, ramdisk, cmdline), "" when absent. */
static void vm_node(struct hv_ops *o, uint32_t domid, const char *rel, char *buf, size_t len)
{
    char vm[128], path[192];
    unsigned int n = 0;
    char *v;

    buf[0] = '\0';
    if (hv_xsl_read(o->xs, domid, "vm", vm, sizeof(vm)))
        return;
    snprintf(path, sizeof(path), "%s/%s", vm, rel);
    if ((v = xs_read(o->xs, XBT_NULL, path, &n))) {
        snprintf(buf, len, "%.*s", (int)n, v);
        free(v);
    }
}

/* memory/static-max or memory/target in KiB, else fallback. */
static unsigned long long mem_node(struct hv_ops *o, uint32_t domid, const char *rel,
                                   unsigned long long fallback)
{
    char buf[32];

    return hv_xsl_read(o->xs, domid, rel, buf, sizeof(buf)) ? fallback : strtoull(buf, NULL, 10);
}

static void avail_vcpus(struct hv_ops *o, const struct hv_dom_summary *s, FILE *f)
{
    struct hv_vcpuinfo vi;
    bool first = true;
    unsigned v;

    fprintf(f, ",\n                \"avail_vcpus\": [");
    for (v = 0; v < s->max_vcpus; v++) {
        if (hv_vcpu_getinfo(o->priv, s->domid, v, &vi) || !vi.online)
            continue;
        fprintf(f, "%s\n                    %u", first ? "" : ",", v);
        first = false;
    }
    fprintf(f, "%s]", first ? "" : "\n                ");
}

static void b_info(struct hv_ops *o, const struct hv_dom_summary *s, FILE *f)
{
    struct hv_sched_credit sc;
    char buf[1100];
    bool first = true;

    fprintf(f, ",\n            \"b_info\": {");
    json_num(f, 16, "max_vcpus", s->max_vcpus, &first);
    avail_vcpus(o, s, f);
    json_num(f, 16, "max_memkb", mem_node(o, s->domid, "memory/static-max", s->max_kib), &first);
    json_num(f, 16, "target_memkb", mem_node(o, s->domid, "memory/target", s->mem_kib), &first);
    if (!hv_sched_credit_get(o->priv, s->domid, &sc))
        fprintf(f, ",\n                \"sched_params\": {\n                    \"weight\": %u,"
                   "\n                    \"cap\": %u\n                }", sc.weight, sc.cap);
    vm_node(o, s->domid, "image/kernel", buf, sizeof(buf));
    json_kv(f, 16, "kernel", buf, &first);
    vm_node(o, s->domid, "image/cmdline", buf, sizeof(buf));
    json_kv(f, 16, "cmdline", buf, &first);
    vm_node(o, s->domid, "image/ramdisk", buf, sizeof(buf));
    json_kv(f, 16, "ramdisk", buf, &first);
    fprintf(f, ",\n                \"type.pv\": {\n                }\n            }");
}

static void one(struct hv_ops *o, const struct hv_dom_summary *s, FILE *f)
{
    char uuid[37];
    bool first = true;

    hv_cfg_uuid_format(s->uuid, uuid);
    fprintf(f, "    {\n        \"domid\": %u,\n        \"config\": {\n            \"c_info\": {",
            s->domid);
    json_kv(f, 16, "type", "pv", &first);
    json_kv(f, 16, "name", s->name, &first);
    json_kv(f, 16, "uuid", uuid, &first);
    fprintf(f, "\n            }");
    b_info(o, s, f);
    fprintf(f, "\n        }\n    }");
}

int hv_ops_list_long(struct hv_ops *o, const struct hv_dom_summary *s, int n, FILE *f)
{
    int i;

    fprintf(f, "[\n");
    for (i = 0; i < n; i++) {
        one(o, &s[i], f);
        fprintf(f, "%s\n", i + 1 < n ? "," : "");
    }
    fprintf(f, "]\n");
    return 0;
}
