/* test-mx-room.c - per-room memory: members, counts, pending picks (at
 * most MX_ROOM_MAX_PENDING lists a room, the oldest dropped first). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "mx-room.h"

Test(mx_room, members_join_rename_leave)
{
    mx_rooms rs = {0};
    mx_room_state *r = mx_rooms_get(&rs, "!r:l", 1);
    cr_assert_not_null(r);
    cr_assert_eq(mx_rooms_get(&rs, "!r:l", 0), r);
    cr_assert_null(mx_rooms_get(&rs, "!other:l", 0));
    cr_assert_eq(mx_room_set_member(r, "@a:l", "Alice", 1), 0);
    cr_assert_eq(mx_room_set_member(r, "@b:l", NULL, 1), 0);
    cr_assert_eq(mx_room_set_member(r, "@bot:l", "FAQ Bot", 1), 0);
    cr_assert_eq(mx_room_count(r), 3);
    cr_assert_eq(mx_room_set_member(r, "@a:l", "Alice M", 1), 0);
    cr_assert_eq(mx_room_count(r), 3);
    cr_assert_str_eq(mx_room_name_of(r, "@a:l"), "Alice M");
    cr_assert_null(mx_room_name_of(r, "@b:l"));
    cr_assert_eq(mx_room_set_member(r, "@a:l", NULL, 0), 0);
    cr_assert_eq(mx_room_set_member(r, "@nobody:l", NULL, 0), 0);
    cr_assert_eq(mx_room_count(r), 2);
    cr_assert_null(mx_room_name_of(r, "@a:l"));
    mx_room_clear_members(r);
    cr_assert_eq(mx_room_count(r), 0);
    mx_rooms_drop(&rs, "!r:l");
    cr_assert_null(mx_rooms_get(&rs, "!r:l", 0));
    mx_rooms_free(&rs);
}

Test(mx_room, picks_are_per_sender_and_taken_once)
{
    mx_rooms rs = {0};
    mx_room_state *r = mx_rooms_get(&rs, "!r:l", 1);
    const faqbot_suggestion s[] = {{"sleep", "Sleep"}, {"gas", "Gas"}, {"bond", "Bond"},
                                   {"extra", "Extra"}};
    cr_assert_eq(mx_room_set_pending(r, "@a:l", s, 4), 0);
    cr_assert_eq(mx_room_set_pending(r, "@b:l", s, 1), 0);
    cr_assert_eq(mx_room_pending_count(r, "@a:l"), 3);
    cr_assert_eq(mx_room_pending_count(r, "@b:l"), 1);
    cr_assert_eq(mx_room_pending_count(r, "@c:l"), 0);
    cr_assert_null(mx_room_take_pick(r, "@b:l", 2));
    char *id = mx_room_take_pick(r, "@a:l", 2);
    cr_assert_str_eq(id, "gas");
    free(id);
    cr_assert_eq(mx_room_pending_count(r, "@a:l"), 0);
    cr_assert_null(mx_room_take_pick(r, "@a:l", 1));
    /* a newer list replaces the older one */
    cr_assert_eq(mx_room_set_pending(r, "@b:l", s + 2, 2), 0);
    id = mx_room_take_pick(r, "@b:l", 1);
    cr_assert_str_eq(id, "bond");
    free(id);
    mx_rooms_free(&rs);
}

Test(mx_room, peek_does_not_take)
{
    mx_rooms rs = {0};
    mx_room_state *r = mx_rooms_get(&rs, "!r:l", 1);
    const faqbot_suggestion s[] = {{"sleep", "Sleep"}, {"gas", "Gas"}};
    cr_assert_eq(mx_room_set_pending(r, "@a:l", s, 2), 0);
    cr_assert_str_eq(mx_room_peek_pick(r, "@a:l", 1), "sleep");
    cr_assert_str_eq(mx_room_peek_pick(r, "@a:l", 2), "gas");
    cr_assert_null(mx_room_peek_pick(r, "@a:l", 3));
    cr_assert_null(mx_room_peek_pick(r, "@b:l", 1));
    cr_assert_eq(mx_room_pending_count(r, "@a:l"), 2);
    mx_rooms_free(&rs);
}

Test(mx_room, oldest_list_goes_past_the_cap)
{
    mx_rooms rs = {0};
    mx_room_state *r = mx_rooms_get(&rs, "!r:l", 1);
    const faqbot_suggestion s[] = {{"sleep", "Sleep"}, {"gas", "Gas"}};
    char who[32];
    for (int i = 0; i < MX_ROOM_MAX_PENDING; i++) {
        snprintf(who, sizeof who, "@u%d:l", i);
        cr_assert_eq(mx_room_set_pending(r, who, s, 2), 0);
    }
    /* u1 picks (out of the middle), u0 renews its list: order is kept */
    free(mx_room_take_pick(r, "@u1:l", 1));
    cr_assert_eq(mx_room_set_pending(r, "@u1:l", s, 1), 0);
    cr_assert_eq(r->n_pending, MX_ROOM_MAX_PENDING);
    cr_assert_eq(mx_room_set_pending(r, "@new:l", s, 2), 0);
    cr_assert_eq(r->n_pending, MX_ROOM_MAX_PENDING);
    cr_assert_eq(mx_room_pending_count(r, "@u0:l"), 0);
    cr_assert_eq(mx_room_pending_count(r, "@u2:l"), 2);
    cr_assert_eq(mx_room_pending_count(r, "@u1:l"), 1);
    cr_assert_eq(mx_room_pending_count(r, "@new:l"), 2);
    mx_rooms_free(&rs);
}
