/*
 * kb-lex-scan.c - index-time lexing of plain ASCII text in two steps.
 * Scanning folds each letter run to lower case and hashes it in the same
 * pass (cut at KB_TOKEN_MAX bytes, as kb-text.c cuts tokens) and
 * prefetches its token-cache slot; lexing then looks each word up with
 * that hash, never reading the text again.  Digit runs are numbers, which
 * indexing skips.  A text with an apostrophe or a non-ASCII byte is left
 * to kb_lex_run (folding, "baby's").  The result is kb_lex_run's, term
 * ids interned in the same order.
 *
 * The token-cache probe mirrors kb-map.c (home slot h * cap >> 32, linear
 * probing, the 8-byte prefix compared first): kb-map.c offers no lookup
 * by a hash already known.
 */
#include "kb-build.h"

#include <stdlib.h>
#include <string.h>

void kb_scan_reset(kb_scan *s)
{
    s->n_buf = s->n_w = s->n_t = 0;
}

void kb_scan_free(kb_scan *s)
{
    free(s->buf);
    free(s->w);
    free(s->t);
    memset(s, 0, sizeof *s);
}

/* Where byte n (< 8) of a key sits in its prefix, kb_map_slot's first 8
 * bytes read as one integer. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define PREFIX_SHIFT(n) (56 - 8 * (n))
#else
#define PREFIX_SHIFT(n) (8 * (n))
#endif

static int is_letter(unsigned b)
{
    return (b | 0x20u) - 'a' < 26u;
}

/* Where a text's words go while it is scanned: in registers, not in
 * kb_scan (a byte stored through a char pointer may alias any field, so
 * the compiler would reload them after each letter). */
typedef struct scan_out {
    char *buf;             /* s->buf */
    size_t n_buf;
    kb_sword *w;           /* the next word's place */
    const kb_map_slot *slots;  /* the token cache's, cap of them */
    size_t cap;
} scan_out;

/* One letter run at p into o: folded, hashed, its token-cache slot
 * prefetched.  Returns where the run ends. */
static inline const unsigned char *scan_word(scan_out *o,
                                             const unsigned char *p)
{
    char *to = o->buf + o->n_buf;
    uint32_t h = KB_MAP_HASH0;
    uint64_t pre = 0;      /* the prefix built in a register: reading it
                              back from to stalls on the byte stores */
    size_t n = 0;
    for (unsigned b = *p; is_letter(b); b = *++p) {
        if (n < KB_TOKEN_MAX) {
            unsigned c = b | 0x20u;
            if (n < 8)
                pre |= (uint64_t)c << PREFIX_SHIFT(n);
            to[n++] = (char)c;
            h = KB_MAP_HASH_STEP(h, c);
        }
    }
    if (o->cap)
        __builtin_prefetch(&o->slots[((uint64_t)h * o->cap) >> 32]);
    *o->w++ = (kb_sword){pre, (uint32_t)o->n_buf, h, (uint32_t)n};
    o->n_buf += n;
    return p;
}

int kb_scan_text(kb_scan *s, const kb_map *tokens, const char *text)
{
    size_t len = strlen(text);
    if (kb_grow((void **)&s->t, &s->cap_t, s->n_t + 1, sizeof *s->t) < 0 ||
        kb_grow((void **)&s->buf, &s->cap_buf, s->n_buf + len, 1) < 0 ||
        kb_grow((void **)&s->w, &s->cap_w, s->n_w + len / 2 + 1,
                  sizeof *s->w) < 0)
        return -1;
    kb_stext *t = &s->t[s->n_t++];
    *t = (kb_stext){(uint32_t)s->n_w, 0, 0, 0};
    scan_out o = {s->buf, s->n_buf, s->w + s->n_w, tokens->slots,
                  tokens->cap};
    const unsigned char *p = (const unsigned char *)text;
    for (unsigned b = *p; b; b = *p) {
        if (is_letter(b)) {
            p = scan_word(&o, p);       /* ends before a non-letter */
        } else if (b - '0' < 10u) {
            while (*p - (unsigned)'0' < 10u)
                p++;                    /* a number: not indexed */
        } else if (b == '\'' || b >= 0x80) {
            t->slow = 1;                /* kb_lex_run's case: the words */
            return 0;                   /* so far are dropped */
        } else {
            p++;
        }
    }
    t->n = (uint32_t)(o.w - (s->w + s->n_w));
    s->n_w += t->n;
    s->n_buf = o.n_buf;
    return 0;
}

/* The token cache's value for a scanned word: 1 found, 0 absent (the
 * cache's cap slots, cap > 0).  An empty slot is all zero: its length
 * never equals a word's, so only a mismatch asks whether it is empty. */
static inline int scan_find(const kb_map_slot *slots, size_t cap,
                            const char *w, const kb_sword *sw, uint32_t *val)
{
    size_t i = (size_t)(((uint64_t)sw->hash * cap) >> 32);
    for (;;) {
        const kb_map_slot *sl = &slots[i];
        if (sl->prefix == sw->prefix && sl->len == sw->len &&
            (sw->len <= 8 || memcmp(sl->key + 8, w + 8, sw->len - 8) == 0)) {
            *val = sl->val;
            return 1;
        }
        if (!sl->key)
            return 0;
        if (++i == cap)
            i = 0;
    }
}

