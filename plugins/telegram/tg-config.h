/*
 * tg-config.h - the telegram plugin's instance configuration: parse and
 * validate the JSON object the host hands to create(), read the token.
 */
#ifndef TG_CONFIG_H
#define TG_CONFIG_H

#include <stddef.h>

#define TG_DEFAULT_API_URL "https://api.telegram.org"
#define TG_DEFAULT_TOKEN_ENV "TELEGRAM_BOT_TOKEN"

typedef struct tg_config {
    char *token;                 /* secret: never log it */
    char *token_from;            /* "$TELEGRAM_BOT_TOKEN" or the file path */
    char *api_url;               /* no trailing slash */
    long poll_timeout;           /* getUpdates long-poll seconds (30) */
    long request_timeout;        /* other calls, seconds (15) */
    int skip_backlog;            /* first start: skip older messages (1) */
    int answer_all_in_groups;    /* groups: answer every message (0) */
    int set_commands;            /* call setMyCommands at start (1) */
    unsigned backoff_base_ms;    /* first retry delay (500) */
    unsigned backoff_max_ms;     /* retry delay cap (60000) */
    size_t max_message;          /* split replies above this (4096) */
    size_t max_response;         /* refuse larger HTTP bodies (4 MiB) */
    int webhook;                 /* "mode": "webhook" (else polling) */
    char *webhook_url;           /* public URL Telegram posts to */
    char *webhook_listen;        /* local address (127.0.0.1) */
    long webhook_port;           /* local port (8443; 0 = any) */
    char *webhook_secret;        /* from webhook_secret_env, or NULL:
                                    a random one per start */
} tg_config;

/* Parse the instance object (JSON text) into *out and read the token from
 * the environment variable "token_env" (default TELEGRAM_BOT_TOKEN) or
 * from "token_file" (refused when group or others may read it).  Unknown
 * keys are refused.  Returns 0, or -1 with a one-line reason in err that
 * never contains the token.  On success the caller frees *out with
 * tg_config_free(). */
int tg_config_parse(const char *json, tg_config *out, char *err,
                    size_t errlen);
void tg_config_free(tg_config *c);

/* 1 when tok looks like a Bot API token (digits ':' [A-Za-z0-9_-]+),
 * so it can go into a URL path unescaped. */
int tg_config_token_ok(const char *tok);

#endif
