/* Unit tests for plugins/telegram/tg-config.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tg-config.h"

#define TOKEN "123456:AAHfakeTOKENfor-tests_only"

static int parse(const char *json, tg_config *c, char *err)
{
    return tg_config_parse(json, c, err, 200);
}

Test(tg_config, defaults_with_env_token)
{
    tg_config c;
    char err[200] = "";
    setenv("TELEGRAM_BOT_TOKEN", TOKEN, 1);
    cr_assert_eq(parse("{\"enabled\":true}", &c, err), 0, "%s", err);
    cr_assert_str_eq(c.token, TOKEN);
    cr_assert_str_eq(c.token_from, "$TELEGRAM_BOT_TOKEN");
    cr_assert_str_eq(c.api_url, "https://api.telegram.org");
    cr_assert_eq(c.poll_timeout, 30);
    cr_assert_eq(c.skip_backlog, 1);
    cr_assert_eq(c.answer_all_in_groups, 0);
    cr_assert_eq(c.backoff_max_ms, 60000);
    cr_assert_eq(c.max_message, 4096);
    cr_assert_eq(c.max_response, 4 * 1024 * 1024);
    tg_config_free(&c);
}

Test(tg_config, options_and_trailing_slash)
{
    tg_config c;
    char err[200] = "";
    setenv("MY_TG", TOKEN, 1);
    cr_assert_eq(parse("{\"token_env\":\"MY_TG\",\"api_url\":"
                       "\"http://127.0.0.1:9/\",\"poll_timeout\":2,"
                       "\"answer_all_in_groups\":true,\"skip_backlog\":false,"
                       "\"backoff_max_s\":5}", &c, err), 0, "%s", err);
    cr_assert_str_eq(c.api_url, "http://127.0.0.1:9");
    cr_assert_eq(c.poll_timeout, 2);
    cr_assert_eq(c.answer_all_in_groups, 1);
    cr_assert_eq(c.skip_backlog, 0);
    cr_assert_eq(c.backoff_max_ms, 5000);
    tg_config_free(&c);
}

Test(tg_config, refusals_are_one_line_and_secret_free)
{
    static const struct { const char *json, *want; } cases[] = {
        {"{\"tokn_env\":\"X\"}", "unknown key \"tokn_env\""},
        {"{\"token\":\"" TOKEN "\"}", "a token inside the config is not "
         "accepted: use token_env or token_file"},
        {"{\"token_env\":\"NOT_SET_ANYWHERE\"}", "environment variable "
         "NOT_SET_ANYWHERE is not set (it should hold the bot token)"},
        {"{\"api_url\":\"ftp://x\"}", "\"api_url\" must start with http:// "
         "or https://"},
        {"{\"poll_timeout\":-1}", "\"poll_timeout\" must be an integer from "
         "0 to 600"},
        {"{\"skip_backlog\":1}", "\"skip_backlog\" must be true or false"},
        {"[1]", "config is not a JSON object"},
        {"{bad", "config is not a JSON object"}};
    setenv("TELEGRAM_BOT_TOKEN", TOKEN, 1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tg_config c;
        char err[200] = "";
        cr_assert_eq(parse(cases[i].json, &c, err), -1, "%s", cases[i].json);
        cr_assert_str_eq(err, cases[i].want);
        cr_assert_null(strstr(err, "AAHfake"));
    }
}

Test(tg_config, malformed_token_is_refused_without_echo)
{
    tg_config c;
    char err[200] = "";
    setenv("TELEGRAM_BOT_TOKEN", "12345:abc/../x?y", 1);
    cr_assert_eq(parse("{}", &c, err), -1);
    cr_assert_str_eq(err, "the bot token (from TELEGRAM_BOT_TOKEN) is "
                     "malformed: expected <digits>:<letters>");
}

static char *token_file(mode_t mode)
{
    static char path[] = "/tmp/tg-token-XXXXXX";
    strcpy(path, "/tmp/tg-token-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, TOKEN "\n", strlen(TOKEN) + 1),
                 (ssize_t)strlen(TOKEN) + 1);
    close(fd);
    cr_assert_eq(chmod(path, mode), 0);
    return path;
}

Test(tg_config, token_file_private_is_read_and_trimmed)
{
    tg_config c;
    char err[200] = "", json[200];
    char *path = token_file(0600);
    snprintf(json, sizeof json, "{\"token_file\":\"%s\"}", path);
    cr_assert_eq(parse(json, &c, err), 0, "%s", err);
    cr_assert_str_eq(c.token, TOKEN);
    cr_assert_str_eq(c.token_from, path);
    tg_config_free(&c);
    unlink(path);
}

Test(tg_config, token_file_readable_by_others_is_refused)
{
    tg_config c;
    char err[200] = "", json[200], want[200];
    char *path = token_file(0644);
    snprintf(json, sizeof json, "{\"token_file\":\"%s\"}", path);
    cr_assert_eq(parse(json, &c, err), -1);
    snprintf(want, sizeof want, "token_file %s is readable or writable by "
             "group or others: chmod 600 it", path);
    cr_assert_str_eq(err, want);
    unlink(path);
}

Test(tg_config, token_shape)
{
    cr_assert_eq(tg_config_token_ok(TOKEN), 1);
    cr_assert_eq(tg_config_token_ok("123:"), 0);
    cr_assert_eq(tg_config_token_ok(":abc"), 0);
    cr_assert_eq(tg_config_token_ok("12a:abc"), 0);
    cr_assert_eq(tg_config_token_ok("12:ab c"), 0);
    cr_assert_eq(tg_config_token_ok(NULL), 0);
}

Test(tg_config, webhook_mode)
{
    tg_config c;
    char err[200] = "";
    setenv("TELEGRAM_BOT_TOKEN", TOKEN, 1);
    cr_assert_eq(parse("{\"mode\":\"webhook\",\"webhook_url\":"
                       "\"https://bot.example/tg\",\"webhook_port\":9000}",
                       &c, err), 0, "%s", err);
    cr_assert_eq(c.webhook, 1);
    cr_assert_str_eq(c.webhook_url, "https://bot.example/tg");
    cr_assert_str_eq(c.webhook_listen, "127.0.0.1");
    cr_assert_eq(c.webhook_port, 9000);
    cr_assert_null(c.webhook_secret);
    tg_config_free(&c);
    cr_assert_eq(parse("{\"mode\":\"webhook\"}", &c, err), -1);
    cr_assert_str_eq(err, "webhook mode needs \"webhook_url\": the https:// "
                     "address Telegram posts updates to");
    cr_assert_eq(parse("{\"mode\":\"push\"}", &c, err), -1);
    cr_assert_str_eq(err, "\"mode\" must be \"polling\" or \"webhook\"");
    setenv("TG_HOOK_SECRET", "bad secret!", 1);
    cr_assert_eq(parse("{\"mode\":\"webhook\",\"webhook_url\":\"https://b/\","
                       "\"webhook_secret_env\":\"TG_HOOK_SECRET\"}", &c, err),
                 -1);
    cr_assert_str_eq(err, "environment variable TG_HOOK_SECRET must hold the "
                     "webhook secret (1-256 of A-Z a-z 0-9 _ -)");
    cr_assert_null(strstr(err, "bad secret"));
}
