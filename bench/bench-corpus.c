/* bench-corpus.c - a knowledge directory read for the peer engines, one
 * entry at a time, in kb_load()'s order (sorted entries/ *.json, array
 * order inside a file).  The peers see the same text faqbot indexes:
 * title, alternate questions, keywords, answer. */
#include "bench.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct joinbuf {
    char *s;
    size_t len, cap;
} joinbuf;

/* The strings of a JSON array joined by newlines.  0, -1 on OOM. */
static int join_array(joinbuf *b, json_t *arr)
{
    b->len = 0;
    if (!b->s && !(b->s = malloc(b->cap = 1024)))
        return -1;
    b->s[0] = '\0';
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        const char *s = json_string_value(v);
        size_t n = s ? strlen(s) : 0;
        if (b->len + n + 2 > b->cap) {
            size_t cap = (b->len + n + 2) * 2;
            char *p = realloc(b->s, cap);
            if (!p)
                return -1;
            b->s = p;
            b->cap = cap;
        }
        if (b->len)
            b->s[b->len++] = '\n';
        memcpy(b->s + b->len, s ? s : "", n);
        b->len += n;
        b->s[b->len] = '\0';
    }
    return 0;
}

static int path_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries/ *.json paths; caller frees each and the array. */
static char **corpus_list(const char *dir, size_t *n)
{
    char sub[4096];
    DIR *d = bench_path(sub, sizeof sub, "%s/entries", dir) == 0
                 ? opendir(sub) : NULL;
    char **v = NULL;
    size_t cap = 0;
    struct dirent *de;
    *n = 0;
    while (d && (de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 6 || de->d_name[0] == '.' ||
            strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        if (*n == cap) {
            char **nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        size_t need = strlen(sub) + len + 2;
        if (!(v[*n] = malloc(need)))
            break;
        snprintf(v[*n], need, "%s/%s", sub, de->d_name);
        (*n)++;
    }
    if (d)
        closedir(d);
    if (*n)
        qsort(v, *n, sizeof *v, path_cmp);
    return v;
}

typedef struct corpus {
    bench_doc_fn fn;
    void *ctx;
    size_t ord;
    joinbuf q, kw;
} corpus;

static int corpus_entry(corpus *c, json_t *e)
{
    bench_doc d = {c->ord, json_string_value(json_object_get(e, "id")),
                   json_string_value(json_object_get(e, "title")), NULL, NULL,
                   json_string_value(json_object_get(e, "answer"))};
    if (!d.id || !d.title || !d.answer)
        return -1;
    if (join_array(&c->q, json_object_get(e, "questions")) < 0 ||
        join_array(&c->kw, json_object_get(e, "keywords")) < 0)
        return -1;
    d.questions = c->q.s;
    d.keywords = c->kw.s;
    c->ord++;
    return c->fn(&d, c->ctx);
}

static int corpus_file(corpus *c, const char *path, double *parse_s)
{
    double t0 = bench_now();
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    *parse_s += bench_now() - t0;
    if (!root)
        return -1;
    json_t *arr = json_object_get(root, "entries");
    int rc = 0;
    if (json_is_array(arr)) {
        size_t i;
        json_t *e;
        json_array_foreach(arr, i, e) {
            if ((rc = corpus_entry(c, e)) < 0)
                break;
        }
    } else {
        rc = corpus_entry(c, root);
    }
    t0 = bench_now();
    json_decref(root);
    *parse_s += bench_now() - t0;
    return rc;
}

int bench_corpus_each(const char *dir, bench_doc_fn fn, void *ctx,
                      double *parse_s, char *err, size_t len)
{
    size_t n;
    char **paths = corpus_list(dir, &n);
    corpus c = {fn, ctx, 0, {0}, {0}};
    int rc = n ? 0 : -1;
    if (rc < 0)
        snprintf(err, len, "no entries under %s/entries", dir);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0 && corpus_file(&c, paths[i], parse_s) < 0) {
            snprintf(err, len, "%s: unreadable or indexing failed", paths[i]);
            rc = -1;
        }
        free(paths[i]);
    }
    free(paths);
    free(c.q.s);
    free(c.kw.s);
    return rc;
}

/* ---- entry ids by ordinal, for the peers ------------------------------ */

int bench_ids_add(bench_ids *ids, const char *id)
{
    if (ids->n == ids->cap) {
        size_t cap = ids->cap ? ids->cap * 2 : 1024;
        char **v = realloc(ids->v, cap * sizeof *v);
        if (!v)
            return -1;
        ids->v = v;
        ids->cap = cap;
    }
    if (!(ids->v[ids->n] = strdup(id)))
        return -1;
    ids->n++;
    return 0;
}

void bench_ids_free(bench_ids *ids)
{
    for (size_t i = 0; i < ids->n; i++)
        free(ids->v[i]);
    free(ids->v);
    memset(ids, 0, sizeof *ids);
}
