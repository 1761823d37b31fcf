/*
 * tg-config.c - parse the telegram instance config and read the token.
 */
#include "tg-config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TG_TOKEN_MAX 256

static const char *const known_keys[] = {
    "enabled", "plugin", "token_env", "token_file", "api_url",
    "poll_timeout", "request_timeout", "skip_backlog",
    "answer_all_in_groups", "set_commands", "backoff_base_ms",
    "backoff_max_s", "max_message_chars", "max_response_bytes", "comment",
    "mode", "webhook_url", "webhook_listen", "webhook_port",
    "webhook_secret_env", NULL};

int tg_config_token_ok(const char *tok)
{
    const char *p = tok;
    if (!tok || !isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p++ != ':' || !*p || strlen(tok) > TG_TOKEN_MAX)
        return 0;
    for (; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
            return 0;
    return 1;
}

static int check_keys(json_t *root, char *err, size_t errlen)
{
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        size_t i;
        for (i = 0; known_keys[i]; i++)
            if (strcmp(key, known_keys[i]) == 0)
                break;
        if (!known_keys[i]) {
            if (strcmp(key, "token") == 0)
                snprintf(err, errlen, "a token inside the config is not "
                         "accepted: use token_env or token_file");
            else
                snprintf(err, errlen, "unknown key \"%s\"", key);
            return -1;
        }
    }
    return 0;
}

/* Read an integer key within [lo, hi] into *out (unchanged when absent). */
static int get_long(json_t *root, const char *key, long lo, long hi,
                    long *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(root, key);
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo ||
        json_integer_value(v) > hi) {
        snprintf(err, errlen, "\"%s\" must be an integer from %ld to %ld",
                 key, lo, hi);
        return -1;
    }
    *out = (long)json_integer_value(v);
    return 0;
}

static int get_bool(json_t *root, const char *key, int *out, char *err,
                    size_t errlen)
{
    json_t *v = json_object_get(root, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v)) {
        snprintf(err, errlen, "\"%s\" must be true or false", key);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

/* Returns the string value of key, def when absent, NULL (err set) when
 * it is not a non-empty string. */
static const char *get_str(json_t *root, const char *key, const char *def,
                           char *err, size_t errlen)
{
    json_t *v = json_object_get(root, key);
    if (!v || json_is_null(v))
        return def;
    if (!json_is_string(v) || json_string_length(v) == 0) {
        snprintf(err, errlen, "\"%s\" must be a non-empty string", key);
        return NULL;
    }
    return json_string_value(v);
}

/* Read the token file into a malloc'd, trimmed string (caller frees). */
static char *read_token_file(const char *path, char *err, size_t errlen)
{
    char buf[TG_TOKEN_MAX + 2];
    char *tok = NULL;
    struct stat st;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "token_file %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "token_file %s: not a regular file", path);
        goto done;
    }
    if (st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH)) {
        snprintf(err, errlen, "token_file %s is readable or writable by "
                 "group or others: chmod 600 it", path);
        goto done;
    }
    n = read(fd, buf, sizeof buf - 1);
    if (n < 0) {
        snprintf(err, errlen, "token_file %s: %s", path, strerror(errno));
        goto done;
    }
    buf[n] = '\0';
    while (n > 0 && isspace((unsigned char)buf[n - 1]))
        buf[--n] = '\0';
    tok = strdup(buf);
    if (!tok)
        snprintf(err, errlen, "out of memory");
done:
    close(fd);
    return tok;
}

static char *read_token(json_t *root, tg_config *c, char *err,
                        size_t errlen)
{
    const char *file = get_str(root, "token_file", "", err, errlen);
    const char *env = get_str(root, "token_env", TG_DEFAULT_TOKEN_ENV, err,
                              errlen);
    const char *val;
    char *tok;
    if (!file || !env)
        return NULL;
    if (*file) {
        tok = read_token_file(file, err, errlen);
    } else {
        val = getenv(env);
        if (!val || !*val) {
            snprintf(err, errlen, "environment variable %s is not set "
                     "(it should hold the bot token)", env);
            return NULL;
        }
        tok = strdup(val);
        if (!tok)
            snprintf(err, errlen, "out of memory");
    }
    if (tok && !tg_config_token_ok(tok)) {
        snprintf(err, errlen, "the bot token (from %s) is malformed: "
                 "expected <digits>:<letters>", *file ? "token_file" : env);
        free(tok);
        return NULL;
    }
    if (tok) {
        size_t n = strlen(*file ? file : env) + 2;
        c->token_from = malloc(n);
        if (!c->token_from) {
            snprintf(err, errlen, "out of memory");
            free(tok);
            return NULL;
        }
        snprintf(c->token_from, n, "%s%s", *file ? "" : "$", *file ? file
                 : env);
    }
    return tok;
}

