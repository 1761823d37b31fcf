/*
 * bench-gen.c - synthetic knowledge bases in the real format, and their
 * paraphrase-like queries, all determined by a seed.
 *
 * Vocabulary: rank 0..V-1.  The first ranks are English function words
 * (the knowledge base's stopwords drop most of them), the rest made-up
 * words of two or three syllables ("bazo", "kelumi"), so the English
 * stemmer leaves them nearly alone.  Word frequencies follow Zipf (s = 1).
 *
 * Entry i is generated from its own stream (seed mixed with i), so a
 * query can regenerate the entry it paraphrases without keeping the
 * corpus in memory.  Each entry has 10 distinct topic words (Zipf-Mandelbrot
 * over the content ranks, offset 100, so no topic word is in every entry); its 6 questions (6-14 words) and its answer (40-80 words) mix
 * topic words with words drawn from the whole vocabulary.
 *
 * A query: 3-7 words sampled from one entry's questions, plus 1-2 noise
 * words from the whole vocabulary, in shuffled order; its target is that
 * entry.
 */
#include "bench.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GEN_VERSION 2
#define GEN_TOPIC 10
#define GEN_QUESTIONS 6
#define GEN_QWORDS_MAX 14
#define GEN_ANSWER_MAX 80
#define GEN_PER_FILE 1000
#define GEN_SECTIONS 20
#define GEN_CONTENT0 48     /* first content rank (after function words) */

static const char *const gen_function_words[GEN_CONTENT0] = {
    "the", "a", "to", "my", "is", "and", "i", "how", "of", "do", "it", "in",
    "for", "can", "what", "does", "with", "be", "should", "this", "on",
    "when", "will", "at", "me", "you", "are", "if", "or", "an", "so", "we",
    "why", "much", "from", "about", "there", "any", "our", "her", "his",
    "too", "really", "still", "which", "then", "very", "just"
};

typedef struct gen_entry {
    uint32_t q[GEN_QUESTIONS][GEN_QWORDS_MAX];
    uint32_t qn[GEN_QUESTIONS];
    uint32_t title[4], n_title;
    uint32_t kw[3];
    uint32_t answer[GEN_ANSWER_MAX], n_answer;
} gen_entry;

typedef struct gen {
    size_t vocab;
    bench_zipf all, topic;
    uint64_t seed;
} gen;

/* Text of word `rank` into buf (at least 16 bytes). */
static void gen_word(size_t rank, char *buf)
{
    static const char cons[] = "bdfgklmnprstvzjh", vow[] = "aeiou";
    if (rank < GEN_CONTENT0) {
        strcpy(buf, gen_function_words[rank]);
        return;
    }
    size_t j = rank - GEN_CONTENT0, syl = 2;
    if (j >= 80 * 80) {
        j -= 80 * 80;
        syl = 3;
    }
    char *p = buf;
    for (size_t s = 0; s < syl; s++, j /= 80) {
        *p++ = cons[(j % 80) / 5];
        *p++ = vow[(j % 80) % 5];
    }
    *p = '\0';
}

static uint32_t gen_draw(const gen *g, bench_rng *r, const uint32_t *topic,
                         double p_topic)
{
    if (bench_rng_unit(r) < p_topic)
        return topic[bench_rng_below(r, GEN_TOPIC)];
    return (uint32_t)bench_zipf_draw(&g->all, r);
}

/* Entry i, regenerated identically every time. */
static void gen_make_entry(const gen *g, size_t i, gen_entry *e)
{
    bench_rng r;
    bench_rng_seed(&r, g->seed ^ bench_mix64(i + 1));
    uint32_t topic[GEN_TOPIC];
    for (size_t t = 0; t < GEN_TOPIC; t++) {   /* distinct topic words */
        size_t u;
        do {
            topic[t] = (uint32_t)(GEN_CONTENT0 + bench_zipf_draw(&g->topic, &r));
            for (u = 0; u < t && topic[u] != topic[t]; u++)
                ;
        } while (u < t);
    }
    for (size_t q = 0; q < GEN_QUESTIONS; q++) {
        e->qn[q] = 6 + bench_rng_below(&r, 9);
        for (size_t w = 0; w < e->qn[q]; w++)
            e->q[q][w] = gen_draw(g, &r, topic, 0.5);
    }
    e->n_title = 2 + bench_rng_below(&r, 3);
    for (size_t w = 0; w < e->n_title; w++)
        e->title[w] = topic[w];
    for (size_t w = 0; w < 3; w++)
        e->kw[w] = topic[(e->n_title + w) % GEN_TOPIC];
    e->n_answer = 40 + bench_rng_below(&r, 41);
    for (size_t w = 0; w < e->n_answer; w++)
        e->answer[w] = gen_draw(g, &r, topic, 0.3);
}

