/* jsonw.h - the hot parts of writing a JSON line by hand (faqbot ask
 * --batch): a string escaped in bulk, and a number printed exactly as
 * printf's "%.4f" would, without a printf call. */
#ifndef FAQBOT_JSONW_H
#define FAQBOT_JSONW_H

#include "sbuf.h"

/* Append s as a JSON string literal: '"' and '\\' escaped, '\n' as \n,
 * other bytes below 0x20 as \u00XX, everything else (UTF-8) as is.
 * 0, or -1 on OOM (b->oom set). */
int jsonw_str(sbuf *b, const char *s);

/* Append the same text as sbuf_addf(b, "%.4f", v).  0, or -1 on OOM. */
int jsonw_fixed4(sbuf *b, double v);

#endif
