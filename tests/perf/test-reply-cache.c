/* test-reply-cache.c - bot/reply-cache.c: a reply served from the cache
 * is byte for byte the one rendered afresh (router_route,
 * router_reply_view, reply_render_plain, jsonw_str), on the dev set,
 * for every "did you mean" list of the bundled kb's entries, and after a
 * reload to a knowledge base whose answers differ. */
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
    size_t n = 0, commands = 0, kinds[8] = {0};
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\t\n")] = '\0';
        for (int pass = 0; pass < 2; pass++) {   /* rendered, then kept */
            int kind = check_same(c, &env, k, line, NULL);
            if (pass == 0) {
                n++;
                kinds[kind & 7]++;
                commands += kind == FAQBOT_REPLY_COMMAND;
            }
        }
    }
    fclose(f);
    size_t rendered, hits;
    reply_cache_counts(c, &rendered, &hits);
    /* the dev set has answers, urgent replies, "did you mean"s and "no
     * answer"s */
    cr_assert_gt(kinds[FAQBOT_REPLY_ANSWER], 0);
    cr_assert_gt(kinds[FAQBOT_REPLY_AMBIGUOUS], 0);
    cr_assert_gt(kinds[FAQBOT_REPLY_URGENT], 0);
    cr_assert_gt(kinds[FAQBOT_REPLY_NO_ANSWER], 0);
    /* the second pass renders only what is never kept: commands */
    cr_assert_eq(rendered + hits, 2 * n);
    cr_assert_geq(hits, n - commands);
    reply_cache_free(c);
    kb_free(k);
}

/* o as router_decide leaves a "did you mean" of entries ix[0..n-1] of
 * k. */
static void set_ambiguous(const kb *k, const size_t *ix, size_t n)
{
    router_env env = {"112", NULL};
    cr_assert_eq(router_decide(&env, k, s, "", kb_entry_at(k, 0)->id, &o), 0);
    o.kind = FAQBOT_REPLY_AMBIGUOUS;
    o.res.status = KB_AMBIGUOUS;
    o.res.entry = NULL;
    o.notice = NULL;
    o.n_sugg = o.res.n_suggestions = n;
    for (size_t i = 0; i < n; i++) {
        const kb_entry *e = kb_entry_at(k, ix[i]);
        o.res.suggestions[i] = e;
        o.sugg[i] = (faqbot_suggestion){e->id, e->title};
    }
}

/* The suggestions ix[0..n-1] rendered afresh and through c agree; 1 when
 * c served them from a kept copy. */
static int ambiguous_same(reply_cache *c, const kb *k, const size_t *ix,
                          size_t n)
{
    router_env env = {"112", NULL};
    faqbot_reply r;
    set_ambiguous(k, ix, n);
    sbuf_reset(&fresh);
    sbuf_reset(&plain);
    cr_assert_eq(router_render(&env, k, &o), 0);
    router_reply_view(&o, &r);
    cr_assert_eq(reply_render_plain(&r, &plain), 0);
    cr_assert_eq(jsonw_str(&fresh, sbuf_str(&plain)), 0);
    set_ambiguous(k, ix, n);
    size_t rendered, hits, hits2;
    reply_cache_counts(c, &rendered, &hits);
    sbuf_reset(&cached);
    cr_assert_eq(reply_cache_json(c, &o, &cached), 0);
    cr_assert_str_eq(sbuf_str(&cached), sbuf_str(&fresh), "%zu: %zu %zu %zu",
                     n, ix[0], n > 1 ? ix[1] : 0, n > 2 ? ix[2] : 0);
    reply_cache_counts(c, &rendered, &hits2);
    return hits2 > hits;
}

Test(reply_cache, every_suggestion_list_cached_equals_fresh, .init = setup,
     .fini = teardown)
{
    router_env env = {"112", NULL};
    kb *k = kb_load("knowledge", NULL);
    cr_assert_not_null(k);
    reply_cache *c = reply_cache_new(k, &env);
    cr_assert_not_null(c);
    size_t ne = kb_entry_count(k), lists = 0, taken = 0;
    cr_assert_geq(ne, 12);
    /* every list of 1-3 distinct entries, twice: far more lists than
     * slots, so slots are taken over by other lists (rendered afresh);
     * each list asked right again is served from its slot */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t a = 0; a < ne; a++) {
            for (size_t b = 0; b <= ne; b++) {
                for (size_t d = 0; d <= ne; d++) {
                    size_t ix[3] = {a, b, d};
                    size_t n = b == ne ? 1 : d == ne ? 2 : 3;
                    if ((b == ne && d != ne) || (n > 1 && b == a) ||
                        (n > 2 && (d == a || d == b)))
                        continue;
                    lists += pass == 0;
                    taken += !ambiguous_same(c, k, ix, n);
                    cr_assert_eq(ambiguous_same(c, k, ix, n), 1);
                }
            }
        }
    }
    cr_assert_eq(lists, ne + ne * (ne - 1) + ne * (ne - 1) * (ne - 2));
    /* in the same order, a list's slot holds another list by its turn */
    cr_assert_eq(taken, 2 * lists);
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
