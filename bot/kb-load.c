/*
 * kb-load.c - kb_load(): read a knowledge directory, validate everything,
 * build the index.  All-or-nothing: any error and the result is NULL with
 * every problem in the diagnostics.  Also the kb accessors and kb_free().
 */
#include "kb-impl.h"

#include <dirent.h>
#include <stdatomic.h>
#include <errno.h>
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Parsed JSON, or NULL with "file:line: reason" in d.  Caller decrefs. */
/* The whole file in one malloc'd buffer (caller frees), or NULL with
 * errno set. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
            (buf = malloc((size_t)n + 1)) != NULL) {
            *len = fread(buf, 1, (size_t)n, f);
            if (*len != (size_t)n || ferror(f)) {
                free(buf);
                buf = NULL;
                errno = EIO;
            }
        }
    }
    fclose(f);
    return buf;
}

/* Parsed JSON, or NULL with "file:line: reason" in d.  Caller decrefs.
 * Reading the file at once is several times faster than jansson's
 * character-by-character file reader on big files. */
json_t *kb_load_json(const char *path, kb_diag *d)
{
    json_error_t err;
    size_t len = 0;
    char *buf = slurp(path, &len);
    if (!buf) {
        kb_diag_add(d, KB_ERROR, path, 0, NULL, "cannot read: %s",
                    strerror(errno));
        return NULL;
    }
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
    free(buf);
    if (!root)
        kb_diag_add(d, KB_ERROR, path, err.line > 0 ? err.line : 0, NULL,
                    "%s", err.text);
    return root;
}

void kb_paths_free(char **p, size_t n)
{
    for (size_t i = 0; p && i < n; i++)
        free(p[i]);
    free(p);
}

static int path_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_ext(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n > e && name[0] != '.' && strcmp(name + n - e, ext) == 0;
}

/* Sorted dir/sub/<name><ext> paths (caller frees with kb_paths_free).
 * A missing directory is an error in d; NULL with *n = 0 then. */
char **kb_load_list(const char *dir, const char *sub, const char *ext,
                    size_t *n, kb_diag *d)
{
    char path[4096];
    *n = 0;
    int len = snprintf(path, sizeof path, "%s/%s", dir, sub);
    if (len < 0 || (size_t)len >= sizeof path)
        return kb_diag_add(d, KB_ERROR, dir, 0, NULL, "path too long"), NULL;
    DIR *dh = opendir(path);
    if (!dh) {
        kb_diag_add(d, KB_ERROR, path, 0, NULL, "cannot open directory: %s",
                    strerror(errno));
        return NULL;
    }
    char **v = NULL;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(dh))) {
        if (!has_ext(de->d_name, ext))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nv = realloc(v, cap * sizeof *nv);
            if (!nv)
                goto oom;
            v = nv;
        }
        size_t need = strlen(path) + strlen(de->d_name) + 2;
        if (!(v[*n] = malloc(need)))
            goto oom;
        snprintf(v[*n], need, "%s/%s", path, de->d_name);
        (*n)++;
    }
    closedir(dh);
    if (*n)
        qsort(v, *n, sizeof *v, path_cmp);
    return v;
oom:
    closedir(dh);
    kb_paths_free(v, *n);
    *n = 0;
    kb_diag_add(d, KB_ERROR, path, 0, NULL, "out of memory");
    return NULL;
}

/* The last kb serial given (kb_new); 0 is never one. */
static atomic_ullong kb_serials;

static kb *kb_new(unsigned features)
{
    kb *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->serial = atomic_fetch_add(&kb_serials, 1) + 1;
    kb_arena_init(&k->arena);
    kb_arena_init(&k->text);
    k->lazy_text = (features & KB_LOAD_LAZY_TEXT) != 0;
    features &= ~KB_LOAD_LAZY_TEXT;
    kb_map_init(&k->entry_ids, &k->arena);
    kb_map_init(&k->source_ids, &k->arena);
    kb_map_init(&k->broken_ids, &k->arena);
    kb_arena_init(&k->keys);
    kb_map_init(&k->terms, &k->keys);
    kb_map_init(&k->tokens, &k->keys);
    k->features = features;
    k->language = "english";
    kb_params_default(&k->params);
    return k;
}

void kb_free(kb *k)
{
    if (!k)
        return;
    kb_index_free(k);
    kb_triage_free(k);
    kb_typo_free(&k->typo);
    kb_syn_free(&k->syn[0]);
    kb_syn_free(&k->syn[1]);
    if (k->stem)
        sb_stemmer_delete(k->stem);
    kb_map_free(&k->entry_ids);
    kb_map_free(&k->source_ids);
    kb_map_free(&k->broken_ids);
    free(k->broken);
    kb_map_free(&k->terms);
    kb_map_free(&k->tokens);
    free(k->term_text);
    free(k->entries);
    free(k->entry_src);
    free(k->sources);
    kb_arena_free(&k->arena);
    kb_arena_free(&k->text);
    kb_arena_free(&k->keys);
    free(k);
}

