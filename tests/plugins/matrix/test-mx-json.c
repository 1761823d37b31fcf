/* test-mx-json.c - repairing bad Unicode so jansson can read the rest. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "mx-json.h"

static void repaired_is(const char *in, const char *want, size_t want_n)
{
    char buf[256];
    size_t len = strlen(in);
    memcpy(buf, in, len + 1);
    cr_assert_eq(mx_json_repair(buf, len), want_n, "repairs in %s", in);
    cr_assert_str_eq(buf, want);
    cr_assert_eq(strlen(buf), len);
}

Test(mx_json, lone_surrogates_become_replacement_chars)
{
    repaired_is("{\"b\":\"x\\ud800y\"}", "{\"b\":\"x\\ufffdy\"}", 1);
    repaired_is("{\"b\":\"\\uDC00\"}", "{\"b\":\"\\ufffd\"}", 1);
    repaired_is("{\"b\":\"\\ud83d\\ude00 pair\"}", "{\"b\":\"\\ud83d\\ude00 pair\"}", 0);
    repaired_is("{\"b\":\"\\ud83d\\u0041\"}", "{\"b\":\"\\ufffd\\u0041\"}", 1);
    repaired_is("{\"b\":\"\\\\ud800 is text\"}", "{\"b\":\"\\\\ud800 is text\"}", 0);
    repaired_is("{\"b\":\"\\\"\\ud800\"}", "{\"b\":\"\\\"\\ufffd\"}", 1);
}

Test(mx_json, invalid_utf8_bytes_become_question_marks)
{
    repaired_is("{\"b\":\"a\xff" "b\"}", "{\"b\":\"a?b\"}", 1);
    repaired_is("{\"b\":\"\xc3\x28\"}", "{\"b\":\"?(\"}", 1);
    repaired_is("{\"b\":\"\xed\xa0\x80\"}", "{\"b\":\"???\"}", 3);     /* CESU surrogate */
    repaired_is("{\"b\":\"\xc0\xaf\"}", "{\"b\":\"??\"}", 2);          /* overlong */
    repaired_is("{\"b\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}", "{\"b\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}", 0);
    repaired_is("{\"b\":\"cut \xe2\x82\"}", "{\"b\":\"cut ??\"}", 2);
}

Test(mx_json, repaired_text_parses_and_keeps_the_rest)
{
    char buf[] = "{\"next_batch\":\"s1\",\"body\":\"sleep \\udc01 \xfe?\"}";
    json_error_t e;
    cr_assert_null(json_loadb(buf, strlen(buf), 0, &e));
    cr_assert_eq(mx_json_repair(buf, strlen(buf)), 2);
    json_t *j = json_loadb(buf, strlen(buf), 0, &e);
    cr_assert_not_null(j, "%s", e.text);
    cr_assert_str_eq(json_string_value(json_object_get(j, "body")), "sleep \xef\xbf\xbd ??");
    cr_assert_str_eq(json_string_value(json_object_get(j, "next_batch")), "s1");
    json_decref(j);
}