/* Words as text: a question (capitalised, '?'), a sentence-cut answer,
 * or plain.  Returns fprintf's failure as -1. */
static int gen_put_words(FILE *f, const uint32_t *w, size_t n, int kind)
{
    char word[16];
    for (size_t i = 0; i < n; i++) {
        gen_word(w[i], word);
        int cap = (i == 0 && kind != 0) || (kind == 2 && i > 0 && i % 11 == 0);
        if (cap)
            word[0] = (char)(word[0] - 'a' + 'A');
        const char *sep = i == 0 ? "" : (kind == 2 && i % 11 == 0) ? ". " : " ";
        if (fprintf(f, "%s%s", sep, word) < 0)
            return -1;
    }
    const char *end = kind == 1 ? "?" : kind == 2 ? "." : "";
    return fputs(end, f) < 0 ? -1 : 0;
}

static int gen_put_entry(FILE *f, const gen_entry *e, size_t i)
{
    int bad = fprintf(f, "%s{\"id\":\"s-%07zu\",\"title\":\"", i % GEN_PER_FILE
                      ? ",\n" : "", i) < 0;
    bad |= gen_put_words(f, e->title, e->n_title, 3) < 0;
    bad |= fputs("\",\"questions\":[", f) < 0;
    for (size_t q = 0; q < GEN_QUESTIONS; q++) {
        bad |= fputs(q ? ",\"" : "\"", f) < 0;
        bad |= gen_put_words(f, e->q[q], e->qn[q], 1) < 0;
        bad |= fputs("\"", f) < 0;
    }
    bad |= fputs("],\"keywords\":[", f) < 0;
    for (size_t k = 0; k < 3; k++) {
        bad |= fputs(k ? ",\"" : "\"", f) < 0;
        bad |= gen_put_words(f, &e->kw[k], 1, 0) < 0;
        bad |= fputs("\"", f) < 0;
    }
    bad |= fputs("],\"answer\":\"", f) < 0;
    bad |= gen_put_words(f, e->answer, e->n_answer, 2) < 0;
    bad |= fprintf(f, "\",\"citations\":[{\"source\":\"synthetic\",\"section\":"
                   "\"Part %zu\"}]}", i % GEN_SECTIONS) < 0;
    return bad ? -1 : 0;
}

/* entries/part-NNNN.json, GEN_PER_FILE entries each. */
static int gen_write_entries(const gen *g, const char *dir, size_t n)
{
    gen_entry e;
    FILE *f = NULL;
    char path[4096];
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (i % GEN_PER_FILE == 0) {
            int len = snprintf(path, sizeof path, "%s/entries/part-%04zu.json",
                               dir, i / GEN_PER_FILE);
            if (len < 0 || (size_t)len >= sizeof path ||
                !(f = fopen(path, "w")) || fputs("{\"entries\":[\n", f) < 0)
                rc = -1;
        }
        if (rc == 0) {
            gen_make_entry(g, i, &e);
            rc = gen_put_entry(f, &e, i);
        }
        if (f && (rc < 0 || i % GEN_PER_FILE == GEN_PER_FILE - 1 ||
                  i + 1 == n)) {
            if (fputs("\n]}\n", f) < 0 || fclose(f) != 0)
                rc = -1;
            f = NULL;
        }
    }
    if (f)
        fclose(f);
    if (rc < 0)
        fprintf(stderr, "faqbot_bench: writing %s/entries failed\n", dir);
    return rc;
}

static int gen_write_source(const char *dir)
{
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/sources/synthetic.json", dir);
    FILE *f = len > 0 && (size_t)len < sizeof path ? fopen(path, "w") : NULL;
    if (!f)
        return -1;
    int bad = fputs("{\"id\":\"synthetic\",\"title\":\"Synthetic benchmark "
                    "article\",\"url\":null,\"language\":\"english\","
                    "\"sections\":[", f) < 0;
    for (int s = 0; s < GEN_SECTIONS; s++)
        bad |= fprintf(f, "%s\"Part %d\"", s ? "," : "", s) < 0;
    bad |= fputs("]}\n", f) < 0;
    return fclose(f) != 0 || bad ? -1 : 0;
}

