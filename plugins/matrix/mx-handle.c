/*
 * mx-handle.c - act on one /sync batch: leave, invites (allowlist, join),
 * membership (who is in each room), encrypted rooms (one notice), and
 * the questions to deliver to the host.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mx-bot.h"
#include "mx-event.h"

#define MX_SEND_ATTEMPTS 8

char *mx_handle_filter(void)
{
    return strdup(
        "{\"account_data\":{\"not_types\":[\"*\"]},"
        "\"presence\":{\"not_types\":[\"*\"]},"
        "\"room\":{\"account_data\":{\"not_types\":[\"*\"]},"
        "\"ephemeral\":{\"not_types\":[\"*\"]},"
        "\"state\":{\"types\":[\"m.room.member\",\"m.room.encryption\"],"
        "\"lazy_load_members\":false},"
        "\"timeline\":{\"types\":[\"m.room.message\",\"m.room.member\","
        "\"m.room.encrypted\",\"m.room.encryption\",\"m.room.redaction\"],"
        "\"limit\":50}}}");
}

/* A call with retries; returns the final status.  r is filled. */
#define MX_RETRYING(b, what, r, max, call)                                   \
    do {                                                                     \
        for (int attempt_ = 0;; attempt_++) {                                \
            call;                                                            \
            if (!mx_retry_again((b), (what), (r), attempt_, (max)))          \
                break;                                                       \
        }                                                                    \
    } while (0)

/* ---- rooms: join, leave, members -------------------------------------- */

static int leave_room(mx_bot *b, const char *room_id, const char *why)
{
    mx_result r = {0};
    MX_RETRYING(b, "leave", &r, MX_SEND_ATTEMPTS, mx_api_leave(b->api, room_id, &r));
    int st = r.status;
    b->host->log(b->host, st == MX_OK ? FAQBOT_LOG_INFO : FAQBOT_LOG_WARN,
                 "leaving %s (%s)%s%s", room_id, why,
                 st == MX_OK ? "" : ": ", st == MX_OK ? "" : r.error);
    mx_result_clear(&r);
    mx_rooms_drop(&b->rooms, room_id);
    return st == MX_OK || st == MX_FAIL ? 0 : -1;
}

static int handle_invite(mx_bot *b, const mx_invite *inv)
{
    const char *who = inv->inviter ? inv->inviter : "(unknown)";
    if (!mx_config_allowed(&b->cfg, inv->inviter)) {
        b->host->log(b->host, FAQBOT_LOG_INFO,
                     "declining invite to %s from %s (not in allow list)",
                     inv->room_id, who);
        return leave_room(b, inv->room_id, "invite declined");
    }
    mx_result r = {0};
    MX_RETRYING(b, "join", &r, MX_SEND_ATTEMPTS, mx_api_join(b->api, inv->room_id, &r));
    int st = r.status;
    if (st == MX_OK)
        b->host->log(b->host, FAQBOT_LOG_INFO, "joined %s (invited by %s)",
                     inv->room_id, who);
    else
        b->host->log(b->host, FAQBOT_LOG_WARN, "cannot join %s: %s",
                     inv->room_id, r.error);
    mx_result_clear(&r);
    return st == MX_OK || st == MX_FAIL ? 0 : -1;
}

/* Seed the member list of a room we know nothing about yet. */
static int seed_members(mx_bot *b, mx_room_state *room)
{
    mx_result r = {0};
    MX_RETRYING(b, "joined_members", &r, MX_SEND_ATTEMPTS,
                mx_api_joined_members(b->api, room->room_id, &r));
    json_t *joined = json_object_get(r.json, "joined"), *v;
    const char *uid;
    int rc = r.status == MX_OK && json_is_object(joined) ? 0 : -1;
    if (rc) {
        b->host->log(b->host, FAQBOT_LOG_WARN, "joined_members of %s: %s",
                     room->room_id, r.error[0] ? r.error : "no \"joined\" object");
        rc = r.status == MX_FAIL ? 0 : -1; /* not in the room any more */
        goto done;
    }
    mx_room_clear_members(room);
    json_object_foreach(joined, uid, v) {
        const char *dn = json_string_value(json_object_get(v, "display_name"));
        if (mx_room_set_member(room, uid, dn, 1)) {
            rc = -1;
            goto done;
        }
    }
    room->known = 1;
done:
    mx_result_clear(&r);
    return rc;
}

/* ---- encrypted rooms -------------------------------------------------- */

