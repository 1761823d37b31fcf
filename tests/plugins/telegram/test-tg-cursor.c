/* Unit tests for plugins/telegram/tg-cursor.c: the resume offset, the
 * journal of unanswered updates, duplicate detection. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tg-cursor.h"

static json_t *batch(const char *json)
{
    json_error_t e;
    json_t *j = json_loads(json, 0, &e);
    cr_assert_not_null(j, "%s", e.text);
    return j;
}

Test(tg_cursor, empty_dump_has_no_offset)
{
    tg_cursor c;
    cr_assert_eq(tg_cursor_init(&c), 0);
    char *s = tg_cursor_dump(&c);
    cr_assert_str_eq(s, "{\"pending\":[]}");
    free(s);
    tg_cursor_free(&c);
}

Test(tg_cursor, add_done_and_dump)
{
    tg_cursor c;
    tg_cursor_init(&c);
    json_t *b = batch("[{\"update_id\":7,\"message\":{}},{\"update_id\":8}]");
    cr_assert_eq(tg_cursor_add(&c, b), 2);
    cr_assert_eq(json_integer_value(json_object_get(tg_cursor_head(&c),
                                                    "update_id")), 7);
    tg_cursor_done(&c, 7);
    char *s = tg_cursor_dump(&c);
    cr_assert_str_eq(s, "{\"offset\":8,\"pending\":[{\"update_id\":8}]}");
    free(s);
    tg_cursor_done(&c, 8);
    cr_assert_null(tg_cursor_head(&c));
    cr_assert_eq(c.offset, 9);
    json_decref(b);
    tg_cursor_free(&c);
}

Test(tg_cursor, resent_and_pending_updates_are_not_added_twice)
{
    tg_cursor c;
    tg_cursor_init(&c);
    json_t *b = batch("[{\"update_id\":7},{\"update_id\":8}]");
    cr_assert_eq(tg_cursor_add(&c, b), 2);
    tg_cursor_done(&c, 7);
    /* 7 was answered, 8 is pending: a server re-sending both adds none */
    cr_assert_eq(tg_cursor_add(&c, b), 0);
    cr_assert_eq(json_array_size(c.pending), 1);
    cr_assert_eq(tg_cursor_known(&c, 7), 1);
    cr_assert_eq(tg_cursor_known(&c, 8), 1);
    cr_assert_eq(tg_cursor_known(&c, 9), 0);
    json_decref(b);
    tg_cursor_free(&c);
}

Test(tg_cursor, ids_restarting_lower_are_followed)
{
    /* the Bot API picks a random id after a quiet week */
    tg_cursor c;
    tg_cursor_init(&c);
    json_t *b1 = batch("[{\"update_id\":900000}]");
    json_t *b2 = batch("[{\"update_id\":1234}]");
    tg_cursor_add(&c, b1);
    tg_cursor_done(&c, 900000);
    cr_assert_eq(tg_cursor_add(&c, b2), 1);
    tg_cursor_done(&c, 1234);
    cr_assert_eq(c.offset, 1235);
    json_decref(b1);
    json_decref(b2);
    tg_cursor_free(&c);
}

Test(tg_cursor, round_trip_through_text)
{
    tg_cursor a, b;
    tg_cursor_init(&a);
    tg_cursor_init(&b);
    json_t *u = batch("[{\"update_id\":3,\"message\":{\"text\":\"h\\u00e9\"}},"
                      "{\"update_id\":4}]");
    tg_cursor_add(&a, u);
    tg_cursor_done(&a, 3);
    char *s = tg_cursor_dump(&a);
    cr_assert_eq(tg_cursor_load(&b, s), 0);
    cr_assert_eq(b.have_offset, 1);
    cr_assert_eq(b.offset, 4);
    cr_assert_eq(json_array_size(b.pending), 1);
    cr_assert(json_equal(json_array_get(b.pending, 0),
                         json_array_get(u, 1)));
    free(s);
    json_decref(u);
    tg_cursor_free(&a);
    tg_cursor_free(&b);
}

Test(tg_cursor, unreadable_text_is_refused)
{
    static const char *const bad[] = {"", "{", "[]", "{\"offset\":1}",
                                      "{\"offset\":\"1\",\"pending\":[]}",
                                      "{\"pending\":{}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tg_cursor c;
        tg_cursor_init(&c);
        cr_assert_eq(tg_cursor_load(&c, bad[i]), -1, "%s", bad[i]);
        cr_assert_eq(c.have_offset, 0);
        cr_assert_eq(json_array_size(c.pending), 0);
        tg_cursor_free(&c);
    }
}

Test(tg_cursor, recent_ids_are_bounded)
{
    tg_cursor c;
    tg_cursor_init(&c);
    for (int64_t id = 1; id <= TG_CURSOR_RECENT + 10; id++) {
        json_t *one = json_pack("[{s:I}]", "update_id", (json_int_t)id);
        cr_assert_eq(tg_cursor_add(&c, one), 1);
        tg_cursor_done(&c, id);
        json_decref(one);
    }
    cr_assert_eq(c.n_recent, TG_CURSOR_RECENT);
    cr_assert_eq(tg_cursor_known(&c, 5), 0);
    cr_assert_eq(tg_cursor_known(&c, TG_CURSOR_RECENT + 10), 1);
    tg_cursor_free(&c);
}
