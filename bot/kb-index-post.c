/*
 * kb-index-post.c - the postings of the index (kb-index.c collects the
 * records): per term, its entries in order (16-bit ids in 65,536-entry
 * segments, kb-impl.h) with their BM25F impacts, written in two steps so
 * that the records and the postings are never whole at once.
 */
#include "kb-index.h"

#include <stdlib.h>
#include <string.h>

/* Length normalisation of each field of an entry (computed once per
 * entry, not per record: the same arithmetic, so the same impacts). */
static void ix_norms(const kb *k, const float *len, const double *avg,
                     double *norm)
{
    const kb_params *p = &k->params;
    for (int f = 0; f < KB_NFIELDS; f++)
        norm[f] = avg[f] > 0 ? 1.0 - p->b[f] + p->b[f] * len[f] / avg[f] : 0;
}

/* BM25F impact of one record of an entry with field norms norm. */
static float ix_impact(const kb *k, uint32_t t, const uint8_t *tf,
                       const double *norm, const double *avg)
{
    const kb_params *p = &k->params;
    double tfn = 0;
    for (int f = 0; f < KB_NFIELDS; f++) {
        if (!tf[f] || avg[f] <= 0)
            continue;
        tfn += p->w[f] * tf[f] / norm[f];
    }
    return (float)(k->idf[t] * tfn / (k->k1 + tfn));
}

/* Term t's posting p is of entry e: post_lo, and the start of e's
 * segment (and of those before it not yet started) if e is the first
 * there.  A term's postings are put in order; its segments start empty
 * at the end of its postings (ix_segs). */
static void ix_post_put(kb *k, uint32_t t, uint32_t p, uint32_t e)
{
    k->post_lo[p] = (uint16_t)(e & ((1u << k->post_shift) - 1));
    uint32_t h = e >> k->post_shift;
    if (h == 0)
        return;
    uint32_t *seg = k->post_seg + (size_t)t * (k->n_seg - 1);
    for (; h > 0 && seg[h - 1] > p; h--)
        seg[h - 1] = p;
}

/* n_seg for shift, and the segment table with every segment of every
 * term empty.  0, -1 on OOM (post_seg NULL). */
static int ix_segs(kb *k, unsigned shift)
{
    size_t nt = k->n_terms, ne = k->n_entries;
    k->post_shift = shift;
    k->n_seg = ne ? (uint32_t)(((ne - 1) >> shift) + 1) : 1;
    size_t w = k->n_seg - 1;
    k->post_seg = NULL;
    if (w == 0)
        return 0;
    k->post_seg = malloc((nt * w + 1) * sizeof *k->post_seg);
    if (!k->post_seg)
        return -1;
    for (size_t t = 0; t < nt; t++) {
        for (size_t h = 0; h < w; h++)
            k->post_seg[t * w + h] = k->post_off[t + 1];
    }
    return 0;
}

int kb_index_reshift(kb *k, unsigned shift)
{
    if (shift < 1 || shift > 16)
        return -1;
    size_t np = k->post_off ? k->post_off[k->n_terms] : 0;
    uint32_t *doc = malloc((np + 1) * sizeof *doc);
    if (!doc)
        return -1;
    for (uint32_t t = 0; t < k->n_terms; t++) {
        for (uint32_t p = k->post_off[t]; p < k->post_off[t + 1]; p++)
            doc[p] = kb_post_doc(k, t, p);
    }
    uint32_t *old_seg = k->post_seg, old_n = k->n_seg;
    unsigned old_shift = k->post_shift;
    if (ix_segs(k, shift) < 0) {
        k->post_seg = old_seg;
        k->n_seg = old_n;
        k->post_shift = old_shift;
        free(doc);
        return -1;
    }
    free(old_seg);
    for (uint32_t t = 0; t < k->n_terms; t++) {
        for (uint32_t p = k->post_off[t]; p < k->post_off[t + 1]; p++)
            ix_post_put(k, t, p, doc[p]);
    }
    free(doc);
    return 0;
}

/* A posting whose frequencies have no code (ix_recs). */
typedef struct ix_pbig {
    uint32_t p;
    uint8_t tf[KB_NFIELDS];
} ix_pbig;

/* Term-major frequencies while the postings are written: the records'
 * one-byte codes per posting (mapped pages, given back as the impacts
 * are written), the rest aside by posting. */
