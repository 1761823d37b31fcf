/* test-reply-cache.c - bot/reply-cache.c: a reply served from the cache
 * is byte for byte the one rendered afresh (router_route,
 * router_reply_view, reply_render_plain, jsonw_str), on the dev set, and
 * after a reload to a knowledge base whose answers differ. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jsonw.h"
#include "reply-cache.h"
#include "reply.h"

#define GOOD "tests/kb/fixtures/good"
#define CHANGED "Changed text. "

static kb_scratch *s;
static route_out o;
static sbuf fresh, cached, plain;

static void setup(void)
{
    s = kb_scratch_new();
    cr_assert_not_null(s);
    route_out_init(&o);
    sbuf_init(&fresh);
    sbuf_init(&cached);
    sbuf_init(&plain);
}

static void teardown(void)
{
    kb_scratch_free(s);
    route_out_free(&o);
    sbuf_free(&fresh);
    sbuf_free(&cached);
    sbuf_free(&plain);
}

/* The straightforward reply, into fresh. */
static void render_fresh(const router_env *env, const kb *k, const char *q,
                         const char *pick)
{
    faqbot_reply r;
    sbuf_reset(&fresh);
    sbuf_reset(&plain);
    cr_assert_eq(router_route(env, k, s, q, pick, &o), 0);
    router_reply_view(&o, &r);
    cr_assert_eq(reply_render_plain(&r, &plain), 0);
    cr_assert_eq(jsonw_str(&fresh, sbuf_str(&plain)), 0);
}

/* The cached path, into cached; returns o.kind. */
static int render_cached(reply_cache *c, const router_env *env, const kb *k,
                         const char *q, const char *pick)
{
    sbuf_reset(&cached);
    cr_assert_eq(router_decide(env, k, s, q, pick, &o), 0);
    cr_assert_eq(reply_cache_json(c, &o, &cached), 0);
    return o.kind;
}

/* Both ways agree on q; returns the kind. */
static int check_same(reply_cache *c, const router_env *env, const kb *k,
                      const char *q, const char *pick)
{
    render_fresh(env, k, q, pick);
    int kind = render_cached(c, env, k, q, pick);
    cr_assert_str_eq(sbuf_str(&cached), sbuf_str(&fresh), "question: %s", q);
    return kind;
}

Test(reply_cache, dev_set_cached_equals_fresh, .init = setup, .fini = teardown)
{
    router_env env = {"112", NULL};
    kb *k = kb_load("knowledge", NULL);
    cr_assert_not_null(k);
    reply_cache *c = reply_cache_new(k, &env);
    cr_assert_not_null(c);
    FILE *f = fopen("tests/eval/dev.tsv", "r");
    cr_assert_not_null(f);
    char line[4096];
    size_t n = 0, fresh_only = 0, kinds[8] = {0};
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\t\n")] = '\0';
        for (int pass = 0; pass < 2; pass++) {   /* rendered, then kept */
            int kind = check_same(c, &env, k, line, NULL);
            if (pass == 0) {
                n++;
                kinds[kind & 7]++;
                fresh_only += kind == FAQBOT_REPLY_AMBIGUOUS ||
                              kind == FAQBOT_REPLY_COMMAND;
            }
        }
    }
    fclose(f);
    size_t rendered, hits;
    reply_cache_counts(c, &rendered, &hits);
    /* the dev set has answers, urgent replies and "no answer"s */
    cr_assert_gt(kinds[FAQBOT_REPLY_ANSWER], 0);
    cr_assert_gt(kinds[FAQBOT_REPLY_URGENT], 0);
    cr_assert_gt(kinds[FAQBOT_REPLY_NO_ANSWER], 0);
    /* the second pass renders only what is never kept */
    cr_assert_eq(rendered + hits, 2 * n);
    cr_assert_geq(hits, n - fresh_only);
    reply_cache_free(c);
    kb_free(k);
}

/* Copy a file byte for byte. */
static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    cr_assert(in && out, "copy %s -> %s", from, to);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        cr_assert_eq(fwrite(buf, 1, n, out), n);
    fclose(in);
    cr_assert_eq(fclose(out), 0);
}

