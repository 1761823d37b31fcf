/* gaps-report.c - `faqbot kb gaps`: group the gap log by stemmed
 * similarity and find the nearest entry of each group, see gaps.h. */
#include "gaps.h"

#include "sbuf.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GAPS_MAX_LINES 1000000

typedef struct terms {
    char **v;
    size_t n, cap;
    int oom;
} terms;

typedef struct variant {
    char *text;
    size_t count;
} variant;

typedef struct group {
    terms key;              /* the first question's terms */
    variant *v;
    size_t n_v;
    size_t count;
} group;

static void terms_free(terms *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
}

static void term_cb(const char *term, size_t len, void *ctx)
{
    terms *t = ctx;
    if (t->oom)
        return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        char **v = realloc(t->v, cap * sizeof *v);
        if (!v) {
            t->oom = 1;
            return;
        }
        t->v = v;
        t->cap = cap;
    }
    if (!(t->v[t->n] = strndup(term, len)))
        t->oom = 1;
    else
        t->n++;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, unique stemmed terms of text into *t.  0, or -1 on OOM.
 * Caller frees with terms_free() either way. */
static int terms_of(const char *lang, const char *text, terms *t)
{
    memset(t, 0, sizeof *t);
    if (kb_text_terms(lang, text, strlen(text), term_cb, t) < 0 || t->oom)
        return -1;
    qsort(t->v, t->n, sizeof *t->v, str_cmp);
    size_t w = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (w && strcmp(t->v[w - 1], t->v[i]) == 0)
            free(t->v[i]);
        else
            t->v[w++] = t->v[i];
    }
    t->n = w;
    return 0;
}

static double jaccard(const terms *a, const terms *b)
{
    size_t i = 0, j = 0, common = 0;
    if (a->n == 0 && b->n == 0)
        return 1.0;
    while (i < a->n && j < b->n) {
        int c = strcmp(a->v[i], b->v[j]);
        common += c == 0;
        i += c <= 0;
        j += c >= 0;
    }
    return (double)common / (double)(a->n + b->n - common);
}

/* Count text in g's variants; takes nothing.  0, or -1 on OOM. */
static int group_add_text(group *g, const char *text)
{
    g->count++;
    for (size_t i = 0; i < g->n_v; i++)
        if (strcmp(g->v[i].text, text) == 0) {
            g->v[i].count++;
            return 0;
        }
    variant *v = realloc(g->v, (g->n_v + 1) * sizeof *v);
    if (!v)
        return -1;
    g->v = v;
    if (!(v[g->n_v].text = strdup(text)))
        return -1;
    v[g->n_v++].count = 1;
    return 0;
}

typedef struct builder {
    group *g;
    size_t n, cap;
    const char *lang;
    double threshold;
} builder;

/* File one question; 0, or -1 on OOM. */
static int builder_add(builder *b, const char *text)
{
    terms t;
    if (terms_of(b->lang, text, &t) < 0) {
        terms_free(&t);
        return -1;
    }
    for (size_t i = 0; i < b->n; i++)
        if (jaccard(&b->g[i].key, &t) >= b->threshold) {
            terms_free(&t);
            return group_add_text(&b->g[i], text);
        }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        group *g = realloc(b->g, cap * sizeof *g);
        if (!g) {
            terms_free(&t);
            return -1;
        }
        b->g = g;
        b->cap = cap;
    }
    group *g = &b->g[b->n++];
    memset(g, 0, sizeof *g);
    g->key = t;
    return group_add_text(g, text);
}

static void builder_free(builder *b)
{
    for (size_t i = 0; i < b->n; i++) {
        terms_free(&b->g[i].key);
        for (size_t j = 0; j < b->g[i].n_v; j++)
            free(b->g[i].v[j].text);
        free(b->g[i].v);
    }
    free(b->g);
}

/* The question of one log line, or NULL (not a gap line). */
static const char *line_question(json_t *o)
{
    const char *q = json_string_value(json_object_get(o, "q"));
    return q && *q ? q : NULL;
}

static int read_log(FILE *f, builder *b, gap_report *r, char *err, size_t errlen)
{
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    while (rc == 0 && r->n_questions + r->n_skipped < GAPS_MAX_LINES &&
           getline(&line, &cap, f) >= 0) {
        json_t *o = json_loads(line, 0, NULL);
        const char *q = o ? line_question(o) : NULL;
        if (!q)
            r->n_skipped++;
        else if (builder_add(b, q) < 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        } else
            r->n_questions++;
        json_decref(o);
    }
    free(line);
    return rc;
}

static int group_cmp(const void *a, const void *b)
{
    const gap_group *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->example, y->example);
}

/* "\n" and e's question j onto all, in either text mode (kb_entry_text).
 * A question that cannot be read back (knowledge_text "disk" and its file
 * changed since loading) is left out: the entry still has its title and
 * keywords.  Returns 0, or -1 on OOM. */
