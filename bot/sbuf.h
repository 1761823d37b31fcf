/* sbuf.h - a growable NUL-terminated string buffer.
 * An sbuf owns its memory: sbuf_free() releases it, sbuf_take() hands it
 * to the caller (who frees it with free()). */
#ifndef FAQBOT_SBUF_H
#define FAQBOT_SBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sbuf {
    char *s;
    size_t len, cap;
    int oom;        /* set once an append failed; later appends are no-ops */
} sbuf;

void sbuf_init(sbuf *b);
void sbuf_free(sbuf *b);
void sbuf_reset(sbuf *b);                 /* empty, keep the memory */
int sbuf_add(sbuf *b, const char *s);     /* 0, or -1 on OOM */
int sbuf_addn(sbuf *b, const char *s, size_t n);
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
