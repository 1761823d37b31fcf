/*
 * kb-json.c - small schema helpers shared by the source and entry
 * loaders: id syntax, typed field lookups that report what is wrong,
 * copying string arrays into the kb's arena.
 */
#include "kb-impl.h"

#include <string.h>

/* Lowercase letters, digits and '-', starting with a letter or digit. */
int kb_json_id_ok(const char *id)
{
    if (!id || !*id || *id == '-' || strlen(id) > 128)
        return 0;
    for (const char *p = id; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-'))
            return 0;
    }
    return 1;
}

/* A required non-empty string field, or NULL with the reason in d. */
const char *kb_json_str(json_t *obj, const char *key, const kb_where *w)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        kb_where_err(w, "missing field \"%s\"", key);
        return NULL;
    }
    const char *s = json_string_value(v);
    if (!s) {
        kb_where_err(w, "field \"%s\" must be a string", key);
        return NULL;
    }
    size_t i = 0;
    while (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')
        i++;
    if (!s[i]) {
        kb_where_err(w, "%s is empty", key);
        return NULL;
    }
    return s;
}

/* Copy an array of non-empty strings into the arena a.  Missing and
 * optional: *out = NULL, *n = 0, returns 0.  Returns 1 when reported
 * (wrong type, empty string, fewer than min), -1 on OOM. */
int kb_json_strarray(kb_arena *a, json_t *obj, const char *key, size_t min,
                     const kb_where *w, const char *const **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    json_t *v = json_object_get(obj, key);
    if (!v && min == 0)
        return 0;
    if (!v)
        return kb_where_err(w, "missing field \"%s\"", key), 1;
    if (!json_is_array(v))
        return kb_where_err(w, "field \"%s\" must be an array of strings",
                            key), 1;
    size_t cnt = json_array_size(v);
    if (cnt < min)
        return kb_where_err(w, "field \"%s\" needs at least %zu item%s", key,
                            min, min == 1 ? "" : "s"), 1;
    const char **arr = kb_arena_alloc(a, (cnt + 1) * sizeof *arr);
    if (!arr)
        return -1;
    size_t i;
    json_t *it;
    json_array_foreach(v, i, it) {
        const char *s = json_string_value(it);
        if (!s || !*s)
            return kb_where_err(w, "%s[%zu] must be a non-empty string", key,
                                i), 1;
        if (!(arr[i] = kb_arena_strdup(a, s)))
            return -1;
    }
    arr[cnt] = NULL;
    *out = arr;
    *n = cnt;
    return 0;
}

/* Warn about keys not in the NULL-terminated list known[]. */
void kb_json_unknown_keys(json_t *obj, const char *const *known,
                          const kb_where *w)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t i = 0;
        while (known[i] && strcmp(known[i], key) != 0)
            i++;
        if (!known[i])
            kb_diag_add(w->d, KB_WARNING, w->file, 0, w->entry,
                        "unknown field \"%s\" (ignored)", key);
    }
}
