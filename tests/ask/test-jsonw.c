/* test-jsonw.c - bot/jsonw.c: strings escaped exactly like the byte at a
 * time writer did, numbers exactly as printf's "%.4f". */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jsonw.h"

static sbuf B;

static void setup(void) { sbuf_init(&B); }
static void teardown(void) { sbuf_free(&B); }

TestSuite(jsonw, .init = setup, .fini = teardown);

static const char *str(const char *s)
{
    sbuf_reset(&B);
    cr_assert_eq(jsonw_str(&B, s), 0);
    return sbuf_str(&B);
}

/* The reference: printf itself. */
static void fixed4_is_printf(double v)
{
    char want[512];
    int n = snprintf(want, sizeof want, "%.4f", v);
    cr_assert(n > 0 && (size_t)n < sizeof want);
    sbuf_reset(&B);
    cr_assert_eq(jsonw_fixed4(&B, v), 0);
    cr_assert_str_eq(sbuf_str(&B), want, "v = %.17g", v);
}

Test(jsonw, plain_and_utf8_strings_are_copied)
{
    cr_assert_str_eq(str(""), "\"\"");
    cr_assert_str_eq(str("massage"), "\"massage\"");
    cr_assert_str_eq(str("exactly8"), "\"exactly8\"");
    cr_assert_str_eq(str("b\xc3\xa9\x62\xc3\xa9 \xf0\x9f\x91\xb6 sleeps well"),
                     "\"b\xc3\xa9\x62\xc3\xa9 \xf0\x9f\x91\xb6 sleeps well\"");
}

Test(jsonw, specials_are_escaped_at_every_position)
{
    /* each special byte at each offset of a 17-byte string, so it falls
     * in the 8-byte fast path, in its tail and on the boundary */
    const char specials[] = {'"', '\\', '\n', '\t', 0x01, 0x1f};
    const char *esc[] = {"\\\"", "\\\\", "\\n", "\\u0009", "\\u0001",
                         "\\u001f"};
    for (size_t k = 0; k < sizeof specials; k++) {
        for (size_t pos = 0; pos < 17; pos++) {
            char in[18], want[32];
            memset(in, 'a', 17);
            in[17] = '\0';
            in[pos] = specials[k];
            int n = snprintf(want, sizeof want, "\"%.*s%s%s\"", (int)pos, in,
                             esc[k], in + pos + 1);
            cr_assert(n > 0 && (size_t)n < sizeof want);
            cr_assert_str_eq(str(in), want, "special %zu at %zu", k, pos);
        }
    }
}

Test(jsonw, bytes_0x20_and_above_are_not_escaped)
{
    /* 0x20 ' ', 0x21 '!', 0x23 '#' (next to '"'), 0x5b/0x5d (next to
     * '\\'), 0x7f, 0x80, 0xff: none needs escaping */
    cr_assert_str_eq(str(" !#[]\x7f\x80\xff ok ok ok"),
                     "\" !#[]\x7f\x80\xff ok ok ok\"");
}

Test(jsonw, a_reply_with_quotes_and_lines)
{
    cr_assert_str_eq(str("Massage \"helps\" babies sleep.\n\nSource: A \\ B"),
                     "\"Massage \\\"helps\\\" babies sleep.\\n\\nSource: A "
                     "\\\\ B\"");
}

Test(jsonw, fixed4_exact_values)
{
    const double v[] = {0, 1, 0.5, 0.12345, 0.99995, 0.99994999, 0.00005,
                        0.00015, 0.03125, 0.96875, 0.40625, 123.45675,
                        999.99995, 1000, 1e-300, 5e-324, 0.1, 0.7, 2.675};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        fixed4_is_printf(v[i]);
    sbuf_reset(&B);
    cr_assert_eq(jsonw_fixed4(&B, 0.03125), 0);
    cr_assert_str_eq(sbuf_str(&B), "0.0312");   /* a tie: to even */
    sbuf_reset(&B);
    cr_assert_eq(jsonw_fixed4(&B, 0.8), 0);
    cr_assert_str_eq(sbuf_str(&B), "0.8000");
}

Test(jsonw, fixed4_odd_values_go_to_printf)
{
    const double v[] = {-0.0, -0.5, -1.23456, 1e7, 1e300, HUGE_VAL,
                        -HUGE_VAL, NAN, 12345678.9};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        fixed4_is_printf(v[i]);
}

/* Every score and confidence a question can get lies in [0, 1]: a dense
 * sweep, every half-step tie k/20000 and its neighbours, and a million
 * pseudo-random doubles (fixed seed) over [0, 1000). */
/* The byte at a time writer: the reference for str(). */
static void str_ref(const char *s, char *out)
{
    static const char hex[] = "0123456789abcdef";
    *out++ = '"';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            *out++ = '\\';
            *out++ = (char)c;
        } else if (c == '\n') {
            *out++ = '\\';
            *out++ = 'n';
        } else if (c < 0x20) {
            out += sprintf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
        } else {
            *out++ = (char)c;
        }
    }
    *out++ = '"';
    *out = '\0';
}

Test(jsonw, every_length_with_specials_anywhere)
{
    /* lengths 1-24: the 8-byte steps, the tail read as the last 8 bytes
     * (overlapping bytes already written, plain or escaped) and the byte
     * loop; none, one or two specials at every pair of positions */
    const char specials[] = {'"', '\\', '\n', 0x01};
    for (size_t n = 1; n <= 24; n++) {
        for (size_t p1 = 0; p1 <= n; p1++) {
            for (size_t p2 = p1; p2 <= n; p2++) {
                char in[25], want[25 * 6 + 3];
                for (size_t i = 0; i < n; i++)
                    in[i] = (char)('a' + i % 26);
                in[n] = '\0';
                if (p1 < n)
                    in[p1] = specials[(p1 + n) % 4];
                if (p2 < n)
                    in[p2] = specials[(p2 * 3 + n) % 4];
                str_ref(in, want);
                cr_assert_str_eq(str(in), want, "n %zu at %zu, %zu", n, p1,
                                 p2);
            }
        }
    }
}

Test(jsonw, fixed4_matches_printf_everywhere)
{
    for (int k = 0; k <= 20000; k++) {
        double t = k / 20000.0;
        fixed4_is_printf(t);
        fixed4_is_printf(nextafter(t, 0));
        fixed4_is_printf(nextafter(t, 2));
        fixed4_is_printf((float)t);
    }
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 1000000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v = (double)(x >> 11) / 9007199254740992.0;   /* [0, 1) */
        fixed4_is_printf(i % 2 ? v : v * 1000.0);
    }
}
