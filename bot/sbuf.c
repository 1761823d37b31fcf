/* sbuf.c - growable string buffer, see sbuf.h. */
#include "sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sbuf_init(sbuf *b) { memset(b, 0, sizeof *b); }

void sbuf_free(sbuf *b)
{
    free(b->s);
    sbuf_init(b);
}

void sbuf_reset(sbuf *b)
{
    b->len = 0;
    b->oom = 0;
    if (b->s)
        b->s[0] = '\0';
}

static int sbuf_grow(sbuf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = 1;
        return -1;
    }
    b->s = s;
    b->cap = cap;
    return 0;
}

int sbuf_addn_grow(sbuf *b, const char *s, size_t n)
{
    if (sbuf_grow(b, n) < 0)
        return -1;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

int sbuf_add(sbuf *b, const char *s) { return sbuf_addn(b, s, strlen(s)); }

/* Formats straight into the free space when it fits (one vsnprintf);
 * only a longer result grows the buffer and formats again. */
int sbuf_vaddf(sbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    if (b->oom)
        return -1;
    size_t room = b->cap - b->len;
    va_copy(ap2, ap);
    int n = vsnprintf(room ? b->s + b->len : NULL, room, fmt, ap2);
    va_end(ap2);
    if (n >= 0 && (size_t)n >= room) {
        if (sbuf_grow(b, (size_t)n) < 0)
            n = -1;
        else
            vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    }
    if (n < 0) {             /* keep the old contents terminated */
        if (b->s)
            b->s[b->len] = '\0';
        return -1;
    }
    b->len += (size_t)n;
    return 0;
}

int sbuf_addf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = sbuf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *sbuf_take(sbuf *b)
{
    if (b->oom) {
        sbuf_free(b);
        return NULL;
    }
    char *s = b->s ? b->s : strdup("");
    sbuf_init(b);
    return s;
}

const char *sbuf_str(const sbuf *b) { return b->s ? b->s : ""; }
