/* test-lazy.c - "knowledge_text": "disk" (KB_LOAD_LAZY_TEXT) in the bot:
 * the config key, every knowledge base of a snapshot (and of a reload)
 * loaded that way, and an answer that can no longer be read back from
 * its file: a logged error and the fallback reply, never kept by the
 * reply cache.  (`ask --batch` byte-identical in both modes:
 * tests/perf/lazy-same.sh.) */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "live.h"
#include "reply-cache.h"
#include "reply.h"
#include "router.h"

#define GOOD "tests/kb/fixtures/good"
#define COLIC "does tummy massage help colic"
#define COLIC_ANSWER "Gentle clockwise tummy strokes can help move gas " \
                     "along and ease colic."
#define URGENT_TEXT "This may be urgent: call 112 or your doctor now."

static char dir[64];
static kb_scratch *s;
static route_out o;

static void run(const char *cmd)
{
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void setup(void)
{
    char cmd[256];
    snprintf(dir, sizeof dir, "/tmp/faqbot-lazy-core-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "cp -r %s/. %s/", GOOD, dir);
    run(cmd);
    s = kb_scratch_new();
    cr_assert_not_null(s);
    route_out_init(&o);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    run(cmd);
    kb_scratch_free(s);
    route_out_free(&o);
}

/* Load the config text; asserts it is accepted. */
static void load_cfg(config *c, const char *text)
{
    config_errors e;
    cr_assert_eq(config_load_text(text, "test", c, &e), 0, "%s",
                 e.count ? e.lines[0] : "");
}

/* A config whose knowledge_dir is dir, with the given knowledge_text. */
static void dir_cfg(config *c, const char *mode)
{
    char text[256];
    snprintf(text, sizeof text, "{\"knowledge_dir\": \"%s\", "
             "\"emergency_number\": \"112\", \"knowledge_text\": \"%s\"}",
             dir, mode);
    load_cfg(c, text);
}

static void refused(const char *text, const char *line)
{
    config c;
    config_errors e;
    cr_assert_eq(config_load_text(text, "test", &c, &e), -1, "%s", text);
    cr_assert_eq(e.count, 1);
    cr_assert_str_eq(e.lines[0], line);
    config_errors_free(&e);
}

Test(lazy, config_key)
{
    config c;
    load_cfg(&c, "{}");
    cr_assert_eq(c.knowledge_text, CONFIG_TEXT_MEMORY);
    cr_assert_eq(config_kb_features(&c), KB_FEAT_ALL);
    config_free(&c);
    load_cfg(&c, "{\"knowledge_text\": \"memory\"}");
    cr_assert_eq(c.knowledge_text, CONFIG_TEXT_MEMORY);
    config_free(&c);
    load_cfg(&c, "{\"knowledge_text\": \"disk\"}");
    cr_assert_eq(c.knowledge_text, CONFIG_TEXT_DISK);
    cr_assert_eq(config_kb_features(&c), KB_FEAT_ALL | KB_LOAD_LAZY_TEXT);
    config_free(&c);
    cr_assert_eq(config_kb_features(NULL), KB_FEAT_ALL);
    refused("{\"knowledge_text\": \"ram\"}",
            "$.knowledge_text: expected \"memory\" or \"disk\"");
    refused("{\"knowledge_text\": 1}",
            "$.knowledge_text: expected \"memory\" or \"disk\"");
}

/* Route q on k; asserts success; returns the kind. */
static int route(const router_env *env, const kb *k, const char *q)
{
    cr_assert_eq(router_route(env, k, s, q, NULL, &o), 0, "%s", q);
    return o.kind;
}

Test(lazy, snapshot_and_reload_read_from_disk, .init = setup,
     .fini = teardown)
{
    config c;
    router_env env = {"112", NULL};
    dir_cfg(&c, "disk");
    live *l = live_build(&c, NULL, NULL, NULL, "test");
    cr_assert_not_null(l);
    const kb_entry *e = kb_find(l->kbs[0], "gas-colic");
    cr_assert_not_null(e);
    cr_assert_null(e->answer, "text kept in memory in disk mode");
    cr_assert_eq(route(&env, l->kbs[0], COLIC), FAQBOT_REPLY_ANSWER);
    cr_assert_str_eq(sbuf_str(&o.text), COLIC_ANSWER);
    cr_assert_str_eq(sbuf_str(&o.citation),
                     "Source: A Test Article, section \"Digestion\"");
    /* a reload (host-reload.c builds a new snapshot) sees the edit */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sed -i 's/Gentle clockwise/Slow clockwise/' "
             "%s/entries/gas-colic.json", dir);
    run(cmd);
    live *l2 = live_build(&c, NULL, NULL, NULL, "test");
    cr_assert_not_null(l2);
    cr_assert_null(kb_find(l2->kbs[0], "gas-colic")->answer);
    cr_assert_eq(route(&env, l2->kbs[0], COLIC), FAQBOT_REPLY_ANSWER);
    cr_assert_str_eq(sbuf_str(&o.text), "Slow clockwise tummy strokes can "
                     "help move gas along and ease colic.");
    live_unref(l2);
    live_unref(l);
    config_free(&c);
    dir_cfg(&c, "memory");
    l = live_build(&c, NULL, NULL, NULL, "test");
    cr_assert_not_null(l);
    cr_assert_not_null(kb_find(l->kbs[0], "gas-colic")->answer);
    live_unref(l);
    config_free(&c);
}

/* Run router_route(q) with stderr into a file; the log in log (size). */
static int route_logged(const router_env *env, const kb *k, const char *q,
                        char *log, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/stderr.txt", dir);
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert(saved >= 0 && fd >= 0);
    cr_assert_geq(dup2(fd, 2), 0);
    int kind = route(env, k, q);
    fflush(stderr);
    cr_assert_geq(dup2(saved, 2), 0);
    close(saved);
    close(fd);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    size_t n = fread(log, 1, size - 1, f);
    log[n] = '\0';
    fclose(f);
    return kind;
}

static kb *load_disk(void)
{
    kb_load_opts opts = {KB_FEAT_ALL | KB_LOAD_LAZY_TEXT};
    kb *k = kb_load_ex(dir, &opts, NULL);
    cr_assert_not_null(k);
    return k;
}

static void move(const char *from, const char *to)
{
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/%s", dir, from);
    snprintf(b, sizeof b, "%s/%s", dir, to);
    cr_assert_eq(rename(a, b), 0, "%s -> %s", a, b);
}

Test(lazy, unreadable_answer_logged_and_falls_back, .init = setup,
     .fini = teardown)
{
    router_env env = {"112", NULL};
    char log[2048], none[2048];
    kb *k = load_disk();
    cr_assert_eq(route(&env, k, "what is the capital of france"),
                 FAQBOT_REPLY_NO_ANSWER);
    snprintf(none, sizeof none, "%s", sbuf_str(&o.text));
    move("entries/gas-colic.json", "gone.json");
    cr_assert_eq(route_logged(&env, k, COLIC, log, sizeof log),
                 FAQBOT_REPLY_NO_ANSWER);
    cr_assert_str_eq(sbuf_str(&o.text), none);
    cr_assert_eq(o.citation.len, 0);
    cr_assert_null(o.res.entry);
    cr_assert_null(o.notice);
    cr_assert_not_null(strstr(log, "entry 'gas-colic': answer cannot be "
                              "read from "), "log: %s", log);
    cr_assert_not_null(strstr(log, "replied as not covered"), "log: %s", log);
    /* urgent: a built-in text that still sends the parent to a doctor */
    move("entries/urgent-care.json", "gone2.json");
    cr_assert_eq(route_logged(&env, k, "my baby has blue lips", log,
                              sizeof log), FAQBOT_REPLY_URGENT);
    cr_assert_str_eq(sbuf_str(&o.text), URGENT_TEXT);
    cr_assert_not_null(strstr(log, "entry 'urgent-care': answer cannot be "
                              "read from "), "log: %s", log);
    /* put back: answered again (the kb was never broken) */
    move("gone.json", "entries/gas-colic.json");
    cr_assert_eq(route(&env, k, COLIC), FAQBOT_REPLY_ANSWER);
    cr_assert_str_eq(sbuf_str(&o.text), COLIC_ANSWER);
    kb_free(k);
}

/* reply_cache_json of q into out; returns the kind. */
static int cached(reply_cache *c, const router_env *env, const kb *k,
                  const char *q, sbuf *out)
{
    sbuf_reset(out);
    cr_assert_eq(router_decide(env, k, s, q, NULL, &o), 0);
    cr_assert_eq(reply_cache_json(c, &o, out), 0);
    return o.kind;
}

Test(lazy, fallback_not_kept_by_reply_cache, .init = setup,
     .fini = teardown)
{
    router_env env = {"112", NULL};
    sbuf out;
    sbuf_init(&out);
    kb *k = load_disk();
    reply_cache *c = reply_cache_new(k, &env);
    cr_assert_not_null(c);
    move("entries/gas-colic.json", "gone.json");
    fflush(stderr);
    int saved = dup(2), devnull = open("/dev/null", O_WRONLY);
    cr_assert(saved >= 0 && devnull >= 0 && dup2(devnull, 2) >= 0);
    cr_assert_eq(cached(c, &env, k, COLIC, &out), FAQBOT_REPLY_NO_ANSWER);
    fflush(stderr);
    cr_assert_geq(dup2(saved, 2), 0);
    close(saved);
    close(devnull);
    cr_assert_null(strstr(sbuf_str(&out), "Gentle"));
    move("gone.json", "entries/gas-colic.json");
    cr_assert_eq(cached(c, &env, k, COLIC, &out), FAQBOT_REPLY_ANSWER);
    cr_assert_not_null(strstr(sbuf_str(&out), COLIC_ANSWER));
    size_t rendered, hits;
    reply_cache_counts(c, &rendered, &hits);
    cr_assert_eq(rendered, 2);   /* the fallback was not kept */
    cr_assert_eq(hits, 0);
    cr_assert_eq(cached(c, &env, k, COLIC, &out), FAQBOT_REPLY_ANSWER);
    reply_cache_counts(c, &rendered, &hits);
    cr_assert_eq(hits, 1);
    reply_cache_free(c);
    kb_free(k);
    sbuf_free(&out);
}
