/*
 * mx-api.h - the Matrix client-server API (v3) over libcurl + jansson.
 * One mx_api owns one curl handle (keep-alive) and is used by one thread.
 * The access token travels only in the Authorization header; it never
 * appears in a URL, and is scrubbed from every error string.
 */
#ifndef MX_API_H
#define MX_API_H

#include <stddef.h>
#include <jansson.h>

/* Outcome of one request, as the caller must react to it. */
enum mx_status {
    MX_OK = 0,          /* 2xx with a JSON object body */
    MX_RETRY = 1,       /* 429, 5xx, network error: try again later */
    MX_BAD_TOKEN = 2,   /* M_UNKNOWN_TOKEN / M_MISSING_TOKEN: stop */
    MX_FAIL = 3,        /* other 4xx: the request itself is refused */
    MX_ABORTED = 4,     /* shutdown requested during the transfer */
    MX_BAD_JSON = 5     /* 2xx but the body is not a JSON object */
};

typedef struct mx_result {
    int status;             /* enum mx_status */
    long http;              /* HTTP status, 0 when no response */
    long retry_after_ms;    /* Retry-After / retry_after_ms, or -1 */
    json_t *json;           /* parsed body (object) or NULL; owned */
    char errcode[64];       /* Matrix errcode, "" when none */
    char error[256];        /* one line, token-free, "" when OK */
    size_t repaired;        /* bad Unicode sequences replaced in the body */
} mx_result;

typedef struct mx_api mx_api;

/* Returns nonzero when a running transfer should be abandoned. */
typedef int (*mx_abort_fn)(void *ctx);

/* New client for base_url (no trailing slash needed).  Responses larger
 * than max_bytes fail with MX_RETRY "response too large".  Returns NULL
 * on OOM or curl init failure.  Caller frees with mx_api_free(). */
mx_api *mx_api_new(const char *base_url, size_t max_bytes,
                   mx_abort_fn abort_fn, void *abort_ctx);
void mx_api_free(mx_api *a);
/* Copy the access token (NULL clears it).  Returns 0, -1 on OOM. */
int mx_api_set_token(mx_api *a, const char *token);

/* Free what a result owns and reset it. */
void mx_result_clear(mx_result *r);

/* Set r->status and r->error (fmt has one %s, filled with arg or "").
 * Returns status. */
int mx_api_fail(mx_result *r, int status, const char *fmt, const char *arg);

/* One request: method, path (already escaped, starting with /_matrix),
 * body (JSON text or NULL), total timeout.  Always fills *r; returns
 * r->status. */
int mx_api_call(mx_api *a, const char *method, const char *path,
                const char *body, long timeout_ms, mx_result *r);

/* Percent-encode one path segment or query value.  Caller frees with
 * free(); NULL on OOM. */
char *mx_api_escape(const char *s);

/* ---- endpoints, mx-api-calls.c (each fills *r, returns r->status) --- */
int mx_api_whoami(mx_api *a, mx_result *r);
int mx_api_login(mx_api *a, const char *user, const char *password,
                 const char *device_id, const char *device_name,
                 mx_result *r);
/* since may be NULL (initial sync); filter is JSON text. */
int mx_api_sync(mx_api *a, const char *since, const char *filter,
                long timeout_ms, mx_result *r);
/* GET /rooms/{room_id}/messages?dir=b: up to limit events before from
 * (a prev_batch or end token), newest first, stopping at to (a since
 * token; may be NULL); filter is a RoomEventFilter as JSON text, or
 * NULL. */
int mx_api_messages(mx_api *a, const char *room_id, const char *from,
                    const char *to, const char *filter, int limit,
                    mx_result *r);
int mx_api_join(mx_api *a, const char *room_id, mx_result *r);
int mx_api_leave(mx_api *a, const char *room_id, mx_result *r);
int mx_api_joined_members(mx_api *a, const char *room_id, mx_result *r);
int mx_api_displayname(mx_api *a, const char *user_id, mx_result *r);
int mx_api_send(mx_api *a, const char *room_id, const char *type,
                const char *txn_id, const char *body, mx_result *r);

#endif
