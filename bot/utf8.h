/* utf8.h - make untrusted text safe to handle: invalid UTF-8 sequences
 * become U+FFFD, control characters other than tab and newline become
 * spaces. */
#ifndef FAQBOT_UTF8_H
#define FAQBOT_UTF8_H

#include "sbuf.h"

#include <stddef.h>

/* Appends the cleaned text to out; returns the number of replacements
 * made, or -1 on OOM. */
long utf8_sanitize(const char *text, size_t len, sbuf *out);

#endif
