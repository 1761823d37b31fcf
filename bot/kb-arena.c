/*
 * kb-arena.c - bump allocator for everything a loaded kb owns (strings,
 * entry arrays, term lists).  Freed all at once by kb_free(), or block by
 * block in allocation order (kb_arena_release: the text a lazy-text kb
 * holds only until it is indexed).
 */
#include "kb-impl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define KB_ARENA_BLOCK (256u * 1024u)

struct kb_arena_blk {
    kb_arena_blk *next;
    size_t used, size;
    size_t seq;            /* kb_arena_mark() while it was filled */
    _Alignas(8) unsigned char data[];
};

/* Blocks are mapped, not malloc'd, so that a released one goes back to
 * the system at once (a freed heap block stays resident). */
static kb_arena_blk *blk_new(size_t size)
{
    void *p = mmap(NULL, sizeof(kb_arena_blk) + size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void blk_free(kb_arena_blk *b)
{
    /* an anonymous private mapping of ours: munmap cannot fail here */
    (void)munmap(b, sizeof *b + b->size);
}

void kb_arena_init(kb_arena *a)
{
    a->head = NULL;
    a->seq = 0;
    a->last_key = NULL;
    a->last_len = 0;
}

void kb_arena_free(kb_arena *a)
{
    kb_arena_blk *b = a->head;
    while (b) {
        kb_arena_blk *next = b->next;
        blk_free(b);
        b = next;
    }
    a->head = NULL;
    a->last_key = NULL;
}

size_t kb_arena_mark(const kb_arena *a)
{
    return a->seq;
}

void kb_arena_release(kb_arena *a, size_t mark)
{
    kb_arena_blk **link = &a->head;
    while (*link) {
        kb_arena_blk *b = *link;
        if (b->seq < mark) {
            *link = b->next;
            blk_free(b);
            a->last_key = NULL;   /* it may have been there */
        } else {
            link = &b->next;
        }
    }
}

/* n bytes at a multiple of align (1 or 8) owned by the arena; NULL on
 * OOM. */
static void *arena_take(kb_arena *a, size_t n, size_t align)
{
    if (n == 0)
        n = 1;
    kb_arena_blk *b = a->head;
    size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || at > b->size || b->size - at < n) {
        size_t size = n > KB_ARENA_BLOCK / 4 ? n : KB_ARENA_BLOCK;
        kb_arena_blk *nb = blk_new(size);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->size = size;
        nb->seq = a->seq;
        if (b && size != KB_ARENA_BLOCK) {
            /* a big one-off block: keep filling the current one */
            nb->next = b->next;
            b->next = nb;
            nb->used = n;
            return nb->data;
        }
        nb->seq = ++a->seq;
        nb->next = b;
        a->head = b = nb;
        at = 0;
    }
    b->used = at + n;
    return b->data + at;
}

/* 8-byte aligned memory owned by the arena; NULL on OOM. */
void *kb_arena_alloc(kb_arena *a, size_t n)
{
    return arena_take(a, n, 8);
}

/* NUL-terminated copy owned by the arena, packed byte after byte (no
 * alignment: a string is read byte by byte); NULL on OOM. */
char *kb_arena_strndup(kb_arena *a, const char *s, size_t n)
{
    char *p = arena_take(a, n + 1, 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *kb_arena_strdup(kb_arena *a, const char *s)
{
    return kb_arena_strndup(a, s, strlen(s));
}
