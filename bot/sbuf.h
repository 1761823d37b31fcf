/* sbuf.h - a growable NUL-terminated string buffer.
 * An sbuf owns its memory: sbuf_free() releases it, sbuf_take() hands it
 * to the caller (who frees it with free()). */
#ifndef FAQBOT_SBUF_H
#define FAQBOT_SBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct sbuf {
    char *s;
    size_t len, cap;
    int oom;        /* set once an append failed; later appends are no-ops */
} sbuf;

void sbuf_init(sbuf *b);
void sbuf_free(sbuf *b);
void sbuf_reset(sbuf *b);                 /* empty, keep the memory */
int sbuf_add(sbuf *b, const char *s);     /* 0, or -1 on OOM */
/* sbuf_addn when b must grow first (or an append failed before). */
int sbuf_addn_grow(sbuf *b, const char *s, size_t n);
/* Append n bytes.  Inline: most appends fit, and a literal's or small
 * copy's memcpy then becomes a few moves. */
static inline int sbuf_addn(sbuf *b, const char *s, size_t n)
{
    if (b->oom || b->len + n + 1 > b->cap)
        return sbuf_addn_grow(b, s, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}
/* Append a string literal (its length known at compile time). */
#define SBUF_LIT(b, lit) sbuf_addn((b), "" lit, sizeof(lit) - 1)
int sbuf_addf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sbuf_vaddf(sbuf *b, const char *fmt, va_list ap);
/* Returns the string (caller frees with free()) and empties b; NULL on an
 * earlier OOM. */
char *sbuf_take(sbuf *b);
/* The current contents ("" when empty); valid until the next append. */
const char *sbuf_str(const sbuf *b);

#endif
