/*
 * test-match-memo.c - what kb_match and triage keep or skip to go faster
 * gives what reading everything gives:
 *   - vague()'s answers kept per (entry, word) in the kb_scratch
 *     (s->vague) against reading the entry's keywords every time
 *     (s->no_vague_cache), on the bundled kb and on two generated kbs of
 *     the same shape served in turn by one scratch (their serials tell
 *     them apart), more pairs than the scratch keeps; a question asked
 *     twice in a row reads no keyword the second time;
 *   - triage reading only the rules with a group found (phr.rmask),
 *     with rules past the 64 a mask holds: the first rule firing, in
 *     rule order, vetoes, clauses and a stated age.
 */
#include "kb-impl.h"
#include "../kb/kbdir.h"
#include "../kb/result-same.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char dir[64];

/* A word of the generated kbs: w + two letters of i + x. */
static void word(char *out, size_t n, unsigned i)
{
    snprintf(out, n, "w%c%cx", 'a' + (i / 26) % 26, 'a' + i % 26);
}

/* n entries, each with 3 questions of 4 words from a 60-word vocabulary
 * and 3 keywords: one word, two words, and one word again; which words
 * depends on seed (the two kbs have the same shape, other keywords). */
static void write_entries(size_t n, unsigned seed)
{
    size_t cap = n * 512 + 64, len = 0;
    char *all = malloc(cap);
    cr_assert_not_null(all);
    len += (size_t)snprintf(all + len, cap - len, "{\"entries\": [\n");
    unsigned x = 12345;
    for (size_t e = 0; e < n; e++) {
        char w[12][8];
        for (int j = 0; j < 12; j++) {
            x = x * 1103515245u + 12345u;
            word(w[j], sizeof w[j], (x >> 16) % 60);
        }
        unsigned a = (unsigned)(e * 7 + seed) % 12, b = (a + 5) % 12;
        len += (size_t)snprintf(all + len, cap - len,
            "%s {\"id\": \"e%zu\", \"title\": \"%s %s\",\n"
            "  \"questions\": [\"%s %s %s %s\", \"%s %s %s %s\","
            " \"%s %s %s %s\"],\n"
            "  \"keywords\": [\"%s\", \"%s %s\", \"%s\"],\n"
            "  \"answer\": \"%s %s.\",\n"
            "  \"citations\": [{\"source\": \"src\", \"section\": \"S\"}]}\n",
            e ? "," : "", e, w[0], w[1], w[0], w[1], w[2], w[3], w[4], w[5],
            w[6], w[7], w[8], w[9], w[10], w[11], w[a], w[a], w[b], w[b],
            w[2], w[3]);
    }
    snprintf(all + len, cap - len, "]}\n");
    kbdir_write(dir, "entries/all.json", all);
    free(all);
}

/* Every one-word question of k's entries' titles and keywords, and each
 * keyword whole, through s (kept answers) and through a scratch reading
 * the keywords each time: the same results.  Returns the keyword
 * readings s made. */
static size_t vague_pass(const kb *k, kb_scratch *s)
{
    kb_scratch *ref = kb_scratch_new();
    cr_assert_not_null(ref);
    ref->no_vague_cache = 1;
    size_t before = s->n_vague_lex, asked = 0;
    for (size_t e = 0; e < k->n_entries; e++) {
        const kb_entry *en = &k->entries[e];
        for (size_t i = 0; i <= en->n_keywords; i++) {
            char buf[256], *save = NULL;
            const char *text = i < en->n_keywords ? en->keywords[i]
                                                  : en->title;
            snprintf(buf, sizeof buf, "%s", text);
            const char *q = text;
            for (char *w = strtok_r(buf, " ", &save); q;
                 q = w, w = w ? strtok_r(NULL, " ", &save) : NULL) {
                kb_result a, b, c;
                cr_assert_eq(kb_match(k, s, q, strlen(q), &a), 0);
                cr_assert_eq(kb_match(k, ref, q, strlen(q), &b), 0);
                cr_assert(result_same(&a, &b), "\"%s\" (entry %s)", q,
                          en->id);
                /* asked again at once: the answer just kept */
                size_t n = s->n_vague_lex;
                cr_assert_eq(kb_match(k, s, q, strlen(q), &c), 0);
                cr_assert(result_same(&a, &c), "\"%s\" again", q);
                cr_assert_eq(s->n_vague_lex, n, "\"%s\" read again", q);
                asked++;
            }
        }
    }
    cr_assert_gt(ref->n_vague_lex, 0, "no one-word question read keywords");
    cr_assert_gt(asked, k->n_entries);
    kb_scratch_free(ref);
    return s->n_vague_lex - before;
}

