/*
 * tg-poll.c - the long-polling loop: start (tg-start.c), then getUpdates
 * into the journal, hand each update on (tg-handle.c), and acknowledge
 * (persist the offset) only once answered.
 */
#include "tg-bot.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TG_POLL_LIMIT 100      /* updates per getUpdates */
#define TG_BAD_POLLS 2         /* unparseable bodies before limit=1 */
#define TG_BAD_HITS 2          /* limit=1 failures on one id: skip it */

/* ---- cursor ----------------------------------------------------------- */

static void load_cursor(tg_bot *b)
{
    char *v = b->host->state_get(b->host, "cursor");
    char *s = NULL;
    if (v && tg_cursor_load(&b->cursor, v) != 0)
        b->host->log(b->host, FAQBOT_LOG_WARN, "saved cursor is unreadable;"
                     " starting without it");
    b->host->free(v);
    if (json_array_size(b->cursor.pending))
        b->host->log(b->host, FAQBOT_LOG_INFO, "%zu update(s) fetched before "
                     "the restart are still to be answered",
                     json_array_size(b->cursor.pending));
    if (b->cursor.have_offset || !b->cfg.skip_backlog)
        return;
    /* first start: remember when, so a restart before any update still
     * skips only what predates the very first start */
    s = b->host->state_get(b->host, "since");
    if (!s || sscanf(s, "%" SCNd64, &b->since) != 1) {
        char buf[32];
        b->since = (int64_t)time(NULL);
        snprintf(buf, sizeof buf, "%" PRId64, b->since);
        if (b->host->state_set(b->host, "since", buf) != 0)
            b->host->log(b->host, FAQBOT_LOG_WARN, "could not save the "
                         "start time");
    }
    b->host->free(s);
}

/* Persist the cursor: call after every change, before acting on it. */
static void save_cursor(tg_bot *b)
{
    char *text = tg_cursor_dump(&b->cursor);
    if (!text || b->host->state_set(b->host, "cursor", text) != 0)
        b->host->log(b->host, FAQBOT_LOG_WARN, "could not save the update "
                     "cursor; a restart may answer some messages again");
    free(text);
}

/* ---- the journal ------------------------------------------------------ */

/* Handle the head of the journal.  Returns 0 when it is done (answered,
 * ignored or malformed: drop it), 1 when it must be retried. */
static int handle_head(tg_bot *b, json_t *head, int64_t *id)
{
    char err[160];
    tg_update u;
    int rc = tg_parse_update(head, &u, err, sizeof err);
    if (rc != 0)
        b->host->log(b->host, FAQBOT_LOG_WARN, "skipping a malformed "
                     "update: %s", err);
    rc = rc == 0 && tg_handle_update(b, &u) != 0;
    *id = u.update_id;
    tg_update_clear(&u);
    return rc;
}

/* Answer the pending updates, oldest first.  The cursor is saved (an
 * fsync'd write) at once after an update that got a reply, so a crash
 * cannot answer it twice; updates that got none (ignored, dropped by the
 * flood guard) are saved together at the end of the batch: a crash
 * before that only hands them to the bot again.  Either way an update is
 * acknowledged only after its reply was sent.  Returns 0 when all are
 * done, -1 when the head must be retried. */
static int handle_pending(tg_bot *b)
{
    json_t *head;
    int dirty = 0, rc = 0;
    while (rc == 0 && (head = tg_cursor_head(&b->cursor)) != NULL &&
           !tg_bot_stopping(b)) {
        unsigned long sends = b->sends;
        int64_t id;
        if (handle_head(b, head, &id) != 0) {
            rc = -1;
            break;
        }
        tg_cursor_done(&b->cursor, id);
        dirty = 1;
        if (b->sends != sends) {
            save_cursor(b);
            dirty = 0;
        }
    }
    if (dirty)
        save_cursor(b);
    return rc;
}

/* Replace, in place, every string in j that contains secret.  Updates
 * from Telegram never hold the token, but emulators echo it back (the npm
 * one puts "botToken" in every message) and the journal is a file. */
