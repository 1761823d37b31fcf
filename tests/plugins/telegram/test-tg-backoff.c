/* Unit tests for plugins/telegram/tg-backoff.c. */
#include <criterion/criterion.h>

#include "tg-backoff.h"

Test(tg_backoff, doubles_with_jitter_and_caps)
{
    tg_backoff b;
    unsigned nominal = 500;
    tg_backoff_init(&b, 500, 60000, 12345);
    for (int i = 0; i < 12; i++) {
        unsigned d = tg_backoff_next(&b);
        cr_assert_geq(d, nominal / 2 + nominal % 2, "try %d: %u", i, d);
        cr_assert_leq(d, nominal, "try %d: %u", i, d);
        nominal = nominal * 2 > 60000 ? 60000 : nominal * 2;
    }
    cr_assert_eq(nominal, 60000);
}

Test(tg_backoff, reset_starts_over)
{
    tg_backoff b;
    tg_backoff_init(&b, 1000, 8000, 7);
    for (int i = 0; i < 5; i++)
        tg_backoff_next(&b);
    cr_assert_geq(tg_backoff_next(&b), 4000);
    tg_backoff_reset(&b);
    cr_assert_leq(tg_backoff_next(&b), 1000);
}

Test(tg_backoff, jitter_varies)
{
    tg_backoff b;
    unsigned seen_low = 0, seen_high = 0;
    tg_backoff_init(&b, 10000, 10000, 99);
    for (int i = 0; i < 200; i++) {
        unsigned d = tg_backoff_next(&b);
        seen_low |= d < 7500;
        seen_high |= d >= 7500;
    }
    cr_assert(seen_low && seen_high);
}
