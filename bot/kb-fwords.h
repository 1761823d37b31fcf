/*
 * kb-fwords.h - function words (the kb's stopwords) as weak evidence:
 * which of them each entry's questions and title hold, and a tie-break
 * among the best three rescored candidates of a query by the query's
 * function words they share (kb-fwords.c; tests/kb/README.md,
 * "Function-word tie-break").  Included by kb-impl.h.
 */
#ifndef FAQBOT_KB_FWORDS_H
#define FAQBOT_KB_FWORDS_H

#include <stddef.h>
#include <stdint.h>

#include "kb.h"

/* Function words a lexer run dropped: their term ids, in order met,
 * repeats kept, the first KB_FW_NOTE of them. */
enum { KB_FW_NOTE = 32 };
typedef struct kb_fwnote {
    uint32_t n;
    uint32_t v[KB_FW_NOTE];
} kb_fwnote;

static inline void kb_fw_note(kb_fwnote *f, uint32_t term)
{
    if (f->n < KB_FW_NOTE)
        f->v[f->n++] = term;
}

/* The kb's function words.  A function word (a stopword term some
 * entry's questions or title hold) gets an id 1..255 in the order the
 * entries meet it; a kb with more than 255 ignores the rest.  Entry e's
 * function words are the bits of mask[e * words .. (e + 1) * words),
 * bit id - 1 for id: as few words as the kb's ids need (one for up to
 * 64 function words: the bench's synthetic kbs have about 55, 8 bytes
 * an entry). */
enum { KB_FW_MAX = 255 };
typedef struct kb_fwords {
    uint8_t *of_term;      /* stopword term id -> its id, 0: none */
    size_t n_of_term;
    uint64_t *mask;        /* n_entries * words, NULL until built */
    size_t words;          /* 1 .. 4 */
    size_t n;              /* ids given, 1 .. n */
    uint32_t cur;          /* while indexing: the entry being lexed */
    float idf[KB_FW_MAX];  /* per bit, over the entries' function words */
} kb_fwords;

/* Entry e's function words (their stems, by id) into words[0 .. max);
 * returns how many it has.  For tests. */
size_t kb_fw_of_entry(const kb *k, uint32_t e, const char **words,
                      size_t max);

#endif /* FAQBOT_KB_FWORDS_H */