typedef struct ix_ptf {
    uint8_t *tf;
    size_t len, gone;      /* bytes mapped, bytes given back */
    uint16_t dict[IX_CODES];
    ix_pbig *big;
    size_t n_big, cap_big;
} ix_ptf;

static int pbig_cmp(const void *a, const void *b)
{
    uint32_t x = ((const ix_pbig *)a)->p, y = ((const ix_pbig *)b)->p;
    return x < y ? -1 : x > y;
}

/* Random writes fetched ahead: the counters of the terms of the record
 * IX_AHEAD2 ahead, and where the record IX_AHEAD1 ahead will write (its
 * term's counter fetched by now). */
#define IX_AHEAD1 8
#define IX_AHEAD2 16
static inline void ix_scatter_ahead(const kb *k, const ix_recs *recs,
                                    const uint32_t *pos, const ix_ptf *pt,
                                    size_t i, size_t n, size_t w)
{
    if (i + IX_AHEAD2 < n)
        __builtin_prefetch(&pos[ix_recs_term(recs, i + IX_AHEAD2)], 1);
    if (i + IX_AHEAD1 < n) {
        uint32_t t = ix_recs_term(recs, i + IX_AHEAD1), p = pos[t];
        __builtin_prefetch(&k->post_lo[p], 1);
        __builtin_prefetch(&pt->tf[p], 1);
        if (w)
            __builtin_prefetch(&k->post_seg[(size_t)t * w], 1);
    }
}

/* Step 1: the records, entry after entry, into the postings' entry ids
 * and frequency codes (term-major); each entry's records are given back
 * once read, so the records shrink as the postings grow.  0, -1 on
 * OOM. */
static int ix_scatter(kb *k, ix_recs *recs, const uint32_t *rec_off,
                      uint32_t *pos, ix_ptf *pt)
{
    size_t at = 0, n = recs->n, w = k->n_seg - 1;
    memcpy(pt->dict, recs->dict, sizeof pt->dict);
    for (size_t e = 0; e < k->n_entries; e++) {
        for (uint32_t i = rec_off[e]; i < rec_off[e + 1]; i++) {
            ix_scatter_ahead(k, recs, pos, pt, i, n, w);
            uint32_t t = ix_recs_term(recs, i), p = pos[t]++;
            unsigned c = recs->tf[i];
            ix_post_put(k, t, p, (uint32_t)e);
            pt->tf[p] = (uint8_t)c;
            if (c != IX_CODE_BIG)
                continue;
            if (kb_grow((void **)&pt->big, &pt->cap_big, pt->n_big + 1,
                        sizeof *pt->big) < 0)
                return -1;
            ix_pbig *x = &pt->big[pt->n_big++];
            x->p = p;
            ix_recs_tf(recs, i, &at, x->tf);
        }
        ix_recs_release(recs, rec_off[e + 1]);
    }
    ix_recs_free(recs);
    if (pt->n_big)
        qsort(pt->big, pt->n_big, sizeof *pt->big, pbig_cmp);
    return 0;
}

/* Posting p's frequencies from pt. */
static void ix_ptf_get(const ix_ptf *pt, uint32_t p, uint8_t tf[KB_NFIELDS])
{
    unsigned c = pt->tf[p];
    if (c != IX_CODE_BIG) {
        ix_unpack(pt->dict[c], tf);
        return;
    }
    size_t lo = 0, hi = pt->n_big;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pt->big[mid].p < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < pt->n_big && pt->big[lo].p == p)
        memcpy(tf, pt->big[lo].tf, KB_NFIELDS);
    else
        memset(tf, 0, KB_NFIELDS);     /* not kept: cannot happen */
}

/* Term t's weight in a question: idf, scaled towards the share of the
 * term's total impact (sum) that its top entry holds (a word spread thin
 * over many entries says less about which one is meant). */
static float ix_qweight(const kb *k, uint32_t t, double sum)
{
    double mix = k->params.conc_mix;
    double conc = sum > 0 ? k->term_max[t] / sum : 1.0;
    return (float)(k->idf[t] * (1.0 - mix + mix * conc));
}

/* Step 2: every posting's impact, term after term, from its frequencies
 * and its entry's field norms (norm: KB_NFIELDS a entry); the codes are
 * given back as they are read.  k->imp_pos: whether all are above 0;
 * k->qw[t]: each term's question weight. */
