/*
 * tg-cursor.c - resume point and journal of unanswered updates.
 */
#include "tg-cursor.h"

#include <string.h>

int tg_cursor_init(tg_cursor *c)
{
    memset(c, 0, sizeof *c);
    c->pending = json_array();
    return c->pending ? 0 : -1;
}

void tg_cursor_free(tg_cursor *c)
{
    json_decref(c->pending);
    c->pending = NULL;
}

int tg_cursor_load(tg_cursor *c, const char *text)
{
    json_error_t err;
    json_t *root = text ? json_loads(text, JSON_ALLOW_NUL, &err) : NULL;
    json_t *off = json_object_get(root, "offset");
    json_t *pend = json_object_get(root, "pending");
    int rc = -1;
    if (json_is_object(root) && (!off || json_is_integer(off)) &&
        json_is_array(pend)) {
        if (off) {
            c->offset = (int64_t)json_integer_value(off);
            c->have_offset = 1;
        }
        json_decref(c->pending);
        c->pending = json_incref(pend);
        rc = 0;
    }
    json_decref(root);
    return rc;
}

char *tg_cursor_dump(const tg_cursor *c)
{
    json_t *root = json_pack("{s:O}", "pending", c->pending);
    char *out = NULL;
    if (root && c->have_offset &&
        json_object_set_new(root, "offset", json_integer(c->offset)) != 0)
        goto done;
    if (root)
        out = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
done:
    json_decref(root);
    return out;
}

static int64_t update_id(const json_t *u)
{
    json_t *id = json_object_get(u, "update_id");
    return json_is_integer(id) ? (int64_t)json_integer_value(id) : -1;
}

int tg_cursor_known(const tg_cursor *c, int64_t id)
{
    size_t i;
    for (i = 0; i < c->n_recent; i++)
        if (c->recent[i] == id)
            return 1;
    for (i = 0; i < json_array_size(c->pending); i++)
        if (update_id(json_array_get(c->pending, i)) == id)
            return 1;
    return 0;
}

int tg_cursor_add(tg_cursor *c, json_t *arr)
{
    size_t i;
    int added = 0;
    for (i = 0; i < json_array_size(arr); i++) {
        json_t *u = json_array_get(arr, i);
        int64_t id = update_id(u);
        if (id >= 0 && tg_cursor_known(c, id))
            continue;
        if (json_array_append(c->pending, u) != 0)
            return -1;
        added++;
    }
    return added;
}

json_t *tg_cursor_head(const tg_cursor *c)
{
    return json_array_get(c->pending, 0);
}

void tg_cursor_done(tg_cursor *c, int64_t id)
{
    json_array_remove(c->pending, 0);
    if (id < 0)
        return;
    /* the Bot API may restart ids lower after a quiet week: follow it */
    c->offset = id + 1;
    c->have_offset = 1;
    c->recent[c->next_recent] = id;
    c->next_recent = (c->next_recent + 1) % TG_CURSOR_RECENT;
    if (c->n_recent < TG_CURSOR_RECENT)
        c->n_recent++;
}
