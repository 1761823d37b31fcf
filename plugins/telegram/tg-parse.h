/*
 * tg-parse.h - Bot API JSON -> C: classify a method's HTTP response, and
 * turn one Update object into a flat tg_update.  Pure functions (no I/O),
 * so every malformed shape can be unit tested.
 */
#ifndef TG_PARSE_H
#define TG_PARSE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Outcome of one Bot API call; stable values. */
enum tg_status {
    TG_OK = 0,
    TG_E_NET = 1,       /* connect / timeout / dropped: retry with backoff */
    TG_E_SERVER = 2,    /* HTTP 5xx: retry with backoff */
    TG_E_RETRY = 3,     /* 429: wait retry_after seconds */
    TG_E_AUTH = 4,      /* 401 / 404: the token is wrong */
    TG_E_CONFLICT = 5,  /* 409: a webhook is set or another poller runs */
    TG_E_REQUEST = 6,   /* other 4xx: this request can never succeed */
    TG_E_MALFORMED = 7, /* not a Bot API response (garbage, truncated) */
    TG_E_ABORTED = 8,   /* shutting down */
    TG_E_NOMEM = 9
};

typedef struct tg_result {
    int status;          /* enum tg_status */
    long http;           /* HTTP status, 0 when none */
    long error_code;     /* Bot API error_code, or http */
    long retry_after;    /* seconds, for TG_E_RETRY (>= 1) */
    char desc[256];      /* one line, redacted; "" on TG_OK */
    json_t *result;      /* "result" on TG_OK, owned: tg_result_clear() */
    /* when the body was not JSON at all (TG_E_MALFORMED / TG_E_SERVER): */
    int unparsed;        /* 1: the JSON parser refused the body */
    int truncated;       /* 1: it ended early (a transfer problem) */
    int64_t bad_update_id; /* first "update_id" in it, or -1 */
} tg_result;

void tg_result_clear(tg_result *r);
const char *tg_status_name(int status);

/* Parse JSON text; invalid UTF-8 (which jansson refuses outright) is
 * repaired to U+FFFD first, and U+0000 in a string ("\u0000") becomes a
 * space, so one bad byte cannot make a whole batch unreadable forever.
 * Returns a new reference, or NULL with jerr set. */
json_t *tg_parse_json(const char *body, size_t len, json_error_t *jerr);

/* Classify a response body (len bytes, need not be NUL-terminated) of an
 * HTTP exchange that completed with status http.  Fills *out; never
 * fails (an unusable body becomes TG_E_MALFORMED or TG_E_SERVER). */
void tg_parse_response(const char *body, size_t len, long http,
                       tg_result *out);

enum tg_update_kind {
    TG_UPD_OTHER = 0,     /* a type we do not handle (poll, member, ...) */
    TG_UPD_MESSAGE,
    TG_UPD_EDITED,        /* edited_message / edited_channel_post */
    TG_UPD_CHANNEL_POST,
    TG_UPD_CALLBACK       /* callback_query */
};

typedef struct tg_entity {
    char type[32];        /* "bot_command", "mention", ... */
    size_t off, len;      /* byte range in text (converted from UTF-16) */
} tg_entity;

typedef struct tg_update {
    int64_t update_id;
    int kind;                 /* enum tg_update_kind */
    int64_t chat_id;          /* 0 when unknown */
    char chat_type[16];       /* private, group, supergroup, channel */
    int64_t message_id;       /* 0 when unknown */
    int64_t date;             /* unix time, 0 when absent */
    int has_from;
    int64_t from_id;
    int from_is_bot;
    char *from_name;          /* "First Last" or username, or NULL */
    char *text;               /* text or caption, or NULL (sticker...) */
    int is_caption;
    int has_sticker;
    tg_entity *entities;      /* text_entities / caption_entities */
    size_t n_entities;
    int has_reply_to;
    int64_t reply_to_from_id; /* author of the message replied to */
    char *callback_id;        /* callback_query.id */
    char *callback_data;      /* callback_query.data, may be NULL */
} tg_update;

/* Fill *out from one Update object.  Returns 0, or -1 when the object is
 * unusable (reason in err); update_id is set whenever it was readable,
 * else it is -1, so the caller can still skip past it.  Strings in *out
 * are copies: free them with tg_update_clear() in either case. */
int tg_parse_update(const json_t *upd, tg_update *out, char *err,
                    size_t errlen);
void tg_update_clear(tg_update *u);

/* Convert a UTF-16 code unit offset into text to a byte offset; returns
 * (size_t)-1 when it lies beyond the text or inside a character. */
size_t tg_parse_u16_to_byte(const char *text, size_t units);

#endif