static void ix_impacts(kb *k, ix_ptf *pt, const double *norm,
                       const double *avg)
{
    k->imp_pos = 1;
    for (uint32_t t = 0; t < k->n_terms; t++) {
        double sum = 0;    /* the impacts in posting order, as a reader
                              summing them would */
        ix_pages_give(pt->tf, &pt->gone, k->post_off[t]);
        for (uint32_t h = 0; h < k->n_seg; h++) {
            uint32_t a = kb_post_seg(k, t, h), z = kb_post_seg(k, t, h + 1);
            for (uint32_t p = a; p < z; p++) {
                uint32_t e = h << k->post_shift | k->post_lo[p];
                if (p + IX_AHEAD1 < z)   /* rare terms: entries far apart */
                    __builtin_prefetch(&norm[(size_t)(h << k->post_shift |
                        k->post_lo[p + IX_AHEAD1]) * KB_NFIELDS]);
                uint8_t tf[KB_NFIELDS];
                ix_ptf_get(pt, p, tf);
                float imp = ix_impact(k, t, tf, &norm[(size_t)e * KB_NFIELDS],
                                      avg);
                k->post_imp[p] = imp;
                sum += imp;
                k->imp_pos &= imp > 0;
                if (imp > k->term_max[t])
                    k->term_max[t] = imp;
            }
        }
        k->qw[t] = ix_qweight(k, t, sum);
    }
}

/* Average field lengths into avg; each entry's field norms (caller frees
 * with free), NULL on OOM. */
static double *ix_all_norms(const kb *k, const float *flen, double *avg)
{
    size_t ne = k->n_entries;
    for (int f = 0; f < KB_NFIELDS; f++)
        avg[f] = 0;
    for (size_t e = 0; e < ne; e++) {
        for (int f = 0; f < KB_NFIELDS; f++)
            avg[f] += flen[e * KB_NFIELDS + f];
    }
    for (int f = 0; f < KB_NFIELDS; f++)
        avg[f] = ne ? avg[f] / (double)ne : 0;
    double *norm = malloc((ne + 1) * KB_NFIELDS * sizeof *norm);
    for (size_t e = 0; norm && e < ne; e++)
        ix_norms(k, &flen[e * KB_NFIELDS], avg, &norm[e * KB_NFIELDS]);
    return norm;
}

/* The postings in two steps, so that the build's records (5 bytes a
 * posting) and the postings (6 bytes) are never whole at once: entry ids
 * and frequency codes (3 bytes) while the records go, then the impacts
 * while the codes go.  The same impacts as one pass. */
int ix_postings(kb *k, ix_recs *recs, const uint32_t *rec_off,
                const float *flen)
{
    size_t nt = k->n_terms, np = recs->n;
    int rc = -1;
    double avg[KB_NFIELDS], *norm = NULL;
    ix_ptf pt = {0};
    uint32_t *pos = malloc((nt + 1) * sizeof *pos);
    k->post_off = malloc((nt + 1) * sizeof *k->post_off);
    k->post_lo = malloc((np + 1) * sizeof *k->post_lo);
    k->term_max = calloc(nt + 1, sizeof *k->term_max);
    pt.len = (np + 1) * sizeof *pt.tf;
    pt.tf = ix_pages_new(pt.len);
    if (!pos || !k->post_off || !k->post_lo || !k->term_max || !pt.tf)
        goto done;
    k->post_off[0] = 0;
    for (size_t t = 0; t < nt; t++)
        k->post_off[t + 1] = k->post_off[t] + k->df[t];
    memcpy(pos, k->post_off, (nt + 1) * sizeof *pos);
    ix_recs_narrow(recs, nt);
    if (ix_segs(k, 16) < 0 || ix_scatter(k, recs, rec_off, pos, &pt) < 0)
        goto done;
    free(pos);
    pos = NULL;
    norm = ix_all_norms(k, flen, avg);
    k->post_imp = malloc((np + 1) * sizeof *k->post_imp);
    k->qw = malloc((nt + 1) * sizeof *k->qw);
    if (!norm || !k->post_imp || !k->qw)
        goto done;
    ix_impacts(k, &pt, norm, avg);
    rc = 0;
done:
    free(pos);
    free(norm);
    ix_pages_free(pt.tf, pt.gone, pt.len);
    free(pt.big);
    return rc;
}