/* Everything before the index: sources, stopwords, synonyms, entries,
 * links, triage, parameters.  -1 only on OOM; problems go to d. */
static int load_all(kb *k, const char *dir, kb_diag *d)
{
    if (kb_load_sources(k, dir, d) < 0)
        return -1;
    k->stem = sb_stemmer_new(k->language, NULL);
    if (!k->stem)
        return -1;
    if (kb_stems_load(k, dir, d) < 0 ||
        kb_lex_load_stopwords(k, dir, d) < 0 || kb_syn_load(k, dir, d) < 0 ||
        kb_load_entries(k, dir, d) < 0 || kb_load_check_links(k, d) < 0 ||
        kb_triage_load(k, dir, d) < 0 || kb_offtopic_load(k, dir, d) < 0 ||
        kb_phrase_index(k) < 0 || kb_params_load(k, dir, d) < 0)
        return -1;
    return 0;
}

/* Once loaded: the maps at their final load and the entries array at
 * its final size (the triage reply entry re-pointed).  -1 on OOM. */
static int kb_compact(kb *k)
{
    kb_map *maps[] = {&k->tokens, &k->terms, &k->entry_ids, &k->source_ids,
                      &k->broken_ids};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
        if (kb_map_compact(maps[i]) < 0)
            return -1;
    }
    if (k->n_entries == 0 || k->n_entries == k->cap_entries)
        return 0;
    size_t tr = k->triage_reply ? (size_t)(k->triage_reply - k->entries) : 0;
    kb_entry *v = realloc(k->entries, k->n_entries * sizeof *v);
    if (!v)
        return -1;
    k->entries = v;
    if (k->entry_src) {
        kb_span *sp = realloc(k->entry_src, k->n_entries * sizeof *sp);
        if (!sp)
            return -1;
        k->entry_src = sp;
    }
    k->cap_entries = k->n_entries;
    if (k->triage_reply)
        k->triage_reply = &k->entries[tr];
    return 0;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void kb_load_times(const kb *k, double *read_validate, double *index)
{
    if (read_validate)
        *read_validate = k ? k->t_read : 0;
    if (index)
        *index = k ? k->t_index : 0;
}

kb *kb_load_ex(const char *dir, const kb_load_opts *opts, kb_diag *diag)
{
    double t0 = seconds();
    kb_diag local;
    kb_diag *d = diag ? diag : &local;
    if (!diag)
        kb_diag_init(&local);
    size_t errors0 = d->errors;
    kb *k = kb_new(opts ? opts->features : KB_FEAT_ALL);
    if (!k) {
        kb_diag_add(d, KB_ERROR, dir, 0, NULL, "out of memory");
        goto fail;
    }
    int rc = load_all(k, dir, d);
    double t1 = seconds();
    k->t_read = t1 - t0;
    if (rc == 0 && d->errors == errors0)
        rc = kb_index_build(k);
    if (rc == 0 && d->errors == errors0)   /* its stems: every term known */
        rc = kb_tmodel_load(k, dir, d);
    if (rc == 0 && d->errors == errors0)
        rc = kb_compact(k);
    k->t_index = seconds() - t1;
    if (rc < 0)
        kb_diag_add(d, KB_ERROR, dir, 0, NULL, "out of memory");
    if (d->errors != errors0)
        goto fail;
    if (!diag)
        kb_diag_free(&local);
#ifdef __GLIBC__
    malloc_trim(0);   /* hand the parsed JSON back to the system */
#endif
    return k;
fail:
    kb_free(k);
    if (!diag)
        kb_diag_free(&local);
    return NULL;
}

kb *kb_load(const char *dir, kb_diag *diag)
{
    return kb_load_ex(dir, NULL, diag);
}

size_t kb_entry_count(const kb *k)
{
    return k ? k->n_entries : 0;
}

const kb_entry *kb_entry_at(const kb *k, size_t i)
{
    return k && i < k->n_entries ? &k->entries[i] : NULL;
}

const kb_entry *kb_find(const kb *k, const char *id)
{
    uint32_t i;
    if (!k || !id || !kb_map_find(&k->entry_ids, id, strlen(id), &i))
        return NULL;
    return &k->entries[i];
}

size_t kb_source_count(const kb *k)
{
    return k ? k->n_sources : 0;
}

const kb_source *kb_source_at(const kb *k, size_t i)
{
    return k && i < k->n_sources ? &k->sources[i] : NULL;
}
