/*
 * kb-load-entry.c - entries/ *.json: one entry object per file, or
 * {"entries": [...]}.  Validates the schema of knowledge/README.md and
 * copies each valid entry into the kb.  Links between entries (related)
 * are checked once every entry is in.
 */
#include "kb-impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const entry_keys[] = {
    "id", "title", "questions", "keywords", "answer", "citations",
    "related", NULL
};

/* Room for one more entry (and its span, in lazy-text mode). */
static int entry_room(kb *k)
{
    if (k->n_entries < k->cap_entries)
        return 0;
    size_t cap = k->cap_entries ? k->cap_entries * 2 : 64;
    kb_entry *v = realloc(k->entries, cap * sizeof *v);
    if (!v)
        return -1;
    k->entries = v;
    if (k->lazy_text) {
        kb_span *sp = realloc(k->entry_src, cap * sizeof *sp);
        if (!sp)
            return -1;
        k->entry_src = sp;
    }
    k->cap_entries = cap;
    return 0;
}

/* Append e; its id (still the JSON's) becomes the id map's copy of it,
 * stored once. */
static int entry_push(kb *k, const kb_entry *e)
{
    const char *id;
    if (entry_room(k) < 0 ||
        kb_map_put(&k->entry_ids, e->id, strlen(e->id),
                   (uint32_t)k->n_entries, &id) < 0)
        return -1;
    if (k->lazy_text)
        k->entry_src[k->n_entries] = k->cur_src;
    k->entries[k->n_entries] = *e;
    k->entries[k->n_entries++].id = id;
    return 0;
}

/* One citation: a known source and one of its section headings.  *slot
 * (if not NULL) gets the section's number among every source's sections
 * (left alone when the citation is wrong). */
static int citation_one(kb *k, json_t *c, size_t i, const kb_where *w,
                        kb_citation *out, size_t *slot)
{
    const char *src = json_string_value(json_object_get(c, "source"));
    const char *sec = json_string_value(json_object_get(c, "section"));
    if (!json_is_object(c) || !src || !sec)
        return kb_where_err(w, "citations[%zu] needs string fields \"source\" "
                            "and \"section\"", i);
    uint32_t si;
    if (!kb_map_find(&k->source_ids, src, strlen(src), &si))
        return kb_where_err(w, "citations[%zu]: unknown source \"%s\"", i,
                            src);
    const kb_source *s = &k->sources[si];
    for (size_t j = 0; j < s->n_sections; j++) {
        if (strcmp(s->sections[j], sec) == 0) {
            *out = (kb_citation){s->id, s->title, s->sections[j]};
            size_t at = j;
            for (size_t o = 0; o < si; o++)
                at += k->sources[o].n_sections;
            if (slot)
                *slot = at;
            return 0;
        }
    }
    return kb_where_err(w, "citations[%zu]: source \"%s\" has no section "
                        "\"%s\"", i, src, sec);
}

/* A lone citation: one copy per section, shared by every entry citing
 * that section alone (most entries of a big kb). */
static int citation_shared(kb *k, json_t *it, const kb_where *w,
                           kb_entry *e)
{
    kb_citation c;
    size_t slot = SIZE_MAX;
    if (citation_one(k, it, 0, w, &c, &slot) < 0)
        return -1;
    if (slot == SIZE_MAX)
        return 0;                       /* reported */
    if (!k->cit_one) {
        size_t n = 0;
        for (size_t i = 0; i < k->n_sources; i++)
            n += k->sources[i].n_sections;
        if (!(k->cit_one = kb_arena_alloc(&k->arena, n * sizeof *k->cit_one)))
            return -1;
        memset(k->cit_one, 0, n * sizeof *k->cit_one);
    }
    if (!k->cit_one[slot]) {
        kb_citation *p = kb_arena_alloc(&k->arena, sizeof *p);
        if (!p)
            return -1;
        *p = c;
        k->cit_one[slot] = p;
    }
    e->citations = k->cit_one[slot];
    e->n_citations = 1;
    return 0;
}

