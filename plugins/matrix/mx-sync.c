/*
 * mx-sync.c - parse a /sync response (client-server API v3, GET /sync)
 * into mx_sync.  Shapes followed: rooms.join.<id>.{state,timeline}.events,
 * rooms.join.<id>.summary, rooms.invite.<id>.invite_state.events,
 * rooms.leave.<id>.
 */
#include "mx-sync.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy of a JSON string member, NULL when absent or not a string.  A
 * U+0000 inside ("\u0000", loaded with JSON_ALLOW_NUL) becomes a space,
 * as the host's sanitizer does with control characters: the text after
 * it is kept.  Sets *oom when the copy fails.  Caller frees with free(). */
static char *dup_member(json_t *o, const char *key, int *oom)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return NULL;
    size_t n = json_string_length(v);
    char *d = malloc(n + 1);
    if (!d) {
        *oom = 1;
        return NULL;
    }
    memcpy(d, json_string_value(v), n);
    d[n] = '\0';
    for (char *p = memchr(d, '\0', n); p; p = memchr(p, '\0', n - (size_t)(p - d)))
        *p = ' ';
    return d;
}

static void event_free(mx_event *e)
{
    free(e->event_id);
    free(e->sender);
    free(e->type);
    free(e->msgtype);
    free(e->body);
    free(e->formatted_body);
    free(e->reply_to);
    free(e->thread_root);
    for (size_t i = 0; i < e->n_mentions; i++)
        free(e->mentions[i]);
    free(e->mentions);
    free(e->state_key);
    free(e->membership);
    free(e->displayname);
    free(e->redacts);
    memset(e, 0, sizeof(*e));
}

static int kind_of(const char *type)
{
    static const struct { const char *t; int k; } map[] = {
        {"m.room.message", MX_EV_MESSAGE}, {"m.room.member", MX_EV_MEMBER},
        {"m.room.encrypted", MX_EV_ENCRYPTED},
        {"m.room.encryption", MX_EV_ENCRYPTION},
        {"m.room.redaction", MX_EV_REDACTION}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcmp(map[i].t, type))
            return map[i].k;
    return MX_EV_OTHER;
}

static void parse_mentions(json_t *content, mx_event *e, int *oom)
{
    json_t *ids = json_object_get(json_object_get(content, "m.mentions"), "user_ids");
    size_t i;
    json_t *v;
    if (!json_is_array(ids) || json_array_size(ids) == 0)
        return;
    e->mentions = calloc(json_array_size(ids), sizeof(char *));
    if (!e->mentions) {
        *oom = 1;
        return;
    }
    json_array_foreach(ids, i, v) {
        const char *s = json_string_value(v);
        if (s && !(e->mentions[e->n_mentions++] = strdup(s)))
            *oom = 1;
    }
}

static void parse_message(json_t *content, mx_event *e, int *oom)
{
    e->msgtype = dup_member(content, "msgtype", oom);
    e->body = dup_member(content, "body", oom);
    const char *fmt = json_string_value(json_object_get(content, "format"));
    if (fmt && !strcmp(fmt, "org.matrix.custom.html"))
        e->formatted_body = dup_member(content, "formatted_body", oom);
    json_t *rel = json_object_get(content, "m.relates_to");
    const char *rt = json_string_value(json_object_get(rel, "rel_type"));
    e->is_edit = (rt && !strcmp(rt, "m.replace")) ||
                 json_object_get(content, "m.new_content") != NULL;
    if (rt && !strcmp(rt, "m.thread"))
        e->thread_root = dup_member(rel, "event_id", oom);
    e->reply_to = dup_member(json_object_get(rel, "m.in_reply_to"), "event_id", oom);
    parse_mentions(content, e, oom);
}

/* Fill e from one event object.  Returns 1 when kept, 0 when the event
 * is malformed (skipped), -1 on OOM. */
