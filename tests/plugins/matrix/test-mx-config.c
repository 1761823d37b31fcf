/* test-mx-config.c - config validation with one-line errors, defaults,
 * and the invite allowlist. */
#include <criterion/criterion.h>
#include <string.h>

#include "mx-config.h"

#define BASE "\"homeserver_url\":\"http://127.0.0.1:8008\",\"user_id\":\"@faqbot:localhost\""

static void fails(const char *json, const char *want)
{
    mx_config c;
    char err[256] = "";
    cr_assert_eq(mx_config_parse(json, &c, err, sizeof(err)), -1, "%s", json);
    cr_assert(strstr(err, want), "error '%s' lacks '%s'", err, want);
    cr_assert_null(strchr(err, '\n'));
    cr_assert_eq(strncmp(err, "matrix: ", 8), 0);
}

Test(mx_config, minimal_config_gets_defaults)
{
    mx_config c;
    char err[256] = "";
    cr_assert_eq(mx_config_parse("{" BASE ",\"token_env\":\"TOK\",\"enabled\":true}", &c,
                                 err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(c.homeserver_url, "http://127.0.0.1:8008");
    cr_assert_str_eq(c.user_id, "@faqbot:localhost");
    cr_assert_str_eq(c.token_env, "TOK");
    cr_assert_null(c.password_env);
    cr_assert_str_eq(c.device_name, "faqbot");
    cr_assert_str_eq(c.command_prefix, "!faq");
    cr_assert_null(c.display_name);
    cr_assert_eq(c.group_all, 0);
    cr_assert_eq(c.n_allow, 0);
    cr_assert_eq(c.sync_timeout_ms, 30000);
    cr_assert_eq(c.backoff_initial_ms, 1000);
    cr_assert_eq(c.backoff_max_ms, 60000);
    cr_assert_eq(c.max_response_bytes, 16L << 20);
    mx_config_free(&c);
}

Test(mx_config, full_config)
{
    mx_config c;
    char err[256] = "";
    const char *json = "{" BASE ",\"password_env\":\"PW\",\"allow\":[\"@mum:example.org\","
                       "\":parents.org\",\"home.net\"],\"group_mode\":\"all\","
                       "\"command_prefix\":\"!ask\",\"display_name\":\"Helper\","
                       "\"sync_timeout_ms\":1000,\"backoff_initial_ms\":10,"
                       "\"backoff_max_ms\":20,\"max_response_bytes\":65536,"
                       "\"device_name\":\"bot box\",\"plugin\":\"matrix\"}";
    cr_assert_eq(mx_config_parse(json, &c, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(c.group_all, 1);
    cr_assert_str_eq(c.command_prefix, "!ask");
    cr_assert_str_eq(c.display_name, "Helper");
    cr_assert_eq(c.n_allow, 3);
    cr_assert_eq(mx_config_allowed(&c, "@mum:example.org"), 1);
    cr_assert_eq(mx_config_allowed(&c, "@dad:example.org"), 0);
    cr_assert_eq(mx_config_allowed(&c, "@anyone:parents.org"), 1);
    cr_assert_eq(mx_config_allowed(&c, "@x:home.net"), 1);
    cr_assert_eq(mx_config_allowed(&c, "@x:evil.home.net"), 0);
    cr_assert_eq(mx_config_allowed(&c, NULL), 0);
    mx_config_free(&c);
}

Test(mx_config, empty_allowlist_accepts_everyone)
{
    mx_config c;
    char err[256];
    cr_assert_eq(mx_config_parse("{" BASE ",\"token_env\":\"T\",\"allow\":[]}", &c, err, sizeof(err)), 0);
    cr_assert_eq(mx_config_allowed(&c, "@anyone:anywhere.org"), 1);
    cr_assert_eq(mx_config_allowed(&c, NULL), 1);
    mx_config_free(&c);
}

Test(mx_config, errors_are_one_clear_line)
{
    fails("not json", "not a JSON object");
    fails("[]", "not a JSON object");
    fails("{\"user_id\":\"@a:b\",\"token_env\":\"T\"}", "\"homeserver_url\" is required");
    fails("{\"homeserver_url\":\"ftp://x\",\"user_id\":\"@a:b\",\"token_env\":\"T\"}", "http:// or https://");
    fails("{\"homeserver_url\":\"http://\",\"user_id\":\"@a:b\",\"token_env\":\"T\"}", "http:// or https://");
    fails("{\"homeserver_url\":\"http://h/?q\",\"user_id\":\"@a:b\",\"token_env\":\"T\"}", "without query");
    fails("{\"homeserver_url\":\"http://h\",\"user_id\":\"faqbot\",\"token_env\":\"T\"}", "full Matrix user id");
    fails("{\"homeserver_url\":\"http://h\",\"user_id\":\"@faqbot:\",\"token_env\":\"T\"}", "full Matrix user id");
    fails("{" BASE "}", "\"token_env\"");
    fails("{" BASE ",\"token_env\":\"\"}", "must name an environment variable");
    fails("{" BASE ",\"token_env\":5}", "\"token_env\" must be a string");
    fails("{" BASE ",\"token_env\":\"T\",\"tokn_env\":\"T\"}", "unknown config key \"tokn_env\"");
    fails("{" BASE ",\"token_env\":\"T\",\"allow\":\"@a:b\"}", "\"allow\" must be an array");
    fails("{" BASE ",\"token_env\":\"T\",\"allow\":[\"@nobody\"]}", "allow[0]");
    fails("{" BASE ",\"token_env\":\"T\",\"allow\":[3]}", "allow[0]");
    fails("{" BASE ",\"token_env\":\"T\",\"group_mode\":\"loud\"}", "\"group_mode\"");
    fails("{" BASE ",\"token_env\":\"T\",\"command_prefix\":\"\"}", "\"command_prefix\"");
    fails("{" BASE ",\"token_env\":\"T\",\"sync_timeout_ms\":-1}", "\"sync_timeout_ms\" must be an integer in 0..300000");
    fails("{" BASE ",\"token_env\":\"T\",\"sync_timeout_ms\":\"30s\"}", "\"sync_timeout_ms\"");
    fails("{" BASE ",\"token_env\":\"T\",\"backoff_initial_ms\":500,\"backoff_max_ms\":100}", "must not exceed");
}

Test(mx_config, server_of_user_id)
{
    cr_assert_str_eq(mx_config_server_of("@a:example.org"), "example.org");
    cr_assert_str_eq(mx_config_server_of("@a:h:8448"), "h:8448");
    cr_assert_null(mx_config_server_of("a:example.org"));
    cr_assert_null(mx_config_server_of("@:example.org"));
    cr_assert_null(mx_config_server_of(NULL));
}
