/*
 * typo-ref.h - the reference that typo repair's fast paths are checked
 * against (tests/perf/test-typo-fast.c, tests/kb/test-kb-typo-del.c): a
 * full optimal-string-alignment table with kb_typo_cost's substitution
 * costs, no trimming and no early exit; a plain search of every word of
 * the same first letter; the check that both repair paths pick what it
 * picks; and the slips a test makes of a word.
 */
#ifndef FAQBOT_TESTS_TYPO_REF_H
#define FAQBOT_TESTS_TYPO_REF_H

#include <criterion/criterion.h>
#include <string.h>

#include "kb-impl.h"


/* Typing x for y: kb_typo_cost of the two one-byte strings (its table
 * with one cell is the substitution cost), 2 with no substitution. */
static inline unsigned sub_cost(unsigned char x, unsigned char y, int none)
{
    if (x == y)
        return 0;
    if (none)
        return 2;
    char a = (char)x, b = (char)y;
    return kb_typo_cost(&a, 1, &b, 1, 2);
}

/* The whole table, no trimming, no early exit. */
static inline unsigned ref_cost(const char *a, size_t la, const char *b,
                                size_t lb, int none)
{
    unsigned d[KB_TOKEN_MAX + 2][KB_TOKEN_MAX + 2];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            unsigned v = d[i - 1][j - 1] +
                         sub_cost((unsigned char)a[i - 1],
                                  (unsigned char)b[j - 1], none);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

static inline const kb_typo_word *ref_best(const kb_typo *t,
                                           const char *tok, size_t len)
{
    size_t chars = kb_text_chars(tok, len);
    if (chars < KB_TYPO_MIN_CHARS)
        return NULL;
    unsigned max = chars >= 9 ? 2 : 1;
    const kb_typo_word *best = NULL;
    unsigned bd = max + 1;
    for (size_t i = 0; i < t->n; i++) {
        const kb_typo_word *w = &t->words[i];
        if (w->s[0] != tok[0])
            continue;
        unsigned d = ref_cost(tok, len, w->s, w->len, chars < 5);
        if (d < bd || (d == bd && best && w->freq > best->freq)) {
            best = w;
            bd = d;
        }
    }
    return best;
}

/* kb_typo_best of buf[0 .. n) with the deletions' index (t) and without
 * it (walk: t with n_del 0) both pick what ref_best picks; returns that
 * word, NULL for none. */
static inline const kb_typo_word *ref_agree(const kb_typo *t,
                                            const kb_typo *walk,
                                            const char *buf, size_t n)
{
    const kb_typo_word *a = kb_typo_best(t, buf, n);
    const kb_typo_word *b = ref_best(t, buf, n);
    const kb_typo_word *c = kb_typo_best(walk, buf, n);
    cr_assert_eq(a, b, "\"%.*s\": %s vs %s", (int)n, buf,
                 a ? a->s : "-", b ? b->s : "-");
    cr_assert_eq(c, b, "walk \"%.*s\": %s vs %s", (int)n, buf,
                 c ? c->s : "-", b ? b->s : "-");
    return a;
}

/* Slip `kind` at position j of w into buf, an inserted or replacing
 * letter taken from other (NUL-terminated, not empty); its length, 0 if
 * none. */
static inline size_t slip(const kb_typo_word *w, size_t j, int kind,
                          const char *other, char *buf)
{
    size_t n = w->len, n_other = strlen(other);
    memcpy(buf, w->s, n);
    switch (kind) {
    case 0:                                             /* dropped */
        memmove(buf + j, buf + j + 1, n - j - 1);
        return n - 1;
    case 1:                                             /* doubled */
        memmove(buf + j + 1, buf + j, n - j);
        return n + 1;
    case 2:                                             /* swapped */
        if (j + 1 >= n)
            return 0;
        buf[j] = w->s[j + 1];
        buf[j + 1] = w->s[j];
        return n;
    case 3:                                             /* inserted */
        memmove(buf + j + 1, buf + j, n - j);
        buf[j] = other[(j * 5 + n) % n_other];
        return n + 1;
    default:                                            /* another letter */
        buf[j] = other[(j + (size_t)kind * 3) % n_other];
        return n;
    }
}

#endif /* FAQBOT_TESTS_TYPO_REF_H */
