/*
 * kb-index-post.c - the postings of the index (kb-index.c collects the
 * records): per term, its entries in order (16-bit ids in 65,536-entry
 * segments, kb-impl.h) with their BM25F impacts, written in two steps so
 * that the records and the postings are never whole at once.
 */
#include "kb-index.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t kb_ix_tab_len = 4096;   /* field lengths below this: a table row */
#define IX_TAB_TF 16       /* frequencies 0..15: a code's nibbles */
#define IX_ROW_FAR UINT16_MAX   /* an entry with a length past the table */

/* A field's part of an impact, w tf / norm, for each field length (a
 * count of words or questions) up to the longest met and each frequency
 * a code can hold: the same doubles as computed for each posting (so the
 * same impacts), without a division or a branch a field. */
typedef struct ix_norms {
    double avg[KB_NFIELDS];        /* average field lengths */
    size_t n_len[KB_NFIELDS];      /* rows of tab[f] */
    double *tab[KB_NFIELDS];       /* tab[f][len * IX_TAB_TF + tf]; 0 for
                                      tf 0 or a field no entry has */
    uint16_t *row;                 /* per entry, KB_NFIELDS: its lengths,
                                      or all IX_ROW_FAR */
} ix_norms;

/* Length normalisation of field f (avg[f] > 0) at length len. */
static double ix_norm(const kb *k, const double *avg, int f, float len)
{
    const kb_params *p = &k->params;
    return 1.0 - p->b[f] + p->b[f] * len / avg[f];
}

/* BM25F impact of one record of an entry with field lengths len, the
 * long way: frequencies past a code, lengths past the table. */
static float ix_impact(const kb *k, uint32_t t, const uint8_t *tf,
                       const float *len, const double *avg)
{
    double tfn = 0;
    for (int f = 0; f < KB_NFIELDS; f++) {
        if (!tf[f] || avg[f] <= 0)
            continue;
        tfn += k->params.w[f] * tf[f] / ix_norm(k, avg, f, len[f]);
    }
    return (float)(k->idf[t] * tfn / (k->k1 + tfn));
}

/* The same for frequencies packed 4 bits a field (pk), through the
 * tables: a field skipped above adds 0 here, which leaves the sum as it
 * is (it starts at +0 and never becomes -0). */
static float ix_impact_tab(const kb *k, uint32_t t, unsigned pk,
                           const uint16_t *row, const ix_norms *n)
{
    double tfn = 0;
    for (int f = 0; f < KB_NFIELDS; f++)
        tfn += n->tab[f][(size_t)row[f] * IX_TAB_TF + (pk >> 4 * f & 15u)];
    return (float)(k->idf[t] * tfn / (k->k1 + tfn));
}

static void ix_norms_free(ix_norms *n)
{
    for (int f = 0; f < KB_NFIELDS; f++)
        free(n->tab[f]);
    free(n->row);
}

/* Field f's table, lengths 0 .. n_len - 1.  0, -1 on OOM. */
static int ix_norms_tab(const kb *k, ix_norms *n, int f)
{
    double *tab = calloc((n->n_len[f] + 1) * IX_TAB_TF, sizeof *tab);
    if (!tab)
        return -1;
    for (size_t l = 0; n->avg[f] > 0 && l < n->n_len[f]; l++) {
        double norm = ix_norm(k, n->avg, f, (float)l);
        for (unsigned tf = 1; tf < IX_TAB_TF; tf++)
            tab[l * IX_TAB_TF + tf] = k->params.w[f] * tf / norm;
    }
    n->tab[f] = tab;
    return 0;
}

/* Entry e's table rows (flen: its field lengths). */
static void ix_norms_row(ix_norms *n, size_t e, const float *flen)
{
    uint16_t *row = &n->row[e * KB_NFIELDS];
    for (int f = 0; f < KB_NFIELDS; f++) {
        float len = flen[f];
        if (len >= 0 && len < (float)n->n_len[f] &&
            (float)(row[f] = (uint16_t)len) == len)
            continue;
        for (int g = 0; g < KB_NFIELDS; g++)
            row[g] = IX_ROW_FAR;
        return;
    }
}

