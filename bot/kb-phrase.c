/*
 * kb-phrase.c - the phrases of triage.json and offtopic.txt indexed by
 * their first term, so a question is scanned once and each position
 * checks only the phrases that can start there (not every phrase at every
 * position).  Every phrase group (offtopic.txt, each rule's "all" groups
 * and its "none" list) has a number, gid; a scan sets hit[gid] for each
 * group with a phrase occurring in the question.
 */
#include "kb-impl.h"

#include <stdlib.h>
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
        const kb_phrase *p = &g->phrases[i];
        uint32_t slot = k->phr.off[p->terms[0]]++;
        k->phr.at[slot] = (kb_pstart){p, g->gid,
                                      p->n > 1 ? p->terms[1] : KB_PSTART_ONE};
    }
}

/* Order of a start within its first term's bucket: one-term phrases
 * first (KB_PSTART_ONE + 2 wraps to 0), then by second term. */
static uint32_t pstart_key(const kb_pstart *a)
{
    return a->second + 2u;
}

/* Insertion sort by pstart_key (stable): buckets are small (about three
 * starts a first term on the bundled knowledge), where qsort's calls
 * cost more than the moves. */
static void pstart_sort(kb_pstart *a, size_t m)
{
    for (size_t i = 1; i < m; i++) {
        kb_pstart x = a[i];
        uint32_t key = pstart_key(&x);
        size_t j = i;
        for (; j > 0 && pstart_key(&a[j - 1]) > key; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

/* Each sorted bucket split in two: the groups of its one-term phrases,
 * each group once, to one_gid[one_off[t] .. one_off[t + 1]) (a scan sets
 * them without reading a kb_pstart: "baby" alone starts 86 phrases of
 * the bundled kb, 60 groups), its longer phrases left in order at
 * at[off[t] .. off[t + 1]).  0, -1 on OOM. */
static int phrase_split(kb *k)
{
    kb_pindex *x = &k->phr;
    int rc = -1;
    uint32_t *seen = calloc(x->n_groups + 1, sizeof *seen);
    x->one_off = kb_arena_alloc(&k->arena, (x->n_first + 1) * sizeof *x->one_off);
    x->one_gid = kb_arena_alloc(&k->arena, (x->n_at + 1) * sizeof *x->one_gid);
    if (!seen || !x->one_off || !x->one_gid)
        goto out;
    uint32_t w = 0, g = 0, lo = 0;
    for (size_t t = 0; t < x->n_first; t++) {
        uint32_t hi = x->off[t + 1];
        x->off[t] = w;
        x->one_off[t] = g;
        for (uint32_t i = lo; i < hi; i++) {
            const kb_pstart *ps = &x->at[i];
            if (ps->second != KB_PSTART_ONE)
                x->at[w++] = *ps;
            else if (seen[ps->gid] != t + 1) {
                seen[ps->gid] = (uint32_t)t + 1;
                x->one_gid[g++] = ps->gid;
            }
        }
        lo = hi;
    }
    x->off[x->n_first] = w;
    x->one_off[x->n_first] = g;
    rc = 0;
out:
    free(seen);
    return rc;
}

/* The key group of rule r for phr.rmask: of a rule needing every
 * group, the one of fewest phrases (the first of those). */
static size_t key_group(const kb_trule *r)
{
    size_t best = 0;
    for (size_t g = 1; g < r->n_all; g++) {
        if (r->all[g].n < r->all[best].n)
            best = g;
    }
    return best;
}

/* x->rmask and x->vmask for the rules below 64, their ORs by term
 * (one_rm, one_vm) and the second terms' filter (second: a scan passes
 * over a term whose follower starts none of its longer phrases without
 * reading its bucket); arena.  0, -1 on OOM. */
static int phrase_rmask(kb *k)
{
    kb_pindex *x = &k->phr;
    size_t size = (x->n_groups + 1) * sizeof *x->rmask;
    x->rmask = kb_arena_alloc(&k->arena, size);
    x->vmask = kb_arena_alloc(&k->arena, size);
    if (!x->rmask || !x->vmask)
        return -1;
    memset(x->rmask, 0, size);
    memset(x->vmask, 0, size);
    for (size_t r = 0; r < k->n_rules && r < 64; r++) {
        const kb_trule *ru = &k->rules[r];
        uint64_t bit = (uint64_t)1 << r;
        for (size_t g = 0; g < ru->n_all; g++) {
            if (ru->need < ru->n_all || g == key_group(ru))
                x->rmask[ru->all[g].gid] |= bit;
        }
        x->vmask[ru->none.gid] |= bit;
    }
    size_t nf = (x->n_first + 1) * sizeof *x->one_rm;
    x->one_rm = kb_arena_alloc(&k->arena, nf);
    x->one_vm = kb_arena_alloc(&k->arena, nf);
    x->second = kb_arena_alloc(&k->arena, nf);
    if (!x->one_rm || !x->one_vm || !x->second)
        return -1;
    for (size_t t = 0; t < x->n_first; t++) {
        uint64_t m = 0, v = 0;
        for (uint32_t j = x->one_off[t]; j < x->one_off[t + 1]; j++) {
            m |= x->rmask[x->one_gid[j]];
            v |= x->vmask[x->one_gid[j]];
        }
        x->one_rm[t] = m;
        x->one_vm[t] = v;
        uint64_t b = 0;
        for (uint32_t j = x->off[t]; j < x->off[t + 1]; j++)
            b |= (uint64_t)1 << (x->at[j].second & 63);
        x->second[t] = b;
    }
    return 0;
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
    for (size_t t = 0; t < x->n_first; t++)
        pstart_sort(x->at + x->off[t], x->off[t + 1] - x->off[t]);
    return phrase_split(k) < 0 || phrase_rmask(k) < 0 ? -1 : 0;
}

/* 1 if p's terms after the second follow at t[1..n), t[-1] being its
 * first term and t[0] its second. */
static int phrase_rest(const kb_phrase *p, const uint32_t *t, size_t n)
{
    if (p->n - 1 > n)
        return 0;
    for (uint32_t j = 2; j < p->n; j++) {
        if (t[j - 1] != p->terms[j])
            return 0;
    }
    return 1;
}

/* The first start in ps .. end (sorted by pstart_key) whose second
 * term is at least second's key. */
static const kb_pstart *pstart_find(const kb_pstart *ps,
                                    const kb_pstart *end, uint32_t second)
{
    uint32_t key = second + 2u;
    while (ps < end) {
        const kb_pstart *mid = ps + (end - ps) / 2;
        if (pstart_key(mid) < key)
            ps = mid + 1;
        else
            end = mid;
    }
    return ps;
}

/* The groups of a term's one-term phrases are set; its longer phrases
 * are found by their second term (kb_pstart.second, sorted), so only
 * those whose second term follows are read, and their bucket only when
 * the second terms' filter lets that term through.  A term with no
 * one-term phrase (most) has masks of 0: they are not read. */
uint64_t kb_phrase_scan(const kb *k, const uint32_t *t, size_t n,
                        uint8_t *hit, uint64_t *veto)
{
    const kb_pindex *x = &k->phr;
    uint64_t m = 0, v = 0;
    memset(hit, 0, x->n_groups);
    /* in locals: a store to hit (bytes) may alias anything */
    const uint32_t *one_gid = x->one_gid, *one_off = x->one_off;
    const uint32_t *off = x->off;
    const uint64_t *one_rm = x->one_rm, *one_vm = x->one_vm;
    const uint64_t *rmask = x->rmask, *vmask = x->vmask;
    const kb_pstart *at = x->at;
    size_t n_first = x->n_first;
    const uint64_t *filter = x->second;
    for (size_t i = 0; i < n; i++) {
        uint32_t ti = t[i];
        if (ti >= n_first)
            continue;   /* KB_TERM_NONE, or no phrase starts with it */
        uint32_t j = one_off[ti], je = one_off[ti + 1];
        if (j < je) {
            do
                hit[one_gid[j]] = 1;
            while (++j < je);
            m |= one_rm[ti];
            v |= one_vm[ti];
        }
        if (i + 1 == n)
            continue;   /* no second term */
        uint32_t next = t[i + 1];
        if (!(filter[ti] >> (next & 63) & 1))
            continue;   /* no longer phrase goes on with next */
        const kb_pstart *ps = at + off[ti], *end = at + off[ti + 1];
        for (ps = pstart_find(ps, end, next); ps < end && ps->second == next;
             ps++) {
            if (!hit[ps->gid] && phrase_rest(ps->p, t + i + 1, n - i - 1)) {
                hit[ps->gid] = 1;
                m |= rmask[ps->gid];
                v |= vmask[ps->gid];
            }
        }
    }
    *veto = v;
    return m;
}
