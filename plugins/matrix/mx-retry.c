/*
 * mx-retry.c - when and how long to wait before retrying a request:
 * M_LIMIT_EXCEEDED waits what the server asked (Retry-After header or
 * retry_after_ms), 5xx and network errors back off exponentially with
 * jitter, capped at backoff_max_ms.
 */
#include <stdlib.h>

#include "mx-bot.h"

#define MX_MAX_RETRY_AFTER_MS 600000L

int mx_bot_stopping(mx_bot *b)
{
    return atomic_load(&b->stopping) || b->fatal ||
           (b->host->should_stop && b->host->should_stop(b->host));
}

unsigned mx_retry_backoff_ms(mx_bot *b, int attempt)
{
    unsigned long d = (unsigned long)b->cfg.backoff_initial_ms;
    for (int i = 0; i < attempt && d < (unsigned long)b->cfg.backoff_max_ms; i++)
        d *= 2;
    if (d > (unsigned long)b->cfg.backoff_max_ms)
        d = (unsigned long)b->cfg.backoff_max_ms;
    /* "equal jitter": half fixed, half random, so retries spread out */
    unsigned long half = d / 2;
    unsigned long r = half ? (unsigned long)rand_r(&b->seed) % (half + 1) : 0;
    return (unsigned)(d - half + r);
}

static void bad_token(mx_bot *b, const char *what, mx_result *r)
{
    int from_env = b->cfg.token_env && getenv(b->cfg.token_env) &&
                   getenv(b->cfg.token_env)[0];
    if (!b->fatal)
        b->host->log(b->host, FAQBOT_LOG_ERROR,
                     "the homeserver rejected the access token (%s) during %s; "
                     "stopping this plugin: %s%s",
                     r->errcode[0] ? r->errcode : "M_UNKNOWN_TOKEN", what,
                     from_env ? "put a valid access token in $" :
                                "restart to log in again with the password in $",
                     from_env ? b->cfg.token_env : b->cfg.password_env);
    b->fatal = 1;
}

int mx_retry_again(mx_bot *b, const char *what, mx_result *r, int attempt,
                   int max_attempts)
{
    if (r->status == MX_BAD_TOKEN) {
        bad_token(b, what, r);
        return 0;
    }
    if (r->status != MX_RETRY && r->status != MX_BAD_JSON)
        return 0;
    if (mx_bot_stopping(b) || (max_attempts && attempt + 1 >= max_attempts))
        return 0;
    long wait = r->retry_after_ms;
    int limited = r->http == 429;
    if (!limited || wait < 0)
        wait = (long)mx_retry_backoff_ms(b, attempt);
    if (wait > MX_MAX_RETRY_AFTER_MS)
        wait = MX_MAX_RETRY_AFTER_MS;
    b->host->log(b->host, limited ? FAQBOT_LOG_INFO : FAQBOT_LOG_WARN,
                 "%s: %s; retrying in %ld ms", what, r->error, wait);
    return b->host->sleep_ms(b->host, (unsigned)wait) ? 0 : !mx_bot_stopping(b);
}