Test(match_memo, vague_bundled_kb)
{
    kb *k = kbdir_load("knowledge"), *k2 = kbdir_load("knowledge");
    kb_scratch *s = kb_scratch_new();
    cr_assert_not_null(s);
    cr_assert_neq(k->serial, k2->serial);
    size_t first = vague_pass(k, s);
    cr_assert_gt(first, 0);
    cr_assert_lt(vague_pass(k, s), first, "kept answers not used");
    /* the same files loaded again are another kb: read afresh */
    cr_assert_eq(vague_pass(k2, s), first);
    kb_scratch_free(s);
    kb_free(k);
    kb_free(k2);
}

Test(match_memo, vague_generated_kbs_in_turn)
{
    char d1[64], d2[64];
    kbdir_make(dir, sizeof dir, "memo");
    write_entries(400, 0);
    kb *k1 = kbdir_load(dir);
    snprintf(d1, sizeof d1, "%s", dir);
    kbdir_make(dir, sizeof dir, "memo");
    write_entries(400, 3);
    kb *k2 = kbdir_load(dir);
    snprintf(d2, sizeof d2, "%s", dir);
    cr_assert_eq(k1->n_entries, k2->n_entries);
    kb_scratch *s = kb_scratch_new();
    cr_assert_not_null(s);
    for (int round = 0; round < 2; round++) {
        cr_assert_gt(vague_pass(k1, s), 0);   /* 400 entries: evicted */
        cr_assert_gt(vague_pass(k2, s), 0);
    }
    kb_scratch_free(s);
    kb_free(k1);
    kb_free(k2);
    snprintf(dir, sizeof dir, "%s", d1);
    kbdir_drop(dir);
    snprintf(dir, sizeof dir, "%s", d2);
    kbdir_drop(dir);
}

/* 80 rules r0..r79 (two groups each, "wXa" and "wXb"; a veto "wXc" on
 * the even ones; r75 also reads whole messages only), rule 67 the same
 * groups as rule 2 without a veto, rule 70 for babies up to 30 days;
 * r9 and r69 need two of three groups (a, b and a third word). */
static void write_triage(void)
{
    size_t cap = 80 * 200 + 256, len = 0;
    char *t = malloc(cap);
    cr_assert_not_null(t);
    len += (size_t)snprintf(t + len, cap - len,
                            "{\"reply_entry\": \"e0\", \"rules\": [\n");
    for (unsigned r = 0; r < 80; r++) {
        char a[8], b[8], c[8];
        unsigned g = r == 67 ? 2 : r;
        word(a, sizeof a, 100 + 3 * g);
        word(b, sizeof b, 101 + 3 * g);
        word(c, sizeof c, 102 + 3 * g);
        if (r == 9 || r == 69) {   /* two of three groups, any two */
            char d[8];
            word(d, sizeof d, 400 + r);
            len += (size_t)snprintf(t + len, cap - len,
                ", {\"id\": \"r%u\", \"any\": [[\"%s\"], [\"%s\"], "
                "[\"%s\"]], \"at_least\": 2}\n", r, a, b, d);
            continue;
        }
        len += (size_t)snprintf(t + len, cap - len,
            "%s {\"id\": \"r%u\", \"all\": [[\"%s\"], [\"%s\"]]%s%s%s%s%s}\n",
            r ? "," : "", r, a, b, r % 2 == 0 ? ", \"none\": [\"" : "",
            r % 2 == 0 ? c : "", r % 2 == 0 ? "\"]" : "",
            r == 75 ? ", \"scope\": \"message\"" : "",
            r == 70 ? ", \"max_age_days\": 30" : "");
    }
    snprintf(t + len, cap - len, "]}\n");
    kbdir_write(dir, "triage.json", t);
    free(t);
}