static int parse_event(json_t *ev, int is_state, mx_event *e)
{
    int oom = 0;
    json_t *content = json_object_get(ev, "content");
    memset(e, 0, sizeof(*e));
    if (!json_is_object(ev) || !json_is_object(content) ||
        !json_is_string(json_object_get(ev, "type")) ||
        !json_is_string(json_object_get(ev, "sender")) ||
        !json_is_string(json_object_get(ev, "event_id")))
        return 0;
    e->is_state = is_state;
    e->type = dup_member(ev, "type", &oom);
    e->sender = dup_member(ev, "sender", &oom);
    e->event_id = dup_member(ev, "event_id", &oom);
    e->state_key = dup_member(ev, "state_key", &oom);
    e->kind = e->type ? kind_of(e->type) : MX_EV_OTHER;
    e->is_redacted = json_object_get(json_object_get(ev, "unsigned"),
                                     "redacted_because") != NULL;
    if (e->kind == MX_EV_MESSAGE)
        parse_message(content, e, &oom);
    if (e->kind == MX_EV_MEMBER) {
        e->membership = dup_member(content, "membership", &oom);
        e->displayname = dup_member(content, "displayname", &oom);
        if (!e->state_key || !e->membership) {
            event_free(e);
            return oom ? -1 : 0;
        }
    }
    if (e->kind == MX_EV_REDACTION) {
        e->redacts = dup_member(content, "redacts", &oom);
        if (!e->redacts)
            e->redacts = dup_member(ev, "redacts", &oom);
    }
    if (oom) {
        event_free(e);
        return -1;
    }
    return 1;
}

/* Append the events of arr to r.  Returns 0, -1 on OOM. */
static int add_events(mx_room *r, json_t *arr, int is_state, size_t *skipped)
{
    size_t i;
    json_t *ev;
    if (!json_is_array(arr))
        return 0;
    size_t want = r->n_events + json_array_size(arr);
    mx_event *grown = realloc(r->events, (want ? want : 1) * sizeof(*grown));
    if (!grown)
        return -1;
    r->events = grown;
    json_array_foreach(arr, i, ev) {
        int k = parse_event(ev, is_state, &r->events[r->n_events]);
        if (k < 0)
            return -1;
        if (k == 0)
            (*skipped)++;
        else
            r->n_events++;
    }
    return 0;
}

static int parse_joined(json_t *rooms, mx_sync *s)
{
    const char *id;
    json_t *jr;
    if (!json_is_object(rooms))
        return 0;
    s->joined = calloc(json_object_size(rooms) + 1, sizeof(*s->joined));
    if (!s->joined)
        return -1;
    json_object_foreach(rooms, id, jr) {
        mx_room *r = &s->joined[s->n_joined++];
        r->joined_count = -1;
        if (!(r->room_id = strdup(id)))
            return -1;
        json_t *cnt = json_object_get(json_object_get(jr, "summary"),
                                      "m.joined_member_count");
        if (json_is_integer(cnt))
            r->joined_count = (long)json_integer_value(cnt);
        json_t *tl = json_object_get(jr, "timeline");
        json_t *st = json_object_get(json_object_get(jr, "state"), "events");
        int oom = 0;
        r->limited = json_is_true(json_object_get(tl, "limited"));
        r->prev_batch = dup_member(tl, "prev_batch", &oom);
        if (oom || add_events(r, st, 1, &s->n_skipped) ||
            add_events(r, json_object_get(tl, "events"), 0, &s->n_skipped))
            return -1;
    }
    return 0;
}

int mx_sync_room_events(mx_room *r, json_t *events, size_t *skipped)
{
    return add_events(r, events, 0, skipped);
}

void mx_sync_room_free(mx_room *r)
{
    for (size_t j = 0; j < r->n_events; j++)
        event_free(&r->events[j]);
    free(r->events);
    free(r->room_id);
    free(r->prev_batch);
    memset(r, 0, sizeof(*r));
}