static int encryption_notice(mx_bot *b, mx_room_state *room)
{
    char key[600], txn[64];
    if (room->enc_noticed)
        return 0;
    if (snprintf(key, sizeof(key), "enc_notice:%s", room->room_id) >= (int)sizeof(key))
        return 0;
    char *done = b->host->state_get(b->host, key);
    room->enc_noticed = done != NULL;
    b->host->free(done);
    if (room->enc_noticed)
        return 0;
    b->host->log(b->host, FAQBOT_LOG_WARN,
                 "%s is end-to-end encrypted; faqbot cannot read it and posts one notice",
                 room->room_id);
    mx_event_txn_id(room->room_id, 9999, txn, sizeof(txn));
    mx_result r = {0};
    const char *body = "{\"msgtype\":\"m.notice\",\"body\":\"Sorry, I cannot read "
                       "encrypted messages. Please ask me in a room without "
                       "end-to-end encryption.\"}";
    MX_RETRYING(b, "send notice", &r, MX_SEND_ATTEMPTS,
                mx_api_send(b->api, room->room_id, "m.room.message", txn, body, &r));
    int st = r.status;
    mx_result_clear(&r);
    if (st != MX_OK && st != MX_FAIL)
        return -1;
    room->enc_noticed = 1;
    return b->host->state_set(b->host, key, "1") ? -1 : 0;
}

/* ---- messages --------------------------------------------------------- */

/* m.mentions, or a pill in the HTML body (not in its reply fallback). */
static int mentions_self(const mx_bot *b, const mx_event *ev)
{
    for (size_t i = 0; i < ev->n_mentions; i++)
        if (!strcmp(ev->mentions[i], b->cfg.user_id))
            return 1;
    if (!ev->formatted_body)
        return 0;
    char *html = mx_event_strip_html_reply(ev->formatted_body);
    int found = html && mx_event_html_mentions(html, b->cfg.user_id);
    free(html);
    return found;
}

static int has_prefix(const char *text, const char *prefix)
{
    size_t n = strlen(prefix);
    return !strncasecmp(text, prefix, n) &&
           (text[n] == '\0' || isspace((unsigned char)text[n]));
}

/* 1 when ev is a question for the bot at all (before group rules). */
static int answerable(const mx_bot *b, const mx_event *ev)
{
    return ev->kind == MX_EV_MESSAGE && !ev->is_state &&
           strcmp(ev->sender, b->cfg.user_id) != 0 && !ev->is_redacted &&
           !ev->is_edit && ev->body && ev->msgtype &&
           !strcmp(ev->msgtype, "m.text");
}

int mx_handle_group_all(mx_bot *b, const char *room_id)
{
    faqbot_host *h = b->host;
    int all = b->cfg.group_all;
    if (!room_id || h->struct_size < offsetof(faqbot_host, room_get) +
                                     sizeof h->room_get || !h->room_get)
        return all;                     /* an older host: no room settings */
    char *mode = h->room_get(h, room_id, "answer");
    if (!mode)
        return all;
    if (!strcmp(mode, "all"))
        all = 1;
    else if (!strcmp(mode, "mentions"))
        all = 0;
    else
        h->log(h, FAQBOT_LOG_WARN, "room %s: unknown answer mode \"%.40s\"; "
               "using group_mode", room_id, mode);
    h->free(mode);
    return all;
}

static int deliver(mx_bot *b, mx_room_state *room, const mx_event *ev,
                   const char *text, const char *pick, int group)
{
    faqbot_message m = {sizeof(m), room->room_id, ev->event_id, ev->sender,
                        mx_room_name_of(room, ev->sender), text, pick, group};
    b->cur_event_id = ev->event_id;
    b->cur_thread = ev->thread_root;
    b->cur_room = room;
    b->cur_sends = 0;
    b->cur_permanent = 0;
    int rc = b->host->deliver(b->host, &m);
    b->cur_event_id = b->cur_thread = NULL;
    b->cur_room = NULL;
    if (rc == 0)
        return 0;
    if (b->cur_permanent && !mx_bot_stopping(b)) {
        b->host->log(b->host, FAQBOT_LOG_WARN,
                     "giving up on the answer to %s in %s (refused by the homeserver)",
                     ev->event_id, room->room_id);
        return 0;
    }
    return -1;
}

static int handle_message(mx_bot *b, mx_room_state *room, const mx_event *ev)
{
    if (!answerable(b, ev))
        return 0;
    int group = mx_room_count(room) > 2, mentioned = mentions_self(b, ev);
    char *body = mx_event_strip_fallback(ev->body), *text = NULL, *pick = NULL;
    int rc = -1;
    if (!body || !(text = mx_event_strip_mention(body, b->cfg.user_id,
                                                  b->display_name, &mentioned)))
        goto done;
    /* a pick is forgotten only once answered, so a retried batch
     * (deliver failed) picks the same entry again */
    int n = mx_event_pick_number(text, mx_room_pending_count(room, ev->sender));
    const char *peek = n ? mx_room_peek_pick(room, ev->sender, n) : NULL;
    if (peek && !(pick = strdup(peek)))
        goto done;
    if (group && !mentioned && !pick &&
        !has_prefix(text, b->cfg.command_prefix) &&
        !mx_handle_group_all(b, room->room_id)) {
        rc = 0; /* chatter in a group room */
        goto done;
    }
    rc = deliver(b, room, ev, text[0] ? text : "/help", pick, group);
    peek = pick ? mx_room_peek_pick(room, ev->sender, n) : NULL;
    if (rc == 0 && peek && !strcmp(peek, pick)) {
        free(mx_room_take_pick(room, ev->sender, n));
        mx_picks_save(b);
    }
done:
    free(body);
    free(text);
    free(pick);
    return rc;
}

