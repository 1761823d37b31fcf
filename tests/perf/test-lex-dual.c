/* test-lex-dual.c - kb_answer reads a question once (KB_LEX_DUAL) for
 * triage and matching.  Both readings must equal what two separate
 * kb_lex_run calls give (terms and counters), on the dev and holdout
 * questions of the real knowledge base and on variants of them with
 * typing slips, numbers, capitals and stopword padding. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb-impl.h"

#define TRIAGE (KB_LEX_KEEPSTOP | KB_LEX_REPAIR | KB_LEX_SYN)
#define MATCH (KB_LEX_REPAIR | KB_LEX_SYN)

static kb *K;
static kb_scratch *S;
static kb_lexout one, dual;
static size_t n_texts, n_repaired, n_numbers, n_dropped;

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
    kb_lexout_free(&one);
    kb_lexout_free(&dual);
    kb_scratch_free(S);
    kb_free(K);
}

TestSuite(lex_dual, .init = setup, .fini = teardown);

static void same(const kb_lexout *a, const kb_lexout *b, const char *what,
                 const char *text)
{
    cr_assert_eq(a->terms.n, b->terms.n, "%s terms: \"%s\"", what, text);
    for (size_t i = 0; i < a->terms.n; i++)
        cr_assert_eq(a->terms.v[i], b->terms.v[i], "%s term %zu: \"%s\"",
                     what, i, text);
    cr_assert_eq(a->n_words, b->n_words, "%s words: \"%s\"", what, text);
    cr_assert_eq(a->n_unknown, b->n_unknown, "%s unknown: \"%s\"", what,
                 text);
    cr_assert_eq(a->n_repaired, b->n_repaired, "%s repaired: \"%s\"", what,
                 text);
}

static void check(const char *text)
{
    size_t len = strlen(text);
    cr_assert_eq(kb_lex_run(K, S->stem, text, len, TRIAGE | KB_LEX_DUAL,
                            KB_QUERY_MAX_TOKENS, &dual), 0);
    cr_assert_eq(kb_lex_run(K, S->stem, text, len, TRIAGE,
                            KB_QUERY_MAX_TOKENS, &one), 0);
    same(&dual, &one, "triage", text);
    size_t triage_words = dual.n_words;
    cr_assert_eq(kb_lex_second(K, &dual), 0);
    cr_assert_eq(kb_lex_run(K, S->stem, text, len, MATCH,
                            KB_QUERY_MAX_TOKENS, &one), 0);
    same(&dual, &one, "match", text);
    n_texts++;
    n_repaired += one.n_repaired;
    n_dropped += triage_words - one.n_words;
}

/* Variants: each word of 5+ letters with its 2nd letter dropped, or its
 * 2nd and 3rd swapped, or a wrong letter; a number; capitals; padding. */
static void variants(const char *q)
{
    char buf[1024];
    check(q);
    for (int kind = 0; kind < 3; kind++) {
        size_t o = 0;
        for (const char *p = q; *p && o + 4 < sizeof buf;) {
            size_t w = strspn(p, "abcdefghijklmnopqrstuvwxyz");
            if (w >= 5) {
                memcpy(buf + o, p, w);
                if (kind == 0) {
                    memmove(buf + o + 1, buf + o + 2, w - 2);
                    w--;
                } else if (kind == 1) {
                    char t = buf[o + 1];
                    buf[o + 1] = buf[o + 2];
                    buf[o + 2] = t;
                } else {
                    buf[o + 2] = buf[o + 2] == 'q' ? 'z' : 'q';
                }
                o += w;
                p += kind == 0 ? w + 1 : w;
            } else {
                buf[o++] = *p++;
            }
        }
        buf[o] = '\0';
        check(buf);
    }
    int n = snprintf(buf, sizeof buf, "the 38 and 2 OF %s it is 100", q);
    cr_assert(n > 0 && (size_t)n < sizeof buf);
    n_numbers++;
    check(buf);
    for (size_t i = 0; buf[i]; i++)
        if (buf[i] >= 'a' && buf[i] <= 'z')
            buf[i] = (char)(buf[i] - 'a' + 'A');
    check(buf);
}

static void questions_of(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\t\r\n")] = '\0';
        if (line[0])
            variants(line);
    }
    fclose(f);
}

Test(lex_dual, both_readings_equal_separate_runs)
{
    questions_of("tests/eval/dev.tsv");
    questions_of("tests/eval/holdout.tsv");
    check("");
    check("!!! ??? \xff\xfe");
    check("baby cant breath turning blue");   /* danger words, slips */
    check("my baby is not breathing properly");
    /* not vacuous: many texts, repairs made, stopwords/numbers dropped */
    cr_assert_gt(n_texts, 1000);
    cr_assert_gt(n_repaired, 100);
    cr_assert_gt(n_dropped, 1000);
    cr_assert_gt(n_numbers, 200);
}

Test(lex_dual, refused_with_other_flags)
{
    cr_assert_eq(kb_lex_run(K, S->stem, "baby", 4, MATCH | KB_LEX_DUAL,
                            KB_QUERY_MAX_TOKENS, &dual), -1);
}
