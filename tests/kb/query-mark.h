/*
 * query-mark.h - a question's terms marked in a scratch as kb_match's
 * query_terms marks them (s->qterms, s->qmark), for the tests that call
 * kb_topk directly; and the marks cleared again.  Header-only, for the
 * Criterion tests in tests/kb/.
 */
#ifndef FAQBOT_TESTS_QUERY_MARK_H
#define FAQBOT_TESTS_QUERY_MARK_H

#include <criterion/criterion.h>
#include <string.h>

#include "kb-impl.h"

/* The known terms of q (df above 0), each once, into s->qterms; s->qmark
 * of each is its place + 1. */
static inline void query_mark(const kb *k, kb_scratch *s, const char *q)
{
    cr_assert_eq(kb_lex_run((kb *)k, s->stem, q, strlen(q), KB_LEX_SYN,
                            KB_QUERY_MAX_TOKENS, &s->lex), 0);
    s->qterms.n = 0;
    for (size_t i = 0; i < s->lex.terms.n; i++) {
        uint32_t t = s->lex.terms.v[i];
        if (t == KB_TERM_NONE || !k->df[t] || s->qmark[t])
            continue;
        s->qterms.v[s->qterms.n++] = t;
        s->qmark[t] = (uint32_t)s->qterms.n;
    }
}

/* s->qmark all zero again, s->qterms empty. */
static inline void query_unmark(kb_scratch *s)
{
    for (size_t i = 0; i < s->qterms.n; i++)
        s->qmark[s->qterms.v[i]] = 0;
    s->qterms.n = 0;
}

#endif /* FAQBOT_TESTS_QUERY_MARK_H */