static void scrub(json_t *j, const char *secret)
{
    const char *key;
    json_t *v;
    size_t i;
    if (json_is_object(j)) {
        json_object_foreach(j, key, v) {
            if (json_is_string(v) && strstr(json_string_value(v), secret))
                json_string_set(v, "<redacted>");
            else
                scrub(v, secret);
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) {
            if (json_is_string(v) && strstr(json_string_value(v), secret))
                json_string_set(v, "<redacted>");
            else
                scrub(v, secret);
        }
    }
}

/* Journal a getUpdates result, then answer it. */
static int handle_batch(tg_bot *b, json_t *arr)
{
    int added;
    scrub(arr, b->cfg.token);
    added = tg_cursor_add(&b->cursor, arr);
    if (added < 0) {
        b->host->log(b->host, FAQBOT_LOG_ERROR, "out of memory queueing "
                     "updates");
        return -1;
    }
    if (added > 0)
        save_cursor(b);
    return handle_pending(b);
}

/* ---- the loop --------------------------------------------------------- */

static json_t *poll_params(tg_bot *b)
{
    json_t *p = json_pack("{s:I, s:i, s:[s,s]}", "timeout",
                          (json_int_t)b->cfg.poll_timeout, "limit",
                          b->single > 0 ? 1 : TG_POLL_LIMIT,
                          "allowed_updates", "message", "callback_query");
    if (p && b->cursor.have_offset &&
        json_object_set_new(p, "offset", json_integer(b->cursor.offset))) {
        json_decref(p);
        return NULL;
    }
    return p;
}

/* How long to wait after a failed poll; logs the failure.  *conflicts
 * counts 409s in a row so the explanation is logged once per streak. */
