/* gaps.h - knowledge gaps.  Opt-in ("gaps": {"file": ...}): the text of
 * every question the bot could not answer, or answered with "did you
 * mean", is appended to a JSON-lines file - the question only, never a
 * user, chat or platform id.  `faqbot kb gaps` groups that file by
 * stemmed similarity, most frequent first, with the closest entry. */
#ifndef FAQBOT_GAPS_H
#define FAQBOT_GAPS_H

#include "kb.h"

#include <stddef.h>

typedef struct gaps gaps;

/* Open file for appending (created mode 0600).  NULL (logged) on error.
 * Caller closes with gaps_close(). */
gaps *gaps_open(const char *file);
void gaps_close(gaps *g);
/* Append {"ts":..,"status":..,"q":text,"suggestions":[ids]}.  Thread-safe
 * (one write(2) per line on an O_APPEND descriptor).  0, or -1. */
int gaps_log(gaps *g, const char *status, const char *text,
             const char *const *suggestions, size_t n);

/* ---- the report -------------------------------------------------------- */

typedef struct gap_group {
    char *example;           /* the most frequent wording */
    size_t count;            /* questions in the group */
    size_t n_variants;       /* distinct wordings */
    const kb_entry *closest; /* entry sharing the most telling part of the
                                group's words (title, questions, keywords;
                                words rare among entries weigh more) */
    double score;            /* that share, 0..1 (idf-weighted) */
} gap_group;

typedef struct gap_report {
    gap_group *groups;       /* most frequent first */
    size_t n_groups;
    size_t n_questions, n_skipped;   /* lines read; lines not understood */
} gap_report;

/* Read the gap log at file and group it against k: two questions share a
 * group when their stemmed term sets overlap by Jaccard >= threshold.
 * Returns 0, or -1 with a reason in err.  Caller frees with
 * gap_report_free(). */
int gap_report_build(const char *file, const kb *k, double threshold,
                     gap_report *out, char *err, size_t errlen);
void gap_report_free(gap_report *r);

#endif
