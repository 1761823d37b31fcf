/*
 * mx-plugin.c - the matrix connector: descriptor, create/run/send/stop/
 * destroy.  run() is the /sync long-poll loop; the since token is saved
 * only after every reply of its batch was sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mx-bot.h"
#include "mx-event.h"

static int abort_transfer(void *ctx)
{
    return mx_bot_stopping(ctx);
}

static void mx_destroy(void *self);

/* Caller (the host) frees with mx_destroy(). */
static void *mx_create(faqbot_host *host, const char *config_json,
                       char *err, size_t errlen)
{
    mx_bot *b = calloc(1, sizeof(*b));
    if (!b) {
        snprintf(err, errlen, "matrix: out of memory");
        return NULL;
    }
    b->host = host;
    atomic_init(&b->stopping, 0);
    b->seed = (unsigned)time(NULL) ^ (unsigned)(size_t)b;
    if (mx_config_parse(config_json, &b->cfg, err, errlen))
        goto error;
    const char *tok = b->cfg.token_env ? getenv(b->cfg.token_env) : NULL;
    if ((!tok || !tok[0]) && !b->cfg.password_env) {
        snprintf(err, errlen, "matrix: environment variable %s (token_env) is not set",
                 b->cfg.token_env);
        goto error;
    }
    if (tok && tok[0])
        host->add_secret(host, tok);
    b->api = mx_api_new(b->cfg.homeserver_url, (size_t)b->cfg.max_response_bytes,
                        abort_transfer, b);
    b->filter = mx_handle_filter();
    if (!b->api || !b->filter) {
        snprintf(err, errlen, "matrix: cannot initialise libcurl");
        goto error;
    }
    return b;
error:
    mx_destroy(b);
    return NULL;
}

static void mx_destroy(void *self)
{
    mx_bot *b = self;
    if (!b)
        return;
    mx_api_free(b->api);
    mx_config_free(&b->cfg);
    mx_rooms_free(&b->rooms);
    free(b->display_name);
    free(b->since);
    free(b->filter);
    free(b);
}

static void mx_stop(void *self)
{
    mx_bot *b = self;
    atomic_store(&b->stopping, 1);
}

/* Persist next_batch once its batch is fully answered. */
static int save_since(mx_bot *b, const char *next_batch)
{
    if (b->since && !strcmp(b->since, next_batch))
        return 0; /* an idle long poll: nothing new to write */
    char *copy = strdup(next_batch);
    if (!copy || b->host->state_set(b->host, "since", next_batch)) {
        free(copy);
        return -1;
    }
    free(b->since);
    b->since = copy;
    return 0;
}

/* One /sync round trip.  Returns 0 when the batch was handled and
 * acknowledged, 1 when it should be retried after a pause. */
static int sync_once(mx_bot *b, mx_result *r)
{
    char err[200];
    mx_sync s;
    int initial = b->since == NULL;
    mx_api_sync(b->api, b->since, b->filter, b->cfg.sync_timeout_ms, r);
    if (r->status != MX_OK)
        return 1;
    if (r->repaired)
        b->host->log(b->host, FAQBOT_LOG_WARN,
                     "/sync: replaced %zu invalid Unicode sequence(s) in the response",
                     r->repaired);
    if (mx_sync_from_json(r->json, b->cfg.user_id, &s, err, sizeof(err))) {
        r->status = MX_BAD_JSON;
        snprintf(r->error, sizeof(r->error), "/sync: %s", err);
        return 1;
    }
    int rc = mx_handle_sync(b, &s, initial);
    if (rc == 0 && save_since(b, s.next_batch))
        rc = -1;
    if (rc == 0 && initial)
        b->host->log(b->host, FAQBOT_LOG_INFO,
                     "first sync done; the backlog is not answered");
    mx_sync_free(&s);
    if (rc) {
        r->status = MX_RETRY;
        snprintf(r->error, sizeof(r->error), "batch not fully answered");
    }
    return rc ? 1 : 0;
}

/* A since token the homeserver keeps refusing (4xx, e.g. after a server
 * reset) is dropped: the next sync starts afresh, like a first start. */
static void drop_since(mx_bot *b, const mx_result *r)
{
    b->host->log(b->host, FAQBOT_LOG_WARN,
                 "the homeserver refuses the saved since token (%s); starting a fresh "
                 "sync (messages sent meanwhile are not answered)", r->error);
    if (b->host->state_set(b->host, "since", NULL) == 0) {
        free(b->since);
        b->since = NULL;
    }
}

