/* Unit tests for plugins/telegram/tg-utf8.c. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tg-utf8.h"

Test(tg_utf8, sequences)
{
    cr_assert_eq(tg_utf8_seq((const unsigned char *)"a", 1), 1);
    cr_assert_eq(tg_utf8_seq((const unsigned char *)"\xC3\xA9", 2), 2);
    cr_assert_eq(tg_utf8_seq((const unsigned char *)"\xE2\x82\xAC", 3), 3);
    cr_assert_eq(tg_utf8_seq((const unsigned char *)"\xF0\x9F\x8D\xBC", 4),
                 4);
    cr_assert_eq(tg_utf8_seq((const unsigned char *)"\xC3\xA9", 1), 0);
    cr_assert_eq(tg_utf8_seq((const unsigned char *)"\xC0\x80", 2), 0);
    cr_assert_eq(tg_utf8_seq((const unsigned char *)"\xED\xA0\x80", 3), 0);
    cr_assert_eq(tg_utf8_seq((const unsigned char *)"\xF4\x90\x80\x80", 4),
                 0);
    cr_assert_eq(tg_utf8_seq((const unsigned char *)"\x80", 1), 0);
}

Test(tg_utf8, clean_replaces_each_bad_byte)
{
    size_t n;
    char *s = tg_utf8_clean("ok\xff\xC3(", 5, &n);
    cr_assert_str_eq(s, "ok\xEF\xBF\xBD\xEF\xBF\xBD(");
    cr_assert_eq(n, strlen(s));
    cr_assert_eq(tg_utf8_valid(s, n), 1);
    cr_assert_eq(tg_utf8_valid("ok\xff", 3), 0);
    free(s);
}
