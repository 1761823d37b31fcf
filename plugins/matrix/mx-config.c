/*
 * mx-config.c - parse and validate the matrix instance config.
 */
#include "mx-config.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const known_keys[] = {
    "enabled", "plugin", "homeserver_url", "user_id", "token_env",
    "password_env", "device_name", "allow", "group_mode", "command_prefix",
    "display_name", "sync_timeout_ms", "backoff_initial_ms",
    "backoff_max_ms", "max_response_bytes", NULL};

static int bad(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

const char *mx_config_server_of(const char *user_id)
{
    if (!user_id || user_id[0] != '@')
        return NULL;
    const char *colon = strchr(user_id, ':');
    return colon && colon > user_id + 1 && colon[1] ? colon + 1 : NULL;
}

/* Optional string key: copies into *out (NULL when absent).  -1 on a
 * wrong type or OOM. */
static int get_str(json_t *o, const char *key, const char *def, char **out,
                   char *err, size_t errlen)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (v && !json_is_string(v) && !json_is_null(v))
        return bad(err, errlen, "matrix: \"%s\" must be a string", key);
    const char *s = json_is_string(v) ? json_string_value(v) : def;
    if (s && !(*out = strdup(s)))
        return bad(err, errlen, "matrix: out of memory");
    return 0;
}

static int get_long(json_t *o, const char *key, long def, long min, long max,
                    long *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(o, key);
    *out = def;
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min ||
        json_integer_value(v) > max)
        return bad(err, errlen, "matrix: \"%s\" must be an integer in %ld..%ld",
                   key, min, max);
    *out = (long)json_integer_value(v);
    return 0;
}

static int check_keys(json_t *o, char *err, size_t errlen)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        size_t i = 0;
        while (known_keys[i] && strcmp(known_keys[i], key))
            i++;
        if (!known_keys[i])
            return bad(err, errlen, "matrix: unknown config key \"%s\"", key);
    }
    return 0;
}

static int parse_allow(json_t *o, mx_config *c, char *err, size_t errlen)
{
    json_t *arr = json_object_get(o, "allow"), *v;
    size_t i;
    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return bad(err, errlen, "matrix: \"allow\" must be an array of user ids or server names");
    c->allow = calloc(json_array_size(arr) + 1, sizeof(char *));
    if (!c->allow)
        return bad(err, errlen, "matrix: out of memory");
    json_array_foreach(arr, i, v) {
        const char *s = json_string_value(v);
        if (!s || !s[0] || strchr(s, ' ') ||
            (s[0] == '@' && !mx_config_server_of(s)))
            return bad(err, errlen, "matrix: allow[%zu] must be \"@user:server\", \":server\" or \"server\"", i);
        if (!(c->allow[c->n_allow++] = strdup(s)))
            return bad(err, errlen, "matrix: out of memory");
    }
    return 0;
}

static int check_url(const char *u, char *err, size_t errlen)
{
    if (!u)
        return bad(err, errlen, "matrix: \"homeserver_url\" is required (e.g. \"https://matrix.example.org\")");
    size_t skip = !strncmp(u, "https://", 8) ? 8 : !strncmp(u, "http://", 7) ? 7 : 0;
    if (!skip || !u[skip] || u[skip] == '/' || strpbrk(u, " ?#"))
        return bad(err, errlen, "matrix: \"homeserver_url\" must be an http:// or https:// URL without query, got \"%.80s\"", u);
    return 0;
}

