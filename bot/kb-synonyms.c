/*
 * kb-synonyms.c - synonyms.json: groups of words or phrases that mean the
 * same to a parent.  Every member is rewritten to the group's first
 * member, after folding and stemming, both in the index and in questions.
 * Two rule sets are kept: stopwords dropped (matching) and kept (triage).
 */
#include "kb-impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rule_cmp(const void *a, const void *b)
{
    const kb_syn_rule *x = a, *y = b;
    if (x->from[0] != y->from[0])
        return x->from[0] < y->from[0] ? -1 : 1;
    if (x->n_from != y->n_from)
        return x->n_from > y->n_from ? -1 : 1;   /* longest first */
    return 0;
}

static int syn_push(kb_syn *s, const kb_syn_rule *r)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        kb_syn_rule *v = realloc(s->rules, cap * sizeof *v);
        if (!v)
            return -1;
        s->rules = v;
        s->cap = cap;
    }
    s->rules[s->n++] = *r;
    return 0;
}

void kb_syn_free(kb_syn *s)
{
    free(s->rules);
    memset(s, 0, sizeof *s);
}

static int count_cb(const char *tok, size_t len, void *ctx)
{
    (void)tok;
    (void)len;
    ++*(size_t *)ctx;
    return 0;
}

/* A phrase that stopwords reduce to one word rewrites that word
 * everywhere ("once a week" -> every "week"): worth a warning. */
static int syn_check_phrase(const char *w, const kb_lexout *lx,
                            const char *path, kb_diag *d)
{
    size_t words = 0;
    if (lx->terms.n != 1 ||
        kb_text_tokenize(w, strlen(w), KB_SYN_MAX + 1, count_cb, &words) < 0
        || words < 2)
        return 0;
    return kb_diag_add(d, KB_WARNING, path, 0, NULL, "synonym \"%s\" is one "
                       "word without its stopwords: it rewrites every use of "
                       "that word", w);
}

/* Compile one group into set `which` (0: stopwords dropped, 1: kept). */
static int syn_group(kb *k, json_t *group, int which, kb_lexout *lx,
                     const char *path, kb_diag *d)
{
    unsigned flags = KB_LEX_INTERN | (which ? KB_LEX_KEEPSTOP : 0);
    kb_syn_rule r = {0};
    size_t i;
    json_t *m;
    int have_to = 0;
    json_array_foreach(group, i, m) {
        const char *w = json_string_value(m);
        if (kb_lex_run(k, k->stem, w, strlen(w), flags, (size_t)-1, lx) < 0)
            return -1;
        if (lx->terms.n == 0)
            continue;   /* only stopwords: nothing to rewrite */
        if (which == 0 && syn_check_phrase(w, lx, path, d) < 0)
            return -1;
        if (lx->terms.n > KB_SYN_MAX) {
            if (which == 0)
                kb_diag_add(d, KB_ERROR, path, 0, NULL, "synonym \"%s\" has "
                            "more than %d words", w, KB_SYN_MAX);
            return which == 0 ? 1 : 0;
        }
        if (!have_to) {
            r.n_to = (uint32_t)lx->terms.n;
            memcpy(r.to, lx->terms.v, lx->terms.n * sizeof *r.to);
            have_to = 1;
            continue;
        }
        r.n_from = (uint32_t)lx->terms.n;
        memcpy(r.from, lx->terms.v, lx->terms.n * sizeof *r.from);
        if ((r.n_from != r.n_to ||
             memcmp(r.from, r.to, r.n_to * sizeof *r.to) != 0) &&
            syn_push(&k->syn[which], &r) < 0)
            return -1;
    }
    return 0;
}

/* Check the shape of one group; 0 ok, 1 reported. */
static int syn_check(json_t *group, size_t gi, const char *path, kb_diag *d)
{
    if (!json_is_array(group) || json_array_size(group) < 2) {
        kb_diag_add(d, KB_ERROR, path, 0, NULL,
                    "groups[%zu]: must be an array of 2 or more strings", gi);
        return 1;
    }
    size_t i;
    json_t *m;
    json_array_foreach(group, i, m) {
        const char *w = json_string_value(m);
        if (!w || !*w) {
            kb_diag_add(d, KB_ERROR, path, 0, NULL, "groups[%zu][%zu]: must "
                        "be a non-empty string", gi, i);
            return 1;
        }
    }
    return 0;
}

static int syn_compile(kb *k, json_t *groups, const char *path, kb_diag *d)
{
    kb_lexout lx = {0};
    int rc = 0;
    size_t gi;
    json_t *g;
    json_array_foreach(groups, gi, g) {
        if (syn_check(g, gi, path, d))
            continue;
        for (int which = 0; which < 2 && rc >= 0; which++) {
            int r = syn_group(k, g, which, &lx, path, d);
            if (r < 0)
                rc = -1;
        }
        if (rc < 0)
            break;
    }
    kb_lexout_free(&lx);
    for (int which = 0; which < 2; which++) {
        if (k->syn[which].n)
            qsort(k->syn[which].rules, k->syn[which].n, sizeof(kb_syn_rule),
                  rule_cmp);
    }
    return rc;
}