static int entry_citations(kb *k, json_t *obj, const kb_where *w,
                           kb_entry *e)
{
    json_t *v = json_object_get(obj, "citations");
    if (!json_is_array(v) || json_array_size(v) == 0)
        return kb_where_err(w, "needs \"citations\": an array of at least "
                            "one {\"source\", \"section\"}");
    size_t n = json_array_size(v);
    if (n == 1)
        return citation_shared(k, json_array_get(v, 0), w, e);
    kb_citation *c = kb_arena_alloc(&k->arena, n * sizeof *c);
    if (!c)
        return -1;
    size_t i;
    json_t *it;
    json_array_foreach(v, i, it) {
        if (citation_one(k, it, i, w, &c[i], NULL) < 0)
            return -1;
    }
    e->citations = c;
    e->n_citations = n;
    return 0;
}

static int entry_id(kb *k, const char *id, const kb_where *w)
{
    uint32_t other;
    if (!kb_json_id_ok(id))
        return kb_where_err(w, "id \"%s\" must use only a-z, 0-9 and '-'",
                            id);
    if (kb_map_find(&k->entry_ids, id, strlen(id), &other))
        return kb_where_err(w, "duplicate id \"%s\" (also in %s)", id,
                            k->entries[other].file);
    return 0;
}

static int entry_answer(const char *answer, const kb_where *w)
{
    size_t len = strlen(answer);
    if (len > KB_ANSWER_MAX)
        return kb_where_err(w, "answer is %zu bytes, over the %d-byte limit",
                            len, KB_ANSWER_MAX);
    return 0;
}

/* Every field; -1 on OOM, else 0 (problems reported through w).  The
 * questions and answer of an entry whose place in its file is known go to
 * k->text in lazy-text mode (freed once indexed). */
static int entry_fields(kb *k, json_t *obj, const kb_where *w, kb_entry *e)
{
    kb_arena *ta = k->lazy_text && k->cur_src.len ? &k->text : &k->arena;
    const char *id = kb_json_str(obj, "id", w);
    const char *title = kb_json_str(obj, "title", w);
    const char *answer = kb_json_str(obj, "answer", w);
    if ((id && entry_id(k, id, w) < 0) ||
        (answer && entry_answer(answer, w) < 0))
        return -1;
    if (kb_json_strarray(ta, obj, "questions", 1, w, &e->questions,
                         &e->n_questions) < 0 ||
        kb_json_strarray(&k->arena, obj, "keywords", 0, w, &e->keywords,
                         &e->n_keywords) < 0 ||
        kb_json_strarray(&k->arena, obj, "related", 0, w, &e->related,
                         &e->n_related) < 0 ||
        entry_citations(k, obj, w, e) < 0)
        return -1;
    if (*w->failed)
        return 0;
    e->id = id;   /* copied by entry_push */
    if (!(e->title = kb_arena_strdup(&k->arena, title)) ||
        !(e->answer = kb_arena_strdup(ta, answer)))
        return -1;
    return 0;
}

/* A broken entry: remember its id and related list, so the links are
 * still checked and links to it are not reported as dangling. */
static int entry_broken(kb *k, json_t *obj, const char *file,
                        const char *label, kb_diag *d)
{
    kb_entry e = {0};
    int failed = 0;
    kb_where w = {NULL, file, label, &failed};   /* already reported */
    const char *id = json_string_value(json_object_get(obj, "id"));
    if (id && kb_map_put(&k->broken_ids, id, strlen(id), 0, NULL) < 0)
        return -1;
    (void)d;
    if (kb_json_strarray(&k->arena, obj, "related", 0, &w, &e.related,
                         &e.n_related) < 0)
        return -1;
    if (failed || e.n_related == 0)
        return 0;
    if (k->n_broken == k->cap_broken) {
        size_t cap = k->cap_broken ? k->cap_broken * 2 : 8;
        kb_entry *v = realloc(k->broken, cap * sizeof *v);
        if (!v)
            return -1;
        k->broken = v;
        k->cap_broken = cap;
    }
    if (!(e.file = kb_arena_strdup(&k->arena, file)) ||
        !(e.id = kb_arena_strdup(&k->arena, label)))
        return -1;
    k->broken[k->n_broken++] = e;
    return 0;
}

