/*
 * kb-lex.c - from text to term ids: tokens (kb-text.c), stopwords, the
 * token cache (folded word -> term, so a known word is never stemmed
 * twice), stemming, typo repair and synonyms.  The same function serves
 * index time (interning new terms) and query time (read-only).
 */
#include "kb-ascii.h"
#include "kb-build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Intern a stem; *id gets its term id.  0, -1 on OOM. */
int kb_lex_intern(kb *k, const char *stem, size_t len, uint32_t *id)
{
    if (kb_map_find(&k->terms, stem, len, id))
        return 0;
    if (k->n_terms == k->cap_terms) {
        size_t cap = k->cap_terms ? k->cap_terms * 2 : 256;
        const char **tt = realloc(k->term_text, cap * sizeof *tt);
        if (!tt)
            return -1;
        k->term_text = tt;
        k->cap_terms = cap;
    }
    uint32_t nid = (uint32_t)k->n_terms;
    const char *key;   /* the key copy in the arena doubles as the text */
    if (kb_map_put(&k->terms, stem, len, nid, &key) < 0)
        return -1;
    k->term_text[k->n_terms++] = key;
    *id = nid;
    return 0;
}

typedef struct lex_ctx {
    kb *k;
    struct sb_stemmer *st;
    unsigned flags;
    kb_lexout *out;
} lex_ctx;

/* 1 if term t is in a phrase of a triage rule's `all` groups.  Only a
 * typo repair asks, and the typo index is built with the kb's index,
 * after kb_triage_load has built the flags. */
static int lex_triage_term(const kb *k, uint32_t t)
{
    return t < k->n_flag_terms && (k->term_flags[t] & KB_TF_TRIAGE);
}

/* k->syn_at[set] for the n terms: where each term's rules start; and
 * k->syn_filter[set], each term's filter of its rules
 * (kb_syn_filter_bit).  Both in the arena. */
static int lex_syn_at(kb *k, int set, size_t n)
{
    const kb_syn *sy = &k->syn[set];
    size_t size = (n ? n : 1) * sizeof(uint32_t);
    uint32_t *at = kb_arena_alloc(&k->arena, size);
    uint32_t *f = kb_arena_alloc(&k->arena, size);
    if (!at || !f)
        return -1;
    memset(at, 0, size);
    memset(f, 0, size);
    for (size_t i = sy->n; i-- > 0;) {   /* the first rule of each term */
        const kb_syn_rule *r = &sy->rules[i];
        if (r->from[0] >= n)
            continue;
        at[r->from[0]] = (uint32_t)i + 1;
        f[r->from[0]] |= kb_syn_filter_bit(r);
    }
    k->syn_at[set] = at;
    k->syn_filter[set] = f;
    return 0;
}

int kb_lex_syn_index(kb *k)
{
    size_t n = k->n_terms;
    if (lex_syn_at(k, 0, n) < 0 || lex_syn_at(k, 1, n) < 0)
        return -1;
    k->n_syn_terms = n;
    return 0;
}

int kb_lex_flags(kb *k)
{
    size_t n = k->n_terms;
    uint8_t *f = kb_arena_alloc(&k->arena, n ? n : 1);
    if (!f)
        return -1;
    memset(f, 0, n ? n : 1);
    for (size_t r = 0; r < k->n_rules; r++) {
        const kb_trule *rule = &k->rules[r];
        for (size_t g = 0; g < rule->n_all; g++) {
            const kb_tgroup *grp = &rule->all[g];
            for (size_t p = 0; p < grp->n; p++) {
                for (uint32_t i = 0; i < grp->phrases[p].n; i++) {
                    if (grp->phrases[p].terms[i] < n)
                        f[grp->phrases[p].terms[i]] |= KB_TF_TRIAGE;
                }
            }
        }
    }
    k->term_flags = f;
    k->n_flag_terms = n;
    return 0;
}

/* Resolve a word that is not in the token cache. */
static int lex_unknown(lex_ctx *c, const char *tok, size_t len, uint32_t *t)
{
    const char *stem;
    size_t sl;
    if (kb_text_stem(c->st, tok, len, &stem, &sl) < 0)
        return -1;
    if (c->flags & KB_LEX_INTERN) {
        if (kb_lex_intern(c->k, stem, sl, t) < 0)
            return -1;
        return kb_map_put(&c->k->tokens, tok, len, *t, NULL);
    }
    if (kb_map_find(&c->k->terms, stem, sl, t))
        return 0;
    *t = KB_TERM_NONE;
    if ((c->flags & KB_LEX_REPAIR) && (c->k->features & KB_FEAT_TYPO) &&
        kb_text_chars(tok, len) >= KB_TYPO_MIN_CHARS) {
        const kb_typo_word *w = kb_typo_best(&c->k->typo, tok, len);
        /* triage reads a repaired word only when the slip is a dropped,
         * doubled or swapped letter: a danger sign is never read into
         * an ordinary word by a wrong key */
        if (w && (!(c->flags & KB_LEX_KEEPSTOP) ||
                  !lex_triage_term(c->k, w->term) ||
                  kb_typo_gentle(tok, len, w->s, w->len))) {
            *t = w->term;
            c->out->n_repaired++;
            return 0;
        }
    }
    c->out->n_unknown++;
    return 0;
}

