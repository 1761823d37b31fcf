/*
 * Reading a question (kb-synonyms.c, kb-phrase.c): the fast paths give
 * what the plain ones give.
 *   - kb_syn_apply with the index and its filter (k->syn_at,
 *     k->syn_filter, kb_syn_may) against the same rules found
 *     by a binary search (no index), both rule sets, with and without the
 *     rule's own words kept;
 *   - kb_phrase_scan (one-term groups by term, longer phrases by their
 *     second term, behind a filter) against trying every phrase of every
 *     group at every place: the same groups found, the same rule masks.
 * On the bundled knowledge: every rule's and phrase's terms in noise,
 * cut short, and random runs of the terms that start or follow them;
 * every eval question as triage reads it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb-impl.h"

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* ---- synonyms ----------------------------------------------------------- */

/* A term for a random run: a rule's first or second term, any term, an
 * unknown word or a term newer than the index. */
static uint32_t syn_term(const kb *k, const kb_syn *s)
{
    const kb_syn_rule *r = &s->rules[rnd((uint32_t)s->n)];
    switch (rnd(6)) {
    case 0:
    case 1:
        return r->from[0];
    case 2:
        return r->n_from > 1 ? r->from[1] : r->from[0];
    case 3:
        return rnd((uint32_t)k->n_terms);
    case 4:
        return KB_TERM_NONE;
    default:
        return (uint32_t)k->n_syn_terms + rnd(4);
    }
}

/* in[0 .. n) rewritten with the index and without; 1 when the same. */
static int syn_same_both(const kb *k, int set, const uint32_t *in, size_t n,
                         int keep, kb_u32buf *a, kb_u32buf *b)
{
    const kb_syn *s = &k->syn[set];
    cr_assert_eq(kb_syn_apply(s, k->syn_at[set], k->syn_filter[set],
                              k->n_syn_terms, in, n, keep, a), 0);
    cr_assert_eq(kb_syn_apply(s, NULL, NULL, 0, in, n, keep, b), 0);
    return a->n == b->n && memcmp(a->v, b->v, a->n * sizeof *a->v) == 0;
}

/* How many times the filter turns away a term that starts a rule, over
 * in[0 .. n). */
static size_t syn_turned(const kb *k, int set, const uint32_t *in, size_t n)
{
    const uint32_t *at = k->syn_at[set], *f = k->syn_filter[set];
    size_t turned = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] < k->n_syn_terms && at[in[i]] &&
            !kb_syn_may(f[in[i]], in + i, n - i - 1))
            turned++;
    }
    return turned;
}

Test(kb_read, synonyms_filter_same_as_search)
{
    kb *k = kb_load("knowledge", NULL);
    cr_assert_not_null(k);
    kb_u32buf a = {0}, b = {0};
    size_t checked = 0, turned = 0;
    for (int set = 0; set < 2; set++) {
        const kb_syn *s = &k->syn[set];
        cr_assert_gt(s->n, 100, "the bundled kb has synonyms");
        cr_assert_not_null(k->syn_at[set]);
        cr_assert_not_null(k->syn_filter[set]);
        for (size_t i = 0; i < s->n; i++) {   /* each rule, cut short too */
            const kb_syn_rule *r = &s->rules[i];
            for (uint32_t cut = 1; cut <= r->n_from; cut++) {
                uint32_t in[KB_SYN_MAX + 2];
                in[0] = syn_term(k, s);
                memcpy(in + 1, r->from, cut * sizeof *in);
                in[cut + 1] = syn_term(k, s);
                for (size_t from = 0; from < 2; from++) {
                    for (size_t n = 1; from + n <= cut + 2; n++) {
                        for (int keep = 0; keep < 2; keep++) {
                            cr_assert(syn_same_both(k, set, in + from, n,
                                                    keep, &a, &b),
                                      "set %d rule %zu", set, i);
                            checked++;
                        }
                    }
                }
            }
        }
        for (int round = 0; round < 20000; round++) {
            uint32_t in[12];
            size_t n = 1 + rnd(12);
            for (size_t j = 0; j < n; j++)
                in[j] = syn_term(k, s);
            turned += syn_turned(k, set, in, n);
            cr_assert(syn_same_both(k, set, in, n, round & 1, &a, &b),
                      "set %d round %d", set, round);
            checked++;
        }
    }
    cr_assert_gt(checked, 40000);
    cr_assert_gt(turned, 1000, "the filter turned away %zu", turned);
    kb_u32buf_free(&a);
    kb_u32buf_free(&b);
    kb_free(k);
}

/* ---- phrases ------------------------------------------------------------ */

