/*
 * mx-room.h - what the bot remembers about each joined room, in memory:
 * joined members (and display names), encryption, the "did you mean"
 * suggestions last offered to each sender.  Members and encryption are
 * rebuilt after a restart from GET joined_members and the /sync state
 * events; the suggestions are saved by mx-picks.c.
 */
#ifndef MX_ROOM_H
#define MX_ROOM_H

#include <stddef.h>

#include <faqbot/plugin.h>

#define MX_ROOM_MAX_PICKS 3
/* Lists kept per room; a new sender past it replaces the oldest list. */
#define MX_ROOM_MAX_PENDING 64

typedef struct mx_member {
    char *user_id;
    char *name;             /* display name, may be NULL */
} mx_member;

typedef struct mx_pending {
    char *sender;
    char *entry_ids[MX_ROOM_MAX_PICKS];
    int n;
} mx_pending;

typedef struct mx_room_state {
    char *room_id;
    mx_member *members;  size_t n_members, cap_members;
    int known;              /* member list seeded from joined_members */
    int encrypted;
    int enc_noticed;
    mx_pending *pending;  size_t n_pending;
} mx_room_state;

typedef struct mx_rooms {
    mx_room_state **rooms;
    size_t n, cap;
} mx_rooms;

/* The room, created empty when create is 1 (NULL on OOM or when absent).
 * The pointer stays valid until mx_rooms_drop/mx_rooms_free. */
mx_room_state *mx_rooms_get(mx_rooms *rs, const char *room_id, int create);
void mx_rooms_drop(mx_rooms *rs, const char *room_id);
void mx_rooms_free(mx_rooms *rs);

/* Record a membership change: joined 1 adds/updates, 0 removes.
 * Returns 0, -1 on OOM. */
int mx_room_set_member(mx_room_state *r, const char *user_id,
                       const char *name, int joined);
/* Forget every member (before reseeding). */
void mx_room_clear_members(mx_room_state *r);
size_t mx_room_count(const mx_room_state *r);
/* Display name of a joined member, or NULL. */
const char *mx_room_name_of(const mx_room_state *r, const char *user_id);

/* Remember the suggestions offered to sender (replaces older ones; the
 * room keeps MX_ROOM_MAX_PENDING lists, oldest first).  Returns 0, -1 on
 * OOM. */
int mx_room_set_pending(mx_room_state *r, const char *sender,
                        const faqbot_suggestion *s, size_t n);
/* How many suggestions sender has pending (0 when none). */
int mx_room_pending_count(const mx_room_state *r, const char *sender);
/* The entry id of pick number (1-based) for sender, without taking it,
 * or NULL.  Valid until the list changes. */
const char *mx_room_peek_pick(const mx_room_state *r, const char *sender, int number);
/* Take pick number (1-based) for sender and forget the list.  Returns the
 * entry id (caller frees with free()), or NULL. */
char *mx_room_take_pick(mx_room_state *r, const char *sender, int number);

#endif
