/*
 * tg-webhook.c - webhook mode: setWebhook with a secret_token, then answer
 * the updates Telegram POSTs to a local listener (put a TLS reverse proxy
 * in front of it).  An update is acknowledged with 200 only once its
 * reply was sent; any other status makes Telegram deliver it again.
 */
#include "tg-bot.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tg-listen.h"

#define WEBHOOK_MAX_BODY (1024 * 1024)
#define WEBHOOK_READ_MS 10000

/* A random secret_token (64 of [A-Za-z0-9_-]) into out[65].  0 or -1. */
static int random_secret(char out[65])
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                              "qrstuvwxyz0123456789_-";
    unsigned char raw[64];
    size_t i, got = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    while (fd >= 0 && got < sizeof raw) {
        ssize_t n = read(fd, raw + got, sizeof raw - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (fd >= 0)
        close(fd);
    if (got < sizeof raw)
        return -1;
    for (i = 0; i < sizeof raw; i++)
        out[i] = abc[raw[i] & 63];
    out[64] = '\0';
    return 0;
}

/* The path part of url ("/" when it has none). */
static const char *url_path(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    return p ? p : "/";
}

/* Compare without leaking where the first difference is. */
static int secret_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i;
    unsigned char d = la != lb;
    for (i = 0; i < la && i < lb; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

/* setWebhook until it works.  Returns 0, or -1 (fatal, logged). */
static int register_webhook(tg_bot *b, const char *secret)
{
    for (;;) {
        tg_result res;
        json_t *p = json_pack("{s:s, s:s, s:[s,s], s:i}", "url",
                              b->cfg.webhook_url, "secret_token", secret,
                              "allowed_updates", "message", "callback_query",
                              "max_connections", 1);
        int st = p ? tg_api_call(b->api, "setWebhook", p,
                                 b->cfg.request_timeout, &res) : TG_E_NOMEM;
        unsigned wait = st == TG_E_RETRY ? (unsigned)res.retry_after * 1000u
                                         : tg_backoff_next(&b->backoff);
        json_decref(p);
        if (st != TG_OK && st != TG_E_NOMEM)
            b->host->log(b->host, st == TG_E_AUTH || st == TG_E_REQUEST
                         ? FAQBOT_LOG_ERROR : FAQBOT_LOG_WARN, "setWebhook "
                         "failed: %s (%s)%s", tg_status_name(st), res.desc,
                         st == TG_E_AUTH || st == TG_E_REQUEST
                         ? "; telegram stops" : "; retrying");
        if (st != TG_E_NOMEM)
            tg_result_clear(&res);
        if (st == TG_OK)
            return 0;
        if (st == TG_E_AUTH || st == TG_E_REQUEST || st == TG_E_ABORTED ||
            tg_bot_sleep(b, wait))
            return -1;
    }
}

/* Handle one posted update; returns the HTTP status to answer with. */
static int handle_body(tg_bot *b, const char *body, size_t len)
{
    json_error_t jerr;
    json_t *upd = tg_parse_json(body, len, &jerr);
    char err[160];
    tg_update u;
    int status = 200;
    if (!json_is_object(upd)) {
        b->host->log(b->host, FAQBOT_LOG_WARN, "webhook: body is not a JSON "
                     "object (%s)", upd ? "wrong type" : jerr.text);
        json_decref(upd);
        return 400;
    }
    if (tg_parse_update(upd, &u, err, sizeof err) != 0)
        b->host->log(b->host, FAQBOT_LOG_WARN, "webhook: skipping a "
                     "malformed update: %s", err);
    else if (u.update_id >= 0 && tg_cursor_known(&b->cursor, u.update_id))
        b->host->log(b->host, FAQBOT_LOG_DEBUG, "webhook: update %lld again:"
                     " already answered", (long long)u.update_id);
    else if (tg_handle_update(b, &u) != 0)
        status = 500;                  /* Telegram will deliver it again */
    else
        tg_cursor_done(&b->cursor, u.update_id);
    tg_update_clear(&u);
    json_decref(upd);
    return status;
}

/* Read, check and answer one connection. */
static void serve(tg_bot *b, int fd, const char *secret)
{
    tg_request req;
    int status;
    memset(&req, 0, sizeof req);
    status = tg_listen_read(fd, WEBHOOK_READ_MS, WEBHOOK_MAX_BODY, &req);
    if (status == -1) {
        close(fd);
    } else if (status != 0) {
        tg_listen_respond(fd, status);
    } else if (strcmp(req.path, url_path(b->cfg.webhook_url)) != 0) {
        tg_listen_respond(fd, 404);
    } else if (strcmp(req.method, "POST") != 0) {
        tg_listen_respond(fd, 405);
    } else if (!secret_equal(req.secret, secret)) {
        b->host->log(b->host, FAQBOT_LOG_WARN, "webhook: refused a request "
                     "without the right secret token");
        tg_listen_respond(fd, 401);
    } else {
        tg_listen_respond(fd, handle_body(b, req.body, req.body_len));
    }
    tg_request_clear(&req);
}

int tg_webhook_run(tg_bot *b)
{
    char secret[300], err[200];
    int lfd;
    if (b->cfg.webhook_secret)
        snprintf(secret, sizeof secret, "%s", b->cfg.webhook_secret);
    else if (random_secret(secret) != 0) {
        b->host->log(b->host, FAQBOT_LOG_ERROR, "webhook: no randomness for "
                     "the secret token");
        return -1;
    }
    b->host->add_secret(b->host, secret);
    lfd = tg_listen_open(b->cfg.webhook_listen, b->cfg.webhook_port, err,
                         sizeof err);
    if (lfd < 0) {
        b->host->log(b->host, FAQBOT_LOG_ERROR, "webhook: %s", err);
        return -1;
    }
    b->host->log(b->host, FAQBOT_LOG_INFO, "webhook: listening on %s:%d for "
                 "%s", b->cfg.webhook_listen, tg_listen_port(lfd),
                 b->cfg.webhook_url);
    if (register_webhook(b, secret) != 0) {
        close(lfd);
        return tg_bot_stopping(b) ? 0 : -1;
    }
    tg_backoff_reset(&b->backoff);
    while (!tg_bot_stopping(b)) {
        int fd = tg_listen_accept(lfd, 200);
        if (fd >= 0)
            serve(b, fd, secret);
    }
    close(lfd);
    return 0;
}
