/*
 * tg-api.h - Bot API calls over libcurl: POST <api_url>/bot<token>/<method>
 * with a JSON body.  The URL holds the token, so it is never logged, and
 * every error string is redacted before it leaves this file.
 */
#ifndef TG_API_H
#define TG_API_H

#include <jansson.h>
#include <stddef.h>

#include "tg-parse.h"

typedef struct tg_api tg_api;

/* Returns nonzero when an ongoing transfer should be abandoned (shutdown);
 * polled by libcurl's progress callback at least once a second. */
typedef int (*tg_api_abort_fn)(void *ctx);

/* A client for one bot.  Copies api_url and token.  Returns NULL on OOM or
 * when libcurl cannot be set up.  Caller frees with tg_api_free().  One
 * client belongs to one thread at a time. */
tg_api *tg_api_new(const char *api_url, const char *token,
                   size_t max_response, tg_api_abort_fn abort_fn,
                   void *abort_ctx);
void tg_api_free(tg_api *a);

/* Call method with params (borrowed; NULL means {}), waiting at most
 * timeout_s seconds in total.  Always fills *out (see tg_parse.h); the
 * caller releases it with tg_result_clear().  Returns out->status. */
int tg_api_call(tg_api *a, const char *method, json_t *params,
                long timeout_s, tg_result *out);

/* Replace every occurrence of secret (also URL-encoded) in buf, in place,
 * with "<redacted>", truncating to buflen.  Exposed for tests. */
void tg_api_redact(char *buf, size_t buflen, const char *secret);

#endif
