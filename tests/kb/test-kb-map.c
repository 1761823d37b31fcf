/* kb-map.c: the maps the index build grows (the token cache, the terms,
 * the entry ids) keep every key through their resizes and compaction. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "kb-index.h"

/* Key number i: short ones (all in the slot's prefix) and long ones. */
static size_t map_key(size_t i, char *buf, size_t size)
{
    int n = snprintf(buf, size, i % 3 ? "w%zu" : "a-longer-key-%zu", i);
    return n > 0 ? (size_t)n : 0;
}

/* A map grown one key at a time to 200,000 keys (its slots moved a step
 * at a time), then compacted: every key keeps its value, none is found
 * that was not put; the load stays between 0.7 / 1.5 and 0.7 while it
 * grows, and is 0.8 once compacted. */
Test(kb_map, keeps_every_key_through_its_resizes)
{
    const size_t n = 200000;
    kb_arena a;
    kb_map m;
    char key[64];
    uint32_t v;
    kb_arena_init(&a);
    kb_map_init(&m, &a);
    for (size_t i = 0; i < n; i++) {
        size_t len = map_key(i, key, sizeof key);
        cr_assert_eq(kb_map_put(&m, key, len, (uint32_t)i * 3u, NULL), 0);
        cr_assert_leq(m.count * 10, m.cap * 7, "after %zu keys", i + 1);
    }
    cr_assert_eq(m.count, n);
    cr_assert_gt(m.count * 10 * 3, m.cap * 7 * 2);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < n; i++) {
            size_t len = map_key(i, key, sizeof key);
            cr_assert_eq(kb_map_find(&m, key, len, &v), 1, "key %zu", i);
            cr_assert_eq(v, (uint32_t)i * 3u, "key %zu", i);
        }
        cr_assert_eq(kb_map_find(&m, "w200001", 7, &v), 0);
        cr_assert_eq(kb_map_find(&m, "a-longer-key-200001", 19, &v), 0);
        cr_assert_eq(kb_map_compact(&m), 0);
        cr_assert_eq(m.cap, n + n / 4 + 1);
    }
    kb_map_free(&m);
    kb_arena_free(&a);
}
