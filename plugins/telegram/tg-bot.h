/*
 * tg-bot.h - one telegram plugin instance, shared by tg-plugin.c (the
 * descriptor), tg-poll.c (the getUpdates loop), tg-send.c (replies) and
 * tg-filter.c (which messages to answer).
 */
#ifndef TG_BOT_H
#define TG_BOT_H

#include <stdatomic.h>
#include <stdint.h>

#include "faqbot/plugin.h"
#include "tg-api.h"
#include "tg-backoff.h"
#include "tg-config.h"
#include "tg-cursor.h"
#include "tg-parse.h"

typedef struct tg_bot {
    faqbot_host *host;
    tg_config cfg;
    tg_api *api;
    atomic_int stopping;       /* set by stop(), any thread */
    int token_rejected;        /* a send got 401/404: stop polling */
    int64_t bot_id;            /* from getMe */
    char *username;            /* from getMe, without '@'; never NULL */
    tg_cursor cursor;          /* offset + unanswered updates, persisted */
    int64_t since;             /* first start: skip messages before this */
    tg_backoff backoff;
    unsigned long sends;       /* replies sent so far (tg_send_reply) */
    /* a getUpdates body that does not parse (a poisoned update): */
    int bad_polls;             /* such polls in a row */
    int single;                /* polls left with limit=1, to find it */
    int64_t bad_id;            /* the update a limit=1 poll failed on */
    int bad_hits;              /* limit=1 failures in a row on bad_id */
} tg_bot;

/* The platform loop: getMe, setMyCommands, then long polling until stop.
 * Returns 0 on a clean stop, -1 on a fatal error (logged: bad token). */
int tg_poll_run(tg_bot *b);

/* Webhook mode, after getMe: setWebhook, then serve the local listener
 * until stop.  Returns 0 on a clean stop, -1 on a fatal error (logged). */
int tg_webhook_run(tg_bot *b);

/* Process one update: deliver it to the host or ignore it.  Returns 0
 * when it is done (answered or ignored: acknowledge it), -1 when the
 * reply could not be sent (retry it later). */
int tg_handle_update(tg_bot *b, const tg_update *u);

/* getMe until it works (backing off); a rejected token is fatal (logged
 * once).  Returns 0 with b->username and b->bot_id set, or -1. */
int tg_start_connect(tg_bot *b);

/* setMyCommands: /start, /help, /topics.  A failure is only logged. */
void tg_start_commands(tg_bot *b);

/* Render and send one reply (split, keyboard on the last part).  Returns
 * 0 when sent, or when Telegram refused it for good (logged: retrying
 * cannot help); -1 on a transient failure after retries, or shutdown. */
int tg_send_reply(tg_bot *b, const faqbot_reply *r);

/* Sleep ms, waking early on stop.  Returns 1 when stopping. */
int tg_bot_sleep(tg_bot *b, unsigned ms);

/* 1 once stop() was called or the host shuts down. */
int tg_bot_stopping(tg_bot *b);

/* Decide whether message update u is for the bot and what text to
 * deliver.  Returns 1 with *text set (malloc'd: caller frees), 0 to
 * ignore it (*why says why, static), -1 on OOM.  In groups only
 * commands, mentions of @username and replies to bot_id count, unless
 * answer_all is set; other bots (and the bot itself) are always ignored.
 * "/cmd@username" becomes "/cmd"; mentions are removed from the text. */
int tg_filter_message(const tg_update *u, int64_t bot_id,
                      const char *username, int answer_all, char **text,
                      const char **why);

/* The answer mode of group chat_id: the operator's per-room "answer"
 * setting (host->room_get: "all" -> 1, "mentions" -> 0) when the host has
 * room_get and the room has one, else dflt (answer_all_in_groups).  Read
 * per message, so a config reload applies at once. */
int tg_filter_answer_all(faqbot_host *host, const char *chat_id, int dflt);

#endif