static int parse_url(json_t *root, tg_config *c, char *err, size_t errlen)
{
    const char *url = get_str(root, "api_url", TG_DEFAULT_API_URL, err,
                              errlen);
    size_t n;
    if (!url)
        return -1;
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        snprintf(err, errlen, "\"api_url\" must start with http:// or "
                 "https://");
        return -1;
    }
    c->api_url = strdup(url);
    if (!c->api_url) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    n = strlen(c->api_url);
    while (n > 0 && c->api_url[n - 1] == '/')
        c->api_url[--n] = '\0';
    return 0;
}

static int parse_numbers(json_t *root, tg_config *c, char *err,
                         size_t errlen)
{
    long base = 500, max_s = 60, msg = 4096;
    long resp = 4L * 1024 * 1024;
    if (get_long(root, "poll_timeout", 0, 600, &c->poll_timeout, err,
                 errlen) ||
        get_long(root, "request_timeout", 1, 600, &c->request_timeout, err,
                 errlen) ||
        get_long(root, "backoff_base_ms", 1, 60000, &base, err, errlen) ||
        get_long(root, "backoff_max_s", 1, 3600, &max_s, err, errlen) ||
        get_long(root, "max_message_chars", 64, 4096, &msg, err, errlen) ||
        get_long(root, "max_response_bytes", 4096, 64L * 1024 * 1024, &resp,
                 err, errlen))
        return -1;
    c->backoff_base_ms = (unsigned)base;
    c->backoff_max_ms = (unsigned)(max_s * 1000);
    c->max_message = (size_t)msg;
    c->max_response = (size_t)resp;
    return 0;
}

/* 1 when s is a valid secret_token: 1-256 of A-Z a-z 0-9 _ - */
static int secret_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 256)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

static int dup_into(char **dst, const char *src, char *err, size_t errlen)
{
    *dst = strdup(src);
    if (!*dst)
        snprintf(err, errlen, "out of memory");
    return *dst ? 0 : -1;
}

static int parse_webhook(json_t *root, tg_config *c, char *err,
                         size_t errlen)
{
    const char *mode = get_str(root, "mode", "polling", err, errlen);
    const char *url, *listen, *senv, *secret;
    if (!mode)
        return -1;
    if (strcmp(mode, "polling") == 0)
        return 0;
    if (strcmp(mode, "webhook") != 0) {
        snprintf(err, errlen, "\"mode\" must be \"polling\" or \"webhook\"");
        return -1;
    }
    c->webhook = 1;
    c->webhook_port = 8443;
    url = get_str(root, "webhook_url", "", err, errlen);
    listen = get_str(root, "webhook_listen", "127.0.0.1", err, errlen);
    senv = get_str(root, "webhook_secret_env", "", err, errlen);
    if (!url || !listen || !senv ||
        get_long(root, "webhook_port", 0, 65535, &c->webhook_port, err,
                 errlen))
        return -1;
    if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) {
        snprintf(err, errlen, "webhook mode needs \"webhook_url\": the "
                 "https:// address Telegram posts updates to");
        return -1;
    }
    if (*senv) {
        secret = getenv(senv);
        if (!secret || !secret_ok(secret)) {
            snprintf(err, errlen, "environment variable %s must hold the "
                     "webhook secret (1-256 of A-Z a-z 0-9 _ -)", senv);
            return -1;
        }
        if (dup_into(&c->webhook_secret, secret, err, errlen))
            return -1;
    }
    return dup_into(&c->webhook_url, url, err, errlen) ||
           dup_into(&c->webhook_listen, listen, err, errlen) ? -1 : 0;
}

int tg_config_parse(const char *json, tg_config *out, char *err,
                    size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loads(json ? json : "{}", 0, &jerr);
    int rc = -1;
    memset(out, 0, sizeof *out);
    out->poll_timeout = 30;
    out->request_timeout = 15;
    out->skip_backlog = 1;
    out->set_commands = 1;
    if (!root || !json_is_object(root)) {
        snprintf(err, errlen, "config is not a JSON object");
        goto done;
    }
    if (check_keys(root, err, errlen) || parse_url(root, out, err, errlen) ||
        parse_numbers(root, out, err, errlen) ||
        get_bool(root, "skip_backlog", &out->skip_backlog, err, errlen) ||
        get_bool(root, "answer_all_in_groups", &out->answer_all_in_groups,
                 err, errlen) ||
        get_bool(root, "set_commands", &out->set_commands, err, errlen) ||
        parse_webhook(root, out, err, errlen))
        goto done;
    out->token = read_token(root, out, err, errlen);
    if (out->token)
        rc = 0;
done:
    if (rc != 0)
        tg_config_free(out);
    json_decref(root);
    return rc;
}

void tg_config_free(tg_config *c)
{
    if (!c)
        return;
    if (c->token) {
        /* wipe the secret before handing the memory back */
        volatile char *p = c->token;
        while (*p)
            *p++ = '\0';
        free(c->token);
    }
    free(c->api_url);
    free(c->token_from);
    free(c->webhook_url);
    free(c->webhook_listen);
    free(c->webhook_secret);
    c->webhook_url = c->webhook_listen = c->webhook_secret = NULL;
    c->token_from = NULL;
    c->token = NULL;
    c->api_url = NULL;
}
