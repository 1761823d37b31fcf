/*
 * result-same.h - two kb_results compared field by field (status, entry,
 * best, confidence, score, suggestions), exactly: for the tests that
 * check a fast path gives what the slow one gives.  Header-only, for the
 * tests in tests/kb/ and tests/perf/.
 */
#ifndef FAQBOT_TESTS_RESULT_SAME_H
#define FAQBOT_TESTS_RESULT_SAME_H

#include <stddef.h>

#include "kb.h"

/* 1 when a and b are the same result, bit for bit. */
static inline int result_same(const kb_result *a, const kb_result *b)
{
    if (a->status != b->status || a->entry != b->entry ||
        a->best != b->best || a->confidence != b->confidence ||
        a->score != b->score || a->n_suggestions != b->n_suggestions)
        return 0;
    for (size_t i = 0; i < a->n_suggestions; i++) {
        if (a->suggestions[i] != b->suggestions[i])
            return 0;
    }
    return 1;
}

#endif
