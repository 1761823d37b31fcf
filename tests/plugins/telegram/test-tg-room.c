/* Unit tests for the per-room answer mode (tg_filter_answer_all) and its
 * use by tg_handle_update, with a fake host: the operator's "rooms" setting
 * overrides answer_all_in_groups both ways, private chats never ask, and
 * an older host (no room_get in its table) keeps the plugin default. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg-bot.h"
#include "../fakehost.h"

#define BOT_ID 7000001

static void reset(void)
{
    fh_reset("telegram");
}

TestSuite(tg_room, .init = reset);

/* ---- tg_filter_answer_all --------------------------------------------- */

Test(tg_room, room_setting_overrides_the_default_both_ways)
{
    fh.room_chat[0] = "-1001";
    fh.room_value[0] = "all";
    fh.room_chat[1] = "-1002";
    fh.room_value[1] = "mentions";
    cr_assert_eq(tg_filter_answer_all(&fh_host, "-1001", 0), 1);
    cr_assert_str_eq(fh.last_chat, "-1001");
    cr_assert_str_eq(fh.last_key, "answer");
    cr_assert_eq(tg_filter_answer_all(&fh_host, "-1002", 1), 0);
    cr_assert_eq(tg_filter_answer_all(&fh_host, "-1001", 1), 1);
    cr_assert_eq(tg_filter_answer_all(&fh_host, "-1002", 0), 0);
    cr_assert_eq(fh.room_calls, 4);
    cr_assert_eq(fh.freed, 4, "every setting freed with host->free");
    cr_assert_eq(fh.warns, 0);
}

Test(tg_room, unset_room_keeps_the_default)
{
    fh.room_chat[0] = "-1001";
    fh.room_value[0] = "all";
    cr_assert_eq(tg_filter_answer_all(&fh_host, "-1003", 0), 0);
    cr_assert_eq(tg_filter_answer_all(&fh_host, "-1003", 1), 1);
    cr_assert_eq(fh.room_calls, 2);
    cr_assert_eq(fh.freed, 0);
}

Test(tg_room, older_host_is_not_asked)
{
    fh.room_chat[0] = "-1001";
    fh.room_value[0] = "all";
    fh_host.struct_size = offsetof(faqbot_host, room_get);
    cr_assert_eq(tg_filter_answer_all(&fh_host, "-1001", 0), 0);
    cr_assert_eq(tg_filter_answer_all(&fh_host, "-1001", 1), 1);
    cr_assert_eq(fh.room_calls, 0, "a field beyond struct_size was read");
    fh_host.struct_size = sizeof(faqbot_host);
    fh_host.room_get = NULL;
    cr_assert_eq(tg_filter_answer_all(&fh_host, "-1001", 0), 0);
    cr_assert_eq(fh.room_calls, 0);
}

Test(tg_room, unknown_value_keeps_the_default_with_one_warning)
{
    fh.room_chat[0] = "-1001";
    fh.room_value[0] = "everything";
    cr_assert_eq(tg_filter_answer_all(&fh_host, "-1001", 0), 0);
    cr_assert_eq(tg_filter_answer_all(&fh_host, "-1001", 1), 1);
    cr_assert_eq(fh.warns, 2);
    cr_assert_eq(fh.freed, 2);
}

/* ---- through tg_handle_update ------------------------------------------- */

static tg_bot bot(int answer_all)
{
    tg_bot b;
    memset(&b, 0, sizeof b);
    b.host = &fh_host;
    b.cfg.answer_all_in_groups = answer_all;
    b.cfg.skip_backlog = 0;
    b.bot_id = BOT_ID;
    b.username = "FaqTestBot";
    return b;
}

static tg_update group_msg(int64_t chat, const char *type, const char *text)
{
    tg_update u;
    memset(&u, 0, sizeof u);
    u.update_id = 1;
    u.kind = TG_UPD_MESSAGE;
    snprintf(u.chat_type, sizeof u.chat_type, "%s", type);
    u.chat_id = chat;
    u.message_id = 9;
    u.has_from = 1;
    u.from_id = 42;
    u.date = 1;
    u.text = (char *)text;
    return u;
}

Test(tg_room, all_room_answers_chatter_other_groups_do_not)
{
    tg_bot b = bot(0);
    fh.room_chat[0] = "-1001";
    fh.room_value[0] = "all";
    tg_update a = group_msg(-1001, "supergroup", "does massage help sleep?");
    tg_update o = group_msg(-1002, "supergroup", "does massage help sleep?");
    tg_update m = group_msg(-1002, "group", "@FaqTestBot does it help?");
    cr_assert_eq(tg_handle_update(&b, &a), 0);
    cr_assert_eq(fh.delivered, 1);
    cr_assert_str_eq(fh.last_text, "does massage help sleep?");
    cr_assert_eq(tg_handle_update(&b, &o), 0);
    cr_assert_eq(fh.delivered, 1, "chatter in a mentions-only group answered");
    cr_assert_str_eq(fh.last_chat, "-1002");
    cr_assert_eq(tg_handle_update(&b, &m), 0);
    cr_assert_eq(fh.delivered, 2);
    cr_assert_str_eq(fh.last_text, "does it help?");
}

Test(tg_room, mentions_room_overrides_answer_all_in_groups)
{
    tg_bot b = bot(1);
    fh.room_chat[0] = "-1002";
    fh.room_value[0] = "mentions";
    tg_update quiet = group_msg(-1002, "supergroup", "hello all");
    tg_update loud = group_msg(-1001, "supergroup", "hello all");
    cr_assert_eq(tg_handle_update(&b, &quiet), 0);
    cr_assert_eq(fh.delivered, 0);
    cr_assert_eq(tg_handle_update(&b, &loud), 0);
    cr_assert_eq(fh.delivered, 1);
    cr_assert_eq(fh.freed, 1);
}

Test(tg_room, private_chats_never_ask_the_host)
{
    tg_bot b = bot(0);
    fh.room_chat[0] = "42";
    fh.room_value[0] = "mentions";
    tg_update p = group_msg(42, "private", "does massage help sleep?");
    cr_assert_eq(tg_handle_update(&b, &p), 0);
    cr_assert_eq(fh.delivered, 1);
    cr_assert_eq(fh.room_calls, 0);
}
