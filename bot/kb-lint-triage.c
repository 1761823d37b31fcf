/*
 * kb-lint-triage.c - `faqbot kb lint`: a triage veto that silences its
 * own rule.  A "none" phrase whose terms occur inside a phrase of the
 * rule's "all" groups vetoes every question that phrase matches, so that
 * phrase can never fire ("drying" and "dry" both stem to "dri": a veto
 * meant for "drying her off" silenced every dry nappy).  Compared as
 * the loader compiled them: folded, stemmed, synonyms applied.
 */
#include "kb-impl.h"

#include <stdio.h>
#include <string.h>

/* 1 when needle's terms occur, in order and adjacent, inside hay's. */
static int phrase_within(const kb_phrase *needle, const kb_phrase *hay)
{
    for (uint32_t i = 0; i + needle->n <= hay->n; i++)
        if (memcmp(hay->terms + i, needle->terms,
                   needle->n * sizeof *needle->terms) == 0)
            return 1;
    return 0;
}

/* The phrase's terms as stems ("dri off"), into buf. */
static const char *phrase_text(const kb *k, const kb_phrase *p, char *buf,
                               size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < p->n && at < len; i++) {
        const char *w = p->terms[i] < k->n_terms ? k->term_text[p->terms[i]] : "?";
        int n = snprintf(buf + at, len - at, "%s%s", i ? " " : "", w);
        if (n < 0)
            break;
        at += (size_t)n;
    }
    return buf;
}

/* Warnings for rule r into d.  Returns -1 on OOM. */
static int lint_rule(const kb *k, const kb_trule *r, const char *file,
                     kb_diag *d)
{
    char veto[128], sign[128];
    for (size_t v = 0; v < r->none.n; v++)
        for (size_t g = 0; g < r->n_all; g++)
            for (size_t p = 0; p < r->all[g].n; p++) {
                const kb_phrase *hay = &r->all[g].phrases[p];
                if (!phrase_within(&r->none.phrases[v], hay))
                    continue;
                if (kb_diag_add(d, KB_WARNING, file, 0, r->id,
                                "none[%zu] (\"%s\") vetoes all[%zu][%zu] "
                                "(\"%s\") wherever it matches: that phrase "
                                "can never fire", v,
                                phrase_text(k, &r->none.phrases[v], veto, sizeof veto),
                                g, p, phrase_text(k, hay, sign, sizeof sign)) < 0)
                    return -1;
            }
    return 0;
}

int kb_lint_triage(const kb *k, const char *dir, kb_diag *d)
{
    char file[4096];
    snprintf(file, sizeof file, "%s/triage.json", dir);
    for (size_t i = 0; i < k->n_rules; i++)
        if (lint_rule(k, &k->rules[i], file, d) < 0)
            return -1;
    return 0;
}