static unsigned poll_failed(tg_bot *b, const tg_result *res, int *conflicts)
{
    int st = res->status;
    if (st == TG_E_RETRY) {
        b->host->log(b->host, FAQBOT_LOG_WARN, "rate limited by Telegram: "
                     "waiting %ld s", res->retry_after);
        return (unsigned)res->retry_after * 1000u;
    }
    if (st == TG_E_CONFLICT) {
        if ((*conflicts)++ == 0)
            b->host->log(b->host, FAQBOT_LOG_ERROR, "Telegram refuses "
                         "getUpdates (HTTP 409: %s): a webhook is set for "
                         "this bot or another instance is polling with the "
                         "same token; retrying until it stops", res->desc);
        return tg_backoff_next(&b->backoff);
    }
    unsigned wait = tg_backoff_next(&b->backoff);
    b->host->log(b->host, FAQBOT_LOG_WARN, "getUpdates failed: %s (%s); "
                 "retrying in %u ms", tg_status_name(st), res->desc, wait);
    return wait;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* A long poll that comes back empty at once means the server ignores
 * "timeout" (emulators do): pace the next poll instead of spinning. */
static unsigned pace(tg_bot *b, json_t *result, long t0)
{
    long spent = now_ms() - t0;
    if (json_array_size(result) || b->cfg.poll_timeout == 0 || spent >= 1000)
        return 0;
    return (unsigned)(1000 - spent);
}

/* A getUpdates body the JSON parser refuses: one poisoned update spoils
 * its whole batch, for good.  After TG_BAD_POLLS of them in a row, poll
 * with limit=1; when the same single update fails TG_BAD_HITS times in a
 * row, skip it (the offset moves past it, one log line) and go back to
 * full batches.  A truncated body is a transfer problem, never a reason
 * to skip. */
static void poll_unparsed(tg_bot *b, const tg_result *res)
{
    int64_t id = res->bad_update_id;
    if (b->single <= 0) {
        if (++b->bad_polls < TG_BAD_POLLS)
            return;
        b->single = TG_POLL_LIMIT;
        b->bad_hits = 0;
        b->host->log(b->host, FAQBOT_LOG_WARN, "getUpdates replies cannot "
                     "be parsed; fetching one update at a time to find the "
                     "bad one");
        return;
    }
    if (res->truncated || id < 0 ||
        (b->cursor.have_offset && id < b->cursor.offset))
        return;
    if (id != b->bad_id) {
        b->bad_id = id;
        b->bad_hits = 0;
    }
    if (++b->bad_hits < TG_BAD_HITS)
        return;
    b->host->log(b->host, FAQBOT_LOG_WARN, "update %" PRId64 " cannot be "
                 "parsed (%s): skipped, it is not answered", id, res->desc);
    b->cursor.offset = id + 1;
    b->cursor.have_offset = 1;
    save_cursor(b);
    b->single = b->bad_polls = b->bad_hits = 0;
}

/* A getUpdates body that parsed, with n updates: limit=1 polling ends
 * after an empty one or TG_POLL_LIMIT good ones. */
static void poll_parsed(tg_bot *b, size_t n)
{
    b->bad_polls = b->bad_hits = 0;
    if (b->single > 0 && (n == 0 || --b->single == 0))
        b->single = 0;
}

/* One getUpdates round.  Returns 0 to go on, 1 to stop, -1 fatal. */
static int poll_once(tg_bot *b, int *conflicts)
{
    tg_result res;
    json_t *p;
    unsigned wait = 0;
    long t0 = now_ms();
    int st;
    if (tg_cursor_head(&b->cursor)) {     /* retry what is still owed */
        if (handle_pending(b) == 0)
            return 0;
        if (b->token_rejected) {
            b->host->log(b->host, FAQBOT_LOG_ERROR, "the Bot API rejected "
                         "the bot token while sending; check the token in "
                         "%s; telegram stops", b->cfg.token_from);
            return -1;
        }
        return tg_bot_sleep(b, tg_backoff_next(&b->backoff));
    }
    p = poll_params(b);
    if (!p)
        return tg_bot_sleep(b, 1000) ? 1 : 0;
    st = tg_api_call(b->api, "getUpdates", p,
                     b->cfg.poll_timeout + b->cfg.request_timeout, &res);
    json_decref(p);
    if (st == TG_OK && !json_is_array(res.result)) {
        res.status = st = TG_E_MALFORMED;
        snprintf(res.desc, sizeof res.desc, "result is not an array");
    }
    if (st == TG_OK) {
        *conflicts = 0;
        poll_parsed(b, json_array_size(res.result));
        tg_backoff_reset(&b->backoff);
        wait = handle_batch(b, res.result) != 0
               ? tg_backoff_next(&b->backoff) : pace(b, res.result, t0);
    } else if (st == TG_E_AUTH) {
        b->host->log(b->host, FAQBOT_LOG_ERROR, "the Bot API rejected the "
                     "bot token (HTTP %ld: %s); check the token in %s; "
                     "telegram stops", res.error_code, res.desc,
                     b->cfg.token_from);
    } else if (st != TG_E_ABORTED) {
        if (st == TG_E_MALFORMED && res.unparsed)
            poll_unparsed(b, &res);
        wait = poll_failed(b, &res, conflicts);
    }
    tg_result_clear(&res);
    if (st == TG_E_AUTH)
        return -1;
    if (st == TG_E_ABORTED)
        return 1;
    return tg_bot_sleep(b, wait) ? 1 : 0;
}

int tg_poll_run(tg_bot *b)
{
    int conflicts = 0, rc = 0;
    if (tg_start_connect(b) != 0)
        return tg_bot_stopping(b) ? 0 : -1;
    if (b->cfg.set_commands)
        tg_start_commands(b);
    load_cursor(b);
    if (b->cfg.webhook)
        return tg_webhook_run(b);
    b->host->log(b->host, FAQBOT_LOG_INFO, "polling for updates (%s)",
                 b->cursor.have_offset ? "resuming from the saved offset"
                 : b->cfg.skip_backlog ? "first start: older messages are "
                 "skipped" : "first start");
    while (rc == 0 && !tg_bot_stopping(b))
        rc = poll_once(b, &conflicts);
    return rc < 0 ? -1 : 0;
}
