/* test-ascii-fast.c - the one-pass reading of ASCII text (kb-ascii.h) gives
 * what the general path gives: kb_text_tokenize_ascii the tokens of
 * kb_text_tokenize (each with its kb_map_hash), or KB_TEXT_SLOW only for
 * a text with a byte >= 0x80; kb_lex_run the terms, raw readings and
 * counters of kb_lex_run with KB_LEX_GENERAL (every text through
 * kb_text_tokenize), for each query-time set of flags and several token
 * limits.  Texts: the bundled kb's questions, every eval question, and
 * generated odd ones (non-ASCII mixed in, apostrophes, digits, hyphens,
 * capitals, punctuation runs, tokens at and past KB_TOKEN_MAX, more
 * words than KB_QUERY_MAX_TOKENS). */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb-impl.h"

#define MAX_TOK 600

typedef struct toks {
    char tok[MAX_TOK][KB_TOKEN_MAX + 1];
    size_t len[MAX_TOK];
    uint32_t hash[MAX_TOK];
    size_t n;
} toks;

static kb *K;
static kb_scratch *S;
static kb_lexout A, B;
static toks TA, TB;
static size_t n_texts, n_slow, n_apos, n_cut, n_limited;

static void setup(void)
{
    K = kb_load("knowledge", NULL);
    cr_assert_not_null(K);
    S = kb_scratch_new();
    cr_assert_not_null(S);
    cr_assert_eq(kb_scratch_ready(S, K), 0);
}

static void teardown(void)
{
    kb_lexout_free(&A);
    kb_lexout_free(&B);
    kb_scratch_free(S);
    kb_free(K);
}

TestSuite(kb_ascii, .init = setup, .fini = teardown);

static int put(toks *t, const char *tok, size_t len, uint32_t hash)
{
    cr_assert_lt(t->n, MAX_TOK);
    cr_assert_leq(len, KB_TOKEN_MAX);
    cr_assert_eq(strlen(tok), len);
    memcpy(t->tok[t->n], tok, len + 1);
    t->len[t->n] = len;
    t->hash[t->n++] = hash;
    return 0;
}

static int general_cb(const char *tok, size_t len, void *ctx)
{
    return put(ctx, tok, len, kb_map_hash(tok, len));
}

static int ascii_cb(const char *tok, size_t len, uint32_t hash, void *ctx)
{
    return put(ctx, tok, len, hash);
}

static int has_high(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] >= 0x80)
            return 1;
    }
    return 0;
}

static void same_buf(const kb_u32buf *a, const kb_u32buf *b,
                     const char *what, const char *text)
{
    cr_assert_eq(a->n, b->n, "%s: \"%s\"", what, text);
    for (size_t i = 0; i < a->n; i++)
        cr_assert_eq(a->v[i], b->v[i], "%s %zu: \"%s\"", what, i, text);
}

static void same_lex(unsigned flags, size_t max, const char *text,
                     size_t len)
{
    cr_assert_eq(kb_lex_run(K, S->stem, text, len, flags, max, &A), 0);
    cr_assert_eq(kb_lex_run(K, S->stem, text, len, flags | KB_LEX_GENERAL,
                            max, &B), 0);
    same_buf(&A.terms, &B.terms, "terms", text);
    same_buf(&A.raw, &B.raw, "raw", text);
    cr_assert_eq(A.n_words, B.n_words, "words: \"%s\"", text);
    cr_assert_eq(A.n_unknown, B.n_unknown, "unknown: \"%s\"", text);
    cr_assert_eq(A.n_repaired, B.n_repaired, "repaired: \"%s\"", text);
    if (!(flags & KB_LEX_DUAL))
        return;
    same_buf(&A.raw2, &B.raw2, "raw2", text);
    cr_assert_eq(A.n_words2, B.n_words2, "words2: \"%s\"", text);
    cr_assert_eq(A.n_unknown2, B.n_unknown2, "unknown2: \"%s\"", text);
    cr_assert_eq(A.n_repaired2, B.n_repaired2, "repaired2: \"%s\"", text);
    cr_assert_eq(kb_lex_second(K, &A), 0);
    cr_assert_eq(kb_lex_second(K, &B), 0);
    same_buf(&A.terms, &B.terms, "second terms", text);
}

static void check_len(const char *text, size_t len)
{
    static const size_t maxes[] = {KB_QUERY_MAX_TOKENS, 1, 3, 7};
    static const unsigned flags[] = {
        KB_LEX_KEEPSTOP | KB_LEX_REPAIR | KB_LEX_SYN | KB_LEX_DUAL,
        KB_LEX_REPAIR | KB_LEX_SYN, KB_LEX_SYN,
        KB_LEX_KEEPSTOP | KB_LEX_REPAIR | KB_LEX_SYN, 0};
    for (size_t m = 0; m < sizeof maxes / sizeof *maxes; m++) {
        TA.n = TB.n = 0;
        int ra = kb_text_tokenize_ascii(text, len, maxes[m], ascii_cb, &TA);
        int rb = kb_text_tokenize(text, len, maxes[m], general_cb, &TB);
        cr_assert_eq(rb, 0);
        if (ra == KB_TEXT_SLOW) {
            cr_assert(has_high(text, len), "slow without a high byte");
            n_slow += m == 0;
        } else {
            cr_assert_eq(ra, 0, "\"%s\"", text);
            cr_assert_eq(TA.n, TB.n, "tokens, max %zu: \"%s\"", maxes[m],
                         text);
            for (size_t i = 0; i < TA.n; i++) {
                cr_assert_str_eq(TA.tok[i], TB.tok[i], "\"%s\"", text);
                cr_assert_eq(TA.hash[i], TB.hash[i], "\"%s\"", text);
            }
            n_limited += TB.n == maxes[m] && m > 0;
        }
        for (size_t f = 0; f < sizeof flags / sizeof *flags; f++)
            same_lex(flags[f], maxes[m], text, len);
    }
    n_texts++;
    n_apos += memchr(text, '\'', len) != NULL;
    for (size_t i = 0; i < TB.n; i++)
        n_cut += TB.len[i] == KB_TOKEN_MAX;
}

