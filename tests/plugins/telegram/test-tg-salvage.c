/* Unit tests for plugins/telegram/tg-salvage.c and its use by
 * tg_parse_response: U+0000 in updates, and the id of an update whose
 * JSON cannot be parsed (to skip it). */
#include <criterion/criterion.h>
#include <string.h>

#include "tg-parse.h"
#include "tg-salvage.h"

static tg_result resp(const char *body)
{
    tg_result r;
    tg_parse_response(body, strlen(body), 200, &r);
    return r;
}

Test(tg_salvage, nul_in_an_update_is_a_space_and_the_batch_parses)
{
    tg_result r = resp("{\"ok\":true,\"result\":[{\"update_id\":5,\"message\":"
                       "{\"message_id\":1,\"chat\":{\"id\":9,\"type\":\"private\"},"
                       "\"from\":{\"id\":9,\"first_name\":\"A\\u0000B\"},"
                       "\"text\":\"colic\\u0000 massage?\\u0000\"}},"
                       "{\"update_id\":6,\"message\":{\"message_id\":2,\"chat\":"
                       "{\"id\":9},\"text\":\"next\"}}]}");
    tg_update u;
    char err[100];
    cr_assert_eq(r.status, TG_OK, "%s", r.desc);
    cr_assert_eq(json_array_size(r.result), 2);
    cr_assert_eq(tg_parse_update(json_array_get(r.result, 0), &u, err, sizeof err), 0);
    cr_assert_str_eq(u.text, "colic  massage? ");
    cr_assert_str_eq(u.from_name, "A B");
    tg_update_clear(&u);
    tg_result_clear(&r);
}

Test(tg_salvage, denul_counts_changed_strings_at_any_depth)
{
    json_error_t jerr;
    json_t *j = json_loads("{\"a\":[\"x\\u0000\",{\"b\":\"\\u0000\\u0000\"}],"
                           "\"c\":\"clean\",\"d\":7}", JSON_ALLOW_NUL, &jerr);
    cr_assert_not_null(j, "%s", jerr.text);
    cr_assert_eq(tg_salvage_denul(j), 2);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "a"), 0)), "x ");
    cr_assert_str_eq(json_string_value(json_object_get(
        json_array_get(json_object_get(j, "a"), 1), "b")), "  ");
    cr_assert_eq(tg_salvage_denul(j), 0, "nothing left to clean");
    json_decref(j);
}

Test(tg_salvage, has_nul_finds_the_escape_only)
{
    cr_assert_eq(tg_salvage_has_nul("\"a\\u0000\"", 10), 1);
    cr_assert_eq(tg_salvage_has_nul("\"a\\u0001\"", 10), 0);
    cr_assert_eq(tg_salvage_has_nul("\\u000", 5), 0);
    cr_assert_eq(tg_salvage_has_nul("", 0), 0);
}

Test(tg_salvage, unparseable_body_names_its_update)
{
    /* a lone surrogate escape: jansson refuses the whole body */
    tg_result r = resp("{\"ok\":true,\"result\":[{\"update_id\":4711,\"message\":"
                       "{\"message_id\":1,\"chat\":{\"id\":9},\"text\":\"\\ud800 bad\"}}]}");
    cr_assert_eq(r.status, TG_E_MALFORMED);
    cr_assert_eq(r.unparsed, 1);
    cr_assert_eq(r.truncated, 0);
    cr_assert_eq(r.bad_update_id, 4711);
    cr_assert(strstr(r.desc, "body is not JSON"), "%s", r.desc);
    tg_result_clear(&r);
}

Test(tg_salvage, truncated_body_is_flagged_as_such)
{
    tg_result r = resp("{\"ok\":true,\"result\":[{\"update_id\":7,\"mess");
    cr_assert_eq(r.status, TG_E_MALFORMED);
    cr_assert_eq(r.unparsed, 1);
    cr_assert_eq(r.truncated, 1);
    cr_assert_eq(r.bad_update_id, 7);
    tg_result_clear(&r);
    r = resp("{\"ok\":true,\"result\":{\"update_id\":\"x\"}}");
    cr_assert_eq(r.unparsed, 0, "valid JSON of the wrong shape is not unparsed");
    tg_result_clear(&r);
}

Test(tg_salvage, update_id_scan)
{
    const char *a = "{\"ok\":true,\"result\":[{ \"update_id\" : 12 ,\"x\":1";
    const char *b = "{\"result\":[{\"message\":{\"text\":\"\\\"update_id\\\":5\"},"
                    "\"update_id\":99}";
    const char *c = "{\"text\":\"\\\\\",\"update_id\":3}";
    cr_assert_eq(tg_salvage_update_id(a, strlen(a)), 12);
    cr_assert_eq(tg_salvage_update_id(b, strlen(b)), 99, "not the one inside a string");
    cr_assert_eq(tg_salvage_update_id(c, strlen(c)), 3, "an escaped backslash ends no string");
    cr_assert_eq(tg_salvage_update_id("{\"update_id\":\"7\"}", 17), -1);
    cr_assert_eq(tg_salvage_update_id("{\"update_id\":1234567890123456789}", 33), -1);
    cr_assert_eq(tg_salvage_update_id("{\"ok\":true}", 11), -1);
    cr_assert_eq(tg_salvage_update_id(NULL, 0), -1);
}