/* Stripped state: find our own invite (its sender) and encryption. */
static int parse_invite(json_t *ji, const char *self_id, mx_invite *inv)
{
    json_t *evs = json_object_get(json_object_get(ji, "invite_state"), "events");
    size_t i;
    json_t *ev;
    json_array_foreach(evs, i, ev) {
        const char *type = json_string_value(json_object_get(ev, "type"));
        const char *key = json_string_value(json_object_get(ev, "state_key"));
        const char *sender = json_string_value(json_object_get(ev, "sender"));
        const char *mship = json_string_value(json_object_get(
            json_object_get(ev, "content"), "membership"));
        if (type && !strcmp(type, "m.room.encryption"))
            inv->encrypted = 1;
        if (type && !strcmp(type, "m.room.member") && key && sender && mship &&
            !strcmp(key, self_id) && !strcmp(mship, "invite")) {
            free(inv->inviter);
            if (!(inv->inviter = strdup(sender)))
                return -1;
        }
    }
    return 0;
}

static int parse_invites(json_t *rooms, const char *self_id, mx_sync *s)
{
    const char *id;
    json_t *ji;
    if (!json_is_object(rooms))
        return 0;
    s->invites = calloc(json_object_size(rooms) + 1, sizeof(*s->invites));
    if (!s->invites)
        return -1;
    json_object_foreach(rooms, id, ji) {
        mx_invite *inv = &s->invites[s->n_invites++];
        if (!(inv->room_id = strdup(id)) || parse_invite(ji, self_id, inv))
            return -1;
    }
    return 0;
}

static int parse_left(json_t *rooms, mx_sync *s)
{
    const char *id;
    json_t *jl;
    if (!json_is_object(rooms))
        return 0;
    s->left = calloc(json_object_size(rooms) + 1, sizeof(char *));
    if (!s->left)
        return -1;
    json_object_foreach(rooms, id, jl) {
        if (!(s->left[s->n_left++] = strdup(id)))
            return -1;
    }
    return 0;
}

int mx_sync_from_json(json_t *root, const char *self_id, mx_sync *out,
                      char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    const char *nb = json_string_value(json_object_get(root, "next_batch"));
    json_t *rooms = json_object_get(root, "rooms");
    if (!json_is_object(root) || !nb || !nb[0] ||
        (rooms && !json_is_object(rooms))) {
        snprintf(err, errlen, "not a /sync response (no next_batch string)");
        return -1;
    }
    if (!(out->next_batch = strdup(nb)) ||
        parse_joined(json_object_get(rooms, "join"), out) ||
        parse_invites(json_object_get(rooms, "invite"), self_id, out) ||
        parse_left(json_object_get(rooms, "leave"), out)) {
        snprintf(err, errlen, "out of memory parsing /sync");
        mx_sync_free(out);
        return -1;
    }
    return 0;
}

int mx_sync_parse(const char *json, size_t len, const char *self_id,
                  mx_sync *out, char *err, size_t errlen)
{
    json_error_t jerr;
    memset(out, 0, sizeof(*out));
    json_t *root = json_loadb(json, len, JSON_ALLOW_NUL, &jerr);
    if (!root) {
        snprintf(err, errlen, "malformed JSON at line %d: %s", jerr.line, jerr.text);
        return -1;
    }
    int rc = mx_sync_from_json(root, self_id, out, err, errlen);
    json_decref(root);
    return rc;
}

void mx_sync_free(mx_sync *s)
{
    for (size_t i = 0; i < s->n_joined; i++)
        mx_sync_room_free(&s->joined[i]);
    free(s->joined);
    for (size_t i = 0; i < s->n_invites; i++) {
        free(s->invites[i].room_id);
        free(s->invites[i].inviter);
    }
    free(s->invites);
    for (size_t i = 0; i < s->n_left; i++)
        free(s->left[i]);
    free(s->left);
    free(s->next_batch);
    memset(s, 0, sizeof(*s));
}