/* "a", "b", "c" words of rule r's groups, joined by sep. */
static const char *rq(char *out, size_t n, unsigned r, const char *roles,
                      const char *sep)
{
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = roles; *p; p++) {
        char w[8];
        word(w, sizeof w, 100 + 3 * r + (unsigned)(*p - 'a'));
        len += (size_t)snprintf(out + len, n - len, "%s%s",
                                p == roles ? "" : sep, w);
    }
    return out;
}

static const char *tri(const kb *k, kb_scratch *s, const char *q)
{
    return kb_triage(k, s, q, strlen(q));
}

static void want(const kb *k, kb_scratch *s, const char *q, const char *id)
{
    const char *got = tri(k, s, q);
    if (!id)
        cr_assert_null(got, "\"%s\": %s", q, got ? got : "");
    else
        cr_assert(got && !strcmp(got, id), "\"%s\": %s, not %s", q,
                  got ? got : "none", id);
}

Test(match_memo, triage_past_64_rules)
{
    kbdir_make(dir, sizeof dir, "memo");
    write_entries(20, 0);
    write_triage();
    kb *k = kbdir_load(dir);
    cr_assert_eq(k->n_rules, 80);
    kb_scratch *s = kb_scratch_new();
    cr_assert_not_null(s);
    char q[256], q2[128];
    unsigned rules[] = {1, 5, 63, 64, 65, 71, 79};
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        char id[8];
        snprintf(id, sizeof id, "r%u", rules[i]);
        want(k, s, rq(q, sizeof q, rules[i], "ab", " "), id);
        want(k, s, rq(q, sizeof q, rules[i], "a", " "), NULL);
        want(k, s, rq(q, sizeof q, rules[i], "b", " "), NULL);
    }
    unsigned even[] = {4, 62, 64, 78};
    for (size_t i = 0; i < sizeof even / sizeof *even; i++) {
        char id[8];
        snprintf(id, sizeof id, "r%u", even[i]);
        want(k, s, rq(q, sizeof q, even[i], "abc", " "), NULL);  /* veto */
        want(k, s, rq(q, sizeof q, even[i], "abc", ", "), NULL);
        /* the veto in another clause: the clause alone fires */
        snprintf(q, sizeof q, "%s, %s", rq(q2, sizeof q2, even[i], "ab", " "),
                 rq(q2 + 64, 64, even[i], "c", " "));
        want(k, s, q, id);
    }
    /* two of three: any two, whichever group comes first */
    unsigned two[] = {9, 69};
    for (size_t i = 0; i < 2; i++) {
        char id[8], d[8];
        snprintf(id, sizeof id, "r%u", two[i]);
        word(d, sizeof d, 400 + two[i]);
        snprintf(q, sizeof q, "%s %s", rq(q2, sizeof q2, two[i], "b", " "), d);
        want(k, s, q, id);
        snprintf(q, sizeof q, "%s %s", d, rq(q2, sizeof q2, two[i], "a", " "));
        want(k, s, q, id);
        want(k, s, d, NULL);
    }
    /* rule order: the first firing wins, below and past 64 */
    snprintf(q, sizeof q, "%s %s", rq(q2, sizeof q2, 72, "ab", " "),
             rq(q2 + 64, 64, 3, "ab", " "));
    want(k, s, q, "r3");
    snprintf(q, sizeof q, "%s %s", rq(q2, sizeof q2, 79, "ab", " "),
             rq(q2 + 64, 64, 65, "ab", " "));
    want(k, s, q, "r65");
    /* rule 2 vetoed, rule 67 (its groups, no veto) fires */
    want(k, s, rq(q, sizeof q, 2, "abc", " "), "r67");
    want(k, s, rq(q, sizeof q, 2, "ab", " "), "r2");
    /* r76's veto across clauses; r75 reads whole messages only */
    snprintf(q, sizeof q, "%s, %s", rq(q2, sizeof q2, 76, "ab", " "),
             rq(q2 + 64, 64, 76, "c", " "));
    want(k, s, q, "r76");
    /* a stated age past 30 days silences r70 alone */
    snprintf(q, sizeof q, "%s, she is 4 months old",
             rq(q2, sizeof q2, 70, "ab", " "));
    want(k, s, q, NULL);
    snprintf(q, sizeof q, "%s, she is 2 weeks old",
             rq(q2, sizeof q2, 70, "ab", " "));
    want(k, s, q, "r70");
    kb_scratch_free(s);
    kb_free(k);
    kbdir_drop(dir);
}