typedef struct scan_ref {
    uint8_t *hit;
    uint64_t m, v;
    const uint32_t *t;
    size_t n;
    const kb *k;
} scan_ref;

/* Every phrase of g tried at every place of ref's terms. */
static void ref_group(scan_ref *x, const kb_tgroup *g)
{
    for (size_t p = 0; p < g->n; p++) {
        const kb_phrase *ph = &g->phrases[p];
        for (size_t i = 0; i + ph->n <= x->n; i++) {
            if (memcmp(x->t + i, ph->terms, ph->n * sizeof *ph->terms))
                continue;
            x->hit[g->gid] = 1;
            x->m |= x->k->phr.rmask[g->gid];
            x->v |= x->k->phr.vmask[g->gid];
        }
    }
}

/* kb_phrase_scan of t[0 .. n) against ref_group over every group; 1
 * when the same.  *found counts the groups found. */
static int scan_same(const kb *k, const uint32_t *t, size_t n, uint8_t *h1,
                     uint8_t *h2, size_t *found)
{
    size_t ng = k->phr.n_groups;
    uint64_t veto;
    uint64_t m = kb_phrase_scan(k, t, n, h1, &veto);
    memset(h2, 0, ng);
    scan_ref x = {h2, 0, 0, t, n, k};
    ref_group(&x, &k->offtopic);
    ref_group(&x, &k->offtopic_hard);
    for (size_t r = 0; r < k->n_rules; r++) {
        for (size_t g = 0; g < k->rules[r].n_all; g++)
            ref_group(&x, &k->rules[r].all[g]);
        ref_group(&x, &k->rules[r].none);
    }
    for (size_t g = 0; g < ng; g++)
        *found += h2[g];
    return memcmp(h1, h2, ng) == 0 && m == x.m && veto == x.v;
}

/* A term for a random run: a phrase's first, second or last term, or
 * any term. */
static uint32_t phrase_term(const kb *k)
{
    const kb_pindex *x = &k->phr;
    if (rnd(4) == 0 || x->n_at == 0)
        return rnd(4) ? rnd((uint32_t)k->n_terms) : KB_TERM_NONE;
    const kb_pstart *ps = &x->at[rnd((uint32_t)x->off[x->n_first])];
    switch (rnd(3)) {
    case 0:
        return ps->p->terms[0];
    case 1:
        return ps->p->terms[1];
    default:
        return ps->p->terms[ps->p->n - 1];
    }
}

Test(kb_read, phrase_scan_same_as_every_phrase)
{
    kb *k = kb_load("knowledge", NULL);
    cr_assert_not_null(k);
    kb_scratch *s = kb_scratch_new();
    cr_assert_not_null(s);
    cr_assert_eq(kb_scratch_ready(s, k), 0);
    size_t ng = k->phr.n_groups, found = 0, runs = 0;
    cr_assert_gt(ng, 20);
    uint8_t *h1 = calloc(ng + 1, 1), *h2 = calloc(ng + 1, 1);
    cr_assert(h1 && h2);
    /* every eval question as triage reads it */
    const char *files[] = {"tests/eval/dev.tsv", "tests/eval/chat.tsv",
                           "tests/eval/holdout.tsv"};
    char line[8192];
    for (size_t f = 0; f < 3; f++) {
        FILE *in = fopen(files[f], "r");
        cr_assert_not_null(in, "%s", files[f]);
        while (fgets(line, sizeof line, in)) {
            if (line[0] == '#')
                continue;
            size_t len = strcspn(line, "\t\n");
            cr_assert_eq(kb_lex_run(k, s->stem, line, len,
                                    KB_LEX_KEEPSTOP | KB_LEX_REPAIR |
                                        KB_LEX_SYN | KB_LEX_DUAL,
                                    KB_QUERY_MAX_TOKENS, &s->lex), 0);
            cr_assert(scan_same(k, s->lex.terms.v, s->lex.terms.n, h1, h2,
                                &found), "%.*s", (int)len, line);
            runs++;
        }
        fclose(in);
    }
    cr_assert_gt(runs, 1000);
    cr_assert_gt(found, 1000);
    /* random runs of the phrases' terms */
    for (int round = 0; round < 30000; round++) {
        uint32_t t[16];
        size_t n = 1 + rnd(16);
        for (size_t j = 0; j < n; j++)
            t[j] = phrase_term(k);
        cr_assert(scan_same(k, t, n, h1, h2, &found), "round %d", round);
    }
    free(h1);
    free(h2);
    kb_scratch_free(s);
    kb_free(k);
}
