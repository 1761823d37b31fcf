/*
 * tg-start.c - what the connector does once at start: getMe (who am I,
 * is the token good) and setMyCommands (the clients' command menu).
 */
#include "tg-bot.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int take_identity(tg_bot *b, json_t *me)
{
    const char *user = json_string_value(json_object_get(me, "username"));
    json_t *id = json_object_get(me, "id");
    if (!json_is_integer(id)) {
        b->host->log(b->host, FAQBOT_LOG_WARN, "getMe: no bot id in reply");
        return -1;
    }
    free(b->username);
    b->username = strdup(user ? user : "");
    if (!b->username)
        return -1;
    b->bot_id = (int64_t)json_integer_value(id);
    b->host->log(b->host, FAQBOT_LOG_INFO, "connected as @%s (id %" PRId64
                 ")", b->username, b->bot_id);
    return 0;
}

int tg_start_connect(tg_bot *b)
{
    for (;;) {
        tg_result res;
        int st = tg_api_call(b->api, "getMe", NULL, b->cfg.request_timeout,
                             &res);
        int ok = st == TG_OK && take_identity(b, res.result) == 0;
        if (st == TG_E_AUTH)
            b->host->log(b->host, FAQBOT_LOG_ERROR, "the Bot API rejected "
                         "the bot token (HTTP %ld: %s); check the token in "
                         "%s; telegram stops, other plugins keep running",
                         res.error_code, res.desc, b->cfg.token_from);
        else if (!ok && st != TG_E_ABORTED)
            b->host->log(b->host, FAQBOT_LOG_WARN, "getMe failed: %s (%s); "
                         "retrying", tg_status_name(st), res.desc);
        unsigned wait = st == TG_E_RETRY ? (unsigned)res.retry_after * 1000u
                                         : tg_backoff_next(&b->backoff);
        tg_result_clear(&res);
        if (ok)
            break;
        if (st == TG_E_AUTH || st == TG_E_ABORTED || tg_bot_sleep(b, wait))
            return -1;
    }
    tg_backoff_reset(&b->backoff);
    return 0;
}

void tg_start_commands(tg_bot *b)
{
    tg_result res;
    json_t *p = json_pack(
        "{s:[{s:s,s:s},{s:s,s:s},{s:s,s:s}]}", "commands",
        "command", "start", "description", "What this bot does",
        "command", "help", "description", "How to ask a question",
        "command", "topics", "description", "Topics I can answer");
    int st = p ? tg_api_call(b->api, "setMyCommands", p,
                             b->cfg.request_timeout, &res)
               : TG_E_NOMEM;
    if (st != TG_OK && p)
        b->host->log(b->host, FAQBOT_LOG_WARN, "setMyCommands failed: %s "
                     "(%s); the command menu may be missing",
                     tg_status_name(st), res.desc);
    if (p)
        tg_result_clear(&res);
    json_decref(p);
}

/* ---- cursor ----------------------------------------------------------- */
