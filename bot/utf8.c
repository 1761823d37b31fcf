/* utf8.c - untrusted text cleaning with utf8proc, see utf8.h. */
#include "utf8.h"

#include <utf8proc.h>

long utf8_sanitize(const char *text, size_t len, sbuf *out)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
    long replaced = 0;
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {                   /* invalid: replace one byte */
            sbuf_add(out, "\xEF\xBF\xBD");
            replaced++;
            i++;
            continue;
        }
        if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F ||
            (cp >= 0x80 && cp < 0xA0)) {
            sbuf_add(out, " ");
            replaced++;
        } else {
            sbuf_addn(out, text + i, (size_t)n);
        }
        i += (size_t)n;
    }
    return out->oom ? -1 : replaced;
}
