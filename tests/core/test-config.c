/* test-config.c - config parsing and every kind of config error. */
#include <criterion/criterion.h>

#include "config.h"

#include <stdio.h>
#include <string.h>

static int has_error(const config_errors *e, const char *needle)
{
    for (size_t i = 0; i < e->count; i++)
        if (strstr(e->lines[i], needle))
            return 1;
    return 0;
}

Test(config, builtin_default_enables_only_console)
{
    config c;
    config_errors e;
    cr_assert_eq(config_load(NULL, &c, &e), 0);
    cr_assert_eq(c.n_plugins, 1);
    cr_assert_str_eq(c.plugins[0].instance, "console");
    cr_assert_str_eq(c.plugins[0].plugin, "console");
    cr_assert_eq(c.plugins[0].enabled, 1);
    cr_assert_eq(c.max_message_bytes, 4096);
    config_free(&c);
}

Test(config, plugin_object_is_passed_whole)
{
    config c;
    config_errors e;
    const char *t = "{\"plugins\":{\"tg\":{\"plugin\":\"telegram\",\"enabled\":false,"
                    "\"api_url\":\"http://127.0.0.1:1\"}}}";
    cr_assert_eq(config_load_text(t, "t", &c, &e), 0);
    const config_plugin *p = config_find_plugin(&c, "tg");
    cr_assert_not_null(p);
    cr_assert_str_eq(p->plugin, "telegram");
    cr_assert_eq(p->enabled, 0);
    cr_assert(strstr(p->json, "\"api_url\":\"http://127.0.0.1:1\"") != NULL);
    config_free(&c);
}

Test(config, syntax_error_names_line)
{
    config c;
    config_errors e;
    cr_assert_eq(config_load_text("{\n\"log\": {,}\n}", "bad.json", &c, &e), -1);
    cr_assert_eq(e.count, 1);
    cr_assert(strncmp(e.lines[0], "bad.json:2:", 11) == 0, "got %s", e.lines[0]);
    config_errors_free(&e);
}

Test(config, every_problem_has_its_json_path)
{
    config c;
    config_errors e;
    const char *t = "{\"colour\":1, \"log\":{\"level\":\"loud\",\"json\":3},"
                    "\"limits\":{\"max_message_bytes\":-5},"
                    "\"plugins\":{\"x\":{\"plugin\":\"../evil\"},\"y\":[]}}";
    cr_assert_eq(config_load_text(t, "t", &c, &e), -1);
    cr_assert(has_error(&e, "$.colour: unknown key"));
    cr_assert(has_error(&e, "$.log.level:"));
    cr_assert(has_error(&e, "$.log.json: expected true or false"));
    cr_assert(has_error(&e, "$.limits.max_message_bytes:"));
    cr_assert(has_error(&e, "$.plugins.x.plugin: a plugin name may not contain"));
    cr_assert(has_error(&e, "$.plugins.y: expected an object"));
    cr_assert_eq(e.count, 6);
    config_errors_free(&e);
}

Test(config, missing_file_is_an_error)
{
    config c;
    config_errors e;
    cr_assert_eq(config_load("/nonexistent/faqbot.json", &c, &e), -1);
    cr_assert(has_error(&e, "/nonexistent/faqbot.json"));
    config_errors_free(&e);
}
