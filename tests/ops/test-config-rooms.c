/* test-config-rooms.c - config-rooms.c: knowledge_bases, rooms, gaps and
 * control_socket, each problem with its JSON path. */
#include <criterion/criterion.h>

#include "config.h"

#include <string.h>

static int has_error(const config_errors *e, const char *line)
{
    for (size_t i = 0; i < e->count; i++)
        if (strcmp(e->lines[i], line) == 0)
            return 1;
    return 0;
}

Test(config_rooms, parses_every_operator_key)
{
    config c;
    config_errors e;
    const char *t =
        "{\"knowledge_bases\":{\"comment\":\"x\",\"fr\":\"kb-fr\",\"de\":\"kb-de\"},"
        "\"rooms\":{\"telegram/-100\":{\"answer\":\"all\",\"knowledge\":\"fr\"},"
        "\"matrix/!r:x.org\":{\"answer\":\"mentions\",\"language\":\"german\"},"
        "\"comment\":\"notes\"},"
        "\"gaps\":{\"file\":\"g.jsonl\"},\"control_socket\":\"/run/x.sock\"}";
    cr_assert_eq(config_load_text(t, "t", &c, &e), 0);
    cr_assert_eq(c.n_kbs, 2);
    cr_assert_str_eq(c.kbs[0].name, "fr");
    cr_assert_str_eq(c.kbs[0].dir, "kb-fr");
    cr_assert_eq(c.n_rooms, 2);
    const config_room *r = config_find_room(&c, "telegram", "-100");
    cr_assert_not_null(r);
    cr_assert_eq(r->answer, CONFIG_ANSWER_ALL);
    cr_assert_str_eq(r->knowledge, "fr");
    cr_assert_null(r->language);
    r = config_find_room(&c, "matrix", "!r:x.org");
    cr_assert_not_null(r);
    cr_assert_eq(r->answer, CONFIG_ANSWER_MENTIONS);
    cr_assert_str_eq(r->language, "german");
    cr_assert_null(config_find_room(&c, "telegram", "-1000"));
    cr_assert_null(config_find_room(&c, "telegra", "m/-100"));
    cr_assert_str_eq(c.gaps_file, "g.jsonl");
    cr_assert_str_eq(c.control_socket, "/run/x.sock");
    config_free(&c);
}

Test(config_rooms, defaults_are_off)
{
    config c;
    config_errors e;
    cr_assert_eq(config_load(NULL, &c, &e), 0);
    cr_assert_eq(c.n_kbs, 0);
    cr_assert_eq(c.n_rooms, 0);
    cr_assert_null(c.gaps_file);
    cr_assert_null(c.control_socket);
    config_free(&c);
}

Test(config_rooms, every_problem_has_its_path)
{
    config c;
    config_errors e;
    const char *t =
        "{\"knowledge_bases\":{\"Bad Name\":\"x\",\"default\":\"y\",\"n\":3},"
        "\"rooms\":{\"noslash\":{},\"tg/1\":{\"answer\":\"some\",\"knowledge\":\"zz\","
        "\"colour\":1},\"tg/2\":[]},"
        "\"gaps\":{\"file\":\"\",\"size\":1},\"control_socket\":5}";
    cr_assert_eq(config_load_text(t, "t", &c, &e), -1);
    cr_assert(has_error(&e, "$.knowledge_bases.Bad Name: names use a-z, 0-9, '-' and '_' (\"default\" is the knowledge_dir)"));
    cr_assert(has_error(&e, "$.knowledge_bases.default: names use a-z, 0-9, '-' and '_' (\"default\" is the knowledge_dir)"));
    cr_assert(has_error(&e, "$.knowledge_bases.n: expected a directory path"));
    cr_assert(has_error(&e, "$.rooms[\"noslash\"]: a room key is \"<instance>/<chat id>\""));
    cr_assert(has_error(&e, "$.rooms[\"tg/1\"].colour: unknown key"));
    cr_assert(has_error(&e, "$.rooms[\"tg/1\"].answer: expected \"mentions\" or \"all\""));
    cr_assert(has_error(&e, "$.rooms[\"tg/1\"].knowledge: \"zz\" is not a key of $.knowledge_bases"));
    cr_assert(has_error(&e, "$.rooms[\"tg/2\"]: expected an object"));
    cr_assert(has_error(&e, "$.gaps.file: expected a non-empty string"));
    cr_assert(has_error(&e, "$.gaps.size: unknown key"));
    cr_assert(has_error(&e, "$.control_socket: expected a non-empty string"));
    cr_assert_eq(e.count, 11, "got %zu errors", e.count);
    config_errors_free(&e);
}

Test(config_rooms, room_may_name_the_default_kb)
{
    config c;
    config_errors e;
    cr_assert_eq(config_load_text("{\"rooms\":{\"console/x\":{\"knowledge\":\"default\"}}}",
                                  "t", &c, &e), 0);
    cr_assert_str_eq(config_find_room(&c, "console", "x")->knowledge, "default");
    config_free(&c);
}
