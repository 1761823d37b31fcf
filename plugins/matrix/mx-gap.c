/*
 * mx-gap.c - back-fill a timeline gap.  An incremental /sync sends at
 * most the filter's limit (50) of a room's new events and marks the room
 * "limited": true when there were more (an outage, a flood).  The older
 * ones are fetched with GET /rooms/{id}/messages?dir=b, from the
 * timeline's prev_batch back to the since token the sync was asked with
 * (what the bot has already seen), and handled oldest first, before the
 * timeline itself.  The transaction ids of the replies keep this
 * exactly-once when a batch is retried.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mx-bot.h"

#define MX_GAP_PAGES 10         /* at most this many /messages pages */
#define MX_GAP_PAGE_EVENTS 100  /* events per page */
#define MX_GAP_ATTEMPTS 8

/* The RoomEventFilter of /messages: the sync filter's timeline types. */
static const char gap_filter[] =
    "{\"types\":[\"m.room.message\",\"m.room.member\",\"m.room.encrypted\","
    "\"m.room.encryption\",\"m.room.redaction\"]}";

/* 1 when the timeline holds the bot's own invite or join: the room is
 * new to the bot, and what lies before that is backlog, not a gap. */
static int joined_in(const mx_bot *b, const mx_room *jr)
{
    for (size_t i = 0; i < jr->n_events; i++) {
        const mx_event *ev = &jr->events[i];
        if (ev->kind == MX_EV_MEMBER && !ev->is_state &&
            !strcmp(ev->state_key, b->cfg.user_id) &&
            (!strcmp(ev->membership, "invite") || !strcmp(ev->membership, "join")))
            return 1;
    }
    return 0;
}

/* One page before from, with retries; fills *r.  Returns r->status. */
static int get_page(mx_bot *b, const mx_room *jr, const char *from, mx_result *r)
{
    for (int attempt = 0;; attempt++) {
        mx_api_messages(b->api, jr->room_id, from, b->since, gap_filter,
                        MX_GAP_PAGE_EVENTS, r);
        if (!mx_retry_again(b, "messages", r, attempt, MX_GAP_ATTEMPTS))
            return r->status;
    }
}

/* Prepend one page (newest first) to all (oldest first).  0, -1 OOM. */
static int prepend_page(json_t *all, json_t *chunk)
{
    size_t i;
    json_t *ev;
    json_array_foreach(chunk, i, ev) {
        if (json_array_insert(all, 0, ev))
            return -1;
    }
    return 0;
}

/* The events of the gap, oldest first, into *out (a new array: caller
 * json_decref()s it, also on failure).  *more is set when MX_GAP_PAGES
 * pages did not reach the since token.  Returns 0; 1 when the homeserver
 * refuses the request (4xx: the gap cannot be filled); -1 when the batch
 * must be retried later (network, OOM, stopping). */
static int fetch(mx_bot *b, const mx_room *jr, json_t **out, int *more)
{
    mx_result r = {0};
    char *from = strdup(jr->prev_batch);
    int rc = 0, page;
    *more = 0;
    *out = json_array();
    if (!from || !*out)
        rc = -1;
    for (page = 0; rc == 0 && page < MX_GAP_PAGES; page++) {
        if (get_page(b, jr, from, &r) != MX_OK) {
            b->host->log(b->host, FAQBOT_LOG_WARN, "messages of %s: %s",
                         jr->room_id, r.error);
            rc = r.status == MX_FAIL ? 1 : -1;
            break;
        }
        json_t *chunk = json_object_get(r.json, "chunk");
        const char *end = json_string_value(json_object_get(r.json, "end"));
        if (prepend_page(*out, chunk)) {
            rc = -1;
            break;
        }
        if (!json_array_size(chunk) || !end || !strcmp(end, from))
            break;                      /* reached the since token */
        free(from);
        if (!(from = strdup(end)))
            rc = -1;
    }
    *more = rc == 0 && page == MX_GAP_PAGES;
    mx_result_clear(&r);
    free(from);
    return rc;
}

int mx_gap_fill(mx_bot *b, const mx_room *jr)
{
    json_t *gap = NULL;
    mx_room tmp = {0};
    size_t skipped = 0;
    int more = 0, rc;
    if (!jr->limited || !jr->prev_batch || !b->since || joined_in(b, jr))
        return 0;
    rc = fetch(b, jr, &gap, &more);
    if (rc != 0)
        goto done;
    tmp.joined_count = jr->joined_count;
    if (!(tmp.room_id = strdup(jr->room_id)) ||
        mx_sync_room_events(&tmp, gap, &skipped)) {
        b->host->log(b->host, FAQBOT_LOG_ERROR, "out of memory filling a gap");
        rc = -1;
        goto done;
    }
    b->host->log(b->host, FAQBOT_LOG_INFO, "%s: /sync left a gap; %zu earlier "
                 "event(s) fetched with /messages (%zu malformed skipped)",
                 jr->room_id, tmp.n_events, skipped);
    if (more)
        b->host->log(b->host, FAQBOT_LOG_WARN, "%s: the gap is longer than %d "
                     "events; older ones are not answered", jr->room_id,
                     MX_GAP_PAGES * MX_GAP_PAGE_EVENTS);
    rc = mx_handle_room(b, &tmp, 0);
done:
    mx_sync_room_free(&tmp);
    json_decref(gap);
    return rc > 0 ? 0 : rc;             /* refused: answer what we have */
}
