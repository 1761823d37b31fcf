/*
 * kb-index.c - builds the immutable index of a loaded kb:
 *   - per term, the entries containing it with a precomputed BM25F impact
 *     (fields: alternate questions > keywords > title > answer);
 *   - per alternate question, its terms in order and their idf mass (the
 *     order gives the adjacent pairs used as phrase evidence).
 * One pass over the text collects (term, tf per field) per entry, and
 * each term's df, cf and idf mass as each entry is done; once df and
 * average lengths are known, a pass over those records writes each
 * term's entries in order with their frequencies (the records given back
 * as they are read), then a pass over the terms turns the frequencies
 * into impacts.
 */
#include "kb-index.h"
#include "kb-build.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define IX_RANK_MAX 16   /* alternates of up to this many terms: rank sort */
#define IX_ALT_MAX (KB_QUERY_MAX_TOKENS * KB_SYN_MAX)   /* terms kept of one */

#ifdef IX_PHASES   /* measuring: phase CPU times on stderr */
#include <stdio.h>
#include <time.h>
static double ix_ph(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
#define IX_PH(i) (ph[i] = ix_ph())
#else
#define IX_PH(i) ((void)0)
#endif

/* Per term while the entries are read: its record in the current entry,
 * and its statistics so far (counted as each entry's records are
 * done, in record order: what a pass over the records would give). */
typedef struct ix_term {
    uint32_t slot;         /* 1 + index in cur, 0 = absent */
    uint32_t df, cf;       /* entries holding it, occurrences */
    float dfe;             /* df with answer-only entries counted at
                              answer_df_share */
} ix_term;

typedef struct ix_build {
    kb_lexout lx;
    kb_u32buf et;          /* the entry's terms, text after text */
    uint32_t *et_off;      /* text i's terms: et.v[et_off[i] .. et_off[i+1]) */
    size_t cap_et_off;
    const char **texts;    /* the entry's texts in the order they are lexed */
    size_t cap_texts;
    kb_scan scan[2];       /* entry e's texts in scan[e & 1], e + 1's ahead */
    ix_term *tt;           /* per term, mapped pages (slot_fit) */
    size_t cap_tt, len_tt;
    ix_rec *cur;           /* the records of the entry being read */
    uint32_t *cur_alt;     /* per record: 1 + the last alternate counted */
    size_t n_cur, cap_cur;
    ix_recs recs;          /* every entry's records, entry after entry */
    uint32_t *rec_off;     /* n_entries + 1 */
    float *flen;           /* n_entries * KB_NFIELDS */
    kb_u32buf alt_terms;
    kb_alt *alts;
    size_t n_alts, cap_alts;
} ix_build;

/* b->tt for n_terms terms (mapped pages: its slack takes no memory, and
 * it grows without a copy where it can).  0, -1 on OOM. */
static int slot_fit(ix_build *b, size_t n_terms)
{
    if (n_terms <= b->cap_tt)
        return 0;
    size_t cap = b->cap_tt ? b->cap_tt : 4096;
    while (cap < n_terms)
        cap *= 2;
    void *p = b->tt;
    if (ix_pages_grow(&p, &b->len_tt, cap * sizeof *b->tt) < 0)
        return -1;
    b->tt = p;
    b->cap_tt = cap;
    return 0;
}

/* Room for n more records in the current entry.  0, -1 on OOM. */
static int cur_fit(ix_build *b, size_t n)
{
    size_t need = b->n_cur + n, cap_alt = b->cap_cur;
    if (kb_grow((void **)&b->cur_alt, &cap_alt, need, sizeof *b->cur_alt) < 0)
        return -1;
    return kb_grow((void **)&b->cur, &b->cap_cur, need, sizeof *b->cur);
}

/* The current entry's record of term t (made on first use; room for it
 * made by cur_fit). */
static ix_rec *ix_rec_of(ix_build *b, uint32_t t)
{
    ix_term *x = &b->tt[t];
    uint32_t slot = x->slot, fresh = slot == 0;
    /* without a branch (a word's first occurrence in an entry or not
     * does not follow a pattern): the next record is written either way,
     * and kept only when fresh */
    b->cur[b->n_cur] = (ix_rec){t, {0}};
    b->cur_alt[b->n_cur] = 0;
    slot = fresh ? (uint32_t)b->n_cur + 1 : slot;
    b->n_cur += fresh;
    x->slot = slot;
    return &b->cur[slot - 1];
}

/* Count one occurrence of t in field f of the current entry. */
static void ix_count(ix_build *b, uint32_t t, int f)
{
    uint8_t *tf = &ix_rec_of(b, t)->tf[f];
    if (*tf < 255)
        (*tf)++;
}

/* Text i of entry en in the order it is lexed: questions, keywords,
 * title, answer. */
static const char *ix_text(const kb_entry *en, size_t i)
{
    if (i < en->n_questions)
        return en->questions[i];
    i -= en->n_questions;
    if (i < en->n_keywords)
        return en->keywords[i];
    return i == en->n_keywords ? en->title : en->answer;
}

/* Every text of entry en (its scan s) into b->et, each term's record in
 * b->tt fetched as the term is found (the misses overlap with the
 * lexing, before counting).  0, -1 on OOM. */
static int ix_lex_entry(kb *k, ix_build *b, const kb_scan *s,
                        const kb_entry *en)
{
    size_t nt = en->n_questions + en->n_keywords + 2;
    if (kb_grow((void **)&b->et_off, &b->cap_et_off, nt + 1,
                sizeof *b->et_off) < 0 ||
        kb_grow((void **)&b->texts, &b->cap_texts, nt, sizeof *b->texts) < 0)
        return -1;
    for (size_t i = 0; i < nt; i++)
        b->texts[i] = ix_text(en, i);
    b->et.n = 0;
    if (kb_scan_lex_all(k, s, b->texts, &b->lx, &b->et, b->et_off, b->tt,
                        sizeof *b->tt) < 0)
        return -1;
    return slot_fit(b, k->n_terms) < 0 || cur_fit(b, b->et.n) < 0 ? -1 : 0;
}

/* Text i's terms (ix_lex_entry) counted in field f.  Returns how many. */
static long ix_field(ix_build *b, size_t i, int f)
{
    for (uint32_t j = b->et_off[i]; j < b->et_off[i + 1]; j++)
        ix_count(b, b->et.v[j], f);
    return (long)(b->et_off[i + 1] - b->et_off[i]);
}

/* v[0 .. n) in ascending order into out: each value's place is how many
 * come before it (equal ones in their order), counted without a branch
 * a pair (n^2 compares: for the dozen terms of an alternate, cheaper
 * than the mispredicted ones of an insertion sort). */
static void u32_rank_sort(const uint32_t *v, size_t n, uint32_t *out)
{
    for (size_t i = 0; i < n; i++) {
        size_t r = 0;
        for (size_t j = 0; j < i; j++)
            r += v[j] <= v[i];
        for (size_t j = i + 1; j < n; j++)
            r += v[j] < v[i];
        out[r] = v[i];
    }
}

/* One alternate question (text i): its terms in order, counted once
 * each. */
static int ix_alt(ix_build *b, size_t ti)
{
    const uint32_t *t = b->et.v + b->et_off[ti];
    size_t n = b->et_off[ti + 1] - b->et_off[ti];
    if (n > IX_ALT_MAX)
        n = IX_ALT_MAX;
    if (kb_grow((void **)&b->alts, &b->cap_alts, b->n_alts + 1,
             sizeof *b->alts) < 0 ||
        kb_u32buf_reserve(&b->alt_terms, b->alt_terms.n + n) < 0)
        return -1;
    if (n)
        memcpy(b->alt_terms.v + b->alt_terms.n, t, n * sizeof *t);
    uint32_t stamp = (uint32_t)b->n_alts + 1;   /* each term once */
    for (size_t i = 0; i < n; i++) {
        ix_rec *r = ix_rec_of(b, t[i]);
        uint32_t *seen = &b->cur_alt[r - b->cur];
        if (*seen != stamp && r->tf[KB_F_Q] < 255)
            r->tf[KB_F_Q]++;
        *seen = stamp;
    }
    b->alts[b->n_alts++] = (kb_alt){(uint32_t)b->alt_terms.n, (uint32_t)n,
                                    0.0f};
    b->alt_terms.n += n;
    return 0;
}

/* Every text of entry e, in the order ix_entry lexes them, scanned
 * into s (their token-cache slots prefetched).  0, -1 on OOM. */
static int ix_scan_entry(const kb *k, kb_scan *s, uint32_t e)
{
    const kb_entry *en = &k->entries[e];
    kb_scan_reset(s);
    for (size_t i = 0; i < en->n_questions; i++) {
        if (kb_scan_text(s, &k->tokens, en->questions[i]) < 0)
            return -1;
        s->t[s->n_t - 1].fw = 1;       /* its function words noted */
    }
    for (size_t i = 0; i < en->n_keywords; i++) {
        if (kb_scan_text(s, &k->tokens, en->keywords[i]) < 0)
            return -1;
    }
    if (kb_scan_text(s, &k->tokens, en->title) < 0)
        return -1;
    s->t[s->n_t - 1].fw = 1;
    return kb_scan_text(s, &k->tokens, en->answer);
}

/* The current entry's records into their terms' statistics (slots
 * cleared for the next entry). */
static void ix_term_count(ix_build *b, float share)
{
    const float add[2] = {share, 1.0f};   /* answer only, or a topic */
    for (size_t i = 0; i < b->n_cur; i++) {
        const uint8_t *tf = b->cur[i].tf;
        ix_term *x = &b->tt[b->cur[i].term];
        int topic = (tf[KB_F_Q] | tf[KB_F_KW] | tf[KB_F_TITLE]) != 0;
        x->slot = 0;
        x->df++;
        x->cf += (uint32_t)tf[0] + tf[1] + tf[2] + tf[3];
        x->dfe += add[topic];
    }
}

/* Entry e from its scan (made by the call for e - 1, or before the
 * first), once entry e + 1 is scanned ahead. */
static int ix_entry(kb *k, ix_build *b, uint32_t e)
{
    const kb_scan *s = &b->scan[e & 1];
    if (e + 1 < k->n_entries &&
        ix_scan_entry(k, &b->scan[(e + 1) & 1], e + 1) < 0)
        return -1;
    const kb_entry *en = &k->entries[e];
    float *len = &b->flen[(size_t)e * KB_NFIELDS];
    size_t ti = 0;
    b->n_cur = 0;
    if (kb_fw_entry(k, e) < 0 || ix_lex_entry(k, b, s, en) < 0)
        return -1;
    for (size_t i = 0; i < en->n_questions; i++) {
        if (ix_alt(b, ti++) < 0)
            return -1;
    }
    len[KB_F_Q] = (float)en->n_questions;
    for (size_t i = 0; i < en->n_keywords; i++)
        len[KB_F_KW] += (float)ix_field(b, ti++, KB_F_KW);
    len[KB_F_TITLE] = (float)ix_field(b, ti, KB_F_TITLE);
    len[KB_F_ANSWER] = (float)ix_field(b, ti + 1, KB_F_ANSWER);
    ix_term_count(b, (float)k->params.answer_df_share);
    if (ix_recs_push(&b->recs, b->cur, b->n_cur) < 0)
        return -1;
    b->rec_off[e + 1] = (uint32_t)b->recs.n;
    return 0;
}

static void ix_build_free(ix_build *b)
{
    kb_lexout_free(&b->lx);
    kb_u32buf_free(&b->et);
    free(b->et_off);
    free(b->texts);
    kb_scan_free(&b->scan[0]);
    kb_scan_free(&b->scan[1]);
    ix_pages_free(b->tt, 0, b->len_tt);
    free(b->cur);
    free(b->cur_alt);
    ix_recs_free(&b->recs);
    free(b->rec_off);
    free(b->flen);
    kb_u32buf_free(&b->alt_terms);
    free(b->alts);
}

/* df, cf, idf of every term (counted in b->tt, then given back). */
static int ix_stats(kb *k, ix_build *b)
{
    size_t nt = k->n_terms;
    double n = (double)k->n_entries;
    k->df = calloc(nt + 1, sizeof *k->df);
    k->cf = calloc(nt + 1, sizeof *k->cf);
    k->idf = calloc(nt + 1, sizeof *k->idf);
    if (!k->df || !k->cf || !k->idf || slot_fit(b, nt) < 0)
        return -1;
    /* idf from the fields that say what an entry is about: a word that
     * only appears in answers counts for answer_df_share of an entry */
    for (size_t t = 0; t < nt; t++) {
        const ix_term *x = &b->tt[t];
        double df = x->dfe;
        k->df[t] = x->df;
        k->cf[t] = x->cf;
        k->idf[t] = (float)log(1.0 + (n - df + 0.5) / (df + 0.5));
        k->n_anchors += x->df && x->df >= k->params.anchor_df * n;
    }
    ix_pages_free(b->tt, 0, b->len_tt);   /* not at the postings' peak */
    b->tt = NULL;
    b->cap_tt = b->len_tt = 0;
    k->idf_max = (float)log(1.0 + (n + 0.5) / 0.5);
    return 0;
}

/* The alternates of k in chunks of per. */
typedef struct ix_wjob {
    kb *k;
    size_t per;
} ix_wjob;

/* Chunk c's alternates: each one's weight mass (each distinct term
 * once).  Writes their weight only. */
static void ix_alt_weights(void *arg, size_t c)
{
    const ix_wjob *w = arg;
    kb *k = w->k;
    uint32_t uniq[IX_ALT_MAX];
    size_t a1 = (c + 1) * w->per < k->n_alts ? (c + 1) * w->per : k->n_alts;
    for (size_t a = c * w->per; a < a1; a++) {
        kb_alt *al = &k->alts[a];
        if (al->n <= IX_RANK_MAX) {
            u32_rank_sort(k->alt_terms + al->off, al->n, uniq);
        } else {
            memcpy(uniq, k->alt_terms + al->off, al->n * sizeof *uniq);
            kb_sort_u32(uniq, al->n);
        }
        double sum = 0;
        for (uint32_t i = 0; i < al->n; i++) {
            if (i == 0 || uniq[i - 1] != uniq[i])
                sum += k->qw[uniq[i]];
        }
        al->weight = (float)sum;
    }
}

/* Hand the alternates over to k, with their weight mass: in chunks
 * shared with a second thread (ix_share) for a large kb. */
static void ix_adopt(kb *k, ix_build *b)
{
    k->alts = b->alts;
    k->n_alts = b->n_alts;
    k->alt_terms = b->alt_terms.v;
    b->alts = NULL;
    b->alt_terms.v = NULL;
    ix_wjob w = {k, k->n_alts};
    if (b->alt_terms.n >= kb_index_par_min && k->n_alts >= IX_CHUNKS) {
        w.per = (k->n_alts + IX_CHUNKS - 1) / IX_CHUNKS;
        ix_share(ix_alt_weights, &w, IX_CHUNKS);
    } else {
        ix_alt_weights(&w, 0);
    }
}

/* Lazy-text mode, entry e indexed: its questions and answer are dropped
 * (kb_entry_text reads them back from the file), and with them the text
 * blocks that only entries up to e used. */
static void ix_drop_text(kb *k, uint32_t e)
{
    kb_entry *en = &k->entries[e];
    if (k->entry_src[e].len) {
        en->questions = NULL;
        en->answer = NULL;
    }
    if (e + 1 == k->n_entries)
        kb_arena_free(&k->text);
    else if (k->entry_src[e + 1].mark != k->entry_src[e].mark)
        kb_arena_release(&k->text, k->entry_src[e + 1].mark);   /* walks
                                    every block: only when one is done */
}

int kb_index_inline = 0;
size_t kb_index_par_min = (size_t)1 << 16;

/* One ix_share job: its chunks taken in turn through next. */
typedef struct ix_share_job {
    void (*fn)(void *, size_t);
    void *arg;
    size_t n;
    atomic_size_t next;
} ix_share_job;

static void ix_share_take(ix_share_job *j)
{
    size_t c;
    while ((c = atomic_fetch_add(&j->next, 1)) < j->n)
        j->fn(j->arg, c);
}

static void *ix_share_run(void *j)
{
    ix_share_take(j);
    return NULL;
}

void ix_share(void (*fn)(void *, size_t), void *arg, size_t n)
{
    ix_share_job j = {fn, arg, n, 0};
    pthread_t th;
    int started = !kb_index_inline && n > 1 &&
                  pthread_create(&th, NULL, ix_share_run, &j) == 0;
    ix_share_take(&j);
    if (started)
        (void)pthread_join(th, NULL);   /* a joinable thread of ours */
}

/* The side job, once pass 1 has seen every word and the maps are
 * compacted: the typo index's words (kb_typo_words; their frequencies
 * set after the join, from cf), built in a second thread while this
 * one writes the statistics, postings and alternates.  It reads
 * k->tokens and the key arena and writes k->typo only; the main path
 * neither reads k->typo nor writes the others until the join, which is
 * the barrier before anyone reads k->typo.  So the index is the same,
 * bit for bit, whatever the scheduling, and the same as in line
 * (kb_index_inline set, or no thread to be had).  The maps' compaction
 * stays here: in the thread, its step-wise munmap slowed the postings'
 * page faults more than it saved (tests/kb/README.md, build10). */
typedef struct ix_side {
    kb *k;
    pthread_t th;
    int started, rc;
} ix_side;

/* The maps of k compacted: every word is in, so they shrink before
 * the postings come (in line, they are not at their growth slack at the
 * peak).  0, -1 on OOM. */
static int ix_compact(kb *k)
{
    return kb_map_compact(&k->tokens) < 0 || kb_map_compact(&k->terms) < 0 ||
           kb_map_compact(&k->entry_ids) < 0 ? -1 : 0;
}

static void *ix_side_run(void *arg)
{
    ix_side *s = arg;
    s->rc = kb_typo_words(&s->k->typo, &s->k->tokens);
    return NULL;
}

/* The maps compacted, then the side job started in a second thread; in
 * line (s->started 0: by ix_side_join) when kb_index_inline is set or
 * no thread can be made.  0, -1 on OOM. */
static int ix_side_start(ix_side *s, kb *k)
{
    s->k = k;
    s->rc = 0;
    if (ix_compact(k) < 0)
        return -1;
    s->started = !kb_index_inline &&
                 pthread_create(&s->th, NULL, ix_side_run, s) == 0;
    return 0;
}

/* The side job done (joined, or its typo words made here), the words'
 * frequencies from k->cf (when the build got that far: ok).  Returns
 * its rc, or ok's. */
static int ix_side_join(ix_side *s, int ok)
{
    if (s->started) {
        (void)pthread_join(s->th, NULL);   /* a joinable thread of ours */
        s->started = 0;
    } else if (ok && s->rc == 0) {
        s->rc = kb_typo_words(&s->k->typo, &s->k->tokens);
    }
    if (!ok || s->rc < 0)
        return -1;
    kb_typo_freq(&s->k->typo, s->k->cf);
    return 0;
}

/* Build every index structure; -1 on OOM (k is then freed by caller). */
int kb_index_build(kb *k)
{
    ix_side side = {0};
    ix_build b = {0};
#ifdef IX_PHASES
    double ph[8] = {0};
#endif
    size_t ne = k->n_entries;
    int rc = -1;
    b.rec_off = calloc(ne + 1, sizeof *b.rec_off);
    b.flen = calloc(ne * KB_NFIELDS + 1, sizeof *b.flen);
    k->entry_alt_off = calloc(ne + 1, sizeof *k->entry_alt_off);
    if (!b.rec_off || !b.flen || !k->entry_alt_off ||
        slot_fit(&b, k->n_terms + 1) < 0 ||
        ix_recs_reserve(&b.recs, ne * 48 + 64) < 0 ||
        (ne && ix_scan_entry(k, &b.scan[0], 0) < 0))
        goto done;
    IX_PH(0);
    for (uint32_t e = 0; e < ne; e++) {
        if (ix_entry(k, &b, e) < 0)
            goto done;
        k->entry_alt_off[e + 1] = (uint32_t)b.n_alts;
        if (k->lazy_text)
            ix_drop_text(k, e);
    }
    if (kb_fw_finish(k) < 0)
        goto done;
    k->k1 = kb_params_k1(&k->params, b.n_alts, ne);
    IX_PH(1);
    if (ix_side_start(&side, k) < 0 || (IX_PH(2), ix_stats(k, &b)) < 0 ||
        (IX_PH(3), ix_postings(k, &b.recs, b.rec_off, b.flen)) < 0)
        goto done;
    IX_PH(4);
    ix_adopt(k, &b);
    ix_build_free(&b);     /* in line, the records go before the typo
                              index comes */
    IX_PH(5);
    rc = ix_side_join(&side, kb_altix_build(k) == 0 &&
                                 kb_small_build(k) == 0);
#ifdef IX_PHASES
    IX_PH(6);
    fprintf(stderr, "phases ms: pass1 %.0f compact %.0f stats %.0f "
            "postings %.0f alternates %.0f altix+typo %.0f\n",
            ph[1] - ph[0], ph[2] - ph[1], ph[3] - ph[2], ph[4] - ph[3],
            ph[5] - ph[4], ph[6] - ph[5]);
#endif
    free(k->cf);           /* read only there (a word's frequency) */
    k->cf = NULL;
    return rc;
done:
    (void)ix_side_join(&side, 0);   /* the thread joined, if any */
    ix_build_free(&b);
    return rc;
}

void kb_index_free(kb *k)
{
    free(k->df);
    free(k->cf);
    free(k->idf);
    free(k->qw);
    free(k->post_off);
    free(k->post_lo);
    free(k->post_seg);
    free(k->post_imp);
    free(k->alts);
    free(k->alt_terms);
    free(k->entry_alt_off);
    free(k->term_max);
    kb_altix_free(k);
    kb_small_free(k);
    kb_fw_free(k);
}
