/* test-util.c - UTF-8 cleaning, log redaction, the flood guard. */
#include <criterion/criterion.h>

#include "log.h"
#include "ratelimit.h"
#include "sbuf.h"
#include "utf8.h"

#include <string.h>

Test(utf8, invalid_bytes_become_replacement_chars)
{
    sbuf b;
    sbuf_init(&b);
    const char in[] = "ok\xC3\x28 b\xE9\xE9 \xF0\x9F\x98\x80";
    cr_assert_eq(utf8_sanitize(in, strlen(in), &b), 3);
    cr_assert_str_eq(sbuf_str(&b), "ok\xEF\xBF\xBD( b\xEF\xBF\xBD\xEF\xBF\xBD \xF0\x9F\x98\x80");
    sbuf_free(&b);
}

Test(utf8, control_characters_become_spaces)
{
    sbuf b;
    sbuf_init(&b);
    const char in[] = "a\x01" "b\x1b[31mc\nd";
    cr_assert_eq(utf8_sanitize(in, strlen(in), &b), 2);
    cr_assert_str_eq(sbuf_str(&b), "a b [31mc\nd");
    sbuf_free(&b);
}

Test(log, registered_secret_is_redacted)
{
    char line[256] = "GET https://x/botSECRET-abc-123/getMe failed: SECRET-abc-123";
    log_add_secret("SECRET-abc-123");
    log_redact(line, sizeof line);
    cr_assert_null(strstr(line, "SECRET"));
    cr_assert_str_eq(line, "GET https://x/bot[redacted]/getMe failed: [redacted]");
    log_shutdown();
}

Test(log, token_shaped_strings_are_redacted)
{
    char line[256] = "url /bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getUpdates";
    log_redact(line, sizeof line);
    cr_assert_str_eq(line, "url /bot[redacted]/getUpdates");
}

Test(ratelimit, one_notice_per_burst_then_silence)
{
    ratelimit *rl = ratelimit_new(3, 0);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(ratelimit_check(rl, "ann", 100), RL_OK);
    cr_assert_eq(ratelimit_check(rl, "ann", 100), RL_REFUSED_FIRST);
    cr_assert_eq(ratelimit_check(rl, "ann", 101), RL_REFUSED);
    cr_assert_eq(ratelimit_check(rl, "bob", 101), RL_OK, "others unaffected");
    cr_assert_eq(ratelimit_check(rl, "ann", 161), RL_OK, "new window");
    ratelimit_free(rl);
}

Test(ratelimit, global_ceiling)
{
    ratelimit *rl = ratelimit_new(0, 2);
    cr_assert_eq(ratelimit_check(rl, "a", 5), RL_OK);
    cr_assert_eq(ratelimit_check(rl, "b", 5), RL_OK);
    cr_assert_eq(ratelimit_check(rl, "c", 5), RL_REFUSED);
    ratelimit_free(rl);
}