/* KB_LEX_DUAL: an unknown word read for triage (*tt: repaired into a
 * danger-sign word only for a gentle slip) and, when want_m, for matching
 * (*tm: any repair), with each reading's counters as lex_unknown keeps
 * them. */
static int lex_unknown_dual(lex_ctx *c, const char *tok, size_t len,
                            int want_m, uint32_t *tt, uint32_t *tm)
{
    const char *stem;
    size_t sl;
    kb_lexout *o = c->out;
    if (kb_text_stem(c->st, tok, len, &stem, &sl) < 0)
        return -1;
    if (kb_map_find(&c->k->terms, stem, sl, tt)) {
        *tm = *tt;
        return 0;
    }
    *tt = *tm = KB_TERM_NONE;
    if ((c->k->features & KB_FEAT_TYPO) && kb_text_chars(tok, len) >= KB_TYPO_MIN_CHARS) {
        const kb_typo_word *w = kb_typo_best(&c->k->typo, tok, len);
        if (w && (!lex_triage_term(c->k, w->term) ||
                  kb_typo_gentle(tok, len, w->s, w->len)))
            *tt = w->term;
        if (w)
            *tm = w->term;
    }
    if (*tt == KB_TERM_NONE)
        o->n_unknown++;
    else
        o->n_repaired++;
    if (want_m && *tm == KB_TERM_NONE)
        o->n_unknown2++;
    else if (want_m)
        o->n_repaired2++;
    return 0;
}

/* kb_u32buf_push, the common case (room left) without the call. */
static inline int lex_push(kb_u32buf *b, uint32_t x)
{
    if (b->n < b->cap) {
        b->v[b->n++] = x;
        return 0;
    }
    return kb_u32buf_push(b, x);
}

/* 1 if tok is a number: digits only. */
static int lex_number(const char *tok, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (tok[i] < '0' || tok[i] > '9')
            return 0;
    }
    return len > 0;
}

/* A number alone says nothing about a topic ("alert(1)" is not about
 * IGF-1): matching skips numbers like stopwords; triage keeps them
 * ("temperature of 38").  found, v: the token cache's answer for tok;
 * number: tok is digits only. */
static inline __attribute__((always_inline))
int lex_tok_dual(lex_ctx *c, const char *tok, size_t len, int found,
                 uint32_t v, int number)
{
    uint32_t vm;
    int want_m = !number;                  /* matching skips numbers */
    if (found) {
        if (v & KB_TOK_STOP) {
            want_m = 0;                    /* and stopwords */
            kb_fw_note(&c->out->fw, v & ~KB_TOK_STOP);   /* kb-fwords.c */
        }
        v &= ~KB_TOK_STOP;
        vm = v;
    } else if (lex_unknown_dual(c, tok, len, want_m, &v, &vm) < 0) {
        return -1;
    }
    c->out->n_words++;
    if (lex_push(&c->out->raw, v) < 0)
        return -1;
    if (!want_m)
        return 0;
    c->out->n_words2++;
    return lex_push(&c->out->raw2, vm);
}

/* One token into c->out (found, v, number: as lex_tok_dual's). */
static inline __attribute__((always_inline))
int lex_tok(lex_ctx *c, const char *tok, size_t len, int found, uint32_t v,
            int number)
{
    if (c->flags & KB_LEX_DUAL)
        return lex_tok_dual(c, tok, len, found, v, number);
    if (!(c->flags & KB_LEX_KEEPSTOP) && number)
        return 0;
    if (found) {
        if ((v & KB_TOK_STOP) && !(c->flags & KB_LEX_KEEPSTOP)) {
            kb_fw_note(&c->out->fw, v & ~KB_TOK_STOP);   /* kb-fwords.c */
            return 0;
        }
        v &= ~KB_TOK_STOP;
    } else if (lex_unknown(c, tok, len, &v) < 0) {
        return -1;
    }
    c->out->n_words++;
    return lex_push(&c->out->raw, v);
}

static int lex_cb(const char *tok, size_t len, void *vctx)
{
    lex_ctx *c = vctx;
    uint32_t v = 0;
    int found = kb_map_find(&c->k->tokens, tok, len, &v);
    return lex_tok(c, tok, len, found, v, lex_number(tok, len));
}

/* lex_cb for kb_ascii_tokens: the lookup by the hash and prefix read
 * with the token. */
static inline __attribute__((always_inline))
int lex_atok(void *vctx, const char *tok, const kb_atok *t, int digits)
{
    lex_ctx *c = vctx;
    uint32_t v = 0;
    int found = kb_ascii_find(&c->k->tokens, tok, t, &v);
    return lex_tok(c, tok, t->len, found, v, digits);
}

