/*
 * mx-sync.h - a /sync response parsed into plain structs: what the bot
 * needs of joined rooms (state + timeline events), invites and leaves.
 * Events that are malformed (missing type/sender/event_id, wrong types)
 * are skipped and counted; a malformed document fails as a whole.
 */
#ifndef MX_SYNC_H
#define MX_SYNC_H

#include <stddef.h>
#include <jansson.h>

enum mx_ev_kind {
    MX_EV_OTHER = 0,
    MX_EV_MESSAGE,      /* m.room.message (any msgtype) */
    MX_EV_MEMBER,       /* m.room.member */
    MX_EV_ENCRYPTED,    /* m.room.encrypted */
    MX_EV_ENCRYPTION,   /* m.room.encryption (state: room is encrypted) */
    MX_EV_REDACTION     /* m.room.redaction */
};

typedef struct mx_event {
    int kind;               /* enum mx_ev_kind */
    int is_state;           /* from the state section (not timeline) */
    char *event_id;
    char *sender;
    char *type;
    /* m.room.message */
    char *msgtype;          /* "m.text", "m.notice", ...; NULL if absent */
    char *body;             /* NULL if absent (e.g. redacted) */
    char *formatted_body;   /* when format is org.matrix.custom.html */
    int is_edit;            /* m.relates_to.rel_type == m.replace */
    int is_redacted;        /* unsigned.redacted_because present */
    char *reply_to;         /* m.relates_to.m.in_reply_to.event_id */
    char *thread_root;      /* m.relates_to.event_id when rel_type m.thread */
    char **mentions;        /* m.mentions.user_ids */
    size_t n_mentions;
    /* m.room.member */
    char *state_key;
    char *membership;
    char *displayname;
    /* m.room.redaction */
    char *redacts;
} mx_event;

typedef struct mx_room {
    char *room_id;
    mx_event *events;       /* state section first, then timeline */
    size_t n_events;
    long joined_count;      /* summary m.joined_member_count, or -1 */
    int limited;            /* timeline.limited: events were left out */
    char *prev_batch;       /* timeline.prev_batch, or NULL */
} mx_room;

typedef struct mx_invite {
    char *room_id;
    char *inviter;          /* sender of our invite member event, or NULL */
    int encrypted;          /* invite_state had m.room.encryption */
} mx_invite;

typedef struct mx_sync {
    char *next_batch;
    mx_room *joined;   size_t n_joined;
    mx_invite *invites; size_t n_invites;
    char **left;       size_t n_left;     /* room ids we left / were kicked */
    size_t n_skipped;                     /* malformed events skipped */
} mx_sync;

/* Parse a /sync body (len bytes).  self_id is the bot's user id (to find
 * its own invite).  Returns 0, or -1 with a one-line reason in err (bad
 * JSON, no next_batch, OOM).  On success the caller frees with
 * mx_sync_free(); on failure *out is already freed. */
int mx_sync_parse(const char *json, size_t len, const char *self_id,
                  mx_sync *out, char *err, size_t errlen);
/* The same from an already parsed document (root stays the caller's). */
int mx_sync_from_json(json_t *root, const char *self_id, mx_sync *out,
                      char *err, size_t errlen);
void mx_sync_free(mx_sync *s);

/* Append the timeline events of a JSON array (oldest first, e.g. a
 * /messages chunk put in order) to r, skipping malformed ones (counted in
 * *skipped).  Returns 0, -1 on OOM. */
int mx_sync_room_events(mx_room *r, json_t *events, size_t *skipped);
/* Free what r owns (events, room_id, prev_batch) and zero it. */
void mx_sync_room_free(mx_room *r);

#endif
