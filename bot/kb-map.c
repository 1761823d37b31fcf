/*
 * kb-map.c - open-addressing hash map from byte strings to uint32, used
 * for the term dictionary, the token cache and id lookups.  Keys live in
 * an arena, so a map never frees them.
 */
#include "kb-impl.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a, 32 bit: short keys, good enough spread. */
uint32_t kb_map_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

void kb_map_init(kb_map *m, kb_arena *keys)
{
    m->slots = NULL;
    m->cap = m->count = 0;
    m->keys = keys;
}

void kb_map_free(kb_map *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

static uint64_t key_prefix(const char *s, size_t len)
{
    uint64_t p = 0;
    memcpy(&p, s, len < 8 ? len : 8);
    return p;
}

static kb_map_slot *map_slot(const kb_map *m, const char *s, size_t len,
                             uint32_t h, uint64_t prefix)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        kb_map_slot *sl = &m->slots[i];
        if (!sl->key)
            return sl;
        if (sl->hash == h && sl->len == len && sl->prefix == prefix &&
            (len <= 8 || memcmp(sl->key + 8, s + 8, len - 8) == 0))
            return sl;
    }
}

int kb_map_find(const kb_map *m, const char *s, size_t len, uint32_t *val)
{
    if (m->cap == 0)
        return 0;
    const kb_map_slot *sl = map_slot(m, s, len, kb_map_hash(s, len),
                                     key_prefix(s, len));
    if (!sl->key)
        return 0;
    if (val)
        *val = sl->val;
    return 1;
}

static int map_grow(kb_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    kb_map_slot *old = m->slots;
    size_t oldcap = m->cap;
    m->slots = calloc(cap, sizeof *m->slots);
    if (!m->slots) {
        m->slots = old;
        return -1;
    }
    m->cap = cap;
    for (size_t i = 0; i < oldcap; i++) {
        if (old[i].key)
            *map_slot(m, old[i].key, old[i].len, old[i].hash,
                      old[i].prefix) = old[i];
    }
    free(old);
    return 0;
}

int kb_map_put(kb_map *m, const char *s, size_t len, uint32_t val,
               const char **key_out)
{
    if ((m->count + 1) * 2 > m->cap && map_grow(m) < 0)
        return -1;
    uint32_t h = kb_map_hash(s, len);
    uint64_t prefix = key_prefix(s, len);
    kb_map_slot *sl = map_slot(m, s, len, h, prefix);
    if (!sl->key) {
        char *key = kb_arena_strndup(m->keys, s, len);
        if (!key)
            return -1;
        sl->key = key;
        sl->prefix = prefix;
        sl->len = (uint32_t)len;
        sl->hash = h;
        m->count++;
    }
    sl->val = val;
    if (key_out)
        *key_out = sl->key;
    return 0;
}

/* ---- uint32 buffer ---------------------------------------------------- */

int kb_u32buf_reserve(kb_u32buf *b, size_t cap)
{
    if (cap <= b->cap)
        return 0;
    size_t nc = b->cap ? b->cap : 16;
    while (nc < cap)
        nc *= 2;
    uint32_t *v = realloc(b->v, nc * sizeof *v);
    if (!v)
        return -1;
    b->v = v;
    b->cap = nc;
    return 0;
}

int kb_u32buf_push(kb_u32buf *b, uint32_t x)
{
    if (b->n == b->cap && kb_u32buf_reserve(b, b->n + 1) < 0)
        return -1;
    b->v[b->n++] = x;
    return 0;
}

void kb_u32buf_free(kb_u32buf *b)
{
    free(b->v);
    b->v = NULL;
    b->n = b->cap = 0;
}