/* n from every entry's field lengths (flen: KB_NFIELDS an entry); the
 * caller frees it with ix_norms_free.  0, -1 on OOM. */
static int ix_norms_make(const kb *k, const float *flen, ix_norms *n)
{
    size_t ne = k->n_entries;
    float top[KB_NFIELDS] = {0};
    for (size_t e = 0; e < ne; e++) {
        for (int f = 0; f < KB_NFIELDS; f++) {
            n->avg[f] += flen[e * KB_NFIELDS + f];
            if (flen[e * KB_NFIELDS + f] > top[f])
                top[f] = flen[e * KB_NFIELDS + f];
        }
    }
    for (int f = 0; f < KB_NFIELDS; f++) {
        n->avg[f] = ne ? n->avg[f] / (double)ne : 0;
        n->n_len[f] = top[f] + 1 < (float)kb_ix_tab_len ? (size_t)top[f] + 1
                                                        : kb_ix_tab_len;
        if (ix_norms_tab(k, n, f) < 0)
            return -1;
    }
    n->row = malloc((ne + 1) * KB_NFIELDS * sizeof *n->row);
    if (!n->row)
        return -1;
    for (size_t e = 0; e < ne; e++)
        ix_norms_row(n, e, &flen[e * KB_NFIELDS]);
    return 0;
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

/* Posting p's impact (term t, entry e; flen: every entry's field
 * lengths). */
static float ix_post_impact(const kb *k, const ix_ptf *pt, const float *flen,
                            const ix_norms *n, uint32_t t, uint32_t p,
                            uint32_t e)
{
    unsigned c = pt->tf[p];
    const uint16_t *row = &n->row[(size_t)e * KB_NFIELDS];
    if (c != IX_CODE_BIG && row[0] != IX_ROW_FAR)
        return ix_impact_tab(k, t, pt->dict[c], row, n);
    uint8_t tf[KB_NFIELDS];
    ix_ptf_get(pt, p, tf);
    return ix_impact(k, t, tf, &flen[(size_t)e * KB_NFIELDS], n->avg);
}

/* Step 2's job: chunk c is terms [tb[c], tb[c + 1]); pos[c]: whether
 * all their impacts are above 0; [lo[c], hi[c]): the bytes of the codes
 * it gave back (none when hi[c] <= lo[c]). */
typedef struct ix_imp_job {
    kb *k;
    const ix_ptf *pt;
    const float *flen;
    const ix_norms *n;
    size_t page;
    uint32_t tb[IX_CHUNKS + 1];
    int pos[IX_CHUNKS];
    size_t lo[IX_CHUNKS], hi[IX_CHUNKS];
} ix_imp_job;

/* Chunk c of step 2: its terms' impacts, their codes given back as
 * they are read (the whole pages inside the chunk's postings: a page
 * shared with the next or previous chunk stays for ix_pages_free).
 * Writes post_imp, term_max and qw of its terms, pos[c] and its own
 * pages of the codes only. */
static void ix_impacts_chunk(void *arg, size_t c)
{
    ix_imp_job *j = arg;
    kb *k = j->k;
    const ix_norms *n = j->n;
    size_t pg = j->page, hi = k->post_off[j->tb[c + 1]];
    size_t gone = ((size_t)k->post_off[j->tb[c]] + pg - 1) / pg * pg;
    int pos = 1;
    for (uint32_t t = j->tb[c]; t < j->tb[c + 1]; t++) {
        double sum = 0;    /* the impacts in posting order, as a reader
                              summing them would */
        float top = k->term_max[t];
        ix_pages_give(j->pt->tf, &gone, k->post_off[t]);
        for (uint32_t h = 0; h < k->n_seg; h++) {
            uint32_t a = kb_post_seg(k, t, h), z = kb_post_seg(k, t, h + 1);
            for (uint32_t p = a; p < z; p++) {
                uint32_t e = h << k->post_shift | k->post_lo[p];
                if (p + IX_AHEAD1 < z)   /* rare terms: entries far apart */
                    __builtin_prefetch(&n->row[(size_t)(h << k->post_shift |
                        k->post_lo[p + IX_AHEAD1]) * KB_NFIELDS]);
                float imp = ix_post_impact(k, j->pt, j->flen, n, t, p, e);
                k->post_imp[p] = imp;
                sum += imp;
                pos &= imp > 0;
                top = imp > top ? imp : top;   /* no branch */
            }
        }
        k->term_max[t] = top;
        k->qw[t] = ix_qweight(k, t, sum);
    }
    if (hi / pg * pg > gone) {
        ix_pages_free(j->pt->tf, gone, hi / pg * pg);
        gone = hi / pg * pg;
    }
    j->lo[c] = ((size_t)k->post_off[j->tb[c]] + pg - 1) / pg * pg;
    j->hi[c] = gone;
    j->pos[c] = pos;
}

/* The codes' pages no chunk gave back (before, between and after the
 * chunks' own), given back now; pt->gone then says all of them are.
 * Never a page twice: once given back, the address range may already
 * be another mapping's (the side thread's allocations, kb-index.c). */
static void ix_impacts_rest(ix_ptf *pt, const ix_imp_job *j, size_t nc)
{
    size_t at = 0;
    for (size_t c = 0; c < nc; c++) {
        if (j->hi[c] <= j->lo[c])
            continue;
        ix_pages_free(pt->tf, at, j->lo[c]);
        at = j->hi[c];
    }
    ix_pages_free(pt->tf, at, pt->len);
    pt->gone = pt->len;
}

/* Step 2: every posting's impact, term after term, from its frequencies
 * and its entry's field lengths (flen: KB_NFIELDS an entry); the codes
 * are given back as they are read.  Each term's are its own, so for a
 * large kb the terms are cut into IX_CHUNKS chunks of about as many
 * postings, shared with a second thread (ix_share).  k->imp_pos:
 * whether all are above 0; k->qw[t]: each term's question weight. */
static void ix_impacts(kb *k, ix_ptf *pt, const float *flen,
                       const ix_norms *n)
{
    uint32_t nt = (uint32_t)k->n_terms, np = k->post_off[nt];
    long ps = sysconf(_SC_PAGESIZE);
    ix_imp_job j = {.k = k, .pt = pt, .flen = flen, .n = n,
                     .page = ps > 0 ? (size_t)ps : 4096};
    size_t nc = np >= kb_index_par_min && nt >= IX_CHUNKS ? IX_CHUNKS : 1;
    uint32_t t = 0;
    for (size_t c = 1; c < nc; c++) {
        uint64_t at = (uint64_t)np * c / nc;
        while (t < nt && k->post_off[t] < at)
            t++;
        j.tb[c] = t;
    }
    j.tb[nc] = nt;
    if (nc > 1)
        ix_share(ix_impacts_chunk, &j, nc);
    else
        ix_impacts_chunk(&j, 0);
    k->imp_pos = 1;
    for (size_t c = 0; c < nc; c++)
        k->imp_pos &= j.pos[c];
    ix_impacts_rest(pt, &j, nc);
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
    ix_norms norms = {0};
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
    k->post_imp = malloc((np + 1) * sizeof *k->post_imp);
    k->qw = malloc((nt + 1) * sizeof *k->qw);
    if (!k->post_imp || !k->qw || ix_norms_make(k, flen, &norms) < 0)
        goto done;
    ix_impacts(k, &pt, flen, &norms);
    rc = 0;
done:
    free(pos);
    ix_norms_free(&norms);
    ix_pages_free(pt.tf, pt.gone, pt.len);
    free(pt.big);
    return rc;
}

