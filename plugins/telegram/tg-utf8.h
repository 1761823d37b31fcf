/*
 * tg-utf8.h - UTF-8 validation and repair (invalid bytes become U+FFFD):
 * Telegram and jansson both refuse invalid UTF-8, so nothing goes out or
 * gets parsed without passing through here.
 */
#ifndef TG_UTF8_H
#define TG_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (left bytes available), or 0
 * when s does not start one (stray, overlong, surrogate, > U+10FFFF). */
size_t tg_utf8_seq(const unsigned char *s, size_t left);

/* 1 when s[0..len) is entirely valid UTF-8. */
int tg_utf8_valid(const char *s, size_t len);

/* A NUL-terminated copy of s[0..len) with every invalid byte replaced by
 * U+FFFD; *outlen gets its length when outlen is not NULL.  Caller frees
 * with free(); NULL on OOM. */
char *tg_utf8_clean(const char *s, size_t len, size_t *outlen);

#endif