static int parse_fields(json_t *o, mx_config *c, char *err, size_t errlen)
{
    char *mode = NULL;
    int rc = -1;
    if (get_str(o, "homeserver_url", NULL, &c->homeserver_url, err, errlen) ||
        get_str(o, "user_id", NULL, &c->user_id, err, errlen) ||
        get_str(o, "token_env", NULL, &c->token_env, err, errlen) ||
        get_str(o, "password_env", NULL, &c->password_env, err, errlen) ||
        get_str(o, "device_name", "faqbot", &c->device_name, err, errlen) ||
        get_str(o, "command_prefix", "!faq", &c->command_prefix, err, errlen) ||
        get_str(o, "display_name", NULL, &c->display_name, err, errlen) ||
        get_str(o, "group_mode", "mention", &mode, err, errlen) ||
        get_long(o, "sync_timeout_ms", 30000, 0, 300000, &c->sync_timeout_ms, err, errlen) ||
        get_long(o, "backoff_initial_ms", 1000, 1, 600000, &c->backoff_initial_ms, err, errlen) ||
        get_long(o, "backoff_max_ms", 60000, 1, 3600000, &c->backoff_max_ms, err, errlen) ||
        get_long(o, "max_response_bytes", 16L << 20, 4096, 1L << 30, &c->max_response_bytes, err, errlen) ||
        parse_allow(o, c, err, errlen))
        goto done;
    if (strcmp(mode, "mention") && strcmp(mode, "all")) {
        bad(err, errlen, "matrix: \"group_mode\" must be \"mention\" or \"all\"");
        goto done;
    }
    c->group_all = !strcmp(mode, "all");
    rc = 0;
done:
    free(mode);
    return rc;
}

static int check_fields(const mx_config *c, char *err, size_t errlen)
{
    if (check_url(c->homeserver_url, err, errlen))
        return -1;
    if (!c->user_id || !mx_config_server_of(c->user_id))
        return bad(err, errlen, "matrix: \"user_id\" must be a full Matrix user id like \"@faqbot:example.org\"");
    if (!c->token_env && !c->password_env)
        return bad(err, errlen, "matrix: set \"token_env\" (env var with an access token) or \"password_env\" (env var with the password)");
    if ((c->token_env && !c->token_env[0]) || (c->password_env && !c->password_env[0]))
        return bad(err, errlen, "matrix: \"token_env\"/\"password_env\" must name an environment variable");
    if (!c->command_prefix[0] || strchr(c->command_prefix, ' '))
        return bad(err, errlen, "matrix: \"command_prefix\" must be one non-empty word");
    if (c->backoff_initial_ms > c->backoff_max_ms)
        return bad(err, errlen, "matrix: \"backoff_initial_ms\" must not exceed \"backoff_max_ms\"");
    return 0;
}

int mx_config_parse(const char *json, mx_config *out, char *err, size_t errlen)
{
    json_error_t jerr;
    memset(out, 0, sizeof(*out));
    json_t *o = json_loads(json ? json : "", 0, &jerr);
    int rc = -1;
    if (!json_is_object(o)) {
        bad(err, errlen, "matrix: config is not a JSON object (%s)",
            o ? "wrong type" : jerr.text);
        goto done;
    }
    if (check_keys(o, err, errlen) || parse_fields(o, out, err, errlen) ||
        check_fields(out, err, errlen))
        goto done;
    rc = 0;
done:
    json_decref(o);
    if (rc)
        mx_config_free(out);
    return rc;
}

void mx_config_free(mx_config *c)
{
    free(c->homeserver_url);
    free(c->user_id);
    free(c->token_env);
    free(c->password_env);
    free(c->device_name);
    free(c->command_prefix);
    free(c->display_name);
    for (size_t i = 0; i < c->n_allow; i++)
        free(c->allow[i]);
    free(c->allow);
    memset(c, 0, sizeof(*c));
}

int mx_config_allowed(const mx_config *c, const char *user_id)
{
    const char *server = mx_config_server_of(user_id);
    if (c->n_allow == 0)
        return 1;
    for (size_t i = 0; i < c->n_allow; i++) {
        const char *a = c->allow[i];
        if (a[0] == '@' && user_id && !strcmp(a, user_id))
            return 1;
        if (a[0] != '@' && server && !strcmp(a[0] == ':' ? a + 1 : a, server))
            return 1;
    }
    return 0;
}
