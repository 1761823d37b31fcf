/*
 * kb-map.c - open-addressing hash map from byte strings to uint32, used
 * for the term dictionary, the token cache and id lookups.  Keys live in
 * an arena, so a map never frees them.  The slot array is mapped pages:
 * a resize moves the keys in slot order, which is about hash order, so
 * the new array fills front to back while the old one is given back a
 * step at a time (old and new are not both whole at the build's peak).
 */
#include "kb-impl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAP_MIN_CAP 64
#define MAP_GIVE_STEP (256u * 1024u)   /* old slots given back at a time */
#define KB_MAP_SPARSE 65536            /* kb_map_compact: 3 MB of slots */
#define MAP_AHEAD 16                   /* map_resize: keys fetched ahead */

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

static size_t map_page(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    return ps > 0 ? (size_t)ps : 4096;
}

/* Bytes mapped for cap slots: whole pages. */
static size_t map_bytes(size_t cap)
{
    size_t pg = map_page();
    return (cap * sizeof(kb_map_slot) + pg - 1) / pg * pg;
}

/* cap zeroed slots in fresh pages; NULL on OOM.  Caller gives them back
 * with map_unmap. */
static kb_map_slot *map_new_slots(size_t cap)
{
    void *p = mmap(NULL, map_bytes(cap), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Unmap what is left of an array of cap slots: its bytes from gone on. */
static void map_unmap(kb_map_slot *sl, size_t cap, size_t gone)
{
    size_t len = map_bytes(cap);
    if (sl && len > gone)
        (void)munmap((char *)sl + gone, len - gone);   /* ours: cannot fail */
}

void kb_map_free(kb_map *m)
{
    map_unmap(m->slots, m->cap, 0);
    m->slots = NULL;
    m->cap = m->count = 0;
}

/* The first min(len, 8) bytes of s as memcpy puts them in a uint64_t,
 * the rest zero; on a little-endian machine from fixed-size loads (two
 * overlapping ones under 8 bytes), not a memcpy of variable length. */
static inline __attribute__((always_inline))
uint64_t key_prefix(const char *s, size_t len)
{
    uint64_t p = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const unsigned char *u = (const unsigned char *)s;
    if (len >= 8) {
        memcpy(&p, s, 8);
    } else if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        p = a | (uint64_t)b << (8 * (len - 4));
    } else if (len > 0) {
        p = (uint64_t)u[0] | (uint64_t)u[len / 2] << (8 * (len / 2)) |
            (uint64_t)u[len - 1] << (8 * (len - 1));
    }
#else
    memcpy(&p, s, len < 8 ? len : 8);
#endif
    return p;
}

/* Home slot of hash h: h scaled to [0, cap), so cap need not be a power
 * of two. */
static size_t map_home(size_t cap, uint32_t h)
{
    return (size_t)(((uint64_t)h * cap) >> 32);
}

static inline __attribute__((always_inline))
kb_map_slot *map_slot(const kb_map *m, const char *s, size_t len,
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
    return kb_map_find_h(m, s, len, kb_map_hash(s, len), val);
}

int kb_map_find_h(const kb_map *m, const char *s, size_t len, uint32_t h,
                  uint32_t *val)
{
    if (m->cap == 0)
        return 0;
    const kb_map_slot *sl = map_slot(m, s, len, h, key_prefix(s, len));
    if (!sl->key)
        return 0;
    if (val)
        *val = sl->val;
    return 1;
}

/* The whole pages of old slots below slot end, past *gone, given back
 * once they make a step (their keys have moved). */
static void map_give(kb_map_slot *old, size_t *gone, size_t end)
{
    size_t pg = map_page(), upto = end * sizeof *old / pg * pg;
    if (upto < *gone + MAP_GIVE_STEP)
        return;
    if (munmap((char *)old + *gone, upto - *gone) == 0)
        *gone = upto;
}

/* Move every key into a fresh array of cap slots, in slot order: a
 * key's home is its hash scaled to the capacity, so the new array fills
 * about in order while the old one is given back behind.  0, -1 on OOM
 * (the map is unchanged). */
static int map_resize(kb_map *m, size_t cap)
{
    kb_map_slot *old = m->slots;
    size_t oldcap = m->cap, gone = 0;
    kb_map_slot *nw = map_new_slots(cap);
    if (!nw)
        return -1;
    m->slots = nw;
    m->cap = cap;
    for (size_t i = 0; i < oldcap; i++) {
        const kb_map_slot *o = &old[i];
        /* a long key is hashed from the arena, in insertion order where
         * the slots are in hash order: each a miss, fetched ahead */
        if (i + MAP_AHEAD < oldcap && old[i + MAP_AHEAD].len > 8)
            __builtin_prefetch(old[i + MAP_AHEAD].key);
        if (o->key) {
            /* a key of up to 8 bytes is all in its prefix: hashed from
             * there, without a trip to the arena */
            uint32_t h = o->len <= 8 ?
                         kb_map_hash((const char *)&o->prefix, o->len) :
                         kb_map_hash(o->key, o->len);
            *map_slot(m, o->key, o->len, h, o->prefix) = *o;
        }
        if ((i & 4095) == 4095)
            map_give(old, &gone, i + 1);
    }
    map_unmap(old, oldcap, gone);
    return 0;
}

int kb_map_compact(kb_map *m)
{
    /* load ~0.8 (probes stay short at query time); ~0.5 for a map of
     * up to KB_MAP_SPARSE keys, where the slack costs little: a word
     * absent from a map at 0.8 probes ~13 slots, at 0.5 ~2.5 */
    size_t cap = m->count <= KB_MAP_SPARSE ? 2 * m->count + 1
                                           : m->count + m->count / 4 + 1;
    if (cap >= m->cap || m->count == 0)
        return 0;
    return map_resize(m, cap);
}

int kb_map_put(kb_map *m, const char *s, size_t len, uint32_t val,
               const char **key_out)
{
    /* grown by half at a load of 0.7: less slack while a kb is built
     * than doubling at 0.5 */
    if ((m->count + 1) * 10 > m->cap * 7 &&
        map_resize(m, m->cap ? m->cap + m->cap / 2 : MAP_MIN_CAP) < 0)
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

int kb_grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 16;
    while (nc < need)
        nc *= 2;
    void *v = realloc(*p, nc * size);
    if (!v)
        return -1;
    *p = v;
    *cap = nc;
    return 0;
}

int kb_u32buf_reserve(kb_u32buf *b, size_t cap)
{
    return kb_grow((void **)&b->v, &b->cap, cap, sizeof *b->v);
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
