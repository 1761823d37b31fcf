/*
 * mx-auth.c - get a working access token: from the environment, or from
 * the plugin's saved state (token + device id of an earlier password
 * login, so restarts reuse the same device and its txnId space), or by
 * m.login.password.  Checked with GET /account/whoami.
 */
#include <stdlib.h>
#include <string.h>

#include "mx-bot.h"

/* whoami with retries.  Returns MX_OK, MX_BAD_TOKEN, or another status
 * (logged) when the homeserver could not be asked. */
static int whoami(mx_bot *b, int quiet_bad_token)
{
    mx_result r = {0};
    int st;
    for (int attempt = 0;; attempt++) {
        st = mx_api_whoami(b->api, &r);
        if ((st == MX_BAD_TOKEN && quiet_bad_token) ||
            !mx_retry_again(b, "whoami", &r, attempt, 0))
            break;
    }
    if (st == MX_OK) {
        const char *uid = json_string_value(json_object_get(r.json, "user_id"));
        if (uid && strcmp(uid, b->cfg.user_id))
            b->host->log(b->host, FAQBOT_LOG_WARN,
                         "the token belongs to %s, not to the configured user_id %s",
                         uid, b->cfg.user_id);
        b->host->log(b->host, FAQBOT_LOG_INFO, "logged in as %s",
                     uid ? uid : b->cfg.user_id);
    } else if (st != MX_BAD_TOKEN && !mx_bot_stopping(b)) {
        b->host->log(b->host, FAQBOT_LOG_ERROR, "whoami failed: %s", r.error);
    }
    mx_result_clear(&r);
    return st;
}

static int use_token(mx_bot *b, const char *token)
{
    b->host->add_secret(b->host, token);
    return mx_api_set_token(b->api, token);
}

/* m.login.password, then save token + device id.  Returns 0 or -1. */
static int password_login(mx_bot *b, const char *device_id)
{
    const char *pw = getenv(b->cfg.password_env);
    mx_result r = {0};
    int rc = -1, st;
    if (!pw || !pw[0]) {
        b->host->log(b->host, FAQBOT_LOG_ERROR,
                     "environment variable %s (password_env) is not set",
                     b->cfg.password_env);
        return -1;
    }
    b->host->add_secret(b->host, pw);
    if (mx_api_set_token(b->api, NULL))
        return -1;
    for (int attempt = 0;; attempt++) {
        st = mx_api_login(b->api, b->cfg.user_id, pw, device_id,
                          b->cfg.device_name, &r);
        if (!mx_retry_again(b, "login", &r, attempt, 0))
            break;
    }
    const char *tok = json_string_value(json_object_get(r.json, "access_token"));
    const char *dev = json_string_value(json_object_get(r.json, "device_id"));
    if (st != MX_OK || !tok || !dev) {
        b->host->log(b->host, FAQBOT_LOG_ERROR, "password login as %s failed: %s",
                     b->cfg.user_id, st == MX_OK ? "no access_token/device_id in the answer" : r.error);
        goto done;
    }
    if (use_token(b, tok) || b->host->state_set(b->host, "device_id", dev) ||
        b->host->state_set(b->host, "access_token", tok))
        goto done;
    b->host->log(b->host, FAQBOT_LOG_INFO, "password login done, device %s", dev);
    rc = 0;
done:
    mx_result_clear(&r);
    return rc;
}

static void fetch_display_name(mx_bot *b)
{
    mx_result r = {0};
    if (b->cfg.display_name) {
        b->display_name = strdup(b->cfg.display_name);
        return;
    }
    if (mx_api_displayname(b->api, b->cfg.user_id, &r) == MX_OK) {
        const char *dn = json_string_value(json_object_get(r.json, "displayname"));
        if (dn && dn[0])
            b->display_name = strdup(dn);
    }
    mx_result_clear(&r);
}

/* Token from the saved state, else a fresh password login. */
static int start_with_password(mx_bot *b)
{
    char *tok = b->host->state_get(b->host, "access_token");
    char *dev = b->host->state_get(b->host, "device_id");
    int rc = -1;
    if (tok && tok[0]) {
        if (use_token(b, tok))
            goto done;
        int st = whoami(b, 1);
        if (st == MX_OK) {
            rc = 0;
            goto done;
        }
        if (st != MX_BAD_TOKEN)
            goto done;
        b->host->log(b->host, FAQBOT_LOG_WARN,
                     "the saved access token was rejected; logging in again");
    }
    if (password_login(b, dev) == 0 && whoami(b, 0) == MX_OK)
        rc = 0;
done:
    b->host->free(tok);
    b->host->free(dev);
    return rc;
}

int mx_auth_start(mx_bot *b)
{
    const char *tok = b->cfg.token_env ? getenv(b->cfg.token_env) : NULL;
    int rc;
    if (tok && tok[0]) {
        if (use_token(b, tok))
            return -1;
        rc = whoami(b, 0) == MX_OK ? 0 : -1;
    } else {
        rc = start_with_password(b);
    }
    if (rc == 0)
        fetch_display_name(b);
    return rc;
}
