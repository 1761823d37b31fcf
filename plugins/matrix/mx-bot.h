/*
 * mx-bot.h - one matrix plugin instance, shared by mx-plugin.c (the
 * lifecycle and sync loop), mx-auth.c (token / login), mx-handle.c (one
 * /sync batch) and mx-retry.c (backoff).  Everything here is touched by
 * the plugin thread only, except `stopping`.
 */
#ifndef MX_BOT_H
#define MX_BOT_H

#include <stdatomic.h>

#include <faqbot/plugin.h>

#include "mx-api.h"
#include "mx-config.h"
#include "mx-room.h"
#include "mx-sync.h"

typedef struct mx_bot {
    faqbot_host *host;
    mx_config cfg;
    mx_api *api;
    mx_rooms rooms;
    char *display_name;     /* the bot's display name, may be NULL */
    char *since;            /* last persisted next_batch, or NULL */
    char *filter;           /* /sync filter, JSON text */
    atomic_int stopping;
    int fatal;              /* token rejected: run() must return -1 */
    unsigned seed;          /* jitter PRNG state */
    /* the delivery in progress (set by mx-handle.c, read by send()) */
    const char *cur_event_id;
    const char *cur_thread;
    mx_room_state *cur_room;
    unsigned cur_sends;
    int cur_permanent;      /* send() failed for good (4xx): skip it */
} mx_bot;

/* 1 when the plugin should stop (host shutdown, stop(), fatal error). */
int mx_bot_stopping(mx_bot *b);

/* ---- mx-retry.c ------------------------------------------------------ */
/* After a failed call: wait (Retry-After, or exponential backoff with
 * jitter for attempt n) and return 1 when the call should be retried;
 * 0 when it should not (success, permanent error, stop, bad token, or
 * max_attempts reached; 0 = unlimited).  Logs what it does; marks
 * b->fatal on a rejected token. */
int mx_retry_again(mx_bot *b, const char *what, mx_result *r, int attempt,
                   int max_attempts);
/* Backoff delay for attempt n (0-based), with jitter, in ms. */
unsigned mx_retry_backoff_ms(mx_bot *b, int attempt);

/* ---- mx-auth.c ------------------------------------------------------- */
/* Resolve the access token (env, saved state, or password login), check
 * it with whoami, fetch the display name.  Returns 0, or -1 after one
 * clear log line. */
int mx_auth_start(mx_bot *b);

/* ---- mx-handle.c ----------------------------------------------------- */
/* Act on one parsed /sync batch: invites, leaves, membership, messages.
 * initial: the first sync without a saved token (answers nothing).
 * Returns 0 when every reply was sent (the batch may be acknowledged),
 * -1 when it must be retried later. */
int mx_handle_sync(mx_bot *b, const mx_sync *s, int initial);

/* Act on one joined room of a batch (or of a back-filled gap): members,
 * encryption, questions.  Returns 0, or -1 when it must be retried. */
int mx_handle_room(mx_bot *b, const mx_room *jr, int initial);

/* ---- mx-picks.c ------------------------------------------------------ */
/* Save every room's pending "did you mean" lists in the state store
 * (after each change).  Returns 0, or -1 after one log line. */
int mx_picks_save(mx_bot *b);
/* Read them back at start; unreadable ones are logged and skipped. */
void mx_picks_load(mx_bot *b);

/* ---- mx-gap.c -------------------------------------------------------- */
/* When jr's timeline is limited (events were left out) and b->since is
 * set, fetch the missing events with /messages (back to b->since, at
 * most 10 pages) and hand them to mx_handle_room() oldest first.  Not for
 * a room the bot joined within this batch (older events are backlog).
 * Returns 0 (also when the homeserver refuses: logged), -1 when the
 * batch must be retried. */
int mx_gap_fill(mx_bot *b, const mx_room *jr);

/* 1 when every m.text of group room_id is answered: the operator's
 * per-room "answer" setting (host->room_get: "all" / "mentions") when the
 * host has room_get and the room has one, else group_mode.  Read per
 * message, so a config reload applies at once. */
int mx_handle_group_all(mx_bot *b, const char *room_id);

/* The /sync filter (JSON text).  Caller frees with free(). */
char *mx_handle_filter(void);

#endif
