/*
 * kb-build.h - the index build's own lexing path (kb-lex-scan.c): an
 * entry's texts read ahead into folded, hashed words (their token-cache
 * slots prefetched), then turned into terms exactly as
 * kb_lex_run(KB_LEX_INTERN | KB_LEX_SYN) does.  For kb-index.c and
 * kb-lex*.c only.
 */
#ifndef FAQBOT_KB_BUILD_H
#define FAQBOT_KB_BUILD_H

#include "kb-impl.h"

/* One folded word of a scanned text. */
typedef struct kb_sword {
    uint64_t prefix;       /* first 8 bytes, zero-padded (kb_map_slot's) */
    uint32_t off;          /* in kb_scan.buf */
    uint32_t hash;         /* kb_map_hash of the folded word */
    uint32_t len;          /* <= KB_TOKEN_MAX */
} kb_sword;

/* A scanned text: its words in w[first .. first + n), or slow: not plain
 * ASCII (an apostrophe, a byte >= 0x80), left to kb_lex_run. */
typedef struct kb_stext {
    uint32_t first, n;
    int slow;
    int fw;                /* its stopwords go to kb_fw_sink (kb-fwords.c) */
} kb_stext;

/* The texts of one entry, scanned in the order they will be lexed. */
typedef struct kb_scan {
    char *buf;             /* folded words, one after another */
    size_t n_buf, cap_buf;
    kb_sword *w;
    size_t n_w, cap_w;
    kb_stext *t;
    size_t n_t, cap_t;
} kb_scan;

/* Forget the scanned texts (the buffers are kept). */
void kb_scan_reset(kb_scan *s);
/* Append text (NUL-terminated): its letter runs folded and hashed, each
 * one's token-cache home slot prefetched; digit runs are numbers, which
 * indexing skips.  0, -1 on OOM. */
int kb_scan_text(kb_scan *s, const kb_map *tokens, const char *text);
/* Text i of s (text: the same string given to kb_scan_text) into
 * out->terms, the same as kb_lex_run(k, k->stem, text, strlen(text),
 * KB_LEX_INTERN | KB_LEX_SYN, (size_t)-1, out).  0, -1 on OOM. */
int kb_scan_lex(kb *k, const kb_scan *s, size_t i, const char *text,
                kb_lexout *out);
/* Every text of s (texts[i]: the string given to kb_scan_text for text
 * i) appended to et, text i's terms at et->v[off[i] .. off[i + 1])
 * (off: s->n_t + 1): what kb_scan_lex gives for each, without a copy
 * through tmp (working space) for a text no synonym rule can start in.
 * pf (or NULL): an array of pf_size bytes a term, whose record of each
 * term found is fetched into the cache as it is found (a prefetch: pf
 * may be short of a new term).  0, -1 on OOM. */
int kb_scan_lex_all(kb *k, const kb_scan *s, const char *const *texts,
                    kb_lexout *tmp, kb_u32buf *et, uint32_t *off,
                    const void *pf, size_t pf_size);
void kb_scan_free(kb_scan *s);

/* kb-lex.c: out->raw -> out->terms (synonyms per flags, or a copy).
 * 0, -1 on OOM. */
int kb_lex_finish(const kb *k, unsigned flags, kb_lexout *out);

#endif /* FAQBOT_KB_BUILD_H */
