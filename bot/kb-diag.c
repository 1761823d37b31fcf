/*
 * kb-diag.c - the list of problems found while loading or linting a
 * knowledge directory.  Every item names file, line, entry and reason.
 */
#include "kb-impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kb_diag_init(kb_diag *d)
{
    memset(d, 0, sizeof *d);
}

static void diag_item_free(kb_diag_item *it)
{
    free(it->file);
    free(it->entry);
    free(it->message);
}

void kb_diag_free(kb_diag *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++)
        diag_item_free(&d->items[i]);
    free(d->items);
    kb_diag_init(d);
}

static char *dup_or_null(const char *s, int *fail)
{
    if (!s)
        return NULL;
    char *p = strdup(s);
    if (!p)
        *fail = 1;
    return p;
}

int kb_diag_add(kb_diag *d, int severity, const char *file, int line,
                const char *entry, const char *fmt, ...)
{
    if (!d)
        return 0;
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        kb_diag_item *items = realloc(d->items, cap * sizeof *items);
        if (!items)
            return -1;
        d->items = items;
        d->cap = cap;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n >= sizeof msg)
        memcpy(msg + sizeof msg - 4, "...", 4);   /* truncated: say so */
    int fail = 0;
    kb_diag_item it = {severity, dup_or_null(file, &fail), line,
                       dup_or_null(entry, &fail), dup_or_null(msg, &fail)};
    if (fail) {
        diag_item_free(&it);
        return -1;
    }
    d->items[d->count++] = it;
    if (severity == KB_ERROR)
        d->errors++;
    else
        d->warnings++;
    return 0;
}

void kb_diag_format(const kb_diag_item *it, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    char where[1024] = "";
    int n = 0;
    if (it->file && it->line > 0)
        n = snprintf(where, sizeof where, "%s:%d: ", it->file, it->line);
    else if (it->file)
        n = snprintf(where, sizeof where, "%s: ", it->file);
    if (n < 0 || (size_t)n >= sizeof where)
        where[0] = '\0';
    const char *msg = it->message ? it->message : "";
    if (it->entry)
        n = snprintf(buf, len, "%sentry '%s': %s", where, it->entry, msg);
    else
        n = snprintf(buf, len, "%s%s", where, msg);
    if (n < 0)
        buf[0] = '\0';   /* truncation is acceptable for a display line */
}

/* ---- kb_where (internal) ---------------------------------------------- */

int kb_where_err(const kb_where *w, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
    if (w->failed)
        *w->failed = 1;
    return kb_diag_add(w->d, KB_ERROR, w->file, 0, w->entry, "%s", msg);
}
