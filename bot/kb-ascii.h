/*
 * kb-ascii.h - query text of ASCII bytes read in one pass: each token
 * folded, hashed (kb_map_hash) and given its 8-byte key prefix as it is
 * read, so its token-cache lookup reads the text no more.  The tokens are
 * kb_text_tokenize's (kb-text.c): runs of letters or of digits, folded to
 * lower case, cut at KB_TOKEN_MAX bytes, an apostrophe read as
 * tok_apostrophe reads it ("baby's" -> "baby", "don't" -> "dont").  A byte
 * >= 0x80 stops the reading (KB_TEXT_SLOW): the caller reads the text again
 * with kb_text_tokenize.  Inline, so that the caller's handling of a token
 * is compiled into the loop.  Private to kb-text.c and kb-lex.c.
 */
#ifndef FAQBOT_KB_ASCII_H
#define FAQBOT_KB_ASCII_H

#include "kb-impl.h"

#include <string.h>

/* Byte -> its folded ASCII letter or digit, 0 for anything else (an
 * ASCII separator, the apostrophe, a byte >= 0x80).  kb-text.c. */
extern const unsigned char kb_ascii_fold[256];

/* One token: the folded bytes are in the caller's buffer. */
typedef struct kb_atok {
    uint64_t prefix;       /* kb_map_slot's: first 8 bytes, zero-padded */
    uint32_t hash;         /* kb_map_hash of the folded bytes */
    uint32_t len;          /* <= KB_TOKEN_MAX */
} kb_atok;

/* The token that starts at p (its folded first byte c, a letter or a
 * digit): the run of its class folded into buf (KB_TOKEN_MAX + 8 bytes,
 * NUL-terminated) and t; an apostrophe inside it dropped, or ending it,
 * or with an "s" after it that ends the word, both dropped.  Returns
 * where the token ends, NULL when a byte >= 0x80 may belong to it. */
static inline __attribute__((always_inline))
const unsigned char *kb_ascii_token(const unsigned char *p,
                                    const unsigned char *end, unsigned c,
                                    char *buf, kb_atok *t)
{
    unsigned lo = c <= '9' ? '0' : 'a', span = c <= '9' ? 9 : 25;
    size_t n = 0;
    uint32_t h = KB_MAP_HASH0;
    for (;;) {
        /* up to the cut, each byte kept; past it, only passed over */
        const unsigned char *cut = (size_t)(end - p) > KB_TOKEN_MAX - n
                                       ? p + (KB_TOKEN_MAX - n) : end;
        for (; p < cut; p++) {
            c = kb_ascii_fold[*p];
            if (c - lo > span)
                break;   /* not of the token's class */
            buf[n++] = (char)c;
            h = KB_MAP_HASH_STEP(h, c);
        }
        for (; p == cut && p < end && kb_ascii_fold[*p] - lo <= span;)
            cut = ++p;
        if (p == end || *p != '\'') {
            if (p < end && *p >= 0x80)
                return NULL;
            break;
        }
        unsigned c1 = p + 1 < end ? p[1] : ' ';
        unsigned c2 = p + 2 < end ? p[2] : ' ';
        if (c1 >= 0x80 || ((c1 | 0x20u) == 's' && c2 >= 0x80))
            return NULL;
        if (!kb_ascii_fold[c1]) {
            p++;       /* the word ends at the apostrophe */
            break;
        }
        if ((c1 | 0x20u) == 's' && !kb_ascii_fold[c2] && c2 != '\'') {
            p += 2;    /* "'s" at the end of a word */
            break;
        }
        p++;           /* the word goes on after it */
    }
    uint64_t pre = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&pre, buf, 8);   /* buf holds 8 bytes at least */
    if (n < 8)
        pre &= ((uint64_t)1 << (8 * n)) - 1;
#else
    memcpy(&pre, buf, n < 8 ? n : 8);
#endif
    buf[n] = '\0';
    t->prefix = pre;
    t->hash = h;
    t->len = (uint32_t)n;
    return p;
}

/* 1 if a[8 .. n) and b[8 .. n) are the same bytes (n > 8): inline, no
 * call in the probe's loop (a call there has the reader's registers
 * saved around every probe: -0.1k instructions a query, real and 1k).
 * The loads stay within the n bytes. */
static inline __attribute__((always_inline))
int kb_ascii_same(const char *a, const char *b, size_t n)
{
    size_t i = 8;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            return 0;
    }
    for (; i < n; i++) {
        if (a[i] != b[i])
            return 0;
    }
    return 1;
}

/* The token cache's value for a token read by kb_ascii_token (the probe
 * of kb-map.c's map_slot: home slot hash * cap >> 32, linear probing,
 * the prefix compared first; an empty slot is all zero, so its length
 * never equals a token's).  1 found, 0 absent. */
static inline __attribute__((always_inline))
int kb_ascii_find(const kb_map *m, const char *w, const kb_atok *t,
                  uint32_t *val)
{
    size_t cap = m->cap;
    if (cap == 0)
        return 0;
    size_t i = (size_t)(((uint64_t)t->hash * cap) >> 32);
    for (;;) {
        const kb_map_slot *sl = &m->slots[i];
        if (sl->prefix == t->prefix && sl->len == t->len &&
            (t->len <= 8 || kb_ascii_same(sl->key, w, t->len))) {
            *val = sl->val;
            return 1;
        }
        if (!sl->key)
            return 0;
        if (++i == cap)
            i = 0;
    }
}

/* What a caller does with a token: 0 to go on, < 0 to stop with that
 * error.  digits: the token is a number. */
typedef int (*kb_atok_fn)(void *ctx, const char *tok, const kb_atok *t,
                          int digits);

/* kb_text_tokenize over ASCII text: fn for each token, at most
 * max_tokens of them.  Returns 0, fn's error, or KB_TEXT_SLOW at a byte
 * >= 0x80 (the calls made stand). */
static inline __attribute__((always_inline))
int kb_ascii_tokens(const char *text, size_t len, size_t max_tokens,
                    kb_atok_fn fn, void *ctx)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    char buf[KB_TOKEN_MAX + 8];
    size_t emitted = 0;
    memset(buf, 0, 8);   /* kb_ascii_token reads 8 bytes for a prefix */
    if (max_tokens == 0)
        return 0;
    while (p < end) {
        unsigned b = *p, c = kb_ascii_fold[b];
        if (!c) {
            if (b >= 0x80)
                return KB_TEXT_SLOW;
            p++;   /* a separator, or an apostrophe before any word */
            continue;
        }
        kb_atok t;
        p = kb_ascii_token(p, end, c, buf, &t);
        if (!p)
            return KB_TEXT_SLOW;
        int rc = fn(ctx, buf, &t, c <= '9');
        if (rc)
            return rc;
        if (++emitted >= max_tokens)
            return 0;
    }
    return 0;
}

#endif /* FAQBOT_KB_ASCII_H */
