/*
 * mx-room.c - per-room memory: members, encryption, pending picks.
 */
#include "mx-room.h"

#include <stdlib.h>
#include <string.h>

mx_room_state *mx_rooms_get(mx_rooms *rs, const char *room_id, int create)
{
    for (size_t i = 0; i < rs->n; i++)
        if (!strcmp(rs->rooms[i]->room_id, room_id))
            return rs->rooms[i];
    if (!create)
        return NULL;
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 8;
        mx_room_state **g = realloc(rs->rooms, cap * sizeof(*g));
        if (!g)
            return NULL;
        rs->rooms = g;
        rs->cap = cap;
    }
    mx_room_state *r = calloc(1, sizeof(*r));
    if (!r || !(r->room_id = strdup(room_id))) {
        free(r);
        return NULL;
    }
    rs->rooms[rs->n++] = r;
    return r;
}

static void pending_free(mx_pending *p)
{
    free(p->sender);
    for (int i = 0; i < p->n; i++)
        free(p->entry_ids[i]);
    memset(p, 0, sizeof(*p));
}

static void room_free(mx_room_state *r)
{
    mx_room_clear_members(r);
    free(r->members);
    for (size_t i = 0; i < r->n_pending; i++)
        pending_free(&r->pending[i]);
    free(r->pending);
    free(r->room_id);
    free(r);
}

void mx_rooms_drop(mx_rooms *rs, const char *room_id)
{
    for (size_t i = 0; i < rs->n; i++) {
        if (strcmp(rs->rooms[i]->room_id, room_id))
            continue;
        room_free(rs->rooms[i]);
        rs->rooms[i] = rs->rooms[--rs->n];
        return;
    }
}

void mx_rooms_free(mx_rooms *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        room_free(rs->rooms[i]);
    free(rs->rooms);
    memset(rs, 0, sizeof(*rs));
}

void mx_room_clear_members(mx_room_state *r)
{
    for (size_t i = 0; i < r->n_members; i++) {
        free(r->members[i].user_id);
        free(r->members[i].name);
    }
    r->n_members = 0;
}

static int set_name(mx_member *m, const char *name)
{
    char *copy = name ? strdup(name) : NULL;
    if (name && !copy)
        return -1;
    free(m->name);
    m->name = copy;
    return 0;
}

int mx_room_set_member(mx_room_state *r, const char *user_id,
                       const char *name, int joined)
{
    for (size_t i = 0; i < r->n_members; i++) {
        if (strcmp(r->members[i].user_id, user_id))
            continue;
        if (joined)
            return set_name(&r->members[i], name);
        free(r->members[i].user_id);
        free(r->members[i].name);
        r->members[i] = r->members[--r->n_members];
        return 0;
    }
    if (!joined)
        return 0;
    if (r->n_members == r->cap_members) {
        size_t cap = r->cap_members ? r->cap_members * 2 : 4;
        mx_member *g = realloc(r->members, cap * sizeof(*g));
        if (!g)
            return -1;
        r->members = g;
        r->cap_members = cap;
    }
    mx_member *m = &r->members[r->n_members];
    memset(m, 0, sizeof(*m));
    if (!(m->user_id = strdup(user_id)) || set_name(m, name)) {
        free(m->user_id);
        return -1;
    }
    r->n_members++;
    return 0;
}

size_t mx_room_count(const mx_room_state *r) { return r->n_members; }

const char *mx_room_name_of(const mx_room_state *r, const char *user_id)
{
    for (size_t i = 0; i < r->n_members; i++)
        if (!strcmp(r->members[i].user_id, user_id))
            return r->members[i].name;
    return NULL;
}

static mx_pending *find_pending(const mx_room_state *r, const char *sender)
{
    for (size_t i = 0; i < r->n_pending; i++)
        if (!strcmp(r->pending[i].sender, sender))
            return &r->pending[i];
    return NULL;
}

/* Forget list i, keeping the others oldest first. */
static void drop_pending(mx_room_state *r, size_t i)
{
    pending_free(&r->pending[i]);
    memmove(&r->pending[i], &r->pending[i + 1],
            (r->n_pending - i - 1) * sizeof(*r->pending));
    r->n_pending--;
}

int mx_room_set_pending(mx_room_state *r, const char *sender,
                        const faqbot_suggestion *s, size_t n)
{
    mx_pending *p = find_pending(r, sender);
    if (!p && r->n_pending == MX_ROOM_MAX_PENDING)
        drop_pending(r, 0); /* the oldest list goes */
    if (!p) {
        mx_pending *g = realloc(r->pending, (r->n_pending + 1) * sizeof(*g));
        if (!g)
            return -1;
        r->pending = g;
        p = &r->pending[r->n_pending++];
        memset(p, 0, sizeof(*p));
    } else {
        pending_free(p);
    }
    if (!(p->sender = strdup(sender)))
        goto error;
    for (size_t i = 0; i < n && i < MX_ROOM_MAX_PICKS; i++) {
        if (!s[i].entry_id)
            continue;
        if (!(p->entry_ids[p->n] = strdup(s[i].entry_id)))
            goto error;
        p->n++;
    }
    return 0;
error:
    drop_pending(r, (size_t)(p - r->pending));
    return -1;
}

int mx_room_pending_count(const mx_room_state *r, const char *sender)
{
    const mx_pending *p = find_pending(r, sender);
    return p ? p->n : 0;
}

const char *mx_room_peek_pick(const mx_room_state *r, const char *sender, int number)
{
    const mx_pending *p = find_pending(r, sender);
    return p && number >= 1 && number <= p->n ? p->entry_ids[number - 1] : NULL;
}

char *mx_room_take_pick(mx_room_state *r, const char *sender, int number)
{
    mx_pending *p = find_pending(r, sender);
    if (!p || number < 1 || number > p->n)
        return NULL;
    char *id = p->entry_ids[number - 1];
    p->entry_ids[number - 1] = NULL;
    drop_pending(r, (size_t)(p - r->pending));
    return id;
}
