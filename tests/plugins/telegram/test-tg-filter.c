/* Unit tests for plugins/telegram/tg-filter.c: what the bot answers in
 * private chats and groups, and the text it delivers. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tg-bot.h"

#define BOT_ID 7000001

static tg_update msg(const char *chat_type, const char *text)
{
    tg_update u;
    memset(&u, 0, sizeof u);
    u.update_id = 1;
    u.kind = TG_UPD_MESSAGE;
    snprintf(u.chat_type, sizeof u.chat_type, "%s", chat_type);
    u.chat_id = 5;
    u.message_id = 9;
    u.has_from = 1;
    u.from_id = 42;
    u.text = (char *)text;
    return u;
}

/* The delivered text, or NULL when ignored. */
static char *run(const tg_update *u, int all)
{
    char *text;
    const char *why;
    int rc = tg_filter_message(u, BOT_ID, "FaqTestBot", all, &text, &why);
    cr_assert_neq(rc, -1);
    if (rc == 0) {
        cr_assert_null(text);
        cr_assert_not_null(why);
        return NULL;
    }
    return text;
}

#define EXPECT(u, all, want) do {                                         \
        char *got_ = run(&(u), all);                                      \
        if (!(want)) cr_assert_null(got_, "got \"%s\"", got_);            \
        else { cr_assert_not_null(got_); cr_assert_str_eq(got_, want); }  \
        free(got_);                                                       \
    } while (0)

Test(tg_filter, private_question_is_answered_verbatim)
{
    tg_update u = msg("private", "  does   massage help\nsleep? ");
    EXPECT(u, 0, "does massage help sleep?");
}

Test(tg_filter, group_chatter_is_ignored_unless_configured)
{
    tg_update u = msg("group", "anyone tried massage for colic?");
    EXPECT(u, 0, NULL);
    EXPECT(u, 1, "anyone tried massage for colic?");
}

Test(tg_filter, group_mention_is_answered_without_the_mention)
{
    tg_update u = msg("supergroup", "@FaqTestBot does massage help sleep?");
    EXPECT(u, 0, "does massage help sleep?");
    u.text = "hey @faqtestbot, colic?";
    EXPECT(u, 0, "hey , colic?");
}

Test(tg_filter, mention_of_another_bot_is_chatter)
{
    tg_update u = msg("group", "@FaqTestBotX what about sleep");
    EXPECT(u, 0, NULL);
    u.text = "mail me at me@FaqTestBot.org";
    EXPECT(u, 0, NULL);
}

Test(tg_filter, mention_entity_decides_when_present)
{
    tg_update u = msg("group", "@FaqTestBot sleep?");
    tg_entity e = {"bold", 0, 11};
    u.entities = &e;
    u.n_entities = 1;
    EXPECT(u, 0, NULL);         /* entities present, none is a mention */
    snprintf(e.type, sizeof e.type, "mention");
    EXPECT(u, 0, "sleep?");
}

Test(tg_filter, group_commands_for_us_work_for_others_not)
{
    tg_update u = msg("group", "/help@FaqTestBot");
    EXPECT(u, 0, "/help");
    u.text = "/topics@faqtestbot please";
    EXPECT(u, 0, "/topics please");
    u.text = "/help";
    EXPECT(u, 0, "/help");
    u.text = "/help@OtherBot";
    EXPECT(u, 0, NULL);
    u.chat_type[0] = '\0';
    snprintf(u.chat_type, sizeof u.chat_type, "private");
    EXPECT(u, 0, NULL);
}

Test(tg_filter, reply_to_the_bot_is_answered_in_groups)
{
    tg_update u = msg("group", "and for older babies?");
    u.has_reply_to = 1;
    u.reply_to_from_id = 1234;
    EXPECT(u, 0, NULL);
    u.reply_to_from_id = BOT_ID;
    EXPECT(u, 0, "and for older babies?");
}

Test(tg_filter, bots_and_self_are_never_answered)
{
    tg_update u = msg("private", "hello");
    u.from_is_bot = 1;
    EXPECT(u, 1, NULL);
    u.from_is_bot = 0;
    u.from_id = BOT_ID;
    EXPECT(u, 1, NULL);
}

Test(tg_filter, non_messages_and_textless_are_ignored)
{
    tg_update u = msg("private", NULL);
    u.has_sticker = 1;
    EXPECT(u, 1, NULL);
    u = msg("private", "edited text");
    u.kind = TG_UPD_EDITED;
    EXPECT(u, 1, NULL);
    u.kind = TG_UPD_CHANNEL_POST;
    EXPECT(u, 1, NULL);
    u = msg("private", "x");
    u.has_from = 0;
    EXPECT(u, 1, NULL);
}

Test(tg_filter, bare_mention_asks_for_help)
{
    tg_update u = msg("group", "@FaqTestBot");
    EXPECT(u, 0, "/help");
}
