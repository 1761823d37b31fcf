/* test-mx-retry.c - the retry policy with a fake host: Retry-After and
 * retry_after_ms for 429, capped exponential backoff with jitter for 5xx
 * and network errors, no retry for 4xx, one line and stop for a rejected
 * token. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mx-bot.h"

static char logbuf[4096];
static int log_lines;
static unsigned slept[64];
static int n_sleeps;
static int stop_now;

static void fake_log(faqbot_host *h, int level, const char *fmt, ...)
{
    va_list ap;
    size_t used = strlen(logbuf);
    va_start(ap, fmt);
    vsnprintf(logbuf + used, sizeof(logbuf) - used, fmt, ap);
    va_end(ap);
    used = strlen(logbuf);
    if (used + 1 < sizeof(logbuf))
        strcat(logbuf, "\n");
    log_lines++;
}

static int fake_sleep(faqbot_host *h, unsigned ms)
{
    if (n_sleeps < 64)
        slept[n_sleeps++] = ms;
    return 0;
}

static int fake_should_stop(faqbot_host *h) { return stop_now; }

static faqbot_host host = {
    .struct_size = sizeof(faqbot_host), .abi_version = FAQBOT_PLUGIN_ABI,
    .instance = "matrix", .log = fake_log, .sleep_ms = fake_sleep,
    .should_stop = fake_should_stop};

static mx_bot bot(long initial, long max)
{
    mx_bot b;
    memset(&b, 0, sizeof(b));
    b.host = &host;
    b.cfg.backoff_initial_ms = initial;
    b.cfg.backoff_max_ms = max;
    b.cfg.token_env = "MX_TEST_TOKEN_ENV";
    b.seed = 42;
    logbuf[0] = '\0';
    log_lines = n_sleeps = stop_now = 0;
    return b;
}

static mx_result res(int status, long http, long retry_after)
{
    mx_result r;
    memset(&r, 0, sizeof(r));
    r.status = status;
    r.http = http;
    r.retry_after_ms = retry_after;
    snprintf(r.error, sizeof(r.error), "HTTP %ld", http);
    return r;
}

Test(mx_retry, backoff_is_exponential_capped_and_jittered)
{
    mx_bot b = bot(100, 1000);
    unsigned lo = ~0u, hi = 0;
    for (int i = 0; i < 200; i++) {
        unsigned d0 = mx_retry_backoff_ms(&b, 0);
        cr_assert(d0 >= 50 && d0 <= 100, "attempt 0: %u", d0);
        unsigned d2 = mx_retry_backoff_ms(&b, 2);
        cr_assert(d2 >= 200 && d2 <= 400, "attempt 2: %u", d2);
        unsigned d9 = mx_retry_backoff_ms(&b, 9);
        cr_assert(d9 >= 500 && d9 <= 1000, "attempt 9: %u", d9);
        unsigned d99 = mx_retry_backoff_ms(&b, 99);
        cr_assert(d99 >= 500 && d99 <= 1000, "attempt 99: %u", d99);
        lo = d9 < lo ? d9 : lo;
        hi = d9 > hi ? d9 : hi;
    }
    cr_assert_gt(hi - lo, 100, "no jitter: %u..%u", lo, hi);
}

Test(mx_retry, rate_limit_waits_what_the_server_says)
{
    mx_bot b = bot(100, 1000);
    mx_result r = res(MX_RETRY, 429, 1234);
    strcpy(r.errcode, "M_LIMIT_EXCEEDED");
    cr_assert_eq(mx_retry_again(&b, "send", &r, 0, 0), 1);
    cr_assert_eq(n_sleeps, 1);
    cr_assert_eq(slept[0], 1234);
    r.retry_after_ms = 99999999; /* capped at 10 minutes */
    cr_assert_eq(mx_retry_again(&b, "send", &r, 1, 0), 1);
    cr_assert_eq(slept[1], 600000);
    r.retry_after_ms = -1;       /* no hint: backoff */
    cr_assert_eq(mx_retry_again(&b, "send", &r, 0, 0), 1);
    cr_assert(slept[2] >= 50 && slept[2] <= 100);
    cr_assert(strstr(logbuf, "retrying in 1234 ms"), "%s", logbuf);
}

Test(mx_retry, server_errors_back_off_until_max_attempts)
{
    mx_bot b = bot(100, 1000);
    mx_result r = res(MX_RETRY, 502, 5000); /* a 5xx Retry-After is not a rate limit */
    cr_assert_eq(mx_retry_again(&b, "sync", &r, 3, 0), 1);
    cr_assert(slept[0] >= 400 && slept[0] <= 800, "%u", slept[0]);
    cr_assert_eq(mx_retry_again(&b, "send", &r, 7, 8), 0);
    cr_assert_eq(n_sleeps, 1);
    r = res(MX_BAD_JSON, 200, -1);
    cr_assert_eq(mx_retry_again(&b, "send", &r, 0, 8), 1);
}

Test(mx_retry, client_errors_and_success_are_not_retried)
{
    mx_bot b = bot(100, 1000);
    mx_result r = res(MX_FAIL, 403, -1);
    cr_assert_eq(mx_retry_again(&b, "send", &r, 0, 0), 0);
    r = res(MX_OK, 200, -1);
    cr_assert_eq(mx_retry_again(&b, "send", &r, 0, 0), 0);
    r = res(MX_ABORTED, 0, -1);
    cr_assert_eq(mx_retry_again(&b, "send", &r, 0, 0), 0);
    cr_assert_eq(n_sleeps, 0);
    cr_assert_eq(log_lines, 0);
}

Test(mx_retry, shutdown_stops_retrying)
{
    mx_bot b = bot(100, 1000);
    mx_result r = res(MX_RETRY, 500, -1);
    stop_now = 1;
    cr_assert_eq(mx_retry_again(&b, "sync", &r, 0, 0), 0);
    cr_assert_eq(n_sleeps, 0);
}

Test(mx_retry, rejected_token_is_one_line_and_fatal)
{
    mx_bot b = bot(100, 1000);
    setenv("MX_TEST_TOKEN_ENV", "tok", 1);
    mx_result r = res(MX_BAD_TOKEN, 401, -1);
    strcpy(r.errcode, "M_UNKNOWN_TOKEN");
    cr_assert_eq(mx_retry_again(&b, "sync", &r, 0, 0), 0);
    cr_assert_eq(mx_retry_again(&b, "send", &r, 0, 0), 0);
    cr_assert_eq(b.fatal, 1);
    cr_assert_eq(log_lines, 1);
    cr_assert_str_eq(logbuf, "the homeserver rejected the access token (M_UNKNOWN_TOKEN) during sync; "
                             "stopping this plugin: put a valid access token in $MX_TEST_TOKEN_ENV\n");
    cr_assert_eq(mx_bot_stopping(&b), 1);
}