static int add_question(const kb *k, const kb_entry *e, size_t j, sbuf *all)
{
    char buf[512];
    long n = kb_entry_text(k, e, KB_TEXT_QUESTION, j, buf, sizeof buf);
    if (n < 0)
        return 0;
    if ((size_t)n < sizeof buf)
        return sbuf_addf(all, "\n%s", buf);
    char *big = malloc((size_t)n + 1);
    int rc = -1;
    if (big && kb_entry_text(k, e, KB_TEXT_QUESTION, j, big, (size_t)n + 1) == n)
        rc = sbuf_addf(all, "\n%s", big);
    else if (big)
        rc = 0;   /* changed between the two reads: left out too */
    free(big);
    return rc;
}

/* Every entry's terms (title, questions and keywords together) into
 * out[0..n entries); caller frees each with terms_free(). */
static int entry_terms(const kb *k, const char *lang, terms *out)
{
    for (size_t i = 0; i < kb_entry_count(k); i++) {
        const kb_entry *e = kb_entry_at(k, i);
        sbuf all;
        sbuf_init(&all);
        sbuf_add(&all, e->title);
        for (size_t j = 0; j < e->n_questions; j++)
            if (add_question(k, e, j, &all) < 0)
                all.oom = 1;
        for (size_t j = 0; j < e->n_keywords; j++)
            sbuf_addf(&all, "\n%s", e->keywords[j]);
        int rc = all.oom ? -1 : terms_of(lang, sbuf_str(&all), &out[i]);
        sbuf_free(&all);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int has_term(const terms *t, const char *term)
{
    return bsearch(&term, t->v, t->n, sizeof *t->v, str_cmp) != NULL;
}

/* How telling each of q's terms is: log((N + 1) / (df + 1)), where df is
 * the number of entries using it ("massage" tells little, "teething"
 * much).  Fills w[0..q->n). */
static void term_weights(const terms *et, size_t ne, const terms *q, double *w)
{
    for (size_t i = 0; i < q->n; i++) {
        size_t df = 0;
        for (size_t e = 0; e < ne; e++)
            df += has_term(&et[e], q->v[i]);
        w[i] = log((double)(ne + 1) / (double)(df + 1)) + 1e-6;
    }
}

/* The entry sharing the most telling part of q's words: score = weight of
 * the shared terms / weight of all of q's terms (0..1). */
static int closest_entry(const kb *k, const terms *et, const terms *q,
                         gap_group *out)
{
    size_t ne = kb_entry_count(k);
    const char *urgent = kb_urgent_entry_id(k);
    double *w = calloc(q->n + 1, sizeof *w), total = 0;
    if (!w)
        return -1;
    term_weights(et, ne, q, w);
    for (size_t i = 0; i < q->n; i++)
        total += w[i];
    for (size_t e = 0; e < ne && total > 0; e++) {
        const kb_entry *en = kb_entry_at(k, e);
        double shared = 0;
        if (urgent && strcmp(urgent, en->id) == 0)
            continue;
        for (size_t i = 0; i < q->n; i++)
            if (has_term(&et[e], q->v[i]))
                shared += w[i];
        if (shared / total > out->score + 1e-9) {
            out->score = shared / total;
            out->closest = en;
        }
    }
    free(w);
    return 0;
}

/* Turn the builder's groups into the report (takes the example texts). */
static int finish(builder *b, const kb *k, gap_report *r)
{
    size_t ne = kb_entry_count(k);
    terms *et = calloc(ne + 1, sizeof *et);
    int rc = -1;
    if (!et || entry_terms(k, b->lang, et) < 0 ||
        !(r->groups = calloc(b->n + 1, sizeof *r->groups)))
        goto done;
    for (size_t i = 0; i < b->n; i++) {
        group *g = &b->g[i];
        size_t best = 0;
        for (size_t j = 1; j < g->n_v; j++)
            if (g->v[j].count > g->v[best].count)
                best = j;
        gap_group *out = &r->groups[r->n_groups++];
        out->example = g->v[best].text;
        g->v[best].text = NULL;
        out->count = g->count;
        out->n_variants = g->n_v;
        if (closest_entry(k, et, &g->key, out) < 0)
            goto done;
    }
    qsort(r->groups, r->n_groups, sizeof *r->groups, group_cmp);
    rc = 0;
done:
    for (size_t i = 0; et && i < ne; i++)
        terms_free(&et[i]);
    free(et);
    return rc;
}

int gap_report_build(const char *file, const kb *k, double threshold,
                     gap_report *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    const kb_source *src = kb_source_at(k, 0);
    builder b = {NULL, 0, 0, src && src->language ? src->language : "english",
                 threshold};
    FILE *f = fopen(file, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", file, strerror(errno));
        return -1;
    }
    int rc = read_log(f, &b, r, err, errlen);
    fclose(f);
    if (rc == 0 && finish(&b, k, r) < 0) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    builder_free(&b);
    if (rc < 0)
        gap_report_free(r);
    return rc;
}

void gap_report_free(gap_report *r)
{
    for (size_t i = 0; i < r->n_groups; i++)
        free(r->groups[i].example);
    free(r->groups);
    memset(r, 0, sizeof *r);
}
