/* The xl.cfg file syntax: a lexer and a recursive-descent parser into settings (cfg_syntax.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_syntax.h"

enum tok { T_EOF, T_NL, T_SEMI, T_EQ, T_ADD, T_COMMA, T_LBR, T_RBR, T_IDENT, T_NUM, T_STR, T_ERR };

struct parser {
    const char *p, *end;
    const char *source;
    unsigned line;
    enum tok tok;
    char *text;            /* T_IDENT, T_NUM, T_STR: heap copy */
    const char *key;       /* the setting being parsed, for messages */
    char *err;
    size_t errlen;
    int rc;
};

static void perr(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void perr(struct parser *ps, const char *fmt, ...)
{
    va_list ap;
    int n = 0;

    if (ps->rc)
        return;
    ps->rc = -EINVAL;
    if (!ps->errlen)
        return;
    if (ps->key)
        n = snprintf(ps->err, ps->errlen, "%s:%u: key '%s': ", ps->source, ps->line, ps->key);
    else
        n = snprintf(ps->err, ps->errlen, "%s:%u: ", ps->source, ps->line);
    if (n < 0 || (size_t)n >= ps->errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
    va_end(ap);
}

static void nomem(struct parser *ps)
{
    if (!ps->rc)
        snprintf(ps->err, ps->errlen, "%s: out of memory", ps->source);
    ps->rc = -ENOMEM;
}

static int is_ident(int c, int first)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
        return 1;
    return !first && ((c >= '0' && c <= '9') || c == '.');
}

static char *dup_range(struct parser *ps, const char *a, size_t n)
{
    char *s = malloc(n + 1);

    if (!s) {
        nomem(ps);
        return NULL;
    }
    memcpy(s, a, n);
    s[n] = 0;
    return s;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One escape after a backslash at *pp (inside [*pp, end)); the byte, or -1. */
static int unescape(const char **pp, const char *end)
{
    static const char from[] = "abfnrtv\\'\"", to[] = "\a\b\f\n\r\t\v\\'\"";
    const char *p = *pp, *hit = strchr(from, *p);
    int v = 0, i;

    if (*p && hit) {
        *pp = p + 1;
        return to[hit - from];
    }
    if (*p == 'x') {
        if (end - p < 3 || hexval(p[1]) < 0 || hexval(p[2]) < 0)
            return -1;
        *pp = p + 3;
        return hexval(p[1]) * 16 + hexval(p[2]);
    }
    for (i = 0; i < 3 && p + i < end && p[i] >= '0' && p[i] <= '7'; i++)
        v = v * 8 + (p[i] - '0');
    if (i == 0 || v > 255)
        return -1;
    *pp = p + i;
    return v;
}

/* A quoted string starting at ps->p (the quote). */
static enum tok lex_string(struct parser *ps)
{
    char q = *ps->p++, *out, *o;
    const char *a = ps->p;

    while (a < ps->end && *a != q && *a != '\n')
        a += (*a == '\\' && a + 1 < ps->end && a[1] != '\n') ? 2 : 1;
    if (a >= ps->end || *a != q)
        return perr(ps, "unterminated string (a string ends with its quote on the same line)"),
               T_ERR;
    out = o = malloc(a - ps->p + 1);
    if (!out)
        return nomem(ps), T_ERR;
    while (ps->p < a) {
        int c = (unsigned char)*ps->p++;
        if (c == '\\' && (c = unescape(&ps->p, a)) < 0) {
            free(out);
            return perr(ps, "bad escape after a backslash in a string"), T_ERR;
        }
        if (c == 0) {
            free(out);
            return perr(ps, "a string may not contain a NUL byte"), T_ERR;
        }
        *o++ = (char)c;
    }
    *o = 0;
    ps->p = a + 1;
    ps->text = out;
    return T_STR;
}

static enum tok lex_word(struct parser *ps)
{
    const char *a = ps->p;
    int num = *a >= '0' && *a <= '9', hex = num && a + 1 < ps->end && a[0] == '0' &&
                                             (a[1] == 'x' || a[1] == 'X');

    if (hex)
        ps->p += 2;
    while (ps->p < ps->end && is_ident(*ps->p, 0))
        ps->p++;
    ps->text = dup_range(ps, a, ps->p - a);
    if (!ps->text)
        return T_ERR;
    if (!num)
        return T_IDENT;
    for (a = ps->text + (hex ? 2 : 0); *a; a++)
        if (hex ? hexval(*a) < 0 : (*a < '0' || *a > '9'))
            return perr(ps, "'%s' is not a number (decimal or 0x hex; sizes are in MiB, "
                            "without a unit)", ps->text), T_ERR;
    if (hex && !ps->text[2])
        return perr(ps, "'0x' without hex digits"), T_ERR;
    return T_NUM;
}

static void skip_blank(struct parser *ps)
{
    while (ps->p < ps->end) {
        if (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r')
            ps->p++;
        else if (*ps->p == '#')
            while (ps->p < ps->end && *ps->p != '\n')
                ps->p++;
        else
            break;
    }
}

static enum tok lex(struct parser *ps)
{
    static const char single[] = "\n;=,[]";
    static const enum tok single_tok[] = {T_NL, T_SEMI, T_EQ, T_COMMA, T_LBR, T_RBR};
    const char *hit;

    free(ps->text);
    ps->text = NULL;
    if (ps->tok == T_NL)
        ps->line++;
    skip_blank(ps);
    if (ps->p >= ps->end)
        return ps->tok = T_EOF;
    if (*ps->p && (hit = strchr(single, *ps->p))) {
        ps->p++;
        return ps->tok = single_tok[hit - single];
    }
    if (*ps->p == '+' && ps->p + 1 < ps->end && ps->p[1] == '=') {
        ps->p += 2;
        return ps->tok = T_ADD;
    }
    if (*ps->p == '"' || *ps->p == '\'')
        return ps->tok = lex_string(ps);
    if (is_ident(*ps->p, 0))
        return ps->tok = lex_word(ps);
    if (*ps->p == 0)
        perr(ps, "NUL byte in the file");
    else
        perr(ps, "unexpected character '%c'", *ps->p);
    return ps->tok = T_ERR;
}

static void skip_newlines(struct parser *ps)
{
    while (ps->tok == T_NL)
        lex(ps);
}

static struct cfgv *new_value(struct parser *ps, enum cfgv_type type)
{
    struct cfgv *v = calloc(1, sizeof(*v));

    if (!v)
        nomem(ps);
    else
        v->type = type;
    return v;
}

static int list_push(struct parser *ps, struct cfgv *list, struct cfgv *item)
{
    struct cfgv **n = realloc(list->items, (list->n + 1) * sizeof(*n));

    if (!n) {
        cfgv_free(item);
        nomem(ps);
        return -1;
    }
    list->items = n;
    list->items[list->n++] = item;
    return 0;
}

static struct cfgv *parse_value(struct parser *ps, unsigned depth);

/* After '[': items separated by ',', newlines anywhere, an optional trailing ','. */
static struct cfgv *parse_list(struct parser *ps, unsigned depth)
{
    struct cfgv *list = new_value(ps, CFGV_LIST), *item;

    if (!list)
        return NULL;
    if (depth > CFG_MAX_DEPTH)
        return perr(ps, "lists nested deeper than %u", CFG_MAX_DEPTH), cfgv_free(list), NULL;
    lex(ps);
    skip_newlines(ps);
    while (ps->tok != T_RBR) {
        item = parse_value(ps, depth + 1);
        if (!item || list_push(ps, list, item))
            return cfgv_free(list), NULL;
        skip_newlines(ps);
        if (ps->tok == T_COMMA) {
            lex(ps);
            skip_newlines(ps);
        } else if (ps->tok != T_RBR) {
            if (ps->tok != T_ERR)
                perr(ps, ps->tok == T_EOF ? "list not closed with ']'"
                                          : "expected ',' or ']' in the list");
            return cfgv_free(list), NULL;
        }
    }
    lex(ps);
    return list;
}

static struct cfgv *parse_value(struct parser *ps, unsigned depth)
{
    struct cfgv *v;

    if (ps->tok == T_LBR)
        return parse_list(ps, depth);
    if (ps->tok != T_STR && ps->tok != T_NUM) {
        if (ps->tok == T_IDENT)
            perr(ps, "'%s' needs quotes: write '%s' (strings are quoted in xl.cfg)", ps->text,
                 ps->text);
        else if (ps->tok != T_ERR)
            perr(ps, "expected a value: a number, a 'string' or a [list]");
        return NULL;
    }
    v = new_value(ps, ps->tok == T_STR ? CFGV_STRING : CFGV_NUMBER);
    if (!v)
        return NULL;
    v->text = ps->text;
    ps->text = NULL;
    lex(ps);
    return v;
}

static struct cfgv *cfgv_dup(const struct cfgv *v)
{
    struct cfgv *d = calloc(1, sizeof(*d));

    if (!d)
        return NULL;
    d->type = v->type;
    if (v->type != CFGV_LIST) {
        d->text = strdup(v->text);
        return d->text ? d : (free(d), NULL);
    }
    d->items = calloc(v->n ? v->n : 1, sizeof(*d->items));
    if (!d->items)
        return free(d), NULL;
    for (d->n = 0; d->n < v->n; d->n++)
        if (!(d->items[d->n] = cfgv_dup(v->items[d->n])))
            return cfgv_free(d), NULL;
    return d;
}

/* `key += v`: the key's latest value followed by v (strings concatenated, lists joined). */
static struct cfgv *merge(struct parser *ps, const struct cfgv *prev, struct cfgv *v)
{
    struct cfgv *m;
    char *s;
    unsigned i;

    if ((prev->type == CFGV_LIST) != (v->type == CFGV_LIST))
        return perr(ps, "+= cannot add a list to a single value or a single value to a list"),
               cfgv_free(v), NULL;
    if (v->type != CFGV_LIST) {
        if (!(s = malloc(strlen(prev->text) + strlen(v->text) + 1)))
            return nomem(ps), cfgv_free(v), NULL;
        strcat(strcpy(s, prev->text), v->text);
        free(v->text);
        v->text = s;
        return v;
    }
    if (!(m = cfgv_dup(prev)))
        return nomem(ps), cfgv_free(v), NULL;
    for (i = 0; i < v->n; i++) {
        if (list_push(ps, m, v->items[i]))
            break;
        v->items[i] = NULL;
    }
    cfgv_free(v);
    return ps->rc ? (cfgv_free(m), NULL) : m;
}

static void add_setting(struct parser *ps, struct cfg_settings *s, char *key, bool append,
                        struct cfgv *v, unsigned line)
{
    const struct cfg_setting *prev = append && key ? cfgs_find(s, key) : NULL;
    struct cfg_setting *set;

    if (!key)
        return cfgv_free(v);

    if (prev && !(v = merge(ps, prev->value, v)))
        return free(key);
    set = calloc(1, sizeof(*set));
    if (!set)
        return nomem(ps), free(key), cfgv_free(v);
    *set = (struct cfg_setting){key, v, ps->source, line, append, NULL};
    if (s->tail)
        s->tail->next = set;
    else
        s->head = set;
    s->tail = set;
}

/* IDENT ('=' | '+=') value, then a newline, ';' or the end. */
static void parse_setting(struct parser *ps, struct cfg_settings *s)
{
    char *key = ps->text;
    unsigned line = ps->line;
    bool append;
    struct cfgv *v;

    ps->text = NULL;
    ps->key = key;
    lex(ps);
    if (ps->tok != T_EQ && ps->tok != T_ADD) {
        if (ps->tok != T_ERR)
            perr(ps, "expected '=' after the key");
        return free(key);
    }
    append = ps->tok == T_ADD;
    lex(ps);
    v = parse_value(ps, 0);
    if (!v)
        return free(key);
    if (ps->tok != T_NL && ps->tok != T_SEMI && ps->tok != T_EOF) {
        if (ps->tok != T_ERR)
            perr(ps, "expected the end of the line after the value");
        return free(key), cfgv_free(v);
    }
    add_setting(ps, s, key, append, v, line);
    ps->key = NULL;
}

static int parse_from(struct cfg_settings *s, const char *text, size_t len, const char *source,
                      unsigned line, char *err, size_t errlen)
{
    struct parser ps = {.p = text, .end = text + len, .source = source, .line = line,
                        .tok = T_SEMI, .err = err, .errlen = errlen};

    if (errlen)
        err[0] = 0;
    lex(&ps);
    while (!ps.rc && ps.tok != T_EOF) {
        if (ps.tok == T_IDENT)
            parse_setting(&ps, s);
        else if (ps.tok != T_NL && ps.tok != T_SEMI)
            perr(&ps, "expected a setting 'key = value'");
        if (!ps.rc && ps.tok != T_EOF)
            lex(&ps);
    }
    free(ps.text);
    return ps.rc;
}

int cfgs_parse(struct cfg_settings *s, const char *text, size_t len, const char *source,
               char *err, size_t errlen)
{
    return parse_from(s, text, len, source, 1, err, errlen);
}

/* Drops the settings after `tail` (NULL: all). */
static void truncate_after(struct cfg_settings *s, struct cfg_setting *tail)
{
    struct cfg_settings rest = {tail ? tail->next : s->head, s->tail};

    if (tail)
        tail->next = NULL;
    else
        s->head = NULL;
    s->tail = tail;
    if (rest.head)
        cfgs_free(&rest);
}

int cfgs_override(struct cfg_settings *s, const char *arg, unsigned index, char *err,
                  size_t errlen)
{
    static const char source[] = "command line";
    struct cfg_setting *tail = s->tail;
    struct parser ps = {.source = source, .line = index, .err = err, .errlen = errlen};
    const char *eq = strchr(arg, '='), *p;
    struct cfgv *v;
    int rc = parse_from(s, arg, strlen(arg), source, index, err, errlen);

    if (rc != -EINVAL || !eq || eq == arg || !is_ident(arg[0], 1))
        return rc;
    for (p = arg; p < eq; p++)
        if (!is_ident(*p, 0))
            return rc;
    /* Not cfg syntax (name=web, cmdline=console=hvc0): the text after '=' as a string. */
    truncate_after(s, tail);
    if (!(v = new_value(&ps, CFGV_STRING)) || !(v->text = strdup(eq + 1)))
        return cfgv_free(v), -ENOMEM;
    add_setting(&ps, s, dup_range(&ps, arg, eq - arg), false, v, index);
    return ps.rc;
}

const struct cfg_setting *cfgs_find(const struct cfg_settings *s, const char *key)
{
    const struct cfg_setting *set, *found = NULL;

    for (set = s->head; set; set = set->next)
        if (!strcmp(set->key, key))
            found = set;
    return found;
}

void cfgv_free(struct cfgv *v)
{
    unsigned i;

    if (!v)
        return;
    for (i = 0; i < v->n; i++)
        cfgv_free(v->items[i]);
    free(v->items);
    free(v->text);
    free(v);
}

void cfgs_free(struct cfg_settings *s)
{
    struct cfg_setting *set, *next;

    for (set = s->head; set; set = next) {
        next = set->next;
        free(set->key);
        cfgv_free(set->value);
        free(set);
    }
    s->head = s->tail = NULL;
}
