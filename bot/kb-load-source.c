/*
 * kb-load-source.c - sources/<id>.json: the articles answers cite.
 */
#include "kb-impl.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

static const char *const source_keys[] = {
    "id", "title", "url", "language", "sections", NULL
};

static int source_push(kb *k, const kb_source *s)
{
    if (k->n_sources == k->cap_sources) {
        size_t cap = k->cap_sources ? k->cap_sources * 2 : 8;
        kb_source *v = realloc(k->sources, cap * sizeof *v);
        if (!v)
            return -1;
        k->sources = v;
        k->cap_sources = cap;
    }
    k->sources[k->n_sources++] = *s;
    return kb_map_put(&k->source_ids, s->id, strlen(s->id),
                      (uint32_t)(k->n_sources - 1), NULL);
}

/* url (string or null) and language (a snowball stemmer name). */
static int source_optional(kb *k, json_t *root, const kb_where *w,
                           kb_source *s)
{
    json_t *url = json_object_get(root, "url");
    if (url && !json_is_null(url) && !json_is_string(url))
        kb_where_err(w, "field \"url\" must be a string or null");
    else if (json_is_string(url) &&
             !(s->url = kb_arena_strdup(&k->arena, json_string_value(url))))
        return -1;
    json_t *lang = json_object_get(root, "language");
    s->language = "english";
    if (lang && !json_is_string(lang)) {
        kb_where_err(w, "field \"language\" must be a string");
    } else if (lang) {
        struct sb_stemmer *st = sb_stemmer_new(json_string_value(lang), NULL);
        if (!st)
            return kb_where_err(w, "unknown language \"%s\" (not a Snowball "
                                "stemmer)", json_string_value(lang));
        sb_stemmer_delete(st);
        if (!(s->language = kb_arena_strdup(&k->arena,
                                            json_string_value(lang))))
            return -1;
    }
    return 0;
}

static int source_one(kb *k, const char *path, kb_diag *d)
{
    json_t *root = kb_load_json(path, d);
    if (!root)
        return 0;
    int failed = 0, rc = 0;
    json_t *jid = json_object_get(root, "id");
    kb_where w = {d, path, json_string_value(jid), &failed};
    kb_source s = {0};
    if (!json_is_object(root)) {
        kb_where_err(&w, "a source must be a JSON object");
        goto done;
    }
    kb_json_unknown_keys(root, source_keys, &w);
    const char *id = kb_json_str(root, "id", &w);
    const char *title = kb_json_str(root, "title", &w);
    if (id && !kb_json_id_ok(id))
        kb_where_err(&w, "id \"%s\" must use only a-z, 0-9 and '-'", id);
    else if (id && kb_map_find(&k->source_ids, id, strlen(id), NULL))
        kb_where_err(&w, "duplicate source id \"%s\"", id);
    if ((rc = source_optional(k, root, &w, &s)) < 0 ||
        (rc = kb_json_strarray(&k->arena, root, "sections", 1, &w,
                               &s.sections, &s.n_sections)) < 0)
        goto done;
    if (failed)
        goto done;
    if (!(s.id = kb_arena_strdup(&k->arena, id)) ||
        !(s.title = kb_arena_strdup(&k->arena, title)))
        rc = -1;
    else
        rc = source_push(k, &s);
done:
    json_decref(root);
    return rc < 0 ? -1 : 0;
}

/* Every sources/ *.json.  -1 on OOM; problems go to d. */
int kb_load_sources(kb *k, const char *dir, kb_diag *d)
{
    size_t n;
    char **paths = kb_load_list(dir, "sources", ".json", &n, d);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = source_one(k, paths[i], d);
    kb_paths_free(paths, n);
    if (rc == 0 && paths && n == 0)
        kb_diag_add(d, KB_ERROR, dir, 0, NULL, "no sources in sources/");
    if (k->n_sources)
        k->language = k->sources[0].language;
    for (size_t i = 1; i < k->n_sources; i++) {
        if (strcmp(k->sources[i].language, k->language) != 0) {
            kb_diag_add(d, KB_WARNING, NULL, 0, NULL, "sources use several "
                        "languages; matching uses \"%s\"", k->language);
            break;
        }
    }
    return rc;
}