/* ---- one joined room -------------------------------------------------- */

static void apply_member(mx_bot *b, mx_room_state *room, const mx_event *ev,
                         int *someone_left)
{
    int joined = !strcmp(ev->membership, "join");
    if (mx_room_set_member(room, ev->state_key, ev->displayname, joined))
        b->host->log(b->host, FAQBOT_LOG_WARN, "out of memory tracking members");
    if (!joined && strcmp(ev->state_key, b->cfg.user_id) &&
        (!strcmp(ev->membership, "leave") || !strcmp(ev->membership, "ban")))
        *someone_left = 1;
    if (joined && !strcmp(ev->state_key, b->cfg.user_id) && ev->displayname &&
        !b->cfg.display_name) {
        char *dn = strdup(ev->displayname);
        if (dn) {
            free(b->display_name);
            b->display_name = dn;
        }
    }
}

/* Index of the first timeline event that is live for us: in a room we
 * just joined, the history before our own invite/join is backlog. */
static size_t first_live(const mx_bot *b, const mx_room *jr)
{
    for (size_t i = 0; i < jr->n_events; i++) {
        const mx_event *ev = &jr->events[i];
        if (ev->kind == MX_EV_MEMBER && !ev->is_state &&
            !strcmp(ev->state_key, b->cfg.user_id) &&
            (!strcmp(ev->membership, "invite") || !strcmp(ev->membership, "join")))
            return i;
    }
    return 0;
}

int mx_handle_room(mx_bot *b, const mx_room *jr, int initial)
{
    mx_room_state *room = mx_rooms_get(&b->rooms, jr->room_id, 1);
    int someone_left = 0, joined_now = 0, rc = 0;
    if (!room)
        return -1;
    int fresh = !room->known;
    if (fresh && seed_members(b, room))
        return -1;
    size_t live = fresh ? first_live(b, jr) : 0;
    for (size_t i = 0; i < jr->n_events && rc == 0; i++) {
        const mx_event *ev = &jr->events[i];
        int backlog = initial || ev->is_state || i < live;
        if (ev->kind == MX_EV_MEMBER) {
            apply_member(b, room, ev, &someone_left);
            joined_now |= !initial && !ev->is_state &&
                          !strcmp(ev->state_key, b->cfg.user_id) &&
                          !strcmp(ev->membership, "join");
        }
        else if (ev->kind == MX_EV_ENCRYPTION)
            room->encrypted = 1;
        if (backlog)
            continue;
        if ((ev->kind == MX_EV_ENCRYPTED && strcmp(ev->sender, b->cfg.user_id)) ||
            ev->kind == MX_EV_ENCRYPTION)
            rc = encryption_notice(b, room);
        else if (ev->kind == MX_EV_MESSAGE)
            rc = handle_message(b, room, ev);
    }
    if (rc == 0 && joined_now && room->encrypted)
        rc = encryption_notice(b, room);
    if (rc != 0 && fresh) {
        room->known = 0; /* the retry must see the room as new again */
        return rc;
    }
    if (rc == 0 && !initial && someone_left && room->known &&
        mx_room_count(room) <= 1)
        rc = leave_room(b, jr->room_id, "the last other member left");
    return rc;
}

int mx_handle_sync(mx_bot *b, const mx_sync *s, int initial)
{
    if (s->n_skipped)
        b->host->log(b->host, FAQBOT_LOG_WARN,
                     "skipped %zu malformed event(s) in /sync", s->n_skipped);
    for (size_t i = 0; i < s->n_left; i++) {
        if (mx_rooms_get(&b->rooms, s->left[i], 0))
            b->host->log(b->host, FAQBOT_LOG_INFO, "no longer in %s", s->left[i]);
        mx_rooms_drop(&b->rooms, s->left[i]);
    }
    for (size_t i = 0; i < s->n_invites; i++)
        if (handle_invite(b, &s->invites[i]))
            return -1;
    for (size_t i = 0; i < s->n_joined; i++)
        if ((!initial && mx_gap_fill(b, &s->joined[i])) ||
            mx_handle_room(b, &s->joined[i], initial))
            return -1;
    return 0;
}
