/*
 * tg-plugin.c - the telegram connector's descriptor: create, run, send,
 * stop, destroy.  The work is in tg-poll.c and tg-send.c.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tg-bot.h"

static int abort_transfer(void *self)
{
    return tg_bot_stopping(self);
}

/* Returns the instance, or NULL with a one-line reason in err.  The host
 * frees it with tg_destroy(). */
static void *tg_create(faqbot_host *host, const char *config_json, char *err,
                       size_t errlen)
{
    tg_bot *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    b->host = host;
    atomic_init(&b->stopping, 0);
    if (tg_config_parse(config_json, &b->cfg, err, errlen) != 0) {
        free(b);
        return NULL;
    }
    host->add_secret(host, b->cfg.token);
    if (b->cfg.webhook_secret)
        host->add_secret(host, b->cfg.webhook_secret);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, errlen, "libcurl initialisation failed");
        goto fail;
    }
    b->api = tg_api_new(b->cfg.api_url, b->cfg.token, b->cfg.max_response,
                        abort_transfer, b);
    b->username = strdup("");
    if (!b->api || !b->username || tg_cursor_init(&b->cursor) != 0) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    tg_backoff_init(&b->backoff, b->cfg.backoff_base_ms,
                    b->cfg.backoff_max_ms,
                    (unsigned)time(NULL) ^ ((unsigned)getpid() << 16));
    return b;
fail:
    tg_cursor_free(&b->cursor);
    tg_api_free(b->api);
    free(b->username);
    tg_config_free(&b->cfg);
    free(b);
    return NULL;
}

static int tg_run(void *self)
{
    return tg_poll_run(self);
}

static int tg_send(void *self, const faqbot_reply *reply)
{
    return tg_send_reply(self, reply);
}

static void tg_stop(void *self)
{
    tg_bot *b = self;
    atomic_store(&b->stopping, 1);
}

static void tg_destroy(void *self)
{
    tg_bot *b = self;
    if (!b)
        return;
    tg_cursor_free(&b->cursor);
    tg_api_free(b->api);
    free(b->username);
    tg_config_free(&b->cfg);
    free(b);
}

FAQBOT_PLUGIN_DEFINE("telegram", "1.0",
                     "Telegram Bot API connector (long polling)",
                     tg_create, tg_run, tg_send, tg_stop, tg_destroy, NULL);