/* One query for entry e, as text into buf. */
static void gen_query_text(const gen *g, bench_rng *r, const gen_entry *e,
                           char *buf, size_t cap)
{
    uint32_t w[9];
    size_t nw = 3 + bench_rng_below(r, 5), noise = 1 + bench_rng_below(r, 2);
    for (size_t i = 0; i < nw; i++) {
        size_t q = bench_rng_below(r, GEN_QUESTIONS);
        w[i] = e->q[q][bench_rng_below(r, e->qn[q])];
    }
    for (size_t i = 0; i < noise; i++, nw++) {
        size_t at = bench_rng_below(r, (uint32_t)nw + 1);
        memmove(&w[at + 1], &w[at], (nw - at) * sizeof *w);
        w[at] = (uint32_t)bench_zipf_draw(&g->all, r);
    }
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < nw; i++) {
        char word[16];
        gen_word(w[i], word);
        int n = snprintf(buf + len, cap - len, "%s%s", i ? " " : "", word);
        if (n < 0 || (size_t)n >= cap - len)
            break;
        len += (size_t)n;
    }
}

static int gen_write_queries(const gen *g, const char *path, size_t n_entries,
                             size_t n)
{
    bench_qset qs = {0};
    bench_rng r;
    gen_entry e;
    char text[256], id[32];
    int rc = 0;
    bench_rng_seed(&r, g->seed ^ 0x5175657279ull);
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t t = bench_rng_below(&r, (uint32_t)n_entries);
        gen_make_entry(g, t, &e);
        gen_query_text(g, &r, &e, text, sizeof text);
        snprintf(id, sizeof id, "s-%07zu", t);
        rc = bench_qset_add(&qs, text, id);
    }
    if (rc == 0)
        rc = bench_qset_write(&qs, path);
    else
        fprintf(stderr, "faqbot_bench: out of memory\n");
    bench_qset_free(&qs);
    return rc;
}

/* Remove entries/ *.json left by an earlier generation. */
static void gen_clear(const char *dir)
{
    char path[4096];
    DIR *d = bench_path(path, sizeof path, "%s/entries", dir) == 0
                 ? opendir(path) : NULL;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n > 5 && strcmp(de->d_name + n - 5, ".json") == 0) {
            char f[4400];
            if (bench_path(f, sizeof f, "%s/%s", path, de->d_name) == 0)
                unlink(f);
        }
    }
    if (d)
        closedir(d);
}

static int gen_all(gen *g, const char *dir, const char *qpath,
                   const bench_gen_opts *o)
{
    char path[4096];
    gen_clear(dir);
    if (gen_write_source(dir) < 0 || gen_write_entries(g, dir, o->entries) < 0)
        return -1;
    if (bench_path(path, sizeof path, "%s/stopwords.txt", dir) < 0)
        return -1;
    if (o->stopwords && bench_fs_copy(o->stopwords, path) < 0) {
        fprintf(stderr, "faqbot_bench: cannot copy %s\n", o->stopwords);
        return -1;
    }
    return gen_write_queries(g, qpath, o->entries, o->queries);
}

int bench_gen_synthetic(const char *dir, const char *queries_path,
                        const bench_gen_opts *o)
{
    char stamp[256], path[4096], sub[4096];
    snprintf(stamp, sizeof stamp, "faqbot-bench-gen v%d entries=%zu "
             "queries=%zu seed=%llu\n", GEN_VERSION, o->entries, o->queries,
             (unsigned long long)o->seed);
    if (bench_path(path, sizeof path, "%s/STAMP", dir) < 0)
        return -1;
    if (bench_fs_same(path, stamp) && access(queries_path, R_OK) == 0)
        return 0;
    gen g = {.vocab = 20000 + 2 * o->entries, .seed = o->seed};
    int rc = -1;
    if (bench_zipf_init(&g.all, g.vocab, 1.0, 0) < 0 ||
        bench_zipf_init(&g.topic, g.vocab - GEN_CONTENT0, 1.0, 100) < 0)
        goto done;
    if (bench_path(sub, sizeof sub, "%s/entries", dir) < 0 ||
        bench_fs_mkdir_p(sub) < 0 ||
        bench_path(sub, sizeof sub, "%s/sources", dir) < 0 ||
        bench_fs_mkdir_p(sub) < 0)
        goto done;
    unlink(path);
    if (gen_all(&g, dir, queries_path, o) == 0 && bench_fs_write(path, stamp) == 0)
        rc = 0;
done:
    if (rc < 0)
        fprintf(stderr, "faqbot_bench: generating %s failed\n", dir);
    bench_zipf_free(&g.all);
    bench_zipf_free(&g.topic);
    return rc;
}
