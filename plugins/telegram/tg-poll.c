/*
 * tg-poll.c - the long-polling loop: getMe, setMyCommands, getUpdates,
 * deliver, then acknowledge (persist the offset) only once answered.
 */
#include "tg-bot.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tg-render.h"

#define SLEEP_SLICE_MS 200
#define TG_POLL_LIMIT 100      /* updates per getUpdates */
#define TG_BAD_POLLS 2         /* unparseable bodies before limit=1 */
#define TG_BAD_HITS 2          /* limit=1 failures on one id: skip it */

int tg_bot_stopping(tg_bot *b)
{
    return atomic_load(&b->stopping) || b->host->should_stop(b->host);
}

int tg_bot_sleep(tg_bot *b, unsigned ms)
{
    while (ms > 0 && !tg_bot_stopping(b)) {
        unsigned slice = ms < SLEEP_SLICE_MS ? ms : SLEEP_SLICE_MS;
        if (b->host->sleep_ms(b->host, slice))
            return 1;
        ms -= slice;
    }
    return tg_bot_stopping(b);
}

/* ---- start ------------------------------------------------------------ */

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

/* getMe until it works; a rejected token is fatal.  Returns 0 or -1. */
static int start(tg_bot *b)
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

static void set_commands(tg_bot *b)
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

/* ---- updates ---------------------------------------------------------- */

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

int tg_poll_handle(tg_bot *b, const tg_update *u)
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
    rc = rc == 0 && tg_poll_handle(b, &u) != 0;
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
    } else {
        b->host->log(b->host, FAQBOT_LOG_WARN, "getUpdates failed: %s (%s)"
                     "; retrying", tg_status_name(st), res->desc);
    }
    return tg_backoff_next(&b->backoff);
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
    if (start(b) != 0)
        return tg_bot_stopping(b) ? 0 : -1;
    if (b->cfg.set_commands)
        set_commands(b);
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
