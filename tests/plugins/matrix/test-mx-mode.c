/* test-mx-mode.c - the per-room answer mode with a fake host:
 * mx_handle_group_all (the operator's "rooms" setting overrides
 * group_mode both ways; an older host without room_get keeps group_mode)
 * and its effect on a /sync batch (mx_handle_sync delivers the chatter of
 * an "all" room, not that of a mentions-only one, and never asks for a
 * direct chat or an addressed message). */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mx-bot.h"
#include "../fakehost.h"

#define SELF "@faqbot:localhost"

static void reset(void)
{
    fh_reset("matrix");
}

TestSuite(mx_mode, .init = reset);

static mx_bot bot(int group_all)
{
    mx_bot b;
    memset(&b, 0, sizeof(b));
    b.host = &fh_host;
    b.cfg.user_id = SELF;
    b.cfg.command_prefix = "!faq";
    b.cfg.group_all = group_all;
    return b;
}

Test(mx_mode, room_setting_overrides_group_mode_both_ways)
{
    fh.room_chat[0] = "!all:localhost";
    fh.room_value[0] = "all";
    fh.room_chat[1] = "!quiet:localhost";
    fh.room_value[1] = "mentions";
    mx_bot off = bot(0), on = bot(1);
    cr_assert_eq(mx_handle_group_all(&off, "!all:localhost"), 1);
    cr_assert_str_eq(fh.last_chat, "!all:localhost");
    cr_assert_str_eq(fh.last_key, "answer");
    cr_assert_eq(mx_handle_group_all(&on, "!quiet:localhost"), 0);
    cr_assert_eq(mx_handle_group_all(&off, "!other:localhost"), 0);
    cr_assert_eq(mx_handle_group_all(&on, "!other:localhost"), 1);
    cr_assert_eq(fh.room_calls, 4);
    cr_assert_eq(fh.freed, 2, "each setting freed with host->free");
    cr_assert_eq(fh.warns, 0);
}

Test(mx_mode, older_host_keeps_group_mode)
{
    fh.room_chat[0] = "!all:localhost";
    fh.room_value[0] = "all";
    mx_bot b = bot(0);
    fh_host.struct_size = offsetof(faqbot_host, room_get);
    cr_assert_eq(mx_handle_group_all(&b, "!all:localhost"), 0);
    fh_host.struct_size = sizeof(faqbot_host);
    fh_host.room_get = NULL;
    cr_assert_eq(mx_handle_group_all(&b, "!all:localhost"), 0);
    cr_assert_eq(fh.room_calls, 0, "a field beyond struct_size was used");
}

Test(mx_mode, unknown_value_keeps_group_mode_with_a_warning)
{
    fh.room_chat[0] = "!odd:localhost";
    fh.room_value[0] = "sometimes";
    mx_bot b = bot(1);
    cr_assert_eq(mx_handle_group_all(&b, "!odd:localhost"), 1);
    cr_assert_eq(fh.warns, 1);
    cr_assert_eq(fh.freed, 1);
}

/* ---- through a /sync batch ------------------------------------------- */

static void seed(mx_bot *b, const char *room_id, int n_members)
{
    static const char *const users[] = {SELF, "@alice:localhost", "@bob:localhost"};
    mx_room_state *r = mx_rooms_get(&b->rooms, room_id, 1);
    cr_assert_not_null(r);
    for (int i = 0; i < n_members; i++)
        cr_assert_eq(mx_room_set_member(r, users[i], NULL, 1), 0);
    r->known = 1;
}

#define MSG(id, body)                                                         \
    "{\"type\":\"m.room.message\",\"sender\":\"@alice:localhost\","          \
    "\"event_id\":\"" id "\",\"origin_server_ts\":1,"                         \
    "\"content\":{\"msgtype\":\"m.text\",\"body\":\"" body "\"}}"
#define ROOM(id, events) "\"" id "\":{\"timeline\":{\"events\":[" events "]}}"

static void run_batch(mx_bot *b, const char *json)
{
    mx_sync s;
    char err[256] = "";
    cr_assert_eq(mx_sync_parse(json, strlen(json), SELF, &s, err, sizeof(err)), 0,
                 "%s", err);
    cr_assert_eq(mx_handle_sync(b, &s, 0), 0);
    mx_sync_free(&s);
}

Test(mx_mode, all_room_chatter_is_delivered_mentions_room_is_not)
{
    fh.room_chat[0] = "!all:localhost";
    fh.room_value[0] = "all";
    mx_bot b = bot(0);
    seed(&b, "!all:localhost", 3);
    seed(&b, "!quiet:localhost", 3);
    seed(&b, "!dm:localhost", 2);
    run_batch(&b, "{\"next_batch\":\"s1\",\"rooms\":{\"join\":{"
              ROOM("!all:localhost", MSG("$a1", "does massage help sleep?")) ","
              ROOM("!quiet:localhost", MSG("$q1", "does massage help sleep?") ","
                   MSG("$q2", "!faq gas")) ","
              ROOM("!dm:localhost", MSG("$d1", "what oil?")) "}}}");
    cr_assert_eq(fh.delivered, 3);
    cr_assert_str_eq(fh.msg[0], "!all:localhost|does massage help sleep?|1");
    cr_assert_str_eq(fh.msg[1], "!quiet:localhost|!faq gas|1");
    cr_assert_str_eq(fh.msg[2], "!dm:localhost|what oil?|0");
    /* asked for the chatter of both groups only: not for "!faq", not
     * for the direct chat */
    cr_assert_eq(fh.room_calls, 2);
    cr_assert_eq(fh.freed, 1);
    mx_rooms_free(&b.rooms);
}

Test(mx_mode, mentions_room_overrides_group_mode_all)
{
    fh.room_chat[0] = "!quiet:localhost";
    fh.room_value[0] = "mentions";
    mx_bot b = bot(1);
    seed(&b, "!quiet:localhost", 3);
    seed(&b, "!loud:localhost", 3);
    run_batch(&b, "{\"next_batch\":\"s2\",\"rooms\":{\"join\":{"
              ROOM("!quiet:localhost", MSG("$q1", "hello everyone") ","
                   MSG("$q2", "@faqbot:localhost does massage help sleep?")) ","
              ROOM("!loud:localhost", MSG("$l1", "hello everyone")) "}}}");
    cr_assert_eq(fh.delivered, 2);
    cr_assert_str_eq(fh.msg[0], "!quiet:localhost|does massage help sleep?|1");
    cr_assert_str_eq(fh.msg[1], "!loud:localhost|hello everyone|1");
    mx_rooms_free(&b.rooms);
}
