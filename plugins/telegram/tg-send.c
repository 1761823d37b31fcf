/*
 * tg-send.c - send one faqbot reply as Telegram messages.
 */
#include "tg-bot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tg-render.h"

#define SEND_ATTEMPTS 5

/* A chat id as the Bot API wants it: an integer, or "@channel" text.
 * Returns a new reference (caller json_decref's), NULL on OOM. */
static json_t *chat_id_json(const char *id)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(id, &end, 10);
    if (*id && !*end && !errno)
        return json_integer(v);
    return json_string(id);
}

/* The sendMessage parameters for one part.  Caller json_decref's. */
static json_t *message_params(const faqbot_reply *r, const char *html,
                              int first, json_t *keyboard)
{
    json_t *p = json_pack("{s:o, s:s, s:s, s:{s:b}}",
                          "chat_id", chat_id_json(r->chat_id), "text", html,
                          "parse_mode", "HTML", "link_preview_options",
                          "is_disabled", 1);
    char *end;
    long long mid;
    if (!p)
        return NULL;
    if (first && r->reply_to && *r->reply_to) {
        errno = 0;
        mid = strtoll(r->reply_to, &end, 10);
        if (!*end && !errno && mid > 0 &&
            json_object_set_new(p, "reply_parameters",
                                json_pack("{s:I, s:b}", "message_id",
                                          (json_int_t)mid,
                                          "allow_sending_without_reply",
                                          1)) != 0) {
            json_decref(p);
            return NULL;
        }
    }
    if (keyboard && json_object_set(p, "reply_markup", keyboard) != 0) {
        json_decref(p);
        return NULL;
    }
    return p;
}

/* One call with retries.  Returns 0 sent, 1 refused for good, -1 gave up
 * (transient) or stopping. */
static int call_retrying(tg_bot *b, const char *method, json_t *params)
{
    tg_result res;
    tg_backoff bo;
    int attempt, st;
    tg_backoff_init(&bo, b->cfg.backoff_base_ms, b->cfg.backoff_max_ms,
                    b->backoff.seed ^ 0x5bd1e995u);
    for (attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
        unsigned wait;
        st = tg_api_call(b->api, method, params, b->cfg.request_timeout,
                         &res);
        wait = st == TG_E_RETRY ? (unsigned)res.retry_after * 1000u
                                : tg_backoff_next(&bo);
        if (st != TG_OK)
            b->host->log(b->host, st == TG_E_REQUEST ? FAQBOT_LOG_WARN
                         : FAQBOT_LOG_INFO, "%s failed: %s (%s)%s", method,
                         tg_status_name(st), res.desc,
                         st == TG_E_REQUEST ? ", not retried" : "");
        tg_result_clear(&res);
        if (st == TG_OK)
            return 0;
        if (st == TG_E_REQUEST)
            return 1;
        if (st == TG_E_AUTH)
            b->token_rejected = 1;
        if (st == TG_E_ABORTED || st == TG_E_AUTH || st == TG_E_NOMEM ||
            attempt + 1 == SEND_ATTEMPTS || tg_bot_sleep(b, wait))
            break;
    }
    return -1;
}

int tg_send_reply(tg_bot *b, const faqbot_reply *r)
{
    tg_chunks chunks = {NULL, 0};
    json_t *keyboard = NULL;
    size_t i;
    int rc = -1;
    if (!r || !r->chat_id || !*r->chat_id)
        return -1;
    b->sends++;                 /* tg-poll.c acknowledges at once now */
    if (tg_render_reply(r, b->cfg.max_message, &chunks) != 0) {
        b->host->log(b->host, FAQBOT_LOG_ERROR, "cannot render reply: out "
                     "of memory");
        return -1;
    }
    keyboard = tg_render_keyboard(r);
    for (i = 0; i < chunks.n; i++) {
        json_t *p = message_params(r, chunks.v[i], i == 0,
                                   i + 1 == chunks.n ? keyboard : NULL);
        int st = p ? call_retrying(b, "sendMessage", p) : -1;
        json_decref(p);
        if (st < 0)
            goto done;
    }
    rc = 0;
done:
    json_decref(keyboard);
    tg_chunks_free(&chunks);
    return rc;
}
