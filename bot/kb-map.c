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
    uint32_t h = KB_MAP_HASH0;
    for (size_t i = 0; i < len; i++)
        h = KB_MAP_HASH_STEP(h, s[i]);
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

/* Home slot of hash h: h scaled to [0, cap), so cap need not be a power
 * of two. */
static size_t map_home(size_t cap, uint32_t h)
{
    return (size_t)(((uint64_t)h * cap) >> 32);
}

static kb_map_slot *map_slot(const kb_map *m, const char *s, size_t len,
                             uint32_t h, uint64_t prefix)
{
    size_t i = map_home(m->cap, h);
    for (;;) {
        kb_map_slot *sl = &m->slots[i];
        if (!sl->key)
            return sl;
        if (sl->prefix == prefix && sl->len == len &&
            (len <= 8 || memcmp(sl->key + 8, s + 8, len - 8) == 0))
            return sl;
        if (++i == m->cap)
            i = 0;
    }
}

void kb_map_prefetch(const kb_map *m, uint32_t hash)
{
    if (m->cap)
        __builtin_prefetch(&m->slots[map_home(m->cap, hash)]);
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

/* Move every key into a zeroed array of cap slots.  0, -1 on OOM. */
static int map_resize(kb_map *m, size_t cap)
{
    kb_map_slot *old = m->slots;
    size_t oldcap = m->cap;
    m->slots = calloc(cap, sizeof *m->slots);
    if (!m->slots) {
        m->slots = old;
        return -1;
    }
    m->cap = cap;
    for (size_t i = 0; i < oldcap; i++) {
        const kb_map_slot *o = &old[i];
        if (!o->key)
            continue;
        /* a key of up to 8 bytes is all in its prefix: hashed from
         * there, without a trip to the arena */
        uint32_t h = o->len <= 8 ? kb_map_hash((const char *)&o->prefix,
                                               o->len)
                                 : kb_map_hash(o->key, o->len);
        *map_slot(m, o->key, o->len, h, o->prefix) = *o;
    }
    free(old);
    return 0;
}

int kb_map_compact(kb_map *m)
{
    size_t cap = m->count + m->count * 3 / 7 + 1;   /* load ~0.7 */
    if (cap >= m->cap || m->count == 0)
        return 0;
    return map_resize(m, cap);
}

int kb_map_put(kb_map *m, const char *s, size_t len, uint32_t val,
               const char **key_out)
{
    if ((m->count + 1) * 2 > m->cap &&
        map_resize(m, m->cap ? m->cap * 2 : 64) < 0)
        return -1;
    uint64_t prefix = key_prefix(s, len);
    kb_map_slot *sl = map_slot(m, s, len, kb_map_hash(s, len), prefix);
    if (!sl->key) {
        kb_arena *a = m->keys;
        const char *key = a->last_key;   /* the same bytes just stored by
                                            another map: shared */
        if (!key || a->last_len != len || memcmp(key, s, len) != 0)
            key = kb_arena_strndup(a, s, len);
        if (!key)
            return -1;
        a->last_key = key;
        a->last_len = len;
        sl->key = key;
        sl->prefix = prefix;
        sl->len = (uint32_t)len;
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
