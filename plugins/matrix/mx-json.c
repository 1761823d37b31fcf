/*
 * mx-json.c - in-place repair of bad Unicode in a JSON text.
 */
#include "mx-json.h"

#include <ctype.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *p, size_t left)
{
    unsigned char c = p[0];
    size_t n;
    unsigned min;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) { n = 2; cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { n = 3; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 4; cp = c & 0x07; min = 0x10000; }
    else
        return 0;
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        if (!isxdigit((unsigned char)p[i]))
            return 0;
        v = v * 16 + (unsigned)(isdigit((unsigned char)p[i]) ? p[i] - '0'
                                : (tolower((unsigned char)p[i]) - 'a' + 10));
    }
    *out = v;
    return 1;
}

/* At buf[i] == '\\' inside a string: fix a lone surrogate escape.
 * Returns the number of bytes the escape spans. */
static size_t fix_escape(char *buf, size_t i, size_t len, size_t *fixed)
{
    unsigned u, low;
    if (i + 1 >= len || buf[i + 1] != 'u' || i + 6 > len || !hex4(buf + i + 2, &u))
        return 2;
    if (u >= 0xd800 && u <= 0xdbff && i + 12 <= len && buf[i + 6] == '\\' &&
        buf[i + 7] == 'u' && hex4(buf + i + 8, &low) && low >= 0xdc00 && low <= 0xdfff)
        return 12; /* a proper pair */
    if (u >= 0xd800 && u <= 0xdfff) {
        memcpy(buf + i + 2, "fffd", 4);
        (*fixed)++;
    }
    return 6;
}

size_t mx_json_repair(char *buf, size_t len)
{
    size_t fixed = 0, i = 0;
    int in_string = 0;
    while (i < len) {
        unsigned char c = (unsigned char)buf[i];
        if (in_string && c == '\\') {
            i += fix_escape(buf, i, len, &fixed);
            continue;
        }
        if (c == '"')
            in_string = !in_string;
        size_t n = utf8_seq((const unsigned char *)buf + i, len - i);
        if (n == 0) {
            buf[i] = '?';
            fixed++;
            n = 1;
        }
        i += n;
    }
    return fixed;
}
