/*
 * mx-config.h - the matrix plugin instance config (JSON object text),
 * validated once at create() with one-line errors.
 *
 *   homeserver_url   "http(s)://host[:port]"                   required
 *   user_id          "@bot:server"                             required
 *   token_env        env var holding an access token           \ one at
 *   password_env     env var holding the password (login)      / least
 *   device_name      initial_device_display_name ("faqbot")
 *   allow            ["@user:server", ":server", "server"]; [] = everyone
 *   group_mode       "mention" (default) or "all"
 *   command_prefix   "!faq" (always answered in groups)
 *   display_name     name that counts as a mention (default: profile)
 *   sync_timeout_ms  long-poll timeout (30000)
 *   backoff_initial_ms / backoff_max_ms   5xx/network backoff (1000/60000)
 *   max_response_bytes                    response cap (16 MiB)
 *   enabled, plugin  the host's keys
 */
#ifndef MX_CONFIG_H
#define MX_CONFIG_H

#include <stddef.h>

typedef struct mx_config {
    char *homeserver_url;
    char *user_id;
    char *token_env;
    char *password_env;
    char *device_name;
    char **allow;
    size_t n_allow;
    int group_all;          /* 1: answer every m.text in groups */
    char *command_prefix;
    char *display_name;     /* may be NULL */
    long sync_timeout_ms;
    long backoff_initial_ms;
    long backoff_max_ms;
    long max_response_bytes;
} mx_config;

/* Parse and validate.  Returns 0, or -1 with a one-line reason in err.
 * On success the caller frees with mx_config_free(). */
int mx_config_parse(const char *json, mx_config *out, char *err, size_t errlen);
void mx_config_free(mx_config *c);

/* 1 when user_id may invite the bot (allowlist empty, or the user or
 * their server is listed), else 0. */
int mx_config_allowed(const mx_config *c, const char *user_id);

/* The server part of a user id ("@a:b.org" -> "b.org"), or NULL. */
const char *mx_config_server_of(const char *user_id);

#endif