/* A word not in the token cache: stemmed, interned, cached. */
static int scan_new(kb *k, const char *w, size_t len, uint32_t *t)
{
    const char *stem;
    size_t sl;
    if (kb_text_stem(k->stem, w, len, &stem, &sl) < 0 ||
        kb_lex_intern(k, stem, sl, t) < 0)
        return -1;
    return kb_map_put(&k->tokens, w, len, *t, NULL);
}

/* The terms of text t's words, stopwords dropped, appended to out (room
 * made by the caller).  0, -1 on OOM. */
static int scan_terms(kb *k, const kb_scan *s, const kb_stext *t,
                      kb_u32buf *out, const char *pf, size_t pf_size)
{
    const kb_map *m = &k->tokens;
    const kb_map_slot *slots = m->slots;   /* in registers: the stores */
    size_t cap = m->cap, n = out->n;       /* below cannot change them */
    uint32_t *o = out->v;
    for (uint32_t j = t->first; j < t->first + t->n; j++) {
        const kb_sword *sw = &s->w[j];
        const char *w = s->buf + sw->off;
        uint32_t v;
        if (!cap || !scan_find(slots, cap, w, sw, &v)) {
            if (scan_new(k, w, sw->len, &v) < 0)
                return -1;
            slots = m->slots;              /* the cache may have grown */
            cap = m->cap;
        }
        if (pf)            /* the caller's record of the term, early */
            __builtin_prefetch(pf + (size_t)(v & ~KB_TOK_STOP) * pf_size, 1);
        o[n] = v;          /* kept unless a stopword, without a branch */
        n += !(v & KB_TOK_STOP);
        if ((v & KB_TOK_STOP) && t->fw && kb_fw_sink(k, v & ~KB_TOK_STOP) < 0)
            return -1;     /* kb-fwords.c: the entry's function words */
    }
    out->n = n;
    return 0;
}

int kb_scan_lex(kb *k, const kb_scan *s, size_t i, const char *text,
                kb_lexout *out)
{
    const unsigned flags = KB_LEX_INTERN | KB_LEX_SYN;
    const kb_stext *t = &s->t[i];
    if (t->slow)
        return kb_lex_run(k, k->stem, text, strlen(text), flags, (size_t)-1,
                          out);
    kb_lexout_reset(out);
    if (kb_u32buf_reserve(&out->raw, t->n) < 0 ||
        scan_terms(k, s, t, &out->raw, NULL, 0) < 0)
        return -1;
    out->n_words = out->raw.n;
    return kb_lex_finish(k, flags, out);
}

/* 1 if a synonym rule of the matching set (stopwords dropped) may start
 * at one of v[0 .. n), else 0: then synonyms leave them as they are. */
static int scan_syn_may(const kb *k, const uint32_t *v, size_t n)
{
    const uint32_t *at = k->syn_at[0];
    if (!(k->features & KB_FEAT_SYNONYMS) || k->syn[0].n == 0)
        return 0;
    if (!at)
        return n > 0;
    for (size_t i = 0; i < n; i++) {
        /* as kb_syn_apply reads at: a newer term starts no rule */
        if (v[i] < k->n_syn_terms && at[v[i]])
            return 1;
    }
    return 0;
}

int kb_scan_lex_all(kb *k, const kb_scan *s, const char *const *texts,
                    kb_lexout *tmp, kb_u32buf *et, uint32_t *off,
                    const void *pf, size_t pf_size)
{
    off[0] = (uint32_t)et->n;
    for (size_t i = 0; i < s->n_t; i++) {
        const kb_stext *t = &s->t[i];
        size_t at = et->n, n;
        if (t->slow) {
            if (kb_scan_lex(k, s, i, texts[i], tmp) < 0 ||
                (t->fw && kb_fw_take(k, tmp) < 0))
                return -1;
        } else {
            if (kb_u32buf_reserve(et, at + t->n) < 0 ||
                scan_terms(k, s, t, et, pf, pf_size) < 0)
                return -1;
            n = et->n - at;
            if (!scan_syn_may(k, et->v + at, n)) {
                off[i + 1] = (uint32_t)et->n;
                continue;
            }
            tmp->raw.n = 0;  /* the synonyms: as kb_lex_finish does them */
            if (kb_u32buf_reserve(&tmp->raw, n) < 0)
                return -1;
            memcpy(tmp->raw.v, et->v + at, n * sizeof *et->v);
            tmp->raw.n = n;
            if (kb_lex_finish(k, KB_LEX_INTERN | KB_LEX_SYN, tmp) < 0)
                return -1;
        }
        n = tmp->terms.n;
        if (kb_u32buf_reserve(et, at + n) < 0)
            return -1;
        if (n)
            memcpy(et->v + at, tmp->terms.v, n * sizeof *et->v);
        et->n = at + n;
        off[i + 1] = (uint32_t)et->n;
    }
    return 0;
}