/* Validate obj; on success append it.  0, or -1 on OOM.  k->cur_src
 * says where obj is in file (len 0: unknown). */
int kb_load_entry(kb *k, json_t *obj, const char *file, const char *label,
                  kb_diag *d)
{
    k->cur_src.mark = (uint32_t)kb_arena_mark(&k->text);
    int failed = 0;
    kb_where w = {d, file, label, &failed};
    if (!json_is_object(obj))
        return kb_where_err(&w, "an entry must be a JSON object");
    kb_json_unknown_keys(obj, entry_keys, &w);
    kb_entry e = {0};
    /* entries of one file share its name */
    const kb_entry *prev = k->n_entries ? &k->entries[k->n_entries - 1] : NULL;
    const char *stored = prev && strcmp(prev->file, file) == 0 ?
                         prev->file : kb_arena_strdup(&k->arena, file);
    if (!stored || entry_fields(k, obj, &w, &e) < 0)
        return -1;
    if (failed)
        return entry_broken(k, obj, file, label, d);
    e.file = stored;
    return entry_push(k, &e);
}

static int entries_file(kb *k, const char *path, kb_diag *d)
{
    int streamed = kb_load_stream(k, path, d);
    if (streamed != 0)
        return streamed < 0 ? -1 : 0;
    json_t *root = kb_load_json(path, d);
    if (!root)
        return 0;
    int rc = 0;
    json_t *arr = json_object_get(root, "entries");
    if (json_is_array(arr)) {
        size_t i;
        json_t *e;
        json_array_foreach(arr, i, e) {
            char label[32];
            const char *id = json_string_value(json_object_get(e, "id"));
            snprintf(label, sizeof label, "entries[%zu]", i);
            if ((rc = kb_load_entry(k, e, path, id ? id : label, d)) < 0)
                break;
        }
    } else {
        const char *id = json_string_value(json_object_get(root, "id"));
        k->cur_src = (kb_span){0, KB_SPAN_FILE, 0};   /* the whole file */
        rc = kb_load_entry(k, root, path, id ? id : "(no id)", d);
        k->cur_src = (kb_span){0};
    }
    json_decref(root);
    return rc;
}

/* Every entries/ *.json.  -1 on OOM; problems go to d. */
int kb_load_entries(kb *k, const char *dir, kb_diag *d)
{
    size_t n;
    char **paths = kb_load_list(dir, "entries", ".json", &n, d);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = entries_file(k, paths[i], d);
    kb_paths_free(paths, n);
    if (rc == 0 && paths && k->n_entries == 0 && d->errors == 0)
        kb_diag_add(d, KB_ERROR, dir, 0, NULL, "no entries in entries/");
    return rc;
}

static int check_related(kb *k, const kb_entry *e, kb_diag *d)
{
    for (size_t j = 0; j < e->n_related; j++) {
        const char *r = e->related[j];
        size_t n = strlen(r);
        if (!kb_map_find(&k->entry_ids, r, n, NULL) &&
            !kb_map_find(&k->broken_ids, r, n, NULL) &&
            kb_diag_add(d, KB_ERROR, e->file, 0, e->id, "related entry "
                        "\"%s\" does not exist", r) < 0)
            return -1;
        if (strcmp(r, e->id) == 0 &&
            kb_diag_add(d, KB_WARNING, e->file, 0, e->id,
                        "lists itself in related") < 0)
            return -1;
    }
    return 0;
}

/* related ids must name existing entries (checked for broken entries
 * too, so one pass reports every problem). */
int kb_load_check_links(kb *k, kb_diag *d)
{
    for (size_t i = 0; i < k->n_entries; i++) {
        if (check_related(k, &k->entries[i], d) < 0)
            return -1;
    }
    for (size_t i = 0; i < k->n_broken; i++) {
        if (check_related(k, &k->broken[i], d) < 0)
            return -1;
    }
    return 0;
}
