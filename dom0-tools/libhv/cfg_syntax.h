/* The xl.cfg file syntax: settings and their values, before any key is interpreted (private). */
#ifndef HV_CFG_SYNTAX_H
#define HV_CFG_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

enum cfgv_type { CFGV_STRING, CFGV_NUMBER, CFGV_LIST };

/* A value: a quoted string, a number (its text, as xl keeps it), or a list of values. */
struct cfgv {
    enum cfgv_type type;
    char *text;            /* STRING, NUMBER */
    struct cfgv **items;   /* LIST */
    unsigned n;
};

struct cfg_setting {
    char *key;
    struct cfgv *value;
    const char *source;    /* the settings' source name (not owned) */
    unsigned line;
    bool append;           /* written with += (numbers refuse it, as xl) */
    struct cfg_setting *next;
};

/* Settings in the order they were written; a later one for a key hides the earlier ones. */
struct cfg_settings {
    struct cfg_setting *head, *tail;
};

/* Deepest list nesting accepted (xl's vnuma uses two levels). */
#define CFG_MAX_DEPTH 8

/*
 * Parses `text` and appends its settings (+= merges into the key's latest value). Returns 0 or
 * -EINVAL ("SOURCE:LINE: ..." in err), -ENOMEM; on error the caller frees `s`.
 */
int cfgs_parse(struct cfg_settings *s, const char *text, size_t len, const char *source,
               char *err, size_t errlen);

/*
 * A command-line setting "key=value" (argument number `index`, for messages) in cfg syntax; a
 * value that is not cfg syntax is taken as a plain string (name=web). 0, -EINVAL, -ENOMEM.
 */
int cfgs_override(struct cfg_settings *s, const char *arg, unsigned index, char *err,
                  size_t errlen);

/* The latest setting of `key`, or NULL. */
const struct cfg_setting *cfgs_find(const struct cfg_settings *s, const char *key);

void cfgs_free(struct cfg_settings *s);
void cfgv_free(struct cfgv *v);

#endif
