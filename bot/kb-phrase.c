/*
 * kb-phrase.c - the phrases of triage.json and offtopic.txt indexed by
 * their first term, so a question is scanned once and each position
 * checks only the phrases that can start there (not every phrase at every
 * position).  Every phrase group (offtopic.txt, each rule's "all" groups
 * and its "none" list) has a number, gid; a scan sets hit[gid] for each
 * group with a phrase occurring in the question.
 */
#include "kb-impl.h"

#include <string.h>

/* Calls fn for every phrase group, in gid order. */
static void phrase_groups(kb *k, void (*fn)(kb *, kb_tgroup *))
{
    fn(k, &k->offtopic);
    fn(k, &k->offtopic_hard);
    for (size_t r = 0; r < k->n_rules; r++) {
        for (size_t g = 0; g < k->rules[r].n_all; g++)
            fn(k, &k->rules[r].all[g]);
        fn(k, &k->rules[r].none);
    }
}

/* Pass 1: number the group, count its phrases and the largest first term
 * (in off[0] and n_first for now). */
static void phrase_count(kb *k, kb_tgroup *g)
{
    kb_pindex *x = &k->phr;
    g->gid = (uint32_t)x->n_groups++;
    for (size_t i = 0; i < g->n; i++) {
        uint32_t t = g->phrases[i].terms[0];
        if (t + 1 > x->n_first)
            x->n_first = t + 1;
        x->n_at++;
    }
}

/* Pass 2: count phrases per first term (off[t + 1]). */
static void phrase_bucket(kb *k, kb_tgroup *g)
{
    for (size_t i = 0; i < g->n; i++)
        k->phr.off[g->phrases[i].terms[0] + 1]++;
}

/* Pass 3: place each phrase (off[t] is the next free slot of t). */
static void phrase_place(kb *k, kb_tgroup *g)
{
    for (size_t i = 0; i < g->n; i++) {
        uint32_t slot = k->phr.off[g->phrases[i].terms[0]]++;
        k->phr.at[slot] = (kb_pstart){&g->phrases[i], g->gid};
    }
}

/* Build k->phr (arena) once triage and offtopic phrases are loaded.
 * 0, -1 on OOM. */
int kb_phrase_index(kb *k)
{
    kb_pindex *x = &k->phr;
    memset(x, 0, sizeof *x);
    phrase_groups(k, phrase_count);
    x->off = kb_arena_alloc(&k->arena, (x->n_first + 1) * sizeof *x->off);
    x->at = kb_arena_alloc(&k->arena, (x->n_at + 1) * sizeof *x->at);
    if (!x->off || !x->at)
        return -1;
    memset(x->off, 0, (x->n_first + 1) * sizeof *x->off);
    phrase_groups(k, phrase_bucket);
    for (size_t t = 0; t < x->n_first; t++)   /* prefix sums: starts */
        x->off[t + 1] += x->off[t];
    phrase_groups(k, phrase_place);
    /* placing moved each start to its end: shift back */
    for (size_t t = x->n_first; t > 0; t--)
        x->off[t] = x->off[t - 1];
    x->off[0] = 0;
    return 0;
}

/* 1 if p's terms after the first follow at t[0..n), t[-1] being its
 * first term. */
static int phrase_rest(const kb_phrase *p, const uint32_t *t, size_t n)
{
    if (p->n - 1 > n)
        return 0;
    for (uint32_t j = 1; j < p->n; j++) {
        if (t[j - 1] != p->terms[j])
            return 0;
    }
    return 1;
}

void kb_phrase_scan(const kb *k, const uint32_t *t, size_t n, uint8_t *hit)
{
    const kb_pindex *x = &k->phr;
    memset(hit, 0, x->n_groups);
    for (size_t i = 0; i < n; i++) {
        if (t[i] >= x->n_first)
            continue;   /* KB_TERM_NONE, or no phrase starts with it */
        for (uint32_t j = x->off[t[i]]; j < x->off[t[i] + 1]; j++) {
            const kb_pstart *ps = &x->at[j];
            if (!hit[ps->gid] && phrase_rest(ps->p, t + i + 1, n - i - 1))
                hit[ps->gid] = 1;
        }
    }
}