/* Load dir/synonyms.json if present.  0 ok (or absent), -1 on OOM;
 * problems go to d. */
int kb_syn_load(kb *k, const char *dir, kb_diag *d)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/synonyms.json", dir);
    if (n < 0 || (size_t)n >= sizeof path)
        return 0;
    if (access(path, F_OK) != 0)
        return 0;
    json_t *root = kb_load_json(path, d);
    if (!root)
        return 0;
    json_t *groups = json_object_get(root, "groups");
    int rc = 0;
    if (!json_is_object(root) || !json_is_array(groups))
        kb_diag_add(d, KB_ERROR, path, 0, NULL,
                    "expected {\"groups\": [[\"word\", ...], ...]}");
    else
        rc = syn_compile(k, groups, path, d);
    json_decref(root);
    return rc;
}

static const kb_syn_rule *syn_first(const kb_syn *s, uint32_t t)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->rules[mid].from[0] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->rules[lo].from[0] == t ? &s->rules[lo] : NULL;
}

int kb_syn_is_source(const kb_syn *s, uint32_t t)
{
    return s->n && syn_first(s, t) != NULL;
}

/* 1 if a[0..n) and b[0..n) are the same terms (n is at most KB_SYN_MAX:
 * a loop, not a call to memcmp). */
static int syn_same(const uint32_t *a, const uint32_t *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return 0;
    }
    return 1;
}

/* The rule of s that rewrites in[0 ..) (n terms left, in[0] starting
 * rules from r on), or NULL: the first, longest first, whose phrase
 * follows. */
static const kb_syn_rule *syn_rule_at(const kb_syn_rule *r,
                                      const kb_syn_rule *end,
                                      const uint32_t *in, size_t n)
{
    for (; r < end && r->from[0] == in[0]; r++) {
        if (r->n_from <= n && syn_same(r->from + 1, in + 1, r->n_from - 1))
            return r;
    }
    return NULL;
}

/* kb_syn_apply with the index at (k->syn_at) and its filter (k->syn_filter,
 * kb_syn_may): a term starting no rule (most terms), or none whose
 * second term follows, is read in a load or two.  Returns the terms
 * written. */
static size_t syn_apply_at(const kb_syn *s, const uint32_t *at,
                           const uint32_t *filter, size_t n_at,
                           const uint32_t *in, size_t n, int keep,
                           uint32_t *o)
{
    const kb_syn_rule *end = s->rules + s->n;
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t t = in[i];
        uint32_t a = t < n_at ? at[t] : 0;   /* KB_TERM_NONE: none */
        const kb_syn_rule *r =
            a && kb_syn_may(filter[t], in + i, n - i - 1)
                ? syn_rule_at(s->rules + a - 1, end, in + i, n - i) : NULL;
        if (!r) {
            o[w++] = t;
            i++;
            continue;
        }
        for (uint32_t j = 0; j < r->n_to; j++)
            o[w++] = r->to[j];
        for (uint32_t j = 0; keep && j < r->n_from; j++)
            o[w++] = r->from[j];
        i += r->n_from;
    }
    return w;
}

/* Rewrite in[0..n) into out (reset first).  0, -1 on OOM. */
int kb_syn_apply(const kb_syn *s, const uint32_t *at, const uint32_t *filter,
                 size_t n_at, const uint32_t *in, size_t n, int keep,
                 kb_u32buf *out)
{
    out->n = 0;
    if (out->cap < n * (KB_SYN_MAX + 1) + 1 &&
        kb_u32buf_reserve(out, n * (KB_SYN_MAX + 1) + 1) < 0)
        return -1;
    if (s->n == 0) {   /* no rules (rules may be NULL) */
        if (n)
            memcpy(out->v, in, n * sizeof *in);
        out->n = n;
        return 0;
    }
    if (at) {
        out->n = syn_apply_at(s, at, filter, n_at, in, n, keep, out->v);
        return 0;
    }
    /* no index: each term's first rule by a binary search */
    const kb_syn_rule *end = s->rules + s->n;
    for (size_t i = 0; i < n;) {
        const kb_syn_rule *r =
            in[i] == KB_TERM_NONE ? NULL : syn_first(s, in[i]);
        if (r)
            r = syn_rule_at(r, end, in + i, n - i);
        if (!r) {
            out->v[out->n++] = in[i++];
            continue;
        }
        memcpy(out->v + out->n, r->to, r->n_to * sizeof *r->to);
        out->n += r->n_to;
        if (keep) {
            memcpy(out->v + out->n, r->from, r->n_from * sizeof *r->from);
            out->n += r->n_from;
        }
        i += r->n_from;
    }
    return 0;
}
