/* test-host-room.c - host-room.c: a connector reads its rooms' settings
 * from the current snapshot, per instance. */
#include <criterion/criterion.h>

#include "host-priv.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

Test(host_room, settings_per_instance_and_chat)
{
    config c;
    config_errors e;
    log_setup(LOG_ERROR + 1, 0);
    const char *t = "{\"knowledge_dir\":\"knowledge\",\"knowledge_bases\":{\"two\":\"knowledge\"},"
                    "\"rooms\":{\"tg/-100\":{\"answer\":\"all\",\"language\":\"english\"},"
                    "\"tg/7\":{\"knowledge\":\"two\"},\"mx/-100\":{\"answer\":\"mentions\"}},"
                    "\"plugins\":{\"tg\":{\"enabled\":false},\"mx\":{\"enabled\":false}}}";
    cr_assert_eq(config_load_text(t, "t", &c, &e), 0);
    kb *k = kb_load("knowledge", NULL);
    cr_assert_not_null(k);
    host *h = host_new(&c, k, "knowledge");
    cr_assert_not_null(h);
    host_plugin tg, mx;
    memset(&tg, 0, sizeof tg);
    memset(&mx, 0, sizeof mx);
    tg.core = mx.core = h;
    tg.cfg = config_find_plugin(&c, "tg");
    mx.cfg = config_find_plugin(&c, "mx");
    char *v = host_room_get(&tg.api, "-100", "answer");
    cr_assert_str_eq(v, "all");
    free(v);
    v = host_room_get(&tg.api, "-100", "language");
    cr_assert_str_eq(v, "english");
    free(v);
    v = host_room_get(&mx.api, "-100", "answer");
    cr_assert_str_eq(v, "mentions");
    free(v);
    v = host_room_get(&tg.api, "7", "knowledge");
    cr_assert_str_eq(v, "two");
    free(v);
    cr_assert_null(host_room_get(&tg.api, "7", "answer"), "unset");
    cr_assert_null(host_room_get(&tg.api, "8", "answer"), "no such room");
    cr_assert_null(host_room_get(&tg.api, "-100", "colour"), "no such key");
    host_free(h);
    config_free(&c);
}
