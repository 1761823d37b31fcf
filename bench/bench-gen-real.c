/*
 * bench-gen-real.c - paraphrase-like queries for the real knowledge base:
 * 3-7 words sampled from one entry's alternate questions plus 1-2 noise
 * words sampled from all the knowledge base's text (so by frequency), in
 * shuffled order.  The entry is loaded by the real loader.
 */
#include "bench.h"
#include "kb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct words {
    char **w;
    size_t n, cap;
} words;

/* Split text on spaces, trimming punctuation at both ends of a word;
 * copies are appended to ws.  0, -1 on OOM. */
static int words_add(words *ws, const char *text)
{
    static const char trim[] = "?!.,;:\"()";
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\n')
            p++;
        const char *s = p;
        while (*p && *p != ' ' && *p != '\n')
            p++;
        const char *e = p;
        while (s < e && strchr(trim, *s))
            s++;
        while (e > s && strchr(trim, e[-1]))
            e--;
        if (e == s)
            continue;
        if (ws->n == ws->cap) {
            size_t cap = ws->cap ? ws->cap * 2 : 256;
            char **v = realloc(ws->w, cap * sizeof *v);
            if (!v)
                return -1;
            ws->w = v;
            ws->cap = cap;
        }
        if (!(ws->w[ws->n] = strndup(s, (size_t)(e - s))))
            return -1;
        ws->n++;
    }
    return 0;
}

static void words_free(words *ws)
{
    for (size_t i = 0; i < ws->n; i++)
        free(ws->w[i]);
    free(ws->w);
    memset(ws, 0, sizeof *ws);
}

/* One query for entry e into buf. */
static int real_query(const kb_entry *e, const words *all, bench_rng *r,
                      char *buf, size_t cap)
{
    words qw = {0};
    const char *pick[9];
    for (size_t i = 0; i < e->n_questions; i++) {
        if (words_add(&qw, e->questions[i]) < 0) {
            words_free(&qw);
            return -1;
        }
    }
    size_t nw = 3 + bench_rng_below(r, 5), noise = 1 + bench_rng_below(r, 2);
    for (size_t i = 0; i < nw; i++)
        pick[i] = qw.n ? qw.w[bench_rng_below(r, (uint32_t)qw.n)] : "";
    for (size_t i = 0; i < noise; i++, nw++) {
        size_t at = bench_rng_below(r, (uint32_t)nw + 1);
        memmove(&pick[at + 1], &pick[at], (nw - at) * sizeof *pick);
        pick[at] = all->w[bench_rng_below(r, (uint32_t)all->n)];
    }
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < nw; i++) {
        int n = snprintf(buf + len, cap - len, "%s%s", i ? " " : "", pick[i]);
        if (n < 0 || (size_t)n >= cap - len)
            break;
        len += (size_t)n;
    }
    words_free(&qw);
    return 0;
}

static int real_all_words(const kb *k, words *all)
{
    for (size_t i = 0; i < kb_entry_count(k); i++) {
        const kb_entry *e = kb_entry_at(k, i);
        for (size_t j = 0; j < e->n_questions; j++) {
            if (words_add(all, e->questions[j]) < 0)
                return -1;
        }
        if (words_add(all, e->answer) < 0)
            return -1;
    }
    return all->n ? 0 : -1;
}

int bench_gen_real(const char *kdir, const char *queries_path, size_t n,
                   uint64_t seed)
{
    kb *k = kb_load(kdir, NULL);
    words all = {0};
    bench_qset qs = {0};
    bench_rng r;
    char text[512];
    int rc = -1;
    if (!k || kb_entry_count(k) == 0) {
        fprintf(stderr, "faqbot_bench: cannot load %s\n", kdir);
        goto done;
    }
    if (real_all_words(k, &all) < 0)
        goto done;
    bench_rng_seed(&r, seed ^ 0x7265616cull);
    for (size_t i = 0; i < n; i++) {
        const kb_entry *e = kb_entry_at(k, bench_rng_below(
                                                &r, (uint32_t)kb_entry_count(k)));
        if (real_query(e, &all, &r, text, sizeof text) < 0 ||
            bench_qset_add(&qs, text, e->id) < 0)
            goto done;
    }
    rc = bench_qset_write(&qs, queries_path);
done:
    if (rc < 0)
        fprintf(stderr, "faqbot_bench: real-kb queries failed\n");
    bench_qset_free(&qs);
    words_free(&all);
    kb_free(k);
    return rc;
}
