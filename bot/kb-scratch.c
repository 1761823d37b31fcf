/*
 * kb-scratch.c - per-thread working memory for matching.  It grows to the
 * size of the largest kb it has served and is then reused, so a warm
 * scratch makes kb_answer() allocation-free.  Invariant between queries:
 * qmark[] and acc[] are all zero (each query clears what it set).
 */
#include "kb-impl.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

/* Owned by the caller: kb_scratch_free(). */
kb_scratch *kb_scratch_new(void)
{
    kb_scratch *s = calloc(1, sizeof *s);
    if (s)
        s->skip_alt = -1;
    return s;
}

void kb_scratch_free(kb_scratch *s)
{
    if (!s)
        return;
    if (s->stem)
        sb_stemmer_delete(s->stem);
    free(s->stem_lang);
    free(s->qmark);
    kb_u32buf_free(&s->qterms);
    free(s->qbi);
    free(s->qbi_w);
    free(s->qbi_seen);
    free(s->qseen);
    free(s->cur);
    free(s->ub);
    free(s->cand);
    free(s->top);
    free(s->acc);
    free(s->touched);
    free(s->kth);
    free(s->ghit);
    kb_lexout_free(&s->lex);
    free(s);
}

/* Grow a zeroed array to n elements, keeping it all zero. */
static int zgrow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n <= *cap)
        return 0;
    void *v = realloc(*p, n * size);
    if (!v)
        return -1;
    memset((char *)v + *cap * size, 0, (n - *cap) * size);
    *p = v;
    *cap = n;
    return 0;
}

static int scratch_stemmer(kb_scratch *s, const char *lang)
{
    if (s->stem && strcmp(s->stem_lang, lang) == 0)
        return 0;
    if (s->stem)
        sb_stemmer_delete(s->stem);
    free(s->stem_lang);
    s->stem_lang = strdup(lang);
    s->stem = sb_stemmer_new(lang, NULL);
    return s->stem && s->stem_lang ? 0 : -1;
}

int kb_scratch_ready(kb_scratch *s, const kb *k)
{
    size_t qmax = KB_QUERY_MAX_TOKENS * KB_SYN_MAX + 1;
    size_t ncand = k->params.candidates + 1;
    if (s->stem && s->ready_terms == k->n_terms &&
        s->ready_entries == k->n_entries && s->ready_cand == ncand &&
        s->ready_groups == k->phr.n_groups &&
        ((s->ready_serial == k->serial && s->ready_lang == k->language) ||
         strcmp(s->stem_lang, k->language) == 0))
        return 0;   /* ready for these sizes already */
    if (scratch_stemmer(s, k->language) < 0 ||
        zgrow((void **)&s->qmark, &s->cap_qmark, k->n_terms + 1,
              sizeof *s->qmark) < 0 ||
        zgrow((void **)&s->qbi, &s->cap_qbi, qmax, sizeof *s->qbi) < 0 ||
        zgrow((void **)&s->qbi_w, &s->cap_qbi_w, qmax, sizeof *s->qbi_w) < 0 ||
        zgrow((void **)&s->qbi_seen, &s->cap_qbi_seen, qmax,
              sizeof *s->qbi_seen) < 0 ||
        zgrow((void **)&s->qseen, &s->cap_qseen, qmax, sizeof *s->qseen) < 0 ||
        zgrow((void **)&s->cur, &s->cap_cur, qmax, sizeof *s->cur) < 0 ||
        zgrow((void **)&s->ub, &s->cap_ub, qmax, sizeof *s->ub) < 0 ||
        zgrow((void **)&s->cand, &s->cap_cand, ncand, sizeof *s->cand) < 0 ||
        zgrow((void **)&s->top, &s->cap_top, ncand, sizeof *s->top) < 0 ||
        zgrow((void **)&s->acc, &s->cap_acc, k->n_entries + 1,
              sizeof *s->acc) < 0 ||
        zgrow((void **)&s->touched, &s->cap_touched, k->n_entries + 1,
              sizeof *s->touched) < 0 ||
        zgrow((void **)&s->kth, &s->cap_kth, ncand, sizeof *s->kth) < 0 ||
        zgrow((void **)&s->ghit, &s->cap_ghit, k->phr.n_groups + 1,
              sizeof *s->ghit) < 0 ||
        kb_u32buf_reserve(&s->qterms, qmax) < 0 ||
        kb_u32buf_reserve(&s->lex.raw, qmax) < 0 ||
        kb_u32buf_reserve(&s->lex.raw2, qmax) < 0 ||
        kb_u32buf_reserve(&s->lex.terms, qmax) < 0)
        return -1;
    s->ready_terms = k->n_terms;
    s->ready_entries = k->n_entries;
    s->ready_cand = ncand;
    s->ready_groups = k->phr.n_groups;
    s->ready_serial = k->serial;
    s->ready_lang = k->language;
    return 0;
}