static void check(const char *text)
{
    check_len(text, strlen(text));
}

static void eval_file(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\t\r\n")] = '\0';
        check(line);
    }
    fclose(f);
}

Test(kb_ascii, kb_questions)
{
    size_t n = 0;
    for (size_t i = 0; i < kb_entry_count(K); i++) {
        const kb_entry *e = kb_entry_at(K, i);
        for (size_t j = 0; j < e->n_questions && e->questions; j++, n++)
            check(e->questions[j]);
    }
    cr_assert_gt(n, 100);
}

Test(kb_ascii, eval_questions)
{
    DIR *d = opendir("tests/eval");
    cr_assert_not_null(d);
    struct dirent *de;
    size_t files = 0;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".tsv") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "tests/eval/%s", de->d_name);
        eval_file(path);
        files++;
    }
    closedir(d);
    cr_assert_gt(files, 10);
    cr_assert_gt(n_texts, 5000);
    cr_assert_gt(n_apos, 500);     /* "baby's", "don't" */
    cr_assert_gt(n_slow, 0);       /* a few with non-ASCII bytes */
}

/* Odd texts from the pieces below, a seeded generator. */
static const char *const pieces[] = {
    "baby", "Massage", "COLIC", "sleep", "oil", "baby's", "Baby'S", "don't",
    "it's", "'s", "s'", "''", "'", "o'neil", "mom's'", "x's's", "12", "3mo",
    "igf1", "a1b2c3", "8-month-old", "tummy-time", "---", "?!?", "...",
    ",", "(1)", "<b>", "\t", "\x01", "\x7f", "caf\xc3\xa9", "\xc3\xa9t\xc3\xa9",
    "na\xc3\xafve", "baby\xe2\x80\x99s", "\xe2\x80\x98quoted\xe2\x80\x99",
    "\xef\xac\x81le", "\xc2\xbd", "\xff\xfe", "\xc3", "'\xc3\xa9",
    "s'\xc3\xa9", "9'\xc3\xa9", "stress", "STRESS", "a", "I", "0", "007",
    "'90s", "rock'n'roll", "ab'1", "1'ab", "1's", "ab's1", "x'",
};

static unsigned rnd(unsigned long *s)
{
    *s = *s * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)(*s >> 33);
}

Test(kb_ascii, odd_texts)
{
    unsigned long seed = 42;
    char buf[8192];
    size_t np = sizeof pieces / sizeof *pieces;
    for (int i = 0; i < 3000; i++) {
        size_t o = 0, words = 1 + rnd(&seed) % 24;
        for (size_t w = 0; w < words && o + 64 < sizeof buf; w++) {
            const char *p = pieces[rnd(&seed) % np];
            size_t l = strlen(p);
            memcpy(buf + o, p, l);
            o += l;
            unsigned sep = rnd(&seed) % 6;
            if (sep < 3)
                buf[o++] = " ,'"[sep];
        }
        check_len(buf, o);
    }
    /* tokens at, past and far past the cut; a token ending the text */
    memset(buf, 'a', 200);
    check_len(buf, 63);
    check_len(buf, 64);
    check_len(buf, 65);
    check_len(buf, 200);
    memset(buf + 64, '7', 10);
    memcpy(buf + 74, "'s", 2);
    check_len(buf, 76);
    buf[0] = 'Q';
    memcpy(buf + 80, "b\xc3\xa9", 3);
    check_len(buf, 83);
    /* more words than the limit, the last ones not ASCII */
    size_t o = 0;
    for (int w = 0; w < 300; w++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "w%d ", w % 37);
    memcpy(buf + o, "caf\xc3\xa9", 5);
    check_len(buf, o + 5);
    check_len("", 0);
    check_len("baby\0massage", 12);
    cr_assert_gt(n_slow, 100);
    cr_assert_gt(n_cut, 3);
    cr_assert_gt(n_limited, 1000);
}

/* Tokens longer than 8 bytes are told apart past their prefix
 * (kb_ascii_same): each such word of the token cache, then its twins of
 * the same length and first 8 bytes with one later byte changed, each
 * read both ways. */
Test(kb_ascii, long_token_twins)
{
    char buf[4096];
    size_t keys = 0, twins = 0, unknown = 0;
    const kb_map *m = &K->tokens;
    for (size_t i = 0; i < m->cap; i++) {
        const kb_map_slot *sl = &m->slots[i];
        if (!sl->key || sl->len <= 8 || sl->len > KB_TOKEN_MAX)
            continue;
        size_t o = 0;
        memcpy(buf, sl->key, sl->len);
        o = sl->len;
        for (size_t j = 8; j < sl->len && o + sl->len + 1 < sizeof buf; j++) {
            buf[o++] = ' ';
            memcpy(buf + o, sl->key, sl->len);
            char *c = &buf[o + j];
            *c = *c == 'z' ? 'a' : (*c >= '0' && *c <= '9') ? 'q' : *c + 1;
            uint32_t v;
            unknown += !kb_map_find(m, buf + o, sl->len, &v);
            o += sl->len;
            twins++;
        }
        check_len(buf, o);
        keys++;
    }
    cr_assert_gt(keys, 300);
    cr_assert_gt(twins, 600);
    cr_assert_gt(unknown, 600);
}
