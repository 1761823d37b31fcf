/* jsonw.c - JSON string and "%.4f" number writers, see jsonw.h. */
#include "jsonw.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define ONES 0x0101010101010101u
#define HIGH 0x8080808080808080u

/* 1 if one of the 8 bytes in w needs escaping: below 0x20, '"' or '\\'.
 * (x - n * ONES) & ~x & HIGH is nonzero exactly when a byte of x is
 * below n, for n <= 0x80.) */
static int jsonw_special8(uint64_t w)
{
    uint64_t q = w ^ (ONES * '"'), bs = w ^ (ONES * '\\');
    uint64_t t = ((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) |
                 ((bs - ONES) & ~bs);
    return (t & HIGH) != 0;
}

/* Append the escape for c (one that needs it). */
static void jsonw_escape(sbuf *b, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    if (c == '"' || c == '\\') {
        char esc[2] = {'\\', (char)c};
        sbuf_addn(b, esc, 2);
    } else if (c == '\n') {
        sbuf_addn(b, "\\n", 2);
    } else {
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        sbuf_addn(b, esc, 6);
    }
}

int jsonw_str(sbuf *b, const char *s)
{
    size_t n = strlen(s), i = 0, run = 0;
    sbuf_addn(b, "\"", 1);
    while (i < n) {
        uint64_t w;
        if (n - i >= 8) {   /* 8 plain bytes at once: most of a reply */
            memcpy(&w, s + i, sizeof w);
            if (!jsonw_special8(w)) {
                i += 8;
                continue;
            }
        } else if (n >= 8) {
            /* the last 8 bytes, the tail among them: when none needs
             * escaping, the tail is plain (the bytes before i are
             * handled already) */
            memcpy(&w, s + n - 8, sizeof w);
            if (!jsonw_special8(w)) {
                i = n;
                break;
            }
        }
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\') {
            sbuf_addn(b, s + run, i - run);
            jsonw_escape(b, c);
            run = i + 1;
        }
        i++;
    }
    sbuf_addn(b, s + run, n - run);
    sbuf_addn(b, "\"", 1);
    return b->oom ? -1 : 0;
}

/* x = v * 10000 carries a relative error of at most 2^-53, under 1.2e-9
 * below 1e7.  When x is more than 1e-6 from a half-integer, the exact
 * v * 10000 rounds to the same integer as x, which is what printf
 * prints; otherwise (a near tie, a negative, huge or NaN value) printf
 * itself decides. */
int jsonw_fixed4(sbuf *b, double v)
{
    double x = v * 10000.0;
    if (signbit(v) || !(x < 1e7))
        return sbuf_addf(b, "%.4f", v);
    /* floor(x + 0.5): x + 0.5 is positive and below 2^53 */
    uint64_t u = (uint64_t)(x + 0.5);
    double r = (double)u;
    if (x - (r - 0.5) <= 1e-6 || (r + 0.5) - x <= 1e-6)
        return sbuf_addf(b, "%.4f", v);
    /* the decimals two digits at a time; the whole part is 0 or 1 for a
     * score or a confidence, one digit */
    static const char d2[] = "00010203040506070809101112131415161718192021"
        "222324252627282930313233343536373839404142434445464748495051525354"
        "555657585960616263646566676869707172737475767778798081828384858687"
        "888990919293949596979899";
    char buf[24], *p = buf + sizeof buf;
    unsigned f = (unsigned)(u % 10000);
    u /= 10000;
    p -= 5;
    p[0] = '.';
    memcpy(p + 1, d2 + 2 * (f / 100), 2);
    memcpy(p + 3, d2 + 2 * (f % 100), 2);
    if (u < 10) {
        *--p = (char)('0' + u);
    } else {
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
    }
    return sbuf_addn(b, p, (size_t)(buf + sizeof buf - p));
}