static int mx_run(void *self)
{
    mx_bot *b = self;
    mx_result r = {0};
    char *saved = b->host->state_get(b->host, "since");
    b->since = saved ? strdup(saved) : NULL;
    b->host->free(saved);
    mx_picks_load(b);
    if (mx_auth_start(b))
        return mx_bot_stopping(b) && !b->fatal ? 0 : -1;
    int attempt = 0;
    while (!mx_bot_stopping(b)) {
        if (sync_once(b, &r) == 0) {
            attempt = 0;
            continue;
        }
        if (r.status == MX_ABORTED)
            break;
        if (r.status == MX_FAIL && b->since && attempt >= 3) {
            drop_since(b, &r);
            attempt = 0;
        }
        if (r.status == MX_FAIL)
            r.status = MX_RETRY; /* e.g. a 400 on the filter: keep trying */
        if (!mx_retry_again(b, "sync", &r, attempt++, 0))
            break;
    }
    mx_result_clear(&r);
    b->host->log(b->host, FAQBOT_LOG_INFO, "sync loop stopped%s",
                 b->fatal ? " (token rejected)" : "");
    return b->fatal ? -1 : 0;
}

#define MX_MAX_EVENT_BYTES 60000 /* the spec caps a whole event at 64 KiB */
#define MX_SEND_ATTEMPTS 8

/* The transaction id: derived from the question, so a resend of the
 * same answer after a crash is de-duplicated by the homeserver. */
static void reply_txn(mx_bot *b, const faqbot_reply *reply, int ours,
                      char *txn, size_t len)
{
    if (reply->reply_to) {
        mx_event_txn_id(reply->reply_to, ours ? b->cur_sends++ : 0, txn, len);
        return;
    }
    char seed[64];
    snprintf(seed, sizeof(seed), "%ld-%d", (long)time(NULL), rand_r(&b->seed));
    mx_event_txn_id(seed, 0, txn, len);
}

static void remember_suggestions(mx_bot *b, const faqbot_reply *reply)
{
    if (reply->kind != FAQBOT_REPLY_AMBIGUOUS || !reply->sender_id ||
        !reply->n_suggestions)
        return;
    mx_room_state *room = mx_rooms_get(&b->rooms, reply->chat_id, 1);
    if (!room || mx_room_set_pending(room, reply->sender_id, reply->suggestions,
                                     reply->n_suggestions))
        b->host->log(b->host, FAQBOT_LOG_WARN, "out of memory keeping suggestions");
    else
        mx_picks_save(b);
}

static int mx_send(void *self, const faqbot_reply *reply)
{
    mx_bot *b = self;
    mx_result r = {0};
    char txn[64];
    int ours = b->cur_event_id && reply->reply_to &&
               !strcmp(reply->reply_to, b->cur_event_id);
    json_t *c = mx_event_build_reply(reply, ours ? b->cur_thread : NULL);
    char *body = c ? json_dumps(c, JSON_COMPACT) : NULL;
    int rc = -1;
    if (!body || !reply->chat_id) {
        b->host->log(b->host, FAQBOT_LOG_ERROR, "cannot build the reply event");
        goto done;
    }
    if (strlen(body) > MX_MAX_EVENT_BYTES) {
        b->host->log(b->host, FAQBOT_LOG_ERROR, "reply of %zu bytes is too large for one event",
                     strlen(body));
        b->cur_permanent = 1;
        goto done;
    }
    reply_txn(b, reply, ours, txn, sizeof(txn));
    for (int attempt = 0;; attempt++) {
        mx_api_send(b->api, reply->chat_id, "m.room.message", txn, body, &r);
        if (!mx_retry_again(b, "send", &r, attempt, MX_SEND_ATTEMPTS))
            break;
    }
    if (r.status != MX_OK) {
        b->host->log(b->host, FAQBOT_LOG_WARN, "sending to %s failed: %s",
                     reply->chat_id, r.error);
        b->cur_permanent = r.status == MX_FAIL;
        goto done;
    }
    b->host->log(b->host, FAQBOT_LOG_DEBUG, "sent %s in %s (txn %s)",
                 json_string_value(json_object_get(r.json, "event_id")),
                 reply->chat_id, txn);
    remember_suggestions(b, reply);
    rc = 0;
done:
    mx_result_clear(&r);
    free(body);
    json_decref(c);
    return rc;
}

static const faqbot_command mx_commands[] = {
    {"faq", "in a group room: !faq <question> (or mention the bot)"},
    {NULL, NULL}};

FAQBOT_PLUGIN_DEFINE("matrix", "1.0",
                     "Matrix client-server API v3 connector (sync, invites, threaded cited replies)",
                     mx_create, mx_run, mx_send, mx_stop, mx_destroy,
                     mx_commands);
