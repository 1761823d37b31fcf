/* test-live.c - live.c: the reloadable snapshot picks a knowledge base
 * per room, refuses whole when one base is broken, and a swap never frees
 * a snapshot a message still holds. */
#include <criterion/criterion.h>

#include "config.h"
#include "live.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char tmp[] = "/tmp/faqbot-live-XXXXXX";

static void setup(void)
{
    cr_assert_not_null(mkdtemp(tmp));
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp -r knowledge %s/kb2 && cp -r knowledge %s/broken"
             " && echo '{' > %s/broken/triage.json", tmp, tmp, tmp);
    cr_assert_eq(system(cmd), 0);
    log_setup(LOG_ERROR + 1, 0);   /* quiet */
}

static void teardown(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(live, .init = setup, .fini = teardown);

static void load(config *c, const char *fmt)
{
    char text[2048];
    config_errors e;
    snprintf(text, sizeof text, fmt, tmp, tmp);
    cr_assert_eq(config_load_text(text, "t", c, &e), 0, "%s", e.count ? e.lines[0] : "");
}

Test(live, picks_the_room_knowledge_else_default)
{
    config c;
    load(&c, "{\"knowledge_dir\":\"knowledge\",\"knowledge_bases\":{\"two\":\"%s/kb2\"},"
             "\"rooms\":{\"tg/7\":{\"knowledge\":\"two\"},\"tg/8\":{\"language\":\"english\"},"
             "\"tg/9\":{\"language\":\"french\"}}, \"comment\":\"%s\"}");
    live *l = live_build(&c, NULL, NULL, NULL, "test");
    cr_assert_not_null(l);
    cr_assert_eq(l->n_kbs, 2);
    cr_assert_str_eq(l->names[0], "default");
    cr_assert_str_eq(l->dirs[0], "knowledge");
    const char *name = NULL;
    cr_assert_eq(live_pick(l, "tg", "7", &name), l->kbs[1]);
    cr_assert_str_eq(name, "two");
    cr_assert_eq(live_pick(l, "tg", "1", &name), l->kbs[0]);
    cr_assert_str_eq(name, "default");
    cr_assert_eq(live_pick(l, "mx", "7", &name), l->kbs[0], "rooms are per instance");
    cr_assert_eq(live_pick(l, "tg", "8", &name), l->kbs[0], "first kb in english");
    cr_assert_eq(live_pick(l, "tg", "9", &name), l->kbs[0], "no french kb: default");
    live_unref(l);
    config_free(&c);
}

Test(live, one_broken_base_refuses_the_whole_snapshot)
{
    config c;
    load(&c, "{\"knowledge_dir\":\"knowledge\",\"knowledge_bases\":{\"two\":\"%s/kb2\","
             "\"bad\":\"%s/broken\"}}");
    cr_assert_null(live_build(&c, NULL, NULL, NULL, "test"));
    config_free(&c);
}

Test(live, owned_config_is_freed_with_the_snapshot_even_on_failure)
{
    config *c = calloc(1, sizeof *c);
    load(c, "{\"knowledge_dir\":\"%s/broken\", \"comment\":\"%s\"}");
    cr_assert_null(live_build(c, c, NULL, NULL, "test"));   /* frees c */
    c = calloc(1, sizeof *c);
    load(c, "{\"knowledge_dir\":\"%s/kb2\", \"comment\":\"%s\"}");
    live *l = live_build(c, c, NULL, NULL, "test");
    cr_assert_not_null(l);
    live_unref(l);   /* frees c: ASan/valgrind would flag a leak */
}

Test(live, swap_keeps_a_held_snapshot_alive)
{
    config c;
    load(&c, "{\"knowledge_dir\":\"knowledge\", \"comment\":\"%s %s\"}");
    livehold h;
    livehold_init(&h, live_build(&c, NULL, NULL, NULL, "test"));
    live *held = livehold_acquire(&h);
    cr_assert_eq(held->refs, 2);
    livehold_swap(&h, live_build(&c, NULL, NULL, NULL, "test"));
    cr_assert_neq(h.cur, held);
    cr_assert_eq(held->refs, 1, "only the reader holds the old one");
    const kb_entry *e = kb_find(held->kbs[0], "sleep");   /* still usable */
    cr_assert_not_null(e);
    cr_assert_str_eq(e->id, "sleep");
    livehold_release(&h, held);   /* freed here */
    livehold_destroy(&h);
    config_free(&c);
}
