/*
 * kb-lint.c - `faqbot kb lint`: everything kb_load() checks, plus
 * warnings about knowledge that loads but will match badly:
 *   - an entry with fewer than 8 alternate questions;
 *   - two alternates of one entry that are (nearly) the same words;
 *   - an alternate that, scored without itself, matches another entry
 *     better than its own (the confusion check);
 *   - an alternate that contains an offtopic.txt phrase;
 *   - a triage veto that silences a phrase of its own rule
 *     (kb-lint-triage.c).
 */
#include "kb-impl.h"

#include <stdio.h>
#include <string.h>

#define LINT_MIN_QUESTIONS 8
#define LINT_DUP_JACCARD 0.85

/* Distinct terms of alternate a, sorted, into out (at most cap). */
static size_t alt_set(const kb *k, const kb_alt *a, uint32_t *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t i = 0; i < a->n && n < cap; i++) {
        uint32_t t = k->alt_terms[a->off + i];
        size_t j = n;
        while (j > 0 && out[j - 1] > t) {
            j--;
        }
        if (j > 0 && out[j - 1] == t)
            continue;
        memmove(out + j + 1, out + j, (n - j) * sizeof *out);
        out[j] = t;
        n++;
    }
    return n;
}

static double alt_jaccard(const kb *k, const kb_alt *a, const kb_alt *b)
{
    uint32_t x[256], y[256];
    size_t nx = alt_set(k, a, x, 256), ny = alt_set(k, b, y, 256);
    size_t i = 0, j = 0, common = 0;
    while (i < nx && j < ny) {
        if (x[i] == y[j]) {
            common++;
            i++;
            j++;
        } else if (x[i] < y[j]) {
            i++;
        } else {
            j++;
        }
    }
    size_t uni = nx + ny - common;
    return uni ? (double)common / (double)uni : 1.0;
}

static int lint_entry_alts(const kb *k, size_t e, kb_diag *d)
{
    const kb_entry *en = &k->entries[e];
    uint32_t a0 = k->entry_alt_off[e], a1 = k->entry_alt_off[e + 1];
    if (en->n_questions < LINT_MIN_QUESTIONS &&
        kb_diag_add(d, KB_WARNING, en->file, 0, en->id, "only %zu questions "
                    "(at least %d recommended)", en->n_questions,
                    LINT_MIN_QUESTIONS) < 0)
        return -1;
    for (uint32_t a = a0; a < a1; a++) {
        for (uint32_t b = a + 1; b < a1; b++) {
            if (alt_jaccard(k, &k->alts[a], &k->alts[b]) >= LINT_DUP_JACCARD &&
                kb_diag_add(d, KB_WARNING, en->file, 0, en->id,
                            "questions[%u] and questions[%u] are near-"
                            "duplicates", a - a0, b - a0) < 0)
                return -1;
        }
    }
    return 0;
}

/* Each alternate, scored without itself, should still find its entry.
 * (Not for the triage reply: triage answers its questions first.)  An
 * alternate containing an offtopic.txt phrase would never be answered:
 * the phrase is too broad. */
static int lint_confusion(const kb *k, kb_scratch *s, size_t e, kb_diag *d)
{
    const kb_entry *en = &k->entries[e];
    if (en == k->triage_reply)
        return 0;
    uint32_t a0 = k->entry_alt_off[e];
    for (size_t i = 0; i < en->n_questions; i++) {
        kb_result r;
        char q[KB_ANSWER_MAX + 1];   /* read in either text mode */
        long n = kb_entry_text(k, en, KB_TEXT_QUESTION, i, q, sizeof q);
        if (n < 0 || (size_t)n >= sizeof q) {
            if (kb_diag_add(d, KB_WARNING, en->file, 0, en->id, "questions"
                            "[%zu] cannot be read back (%s)", i, n < 0 ?
                            "file changed since loading" : "too long") < 0)
                return -1;
            continue;
        }
        if (kb_offtopic(k, s, q, strlen(q))) {
            if (kb_diag_add(d, KB_WARNING, en->file, 0, en->id, "questions"
                            "[%zu] \"%s\" contains an offtopic.txt phrase",
                            i, q) < 0)
                return -1;
            continue;
        }
        if (kb_match_skip(k, s, q, strlen(q), (long)(a0 + i), &r) < 0)
            return -1;
        const kb_entry *top = r.entry ? r.entry
                              : r.n_suggestions ? r.suggestions[0] : NULL;
        if (top && top != en &&
            kb_diag_add(d, KB_WARNING, en->file, 0, en->id, "questions[%zu] "
                        "\"%s\" matches entry '%s' better", i, q, top->id) < 0)
            return -1;
    }
    return 0;
}

size_t kb_lint(const char *dir, kb_diag *diag)
{
    kb_diag local;
    kb_diag *d = diag ? diag : &local;
    if (!diag)
        kb_diag_init(&local);
    size_t errors0 = d->errors;
    kb *k = kb_load(dir, d);
    kb_scratch *s = k ? kb_scratch_new() : NULL;
    if (k && !s)
        kb_diag_add(d, KB_ERROR, dir, 0, NULL, "out of memory");
    for (size_t e = 0; s && e < k->n_entries; e++) {
        if (lint_entry_alts(k, e, d) < 0 || lint_confusion(k, s, e, d) < 0) {
            kb_diag_add(d, KB_ERROR, dir, 0, NULL, "out of memory");
            break;
        }
    }
    if (s && kb_lint_triage(k, dir, d) < 0)
        kb_diag_add(d, KB_ERROR, dir, 0, NULL, "out of memory");
    kb_scratch_free(s);
    kb_free(k);
    size_t errors = d->errors - errors0;
    if (!diag)
        kb_diag_free(&local);
    return errors;
}