/* The tokens of text into c->out: ASCII text in one pass (kb-ascii.h),
 * any other read again from the start by kb_text_tokenize.  0, -1. */
static int lex_tokens(lex_ctx *c, const char *text, size_t len,
                      size_t max_tokens)
{
    int rc = KB_TEXT_SLOW;
    if (!(c->flags & (KB_LEX_INTERN | KB_LEX_GENERAL)))
        rc = kb_ascii_tokens(text, len, max_tokens, lex_atok, c);
    if (rc == KB_TEXT_SLOW) {
        kb_lexout_reset(c->out);
        rc = kb_text_tokenize(text, len, max_tokens, lex_cb, c);
    }
    return rc < 0 ? -1 : 0;
}

/* out->raw -> out->terms: synonyms, or a copy. */
static int lex_finish(const kb *k, unsigned flags, kb_lexout *out)
{
    int set = (flags & KB_LEX_KEEPSTOP) ? 1 : 0;
    int keep = !(flags & KB_LEX_KEEPSTOP) && k->params.syn_keep != 0;
    if ((flags & KB_LEX_SYN) && (k->features & KB_FEAT_SYNONYMS)) {
        return kb_syn_apply(&k->syn[set], k->syn_at[set],
                            k->syn_filter[set], k->n_syn_terms,
                            out->raw.v, out->raw.n, keep, &out->terms);
    }
    if (kb_u32buf_reserve(&out->terms, out->raw.n) < 0)
        return -1;
    if (out->raw.n)
        memcpy(out->terms.v, out->raw.v, out->raw.n * sizeof *out->raw.v);
    out->terms.n = out->raw.n;
    return 0;
}

int kb_lex_finish(const kb *k, unsigned flags, kb_lexout *out)
{
    return lex_finish(k, flags, out);
}

int kb_lex_run(kb *k, struct sb_stemmer *st, const char *text, size_t len,
               unsigned flags, size_t max_tokens, kb_lexout *out)
{
    kb_lexout_reset(out);
    if ((flags & KB_LEX_DUAL) && ((flags & KB_LEX_INTERN) ||
        (flags & KB_LEX_ALL) != (KB_LEX_KEEPSTOP | KB_LEX_REPAIR |
                                 KB_LEX_SYN | KB_LEX_DUAL)))
        return -1;   /* DUAL is the triage reading plus the matching one */
    lex_ctx c = {k, st, flags, out};
    if (lex_tokens(&c, text, len, max_tokens) < 0)
        return -1;
    return lex_finish(k, flags, out);
}

int kb_lex_second(const kb *k, kb_lexout *out)
{
    kb_u32buf t = out->raw;
    out->raw = out->raw2;
    out->raw2 = t;
    out->raw2.n = 0;
    out->n_words = out->n_words2;
    out->n_unknown = out->n_unknown2;
    out->n_repaired = out->n_repaired2;
    out->n_words2 = out->n_unknown2 = out->n_repaired2 = 0;
    return lex_finish(k, KB_LEX_REPAIR | KB_LEX_SYN, out);
}

void kb_lexout_free(kb_lexout *o)
{
    kb_u32buf_free(&o->terms);
    kb_u32buf_free(&o->raw);
    kb_u32buf_free(&o->raw2);
}

/* ---- stopwords -------------------------------------------------------- */

static int stop_cb(const char *tok, size_t len, void *vctx)
{
    kb *k = vctx;
    const char *stem;
    size_t sl;
    uint32_t t;
    if (kb_text_stem(k->stem, tok, len, &stem, &sl) < 0 ||
        kb_lex_intern(k, stem, sl, &t) < 0)
        return -1;
    return kb_map_put(&k->tokens, tok, len, t | KB_TOK_STOP, NULL);
}

static int stop_add(kb *k, const char *word, size_t len)
{
    return kb_text_tokenize(word, len, (size_t)-1, stop_cb, k);
}

static int stop_builtin(kb *k)
{
    for (size_t i = 0; kb_text_default_stopwords[i]; i++) {
        const char *w = kb_text_default_stopwords[i];
        if (stop_add(k, w, strlen(w)) < 0)
            return -1;
    }
    return 0;
}

static int stop_line(void *vk, char *line, const char *path, int no)
{
    (void)path;
    (void)no;
    return stop_add(vk, line, strlen(line));
}

/* Stopwords from dir/stopwords.txt (one a line, '#' comments), else the
 * built-in list.  0, -1 on error (reported in d). */
int kb_lex_load_stopwords(kb *k, const char *dir, kb_diag *d)
{
    int rc = kb_lines_read(dir, "stopwords.txt", d, stop_line, k);
    if (rc == 1)
        return stop_builtin(k);
    k->has_stopwords = rc == 0;
    return rc;
}
