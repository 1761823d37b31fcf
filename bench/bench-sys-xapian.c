/* bench-sys-xapian.c - the Xapian peer (bench-xapian.cc) as a benchmark
 * system. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct xs {
    bench_xap *x;
    bench_ids ids;
    char *err;
    size_t errlen;
} xs;

static int xs_add(const bench_doc *d, void *ctx)
{
    xs *h = ctx;
    if (bench_ids_add(&h->ids, d->id) < 0)
        return -1;
    return bench_xap_add(h->x, d, h->err, h->errlen);
}

static void xs_close(void *vh)
{
    xs *h = vh;
    if (!h)
        return;
    bench_xap_free(h->x);
    bench_ids_free(&h->ids);
    free(h);
}

/* Caller frees with xs_close(). */
static void *xs_open(const char *dir, bench_build *b, char *err, size_t len)
{
    xs *h = calloc(1, sizeof *h);
    double t0 = bench_now(), parse = 0;
    if (!h) {
        snprintf(err, len, "out of memory");
        return NULL;
    }
    h->err = err;
    h->errlen = len;
    if (!(h->x = bench_xap_new(err, len)) ||
        bench_corpus_each(dir, xs_add, h, &parse, err, len) < 0) {
        xs_close(h);
        return NULL;
    }
    size_t dummy;
    if (bench_xap_search(h->x, "", &dummy) < 0) {   /* commit, open enquire */
        snprintf(err, len, "xapian: first search failed");
        xs_close(h);
        return NULL;
    }
    b->load_s = bench_now() - t0;
    b->parse_s = parse;
    b->entries = h->ids.n;
    return h;
}

static const char *xs_query(void *vh, const char *text, size_t len, int *fail,
                            int *declined)
{
    (void)declined;
    xs *h = vh;
    size_t ord;
    (void)len;
    int rc = bench_xap_search(h->x, text, &ord);
    if (rc < 0)
        *fail = 1;
    return rc == 1 && ord < h->ids.n ? h->ids.v[ord] : NULL;
}

const bench_sys bench_sys_xapian = {"xapian", xs_open, xs_query, xs_close};

const bench_sys *bench_sys_find(const char *name)
{
    static const bench_sys *const all[] = {&bench_sys_faqbot, &bench_sys_xapian,
                                           &bench_sys_fts5};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    }
    return NULL;
}