/* GOOD with CHANGED before every answer, in dir. */
static void write_changed_kb(const char *dir)
{
    static const char *const plain_files[] = {
        "sources/src.json", "offtopic.txt", "stopwords.txt", "synonyms.json",
        "triage.json"};
    static const char *const entries[] = {
        "gas-colic", "massage-oil", "session-length", "sleep", "urgent-care"};
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/sources", dir);
    cr_assert_eq(mkdir(a, 0700), 0);
    snprintf(a, sizeof a, "%s/entries", dir);
    cr_assert_eq(mkdir(a, 0700), 0);
    for (size_t i = 0; i < sizeof plain_files / sizeof *plain_files; i++) {
        snprintf(a, sizeof a, "%s/%s", GOOD, plain_files[i]);
        snprintf(b, sizeof b, "%s/%s", dir, plain_files[i]);
        copy_file(a, b);
    }
    for (size_t i = 0; i < sizeof entries / sizeof *entries; i++) {
        snprintf(a, sizeof a, "%s/entries/%s.json", GOOD, entries[i]);
        snprintf(b, sizeof b, "%s/entries/%s.json", dir, entries[i]);
        json_t *e = json_load_file(a, 0, NULL);
        cr_assert_not_null(e, "%s", a);
        char text[8192];
        snprintf(text, sizeof text, "%s%s", CHANGED,
                 json_string_value(json_object_get(e, "answer")));
        cr_assert_eq(json_object_set_new(e, "answer", json_string(text)), 0);
        cr_assert_eq(json_dump_file(e, b, JSON_INDENT(2)), 0);
        json_decref(e);
    }
}

static void remove_kb(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* Every entry by pick, an urgent question and an unknown one. */
static void check_all(reply_cache *c, const router_env *env, const kb *k,
                      int expect_changed)
{
    for (size_t i = 0; i < kb_entry_count(k); i++) {
        check_same(c, env, k, "", kb_entry_at(k, i)->id);
        cr_assert_eq(strstr(sbuf_str(&cached), CHANGED) != NULL, expect_changed);
    }
    cr_assert_eq(check_same(c, env, k, "my baby is not breathing", NULL),
                 FAQBOT_REPLY_URGENT);
    cr_assert_eq(strstr(sbuf_str(&cached), CHANGED) != NULL, expect_changed);
    cr_assert_eq(check_same(c, env, k, "what is the capital of peru", NULL),
                 FAQBOT_REPLY_NO_ANSWER);
}

Test(reply_cache, reload_serves_the_new_answers, .init = setup,
     .fini = teardown)
{
    router_env env = {"112", NULL}, env2 = {"999", NULL};
    char dir[] = "/tmp/faqbot-reply-cache-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    write_changed_kb(dir);
    kb *a = kb_load(GOOD, NULL), *b = kb_load(dir, NULL);
    cr_assert(a && b);
    cr_assert_eq(kb_entry_count(a), kb_entry_count(b));
    reply_cache *c = reply_cache_new(a, &env);
    cr_assert_not_null(c);
    check_all(c, &env, a, 0);
    check_all(c, &env, a, 0);   /* now from the cache */
    size_t rendered, hits;
    reply_cache_counts(c, &rendered, &hits);
    cr_assert_eq(rendered, kb_entry_count(a) + 2);
    cr_assert_eq(hits, kb_entry_count(a) + 2);
    /* the reload: same entries, other answers, other emergency number */
    cr_assert_eq(reply_cache_reset(c, b, &env2), 0);
    kb_free(a);
    check_all(c, &env2, b, 1);
    check_same(c, &env2, b, "my baby is not breathing", NULL);
    cr_assert_not_null(strstr(sbuf_str(&cached), "999"));
    reply_cache_counts(c, &rendered, &hits);
    cr_assert_eq(rendered, kb_entry_count(b) + 2);
    cr_assert_eq(hits, 1);
    reply_cache_free(c);
    kb_free(b);
    remove_kb(dir);
}
