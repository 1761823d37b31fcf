/* test-mx-picks.c - "did you mean" lists saved in the state store and read
 * back by a new instance (a restart), malformed saved lists skipped. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "../fakehost.h"
#include "mx-bot.h"

static void setup(void)
{
    fh_reset("matrix");
}

TestSuite(mx_picks, .init = setup);

Test(mx_picks, lists_survive_a_restart)
{
    mx_bot a = {.host = &fh_host}, b = {.host = &fh_host}, c = {.host = &fh_host};
    const faqbot_suggestion s[] = {{"sleep", "Sleep"}, {"gas-colic", "Gas"}, {"touch", NULL}};
    cr_assert_eq(mx_room_set_pending(mx_rooms_get(&a.rooms, "!one:l", 1), "@a:l", s, 3), 0);
    cr_assert_eq(mx_room_set_pending(mx_rooms_get(&a.rooms, "!two:l", 1), "@b:l", s + 1, 1), 0);
    cr_assert_eq(mx_picks_save(&a), 0);
    cr_assert_not_null(fh_state("picks"));

    mx_picks_load(&b);
    mx_room_state *one = mx_rooms_get(&b.rooms, "!one:l", 0);
    mx_room_state *two = mx_rooms_get(&b.rooms, "!two:l", 0);
    cr_assert(one && two);
    cr_assert_eq(mx_room_pending_count(one, "@a:l"), 3);
    cr_assert_str_eq(mx_room_peek_pick(one, "@a:l", 2), "gas-colic");
    cr_assert_str_eq(mx_room_peek_pick(one, "@a:l", 3), "touch");
    cr_assert_str_eq(mx_room_peek_pick(two, "@b:l", 1), "gas-colic");
    cr_assert_eq(mx_room_pending_count(two, "@a:l"), 0);
    cr_assert_eq(fh.warns, 0);

    /* a pick taken is forgotten for the next restart too */
    free(mx_room_take_pick(one, "@a:l", 1));
    cr_assert_eq(mx_picks_save(&b), 0);
    mx_picks_load(&c);
    cr_assert_eq(mx_room_pending_count(mx_rooms_get(&c.rooms, "!one:l", 1), "@a:l"), 0);
    cr_assert_eq(mx_room_pending_count(mx_rooms_get(&c.rooms, "!two:l", 1), "@b:l"), 1);

    /* nothing pending: the key is deleted, not left as "[]" */
    free(mx_room_take_pick(two, "@b:l", 1));
    cr_assert_eq(mx_picks_save(&b), 0);
    cr_assert_null(fh_state("picks"));
    mx_rooms_free(&a.rooms);
    mx_rooms_free(&b.rooms);
    mx_rooms_free(&c.rooms);
}

Test(mx_picks, malformed_saved_lists_are_skipped)
{
    mx_bot b = {.host = &fh_host};
    cr_assert_eq(fh_state_set(&fh_host, "picks",
                              "[{\"room\":\"!r:l\",\"sender\":\"@a:l\",\"ids\":[\"sleep\"]},"
                              "{\"room\":1,\"sender\":\"@b:l\",\"ids\":[\"gas\"]},"
                              "{\"room\":\"!r:l\",\"sender\":\"@c:l\",\"ids\":[]},"
                              "{\"room\":\"!r:l\",\"sender\":\"@d:l\",\"ids\":[\"a\",\"b\",\"c\",\"d\"]},"
                              "\"x\"]"), 0);
    mx_picks_load(&b);
    mx_room_state *r = mx_rooms_get(&b.rooms, "!r:l", 0);
    cr_assert_not_null(r);
    cr_assert_str_eq(mx_room_peek_pick(r, "@a:l", 1), "sleep");
    cr_assert_eq(mx_room_pending_count(r, "@c:l"), 0);
    cr_assert_eq(mx_room_pending_count(r, "@d:l"), 0);
    cr_assert_eq(fh.warns, 1);
    mx_rooms_free(&b.rooms);

    mx_bot c = {.host = &fh_host};
    cr_assert_eq(fh_state_set(&fh_host, "picks", "{not json"), 0);
    mx_picks_load(&c);
    cr_assert_eq(c.rooms.n, 0);
    cr_assert_eq(fh.warns, 2);
}
