/* bench-sys-faqbot.c - faqbot's knowledge engine as a benchmark system:
 * the real loader (kb_load_ex) and the real matcher (kb_match, no triage).
 * Knowledge bases load as the bot's "knowledge_text": "disk" does
 * (KB_LOAD_LAZY_TEXT: questions and answers stay in the files; the matcher
 * reads none of them), unless FAQBOT_BENCH_TEXT=memory. */
#include "bench.h"
#include "kb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fq {
    kb *k;
    kb_scratch *s;
} fq;

/* kb_load_opts.features: the bot's "disk" text mode, or "memory" when
 * FAQBOT_BENCH_TEXT says so. */
static unsigned fq_features(void)
{
    const char *t = getenv("FAQBOT_BENCH_TEXT");
    if (t && strcmp(t, "memory") == 0)
        return KB_FEAT_ALL;
    return KB_FEAT_ALL | KB_LOAD_LAZY_TEXT;
}

/* Caller frees with fq_close(). */
static void *fq_open(const char *dir, bench_build *b, char *err, size_t len)
{
    fq *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, len, "out of memory");
        return NULL;
    }
    kb_diag d;
    kb_load_opts opts = {fq_features()};
    kb_diag_init(&d);
    double t0 = bench_now();
    h->k = kb_load_ex(dir, &opts, &d);
    b->load_s = bench_now() - t0;
    h->s = kb_scratch_new();
    if (!h->k || !h->s) {
        char line[512] = "out of memory";
        if (d.count)
            kb_diag_format(&d.items[0], line, sizeof line);
        snprintf(err, len, "kb_load_ex(%s): %s", dir, line);
        kb_diag_free(&d);
        kb_scratch_free(h->s);
        kb_free(h->k);
        free(h);
        return NULL;
    }
    kb_diag_free(&d);
    /* kb_load's own split: reading + validating the files vs the index */
    double read_validate = 0, index = 0;
    kb_load_times(h->k, &read_validate, &index);
    b->parse_s = read_validate;
    b->entries = kb_entry_count(h->k);
    return h;
}

static const char *fq_query(void *vh, const char *text, size_t len, int *fail,
                            int *declined)
{
    fq *h = vh;
    kb_result r;
    if (kb_match(h->k, h->s, text, len, &r) < 0) {
        *fail = 1;
        return NULL;
    }
    *declined = r.status == KB_NO_ANSWER;
#ifdef FAQBOT_BENCH_KB_HAS_BEST
    if (r.best)            /* the ranking's top, whatever the decision */
        return r.best->id;
#endif
    if (r.entry)
        return r.entry->id;
    return r.n_suggestions ? r.suggestions[0]->id : NULL;
}

static void fq_close(void *vh)
{
    fq *h = vh;
    if (!h)
        return;
    kb_scratch_free(h->s);
    kb_free(h->k);
    free(h);
}

#ifdef FAQBOT_BENCH_KB_HAS_BEST
const char *const bench_faqbot_top1 = "the best-ranked entry (kb_result.best)";
const int bench_faqbot_ranked = 1;
#else
const char *const bench_faqbot_top1 =
    "the answered entry or first suggestion; a decline counts as a miss";
const int bench_faqbot_ranked = 0;
#endif

const bench_sys bench_sys_faqbot = {"faqbot", fq_open, fq_query, fq_close};
