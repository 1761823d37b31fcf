/*
 * tg-handle.c - one update to the host: a message (after the group
 * filter and the first-start backlog cut) or a button press.
 */
#include "tg-bot.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tg-render.h"

static void id_str(char *buf, size_t len, int64_t v)
{
    snprintf(buf, len, "%" PRId64, v);
}

static int handle_message(tg_bot *b, const tg_update *u)
{
    char chat[24], mid[24], from[24];
    const char *why;
    char *text;
    int all = b->cfg.answer_all_in_groups, rc;
    faqbot_message m;
    id_str(chat, sizeof chat, u->chat_id);
    if (strcmp(u->chat_type, "private") != 0)
        all = tg_filter_answer_all(b->host, chat, all);
    rc = tg_filter_message(u, b->bot_id, b->username, all, &text, &why);
    if (rc <= 0) {
        if (rc == 0)
            b->host->log(b->host, FAQBOT_LOG_DEBUG, "update %" PRId64
                         " ignored: %s", u->update_id, why);
        return rc;
    }
    id_str(mid, sizeof mid, u->message_id);
    id_str(from, sizeof from, u->from_id);
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    m.chat_id = chat;
    m.message_id = mid;
    m.sender_id = from;
    m.sender_name = u->from_name;
    m.text = text;
    m.is_group = strcmp(u->chat_type, "private") != 0;
    rc = b->host->deliver(b->host, &m);
    free(text);
    return rc == 0 ? 0 : -1;
}

static void answer_callback(tg_bot *b, const char *id, const char *note)
{
    tg_result res;
    json_t *p = json_pack("{s:s}", "callback_query_id", id);
    int st = TG_E_NOMEM;
    if (p && note)
        json_object_set_new(p, "text", json_string(note));
    if (p)
        st = tg_api_call(b->api, "answerCallbackQuery", p,
                         b->cfg.request_timeout, &res);
    if (st != TG_OK && p)
        b->host->log(b->host, FAQBOT_LOG_INFO, "answerCallbackQuery "
                     "failed: %s (%s)", tg_status_name(st), res.desc);
    if (p)
        tg_result_clear(&res);
    json_decref(p);
}

static int handle_callback(tg_bot *b, const tg_update *u)
{
    char chat[24], mid[24], from[24];
    const char *pick = tg_render_pick(u->callback_data);
    faqbot_message m;
    answer_callback(b, u->callback_id, pick ? NULL
                    : "This button no longer works.");
    if (!pick || u->from_is_bot)
        return 0;
    id_str(chat, sizeof chat, u->chat_id ? u->chat_id : u->from_id);
    id_str(mid, sizeof mid, u->message_id);
    id_str(from, sizeof from, u->from_id);
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    m.chat_id = chat;
    m.message_id = u->message_id ? mid : NULL;
    m.sender_id = from;
    m.sender_name = u->from_name;
    m.text = pick;
    m.pick = pick;
    m.is_group = u->chat_id && strcmp(u->chat_type, "private") != 0;
    return b->host->deliver(b->host, &m) == 0 ? 0 : -1;
}

int tg_handle_update(tg_bot *b, const tg_update *u)
{
    if (u->kind == TG_UPD_MESSAGE) {
        if (!b->cursor.have_offset && b->cfg.skip_backlog && u->date &&
            u->date < b->since) {
            b->host->log(b->host, FAQBOT_LOG_DEBUG, "update %" PRId64
                         " predates the first start: skipped",
                         u->update_id);
            return 0;
        }
        return handle_message(b, u);
    }
    if (u->kind == TG_UPD_CALLBACK)
        return handle_callback(b, u);
    b->host->log(b->host, FAQBOT_LOG_DEBUG, "update %" PRId64 " ignored: "
                 "%s", u->update_id, u->kind == TG_UPD_EDITED
                 ? "an edit" : u->kind == TG_UPD_CHANNEL_POST
                 ? "a channel post" : "not a message");
    return 0;
}

