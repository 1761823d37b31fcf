/*
 * kb-impl.h - internals shared by the bot/kb-*.c files only.  The core
 * and the CLI use kb.h; nothing here is a stable interface.
 */
#ifndef FAQBOT_KB_IMPL_H
#define FAQBOT_KB_IMPL_H

#include "kb.h"
#include "kb-fwords.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

struct sb_stemmer;

#define KB_TERM_NONE UINT32_MAX          /* unknown word in a term sequence */
#define KB_TOK_STOP 0x80000000u          /* token-cache flag: a stopword */
#define KB_TOKEN_MAX 64                  /* bytes kept of one folded token */
#define KB_QUERY_MAX_TOKENS 256          /* words of a question considered */
#define KB_ANSWER_MAX 4096
#define KB_SYN_MAX 4                     /* terms in one synonym phrase */

/* ---- arena (kb-arena.c): everything a kb owns that never moves ------- */

typedef struct kb_arena_blk kb_arena_blk;
typedef struct kb_arena {
    kb_arena_blk *head;
    size_t seq;            /* blocks started so far */
    const char *last_key;  /* the last key a kb_map stored here (a token
                              is often its own stem: stored once) */
    size_t last_len;
} kb_arena;

void kb_arena_init(kb_arena *a);
void kb_arena_free(kb_arena *a);
/* 8-byte aligned block of n bytes owned by the arena; NULL on OOM. */
void *kb_arena_alloc(kb_arena *a, size_t n);
/* NUL-terminated copy of s[0..n) owned by the arena; NULL on OOM. */
char *kb_arena_strndup(kb_arena *a, const char *s, size_t n);
char *kb_arena_strdup(kb_arena *a, const char *s);
/* The arena's position: kb_arena_release(a, mark) frees the blocks filled
 * before it (whatever was allocated before mark, except in the block mark
 * was taken in). */
size_t kb_arena_mark(const kb_arena *a);
void kb_arena_release(kb_arena *a, size_t mark);

/* ---- byte-string -> uint32 hash map (kb-map.c) ----------------------- */

typedef struct kb_map_slot {
    const char *key;       /* in the arena, NUL-terminated; NULL = empty */
    uint64_t prefix;       /* first 8 bytes, zero-padded: most keys are
                              compared without touching the arena */
    uint32_t len, val;     /* 24 bytes: the hash is recomputed on growth */
} kb_map_slot;

typedef struct kb_map {
    kb_map_slot *slots;
    size_t cap, count;
    kb_arena *keys;        /* where keys are copied (not owned) */
} kb_map;

void kb_map_init(kb_map *m, kb_arena *keys);
void kb_map_free(kb_map *m);
/* 1 and *val set if found, else 0. */
int kb_map_find(const kb_map *m, const char *s, size_t len, uint32_t *val);
/* kb_map_find for a key whose kb_map_hash h is known. */
int kb_map_find_h(const kb_map *m, const char *s, size_t len, uint32_t h,
                  uint32_t *val);
/* Insert or overwrite; the key is copied into the arena (*key_out, if
 * not NULL, gets the stored key).  0, -1 on OOM. */
int kb_map_put(kb_map *m, const char *s, size_t len, uint32_t val,
               const char **key_out);
uint32_t kb_map_hash(const char *s, size_t len);
#define KB_MAP_HASH0 2166136261u       /* kb_map_hash, byte by byte: */
#define KB_MAP_HASH_STEP(h, c) (((h) ^ (unsigned char)(c)) * 16777619u)
/* Fetch into the cache the slot where a key of that kb_map_hash starts
 * its search (a lookup soon to come). */
void kb_map_prefetch(const kb_map *m, uint32_t hash);
/* Once no more keys come: the slot array shrunk to a load of about 0.8
 * (any size, not a power of two).  0, -1 on OOM (the map is unchanged). */
int kb_map_compact(kb_map *m);

/* ---- growable uint32 buffer ------------------------------------------- */

typedef struct kb_u32buf {
    uint32_t *v;
    size_t n, cap;
} kb_u32buf;

int kb_u32buf_push(kb_u32buf *b, uint32_t x);    /* 0, -1 on OOM */
int kb_u32buf_reserve(kb_u32buf *b, size_t cap); /* 0, -1 on OOM */
/* Room for need items of size bytes in *p (realloc'd; the caller frees
 * it), *cap doubled from 16 as needed.  0, -1 on OOM (*p, *cap unchanged). */
int kb_grow(void **p, size_t *cap, size_t need, size_t size);
void kb_u32buf_free(kb_u32buf *b);

/* ---- text (kb-text.c) ------------------------------------------------- */

typedef int (*kb_tok_fn)(const char *tok, size_t len, void *ctx);

/* Fold (NFKC-compatible decomposition, case fold, accents stripped) and
 * split text into tokens: runs of letters and digits; "baby's" -> "baby",
 * "don't" -> "dont"; punctuation, symbols, emoji and invalid bytes (read
 * as U+FFFD) separate.  Tokens are cut at KB_TOKEN_MAX bytes.  Calls fn
 * for at most max_tokens tokens; fn returns 0, or < 0 to stop with that
 * error, which is returned.  Returns 0 otherwise. */
int kb_text_tokenize(const char *text, size_t len, size_t max_tokens,
                     kb_tok_fn fn, void *ctx);
/* A token and its kb_map_hash (kb_text_tokenize_ascii). */
typedef int (*kb_htok_fn)(const char *tok, size_t len, uint32_t hash,
                          void *ctx);
#define KB_TEXT_SLOW 2
/* kb_text_tokenize for ASCII text, each token given with its kb_map_hash:
 * the same tokens, the same calls.  Returns KB_TEXT_SLOW as soon as a
 * byte >= 0x80 is met before max_tokens tokens are given (the calls
 * made stand: the caller starts again with kb_text_tokenize), else what
 * kb_text_tokenize returns. */
int kb_text_tokenize_ascii(const char *text, size_t len, size_t max_tokens,
                           kb_htok_fn fn, void *ctx);

/* Stem tok with st.  *out points into the stemmer (valid until its next
 * call).  0, or -1 on OOM. */
int kb_text_stem(struct sb_stemmer *st, const char *tok, size_t len,
                 const char **out, size_t *outlen);

/* Built-in English stopwords, NULL-terminated (used only when the
 * knowledge base has no stopwords.txt). */
extern const char *const kb_text_default_stopwords[];

/* 1 if text contains an HTML/XML tag, else 0. */
int kb_text_has_markup(const char *text, size_t len);

/* Number of code points in a UTF-8 string (assumed valid). */
size_t kb_text_chars(const char *s, size_t len);

/* ---- synonyms (kb-synonyms.c) ----------------------------------------- */

typedef struct kb_syn_rule {
    uint32_t n_from, n_to;
    uint32_t from[KB_SYN_MAX], to[KB_SYN_MAX];
} kb_syn_rule;

typedef struct kb_syn {
    kb_syn_rule *rules;    /* sorted by from[0], then longest first */
    size_t n, cap;
} kb_syn;

/* ---- typo repair (kb-typo.c) ------------------------------------------ */

#define KB_TYPO_MIN_CHARS 4    /* shorter words are never repaired */

#define KB_TYPO_FREQ_MAX ((1u << 25) - 1)

typedef struct kb_typo_word {
    const char *s;
    uint32_t term;
    unsigned len : 7;      /* <= KB_TOKEN_MAX */
    unsigned freq : 25;    /* the term's frequency, at most KB_TYPO_FREQ_MAX
                              (ties between more frequent words go to the
                              first): 16 bytes */
} kb_typo_word;

typedef struct kb_typo {
    kb_typo_word *words;   /* sorted by first byte, then length */
    uint32_t *mask;        /* per word: the letters it holds (kb-typo.c) */
    size_t n;
    /* first index of words starting with byte c and length >= l:
     * start[c * (KB_TOKEN_MAX + 2) + l] */
    uint32_t *start;
    /* each word's hash and its deletions', << 32 | word number, sorted
     * (kb-typo-del.c); n_del 0 when not built */
    uint64_t *del;
    size_t n_del;
    /* del_at[b]: the first t->del index whose hash >> del_shift is >= b,
     * b in [0, 2^(32 - del_shift)] (kb-typo-del.c): a lookup reads one
     * bucket of two to four keys, no search */
    uint32_t *del_at;
    unsigned del_shift;
} kb_typo;

#define KB_TYPO_DEL_MAX 32768  /* kb-typo-del.c: t->del for this many words */
#define KB_TYPO_DEL_LEN 16     /* ... of up to this many bytes */

/* ---- triage (kb-triage.c) --------------------------------------------- */

typedef struct kb_phrase {
    uint32_t n;
    uint32_t *terms;
} kb_phrase;

typedef struct kb_tgroup {
    kb_phrase *phrases;
    size_t n;
    uint32_t gid;          /* its number in kb->phr (kb-phrase.c) */
} kb_tgroup;

typedef struct kb_tmodel {   /* kb-tmodel.c */
    uint64_t *keys;        /* feature key + 1 (0: empty slot), open hashing */
    float *w;
    size_t cap;            /* 0: no model */
    double bias, logit;    /* fires when bias + weights >= logit */
} kb_tmodel;

typedef struct kb_trule {
    const char *id, *why;
    kb_tgroup *all;        /* the groups ("all" or "any" in the file) */
    size_t n_all;
    size_t need;           /* how many must match: n_all, or "at_least" */
    kb_tgroup none;        /* no phrase of this group may match */
    int whole;             /* "scope": "message": not read clause by clause */
    long max_age_days;     /* 0, or not for a question stating an older
                              baby (kb-age.c) */
} kb_trule;

/* ---- phrase index (kb-phrase.c) --------------------------------------- */

typedef struct kb_pstart {
    const kb_phrase *p;
    uint32_t gid;          /* the group it belongs to */
    uint32_t second;       /* p's second term, KB_PSTART_ONE if it has one */
} kb_pstart;

#define KB_PSTART_ONE (UINT32_MAX - 1)   /* not a term, not KB_TERM_NONE */

typedef struct kb_pindex {
    uint32_t *off;         /* n_first + 1: phrases whose first term is t
                              are at[off[t] .. off[t + 1]) */
    kb_pstart *at;
    size_t n_first, n_at, n_groups;
    /* n_first + 1: the groups of the one-term phrases whose term is t,
     * each once, are one_gid[one_off[t] .. one_off[t + 1]); at[] then
     * holds only the longer phrases */
    uint32_t *one_off, *one_gid;
    /* n_groups: bit r set when the group is a key group of triage rule r
     * (r < 64): for a rule needing every group, one of them (the one of
     * fewest phrases), for an "at_least" rule each; a rule can match
     * only if a key group of its was found, so a scan ORs the masks of
     * the groups it finds (kb_phrase_scan); vmask: bit r set when the
     * group is rule r's "none" group */
    uint64_t *rmask, *vmask;
    /* n_first: the OR of rmask (one_rm) and of vmask (one_vm) over the
     * groups of term t's one-term phrases (one_gid's) */
    uint64_t *one_rm, *one_vm;
    /* n_first: bit (second & 63) of each of term t's longer phrases
     * (at[off[t] .. off[t + 1])): a scan reads t's bucket only when the
     * next term's bit is set (kb_phrase_scan) */
    uint64_t *second;
} kb_pindex;

/* ---- tuning (kb-params.c) --------------------------------------------- */

typedef struct kb_params {
    double k1;             /* BM25 saturation for an entry of k1_alts
                              alternates (kb_params_k1) */
    double k1_alts;        /* 0: k1 as given, whatever the kb */
    double w[4], b[4];     /* field weight and length norm: q, kw, title, answer */
    double answer_df_share; /* an answer-only occurrence in idf's df */
    double syn_keep;       /* nonzero: keep a synonym's own words too */
    double conc_mix;       /* 0: question weight = idf; 1: idf x share of
                              the term's impact held by its top entry */
    double unknown_weight; /* weight of a word unknown to the vocabulary, as
                              a fraction of the highest idf */
    double mix_alt, mix_bm25, mix_bigram;
    double conf_answer;    /* confidence >= this -> ANSWERED (if not close) */
    double conf_ambiguous; /* confidence >= this -> AMBIGUOUS */
    double close_ratio;    /* second >= ratio * first -> close call */
    double suggest_ratio;  /* suggestions need >= ratio * first */
    double offtopic_words; /* a question of this many words or more that
                              names an off-topic subject in passing is
                              still matched, answered only outright
                              (ANSWERED); shorter ones get no answer.
                              0: every off-topic question gets none */
    double offtopic_conf;  /* ... and only at this confidence or more */
    /* confidence = logistic(bias + sum of c_* times the kb_features) */
    double c_bias, c_score, c_margin, c_cover, c_strong, c_unknown, c_anchor;
    double anchor_df;      /* a core word is in >= this share of entries */
    size_t candidates;     /* entries rescored in full per query */
    double fw_bonus;       /* function-word tie-break (kb-fwords.c);
                              0: off */
} kb_params;

/* kb-sort.c: ascending, in place (Shell sort: short arrays) */
void kb_sort_u32(uint32_t *v, size_t n);
void kb_sort_u64(uint64_t *v, size_t n);

/* The first place in ascending a[0..n) whose value is >= key (n when
 * none): halves without a branch, so a search of random keys does not
 * mispredict.  One body for each element type it is used with. */
#define KB_LOWER_BOUND(name, T)                                            \
    static inline __attribute__((always_inline, unused))                  \
    size_t name(const T *a, size_t n, T key)                               \
    {                                                                      \
        size_t lo = 0;                                                     \
        if (n == 0)                                                        \
            return 0;                                                      \
        while (n > 1) {                                                    \
            size_t half = n / 2;                                           \
            lo = a[lo + half] < key ? lo + half : lo;                      \
            n -= half;                                                     \
        }                                                                  \
        return lo + (a[lo] < key);                                         \
    }
KB_LOWER_BOUND(kb_lower_u16, uint16_t)
KB_LOWER_BOUND(kb_lower_u64, uint64_t)
void kb_params_default(kb_params *p);
double kb_params_k1(const kb_params *p, size_t n_alts, size_t n_entries);

/* ---- the knowledge base ----------------------------------------------- */

enum { KB_F_Q = 0, KB_F_KW, KB_F_TITLE, KB_F_ANSWER, KB_NFIELDS };

/* An alternate question; its entry is the e with entry_alt_off[e] <= it
 * < entry_alt_off[e + 1] (12 bytes). */
typedef struct kb_alt {
    uint32_t off, n;       /* its terms, in order, in kb->alt_terms */
    float weight;          /* sum of idf of its distinct terms */
} kb_alt;

/* Where an entry is in its file (KB_LOAD_LAZY_TEXT, kb-load-text.c). */
typedef struct kb_span {
    uint64_t off;
    uint32_t len;          /* 0: its text is kept in memory;
                              KB_SPAN_FILE: the whole file */
    uint32_t mark;         /* kb_arena_mark(&k->text) before its text */
} kb_span;
#define KB_SPAN_FILE UINT32_MAX

struct kb {
    kb_arena arena;
    kb_arena keys;         /* lexicon keys, kept together for locality */
    /* KB_LOAD_LAZY_TEXT: questions and answers of the entries whose span
     * is known live in `text` until indexed (kb-index.c frees it as it
     * goes), then are read back from the files (kb_entry_text) */
    int lazy_text;
    kb_arena text;
    kb_span *entry_src;    /* per entry (cap_entries), or NULL */
    kb_span cur_src;       /* of the entry being loaded */
    kb_citation **cit_one; /* per section of the sources, in order: the
                              citation entries citing it alone share */
    double t_read, t_index;    /* kb_load_times() */
    unsigned features;
    unsigned long long serial;  /* distinct for each kb made in this
                                   process (kb_new): per-scratch caches
                                   key on it, never on the address */
    const char *language;
    kb_params params;
    double k1;             /* BM25 k1 of this kb (kb_params_k1) */

    kb_entry *entries;
    size_t n_entries, cap_entries;
    kb_source *sources;
    size_t n_sources, cap_sources;
    kb_map entry_ids, source_ids;
    /* entries that failed validation: their ids (so links to them are not
     * reported twice) and their related lists (still checked) */
    kb_map broken_ids;
    kb_entry *broken;
    size_t n_broken, cap_broken;

    /* lexicon */
    kb_map terms;          /* stem -> term id */
    const char **term_text;
    size_t n_terms, cap_terms;
    kb_map tokens;         /* folded token -> term id | KB_TOK_STOP */
    int has_stopwords;
    kb_syn syn[2];         /* [0] stopwords dropped, [1] kept (triage) */
    struct sb_stemmer *stem;  /* build time only */

    /* statistics */
    uint32_t *df, *cf;
    float *idf;
    size_t n_anchors;      /* terms in >= anchor_df of the entries */
    float *qw;             /* a term's weight in a question: idf, scaled by
                              how concentrated it is on one entry */
    float idf_max;

    /* entry-level inverted index (BM25F impacts).  Term t's postings are
     * post_off[t] .. post_off[t + 1], by increasing entry; an entry id e
     * is stored as its low post_shift bits (post_lo) in the segment of
     * its high part h = e >> post_shift: kb_post_seg(k, t, h) ..
     * kb_post_seg(k, t, h + 1).  2 bytes a posting, not 4. */
    uint32_t *post_off;    /* n_terms + 1 */
    uint16_t *post_lo;
    unsigned post_shift;   /* 16 (tests: fewer, kb_index_reshift) */
    uint32_t n_seg;        /* high parts: n_entries >> post_shift, + 1 if
                              any remainder; >= 1 */
    uint32_t *post_seg;    /* n_terms x (n_seg - 1): where segment 1.. of
                              each term starts (NULL when n_seg is 1) */
    float *post_imp;
    float *term_max;       /* highest impact of each term (pruning) */
    int imp_pos;           /* every posting's impact is above 0 (then
                              kb-topk.c need not check each) */

    /* alternate questions */
    kb_alt *alts;
    size_t n_alts;
    uint32_t *alt_terms;
    uint32_t *entry_alt_off;   /* n_entries + 1 */
    /* the alternates' index (kb-altix.c), NULL when not built: entry e's
     * distinct alternate terms altix_term[altix_off[e] .. altix_off[e +
     * 1]), increasing, each with the bitmask of e's alternates holding it
     * (bit i: alternate entry_alt_off[e] + i); none for an entry of more
     * than KB_ALTIX_MAX_ALTS alternates */
    uint32_t *altix_off;
    uint32_t *altix_term;
    uint64_t *altix_mask;
    /* its adjacent pairs of terms: altix_pair[altix_poff[e] ..
     * altix_poff[e + 1]), increasing, each the places of its two terms
     * among e's distinct terms (first << 16 | second), with the mask of
     * the alternates holding the pair (altix_pmask) */
    uint32_t *altix_poff;
    uint32_t *altix_pair;
    uint64_t *altix_pmask;
    /* the alternates' weights, each entry's increasing, at the same
     * places as k->alts (for every entry when the index is built) */
    float *altix_w;
    /* per entry e, term -> its place among e's distinct terms plus 1 (0:
     * empty slot), open addressing from kb_altix_slot():
     * altix_htab[altix_hoff[e] .. altix_hoff[e + 1]), a power of two of
     * at least twice its terms (an entry's table is a few cache lines,
     * read by each of its query words in turn) */
    uint32_t *altix_hoff;
    uint16_t *altix_htab;
    /* a kb of at most KB_SMALL_ENTRIES entries, every impact above 0
     * (kb-small-index.c): term t of more than small_pad / 4 postings
     * has row r = small_row[t] - 1 (0: none), its impacts by entry at
     * small_imp[r * small_pad ..] (0 where t is not in the entry) and
     * the entries holding it (small_mask[r]); small_row NULL otherwise */
    uint32_t *small_row;
    float *small_imp;
    uint64_t *small_mask;
    uint32_t small_pad;    /* n_entries rounded up to 4 */
    kb_fwords fw;          /* function words per entry (kb-fwords.c) */


    kb_typo typo;

    kb_trule *rules;
    size_t n_rules;
    kb_tmodel tmodel;      /* triage-model.tsv; cap 0 when none */
    const kb_entry *triage_reply;
    kb_tgroup offtopic;    /* phrases arena-allocated; n = 0 when none */
    kb_tgroup offtopic_hard; /* '!' lines: decline even in a long message */
    kb_pindex phr;         /* triage and offtopic phrases by first term */
    /* per term id below n_flag_terms, KB_TF_* bits (kb_lex_flags, at the
     * end of kb_triage_load, before any typo repair can ask); NULL
     * and n_flag_terms 0 until then */
    uint8_t *term_flags;
    uint32_t *syn_at[2];   /* per term below n_syn_terms: 1 + the first
                              rule of syn[i] starting with it, or 0 */
    /* per term below n_syn_terms: bit (second term & 31) of each rule of
     * syn[i] of two or more terms starting with it, every bit for a
     * one-term rule (kb_syn_may) */
    uint32_t *syn_filter[2];
    size_t n_flag_terms, n_syn_terms;
    size_t n_age_rules;    /* rules with "max_age_days": the stated age
                              is only read (kb_age_days) when there are */
    /* rules whose groups matching makes a stated age matter (kb-triage.c
     * kb_triage_scan): the n_age_rules with "max_age_days", then the
     * n_age_veto clause rules with a veto (kb_triage_vetoed, which
     * kb_triage_clauses asks first); NULL with no rule */
    uint32_t *age_watch;
    size_t n_age_veto;
    /* the same two lists as masks of the rules below 64 (bit r: rule r),
     * and where each list's rules from 64 on start (read in full) */
    uint64_t age_mask, veto_mask;
    size_t age_hi, veto_hi;
};

/* First posting of term t whose entry is >= h << post_shift
 * (post_off[t + 1] for h >= n_seg). */
static inline uint32_t kb_post_seg(const kb *k, uint32_t t, uint32_t h)
{
    if (h == 0)
        return k->post_off[t];
    if (h >= k->n_seg)
        return k->post_off[t + 1];
    return k->post_seg[(size_t)t * (k->n_seg - 1) + h - 1];
}

/* The entry of term t's posting p (tests, tools: a walk over the
 * segments; the hot loops go segment by segment). */
static inline uint32_t kb_post_doc(const kb *k, uint32_t t, uint32_t p)
{
    uint32_t h = 0;
    while (h + 1 < k->n_seg && kb_post_seg(k, t, h + 1) <= p)
        h++;
    return h << k->post_shift | k->post_lo[p];
}

/* ---- lexicon (kb-lex.c) ----------------------------------------------- */

enum {
    KB_LEX_INTERN = 1,     /* build time: add new terms and tokens */
    KB_LEX_KEEPSTOP = 2,   /* keep stopwords (triage) */
    KB_LEX_REPAIR = 4,     /* repair unknown words (query time) */
    KB_LEX_SYN = 8,        /* apply synonyms */
    /* with exactly KEEPSTOP | REPAIR | SYN: the text is also read the
     * matching way (REPAIR | SYN) into raw2, for kb_lex_second */
    KB_LEX_DUAL = 16,
    KB_LEX_ALL = 31,
    /* tests: every text read by kb_text_tokenize (no ASCII pass) */
    KB_LEX_GENERAL = 32
};

typedef struct kb_lexout {
    kb_u32buf terms;       /* term ids, KB_TERM_NONE for unknown words */
    kb_u32buf raw;         /* before synonyms (working space) */
    size_t n_words, n_unknown, n_repaired;
    kb_u32buf raw2;        /* KB_LEX_DUAL: the matching reading, raw */
    size_t n_words2, n_unknown2, n_repaired2;
    kb_fwnote fw;          /* the stopwords dropped (kb-fwords.h) */
} kb_lexout;

/* o emptied for a new reading (its buffers kept). */
static inline void kb_lexout_reset(kb_lexout *o)
{
    o->terms.n = o->raw.n = o->raw2.n = 0;
    o->n_words = o->n_unknown = o->n_repaired = 0;
    o->n_words2 = o->n_unknown2 = o->n_repaired2 = 0;
    o->fw.n = 0;
}

/* Turn text into term ids.  With KB_LEX_INTERN, k is modified (build
 * time only); otherwise k is only read.  out is reset first.  0, -1 OOM. */
int kb_lex_run(kb *k, struct sb_stemmer *st, const char *text, size_t len,
               unsigned flags, size_t max_tokens, kb_lexout *out);
/* k->term_flags bit: the term is in a phrase of a triage rule's "all"
 * groups. */
enum { KB_TF_TRIAGE = 1 };
/* Build k->syn_at (arena) once the synonyms are loaded (every term a
 * rule starts with is older), k->term_flags once the triage rules are
 * too.  0, -1 on OOM. */
int kb_lex_syn_index(kb *k);
int kb_lex_flags(kb *k);
/* After a KB_LEX_DUAL run: out becomes what kb_lex_run(REPAIR | SYN)
 * gives for the same text, without reading the text again.  0, -1 OOM. */
int kb_lex_second(const kb *k, kb_lexout *out);
/* Intern a stem; *id gets its term id.  0, -1 on OOM. */
int kb_lex_intern(kb *k, const char *stem, size_t len, uint32_t *id);
/* Stopwords: from dir/stopwords.txt, else the built-in list (after
 * kb_stems_load: a listed word keeps its unstemmed term). */
int kb_lex_load_stopwords(kb *k, const char *dir, kb_diag *d);
/* dir/stems.txt, optional: words read unstemmed (kb-stems.c). */
int kb_stems_load(kb *k, const char *dir, kb_diag *d);

/* ---- line files (kb-lines.c) ----------------------------------------- */

/* One line of a line file, its comment cut off; lineno counts from 1.
 * Returns 0 to go on, -1 to stop with an error (reported in d). */
typedef int (*kb_line_fn)(void *ctx, char *line, const char *path,
                          int lineno);
/* Open dir/name (an optional file of a knowledge directory) into *f,
 * its name in path[cap].  0 when open (the caller closes it), 1 when it
 * does not exist, -1 when the path is too long or it cannot be opened
 * (reported in d). */
int kb_open_optional(const char *dir, const char *name, char *path,
                     size_t cap, FILE **f, kb_diag *d);
/* Read dir/name line by line into fn.  Returns 0 when read, 1 when the
 * file does not exist, -1 on error (reported in d, with the path). */
int kb_lines_read(const char *dir, const char *name, kb_diag *d,
                  kb_line_fn fn, void *ctx);
void kb_lexout_free(kb_lexout *o);

/* ---- synonyms --------------------------------------------------------- */

int kb_syn_load(kb *k, const char *dir, kb_diag *d);
/* Rewrite in -> out with the rules of s (longest phrase first); with
 * keep, a rewritten phrase is followed by its own words too, so a literal
 * match still counts more than a synonym one.  at (or NULL): each term's
 * first rule + 1 for terms below n_at (k->syn_at), else a search;
 * filter: each such term's rules' filter (k->syn_filter; with at). */
int kb_syn_apply(const kb_syn *s, const uint32_t *at, const uint32_t *filter,
                 size_t n_at, const uint32_t *in, size_t n, int keep,
                 kb_u32buf *out);
/* 1 if t starts a synonym phrase of s. */
int kb_syn_is_source(const kb_syn *s, uint32_t t);
/* The synonyms' filter: k->syn_filter[set], a 32-bit filter per term
 * below n_syn_terms (kb-lex.c lex_syn_at): bit (second term & 31) of
 * each rule of two or more terms starting with it, every bit for a rule
 * of one term (it always applies).  A rule can start at in[0] only when
 * kb_syn_may says so. */
static inline uint32_t kb_syn_filter_bit(const kb_syn_rule *r)
{
    return r->n_from > 1 ? (uint32_t)1 << (r->from[1] & 31) : UINT32_MAX;
}

/* 0 when no rule of filter f (in[0]'s) can start at in[0], with left
 * terms in[1 .. left] after it; 1 when one may. */
static inline int kb_syn_may(uint32_t f, const uint32_t *in, size_t left)
{
    return left ? (int)(f >> (in[1] & 31) & 1) : f == UINT32_MAX;
}

void kb_syn_free(kb_syn *s);

/* ---- typo ------------------------------------------------------------- */

/* The typo index in two steps (kb_index_build runs the first beside the
 * postings): the words of tokens (freq 0; reads tokens, writes t only),
 * then their freq from cf (kb-typo.c). */
int kb_typo_words(kb_typo *t, const kb_map *tokens);
void kb_typo_freq(kb_typo *t, const uint32_t *cf);
/* Best vocabulary word for tok (edit distance 1, or 2 at 8+ chars), its
 * term id, or KB_TERM_NONE. */
uint32_t kb_typo_repair(const kb_typo *t, const char *tok, size_t len);
/* The vocabulary word kb_typo_repair picks, or NULL. */
const kb_typo_word *kb_typo_best(const kb_typo *t, const char *tok,
                                 size_t len);
/* 1 if tok is w with one letter dropped or doubled, or two adjacent
 * letters swapped (the slips safe enough to repair into a danger word). */
int kb_typo_gentle(const char *tok, size_t lt, const char *w, size_t lw);
void kb_typo_free(kb_typo *t);
/* kb-typo-del.c: t->del for t->words; 0, -1 out of memory. */
int kb_typo_del_build(kb_typo *t);
/* FNV-1a of s[0 .. len) without byte skip (skip >= len: all of it). */
uint32_t kb_typo_del_hash(const char *s, size_t len, size_t skip);
/* The first t->del index with hash h; *end past the last. */
size_t kb_typo_del_find(const kb_typo *t, uint32_t h, size_t *end);
/* Levenshtein distance between a and b if <= max, else max + 1. */
unsigned kb_typo_distance(const char *a, size_t la, const char *b,
                          size_t lb, unsigned max);
/* The same, weighed as typing slips: a substitution costs 1 only for a
 * neighbouring QWERTY key or a vowel for a vowel, else 2 (kb-typo.c). */
unsigned kb_typo_cost(const char *a, size_t la, const char *b, size_t lb,
                      unsigned max);

/* ---- loading ---------------------------------------------------------- */

/* Where a problem is: file and entry (either may be NULL). */
typedef struct kb_where {
    kb_diag *d;
    const char *file, *entry;
    int *failed;           /* set to 1 by kb_where_err (may be NULL) */
} kb_where;

/* Report an error at w.  Returns -1 on OOM, else 0. */
int kb_where_err(const kb_where *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int kb_json_id_ok(const char *id);
const char *kb_json_str(json_t *obj, const char *key, const kb_where *w);
int kb_json_strarray(kb_arena *a, json_t *obj, const char *key, size_t min,
                     const kb_where *w, const char *const **out, size_t *n);
void kb_json_unknown_keys(json_t *obj, const char *const *known,
                          const kb_where *w);

int kb_load_sources(kb *k, const char *dir, kb_diag *d);
int kb_load_entries(kb *k, const char *dir, kb_diag *d);
/* Validate one entry object; on success append it to k.  file and label
 * name it in diagnostics. */
int kb_load_entry(kb *k, json_t *obj, const char *file, const char *label,
                  kb_diag *d);
int kb_load_check_links(kb *k, kb_diag *d);
/* Read a JSON file; syntax errors go to d as file:line.  Caller decrefs. */
json_t *kb_load_json(const char *path, kb_diag *d);
/* An entries file {"entries": [...]} one entry at a time (kb-load-
 * stream.c): 1 if it had that shape (problems in d), 0 if not (read it
 * whole), -1 on OOM. */
int kb_load_stream(kb *k, const char *path, kb_diag *d);
/* Sorted list of dir/sub/ *.json paths; caller frees with kb_paths_free. */
char **kb_load_list(const char *dir, const char *sub, const char *ext,
                    size_t *n, kb_diag *d);
void kb_paths_free(char **p, size_t n);
int kb_params_load(kb *k, const char *dir, kb_diag *d);

/* ---- index ------------------------------------------------------------ */

int kb_index_build(kb *k);
/* Set (tests) before a load: kb_index_build does all its work in this
 * thread (the typo index's words, the impacts' and the alternates'
 * second halves: kb-index.c, kb-index-post.c), not some in a second
 * one; the index is the same either way. */
extern int kb_index_inline;
void kb_index_free(kb *k);
/* kb-altix.c: the alternates' index, built when the kb's alternates
 * hold at most KB_ALTIX_MAX_WORDS words (after kb_index_build's
 * alternates); 0 (built or not), -1 on OOM.  kb_altix_free: idempotent. */
#define KB_ALTIX_MAX_ALTS 64
#define KB_ALTIX_MAX_WORDS (1u << 18)
int kb_altix_build(kb *k);
void kb_altix_free(kb *k);
/* kb-fwords.c, while indexing: kb_fw_entry(k, e) before entry e is
 * lexed (entries in order), kb_fw_sink/kb_fw_take give it the stopword
 * terms of its questions and title (kb-lex-scan.c), kb_fw_finish the
 * idf once all are done; each 0, -1 on OOM.  What they allocate (the
 * masks, the term map) is the kb's: kb_fw_free (from kb_index_free,
 * idempotent) frees it. */
int kb_fw_sink(kb *k, uint32_t term);
int kb_fw_take(kb *k, const kb_lexout *lx);
int kb_fw_entry(kb *k, uint32_t e);
int kb_fw_finish(kb *k);
void kb_fw_free(kb *k);

/* The first slot of term t in an entry's table of n slots (a power of
 * two). */
static inline uint32_t kb_altix_slot(uint32_t t, uint32_t n)
{
    return (uint32_t)(((uint64_t)(t * 0x9E3779B1u) * n) >> 32);
}

/* The place of term t among entry e's distinct alternate terms
 * (altix_term[altix_off[e] ..]), or UINT32_MAX when it has none. */
static inline uint32_t kb_altix_find(const kb *k, uint32_t e, uint32_t t)
{
    uint32_t h0 = k->altix_hoff[e], n = k->altix_hoff[e + 1] - h0;
    const uint16_t *tab = k->altix_htab + h0;
    for (uint32_t i = kb_altix_slot(t, n);; i = (i + 1) & (n - 1)) {
        uint32_t j = tab[i];
        if (j == 0)
            return UINT32_MAX;
        if (k->altix_term[k->altix_off[e] + j - 1] == t)
            return k->altix_off[e] + j - 1;
    }
}

/* Tests: the postings stored again with shift (1..16) bits of each entry
 * id in post_lo (more segments); the same postings.  0, -1 on OOM (k is
 * unchanged). */
int kb_index_reshift(kb *k, unsigned shift);

/* ---- triage ----------------------------------------------------------- */

int kb_triage_load(kb *k, const char *dir, kb_diag *d);
/* kb-lint-triage.c: warn about a "none" phrase found inside a phrase of
 * its rule's "all" groups (that phrase could never fire).  -1 on OOM. */
int kb_lint_triage(const kb *k, const char *dir, kb_diag *d);
void kb_triage_free(kb *k);
/* Lex text the triage way (stopwords kept, gentle typo repair,
 * synonyms; KB_LEX_DUAL, so kb_lex_second can give the matching reading)
 * into s->lex and scan it: s->ghit[gid] is 1 for each phrase
 * group (triage or offtopic) with a phrase in it.  0, -1 on OOM. */
int kb_triage_scan(const kb *k, kb_scratch *s, const char *text, size_t len);
/* kb_triage_scan, reading no stated age when age is 0 (s->age_days -1):
 * for a scan whose rules are not checked (kb_match's off-topic phrases). */
int kb_triage_scan_ex(const kb *k, kb_scratch *s, const char *text,
                      size_t len, int age);
/* After kb_triage_scan(text): the rule that fires, by name on the whole
 * text or on one clause of it, else "model" if the learnt net fires; NULL
 * if none.  s is left holding the whole text's scan; *err = -1 on OOM. */
const char *kb_triage_rule(const kb *k, kb_scratch *s, const char *text,
                           size_t len, int *err);
/* 1 if r->need of r's groups were found on the last scan, its veto
 * aside (rule_fires adds the veto; kb-triage-clause.c too). */
int kb_trule_met(const kb_trule *r, const uint8_t *hit);
/* 1 if a clause rule (scope not "message") matched on the last scan but
 * its veto silenced it: then kb_triage_clauses reads each clause. */
int kb_triage_vetoed(const kb *k, const kb_scratch *s);
/* After kb_triage_scan(text) found no rule: the first rule firing on one
 * clause of text alone (a veto elsewhere silenced it), or NULL; s holds
 * the whole text's scan again on return.  *err = -1 on OOM. */
const char *kb_triage_clauses(const kb *k, kb_scratch *s, const char *text,
                              size_t len, int *err);
/* kb-tmodel.c: load dir/triage-model.tsv if present (-1 on OOM); after
 * kb_triage_scan found no rule, 1 if the model fires, else 0. */
int kb_tmodel_load(kb *k, const char *dir, kb_diag *d);
int kb_tmodel_fires(const kb *k, const kb_scratch *s);
/* kb-age.c: the lowest baby's age in days stated in text, or -1. */
long kb_age_days(const char *text, size_t len);
/* 1 unless r has "max_age_days" and s's last scan stated an older age. */
int kb_trule_age_ok(const kb_trule *r, const kb_scratch *s);

/* ---- phrase index (kb-phrase.c) --------------------------------------- */

/* Build k->phr once triage and offtopic are loaded.  0, -1 on OOM. */
int kb_phrase_index(kb *k);
/* hit[gid] = 1 for each group with a phrase occurring in t[0..n), else 0;
 * hit has k->phr.n_groups bytes.  Returns the OR of the found groups'
 * phr.rmask (the rules below 64 that may match), and that of their
 * phr.vmask in *veto (the rules below 64 whose veto was found). */
uint64_t kb_phrase_scan(const kb *k, const uint32_t *t, size_t n,
                        uint8_t *hit, uint64_t *veto);

/* ---- off-topic phrases (kb-offtopic.c) -------------------------------- */

/* dir/offtopic.txt, if present: phrases that put a question outside the
 * knowledge base ("tummy time").  0, -1 on OOM; problems go to d. */
int kb_offtopic_load(kb *k, const char *dir, kb_diag *d);
/* 1 if the question contains an off-topic phrase (uses s->lex). */
int kb_offtopic(const kb *k, kb_scratch *s, const char *text, size_t len);
/* 2 if the last kb_triage_scan found a '!' (hard) off-topic phrase, 1 if
 * another one, else 0. */
int kb_offtopic_hit(const kb *k, const kb_scratch *s);
/* 1 if offtopic.txt has any phrase. */
int kb_offtopic_any(const kb *k);

/* ---- scratch & matching ----------------------------------------------- */

typedef struct kb_cursor {
    uint32_t t;            /* the term */
    uint32_t p, end;       /* position in, and end of, a term's postings */
    float max;             /* the term's highest impact */
    uint32_t bit;          /* its query term's bit in kb_acc.hold (or 0) */
} kb_cursor;

/* One entry's accumulator in kb_topk: BM25F so far, and which of the
 * first 32 query terms it holds (bit i: s->qterms.v[i]). */
typedef struct kb_acc {
    float v;
    uint32_t hold;
} kb_acc;

/* One of the best entries in kb_topk's heap: its BM25F score and id
 * (its acc left as it is until the heap is read out). */
typedef struct kb_top {
    float v;
    uint32_t entry;
} kb_top;

typedef struct kb_cand {
    uint32_t entry;
    float bm25, alt, bigram, score;
    float cover;           /* share of the query weight the entry contains */
    float strong;          /* its best matched word's idf / idf_max */
    uint32_t hold;         /* kb_acc.hold: the query terms it holds */
} kb_cand;

/* vague()'s answer for one (entry, one-term query) pair (kb-match.c):
 * does some keyword of the entry read as just that term?  entry1 is the
 * entry + 1, 0 for an empty slot. */
typedef struct kb_vslot {
    uint32_t entry1, term, vague;
} kb_vslot;
#define KB_VAGUE_SLOTS 1024

/* What the confidence model sees of one query (see kb_params). */
typedef struct kb_features {
    double score, margin, cover, strong, unknown;
    double anchor;         /* core words of the kb in the question, 0..1 */
} kb_features;

struct kb_scratch {
    struct sb_stemmer *stem;
    long age_days;         /* age stated in the last triage scan, or -1 */
    char *stem_lang;
    uint32_t *qmark;       /* per term, all zero between queries */
    size_t cap_qmark;
    kb_u32buf qterms;
    uint64_t *qbi;         /* query's adjacent term pairs */
    float *qbi_w;          /* their weights */
    uint32_t *qbi_seen;    /* per pair: stamp of the last alternate having it */
    size_t cap_qbi, cap_qbi_w, cap_qbi_seen;
    uint32_t *qseen;       /* per query term: stamp of the last alternate */
    size_t cap_qseen;
    uint32_t stamp;
    kb_cursor *cur;        /* per query term (kb-topk.c) */
    float *ub;             /* per cursor: highest impacts of it and the
                              cursors after it (kb-topk.c) */
    size_t cap_cur, cap_ub;
    kb_acc *acc;           /* per entry (kb-topk.c); zero between queries */
    uint32_t *touched;     /* entries whose acc is nonzero */
    float *kth;            /* min-heap of params.candidates scores */
    size_t cap_acc, cap_touched, cap_kth;
    kb_cand *cand;
    size_t cap_cand;
    kb_top *top;           /* params.candidates + 1 (kb-topk.c) */
    size_t cap_top;
    kb_lexout lex;
    uint8_t *ghit;         /* per phrase group: found (kb_triage_scan) */
    uint64_t rcand;        /* of that scan: the rules below 64 with a
                              key group found (kb_phrase_scan's mask) */
    uint64_t vcand;        /* ... and those whose veto was found */
    size_t cap_ghit;
    long skip_alt;         /* lint: alternate ignored in scoring, or -1 */
    int rescore_all;       /* tests: rescore every candidate (no bound) */
    int no_altix;          /* tests: read alternates whole, not through
                              the alternates' index (kb-altix.c) */
    int no_small_topk;     /* tests: kb_topk's general path even for a
                              small kb (kb-small-topk.c) */
    size_t n_altix;        /* candidates of the last query whose
                              alternates were found through it */
    size_t n_altix_ord;    /* of those, read by their heaviest query
                              term first (kb-rescore-ix.c ix_best_ord) */
    size_t n_rescored;     /* candidates rescored by the last query */
    kb_features feat;      /* of the last query, for tools and tests */
    size_t n_cand;         /* candidates of the last query, best first */
    uint32_t fw_top;       /* the first before the function-word tie-break
                              (kb-fwords.c): the decision reads its cover */
    /* vague()'s answers, direct-mapped by (entry, term), for the kb
     * whose serial is vague_kb (0: none yet); no_vague_cache (tests)
     * reads the keywords every time; n_vague_lex counts the keyword
     * readings made (tests) */
    unsigned long long vague_kb;
    kb_vslot vague[KB_VAGUE_SLOTS];
    int no_vague_cache;
    size_t n_vague_lex;
    /* the sizes kb_scratch_ready last made s ready for (a repeat call
     * with the same ones has nothing to grow) */
    size_t ready_terms, ready_entries, ready_cand, ready_groups;
    /* the kb (serial) and its language string kb_scratch_ready last
     * readied for: the same two need no strcmp of the language */
    unsigned long long ready_serial;
    const char *ready_lang;
};

/* The best params.candidates entries by BM25F for the marked query
 * terms, into s->cand, highest BM25F first, then by entry (kb_rescore
 * relies on that order; test-kb-topk checks it); returns how many. */
size_t kb_topk(const kb *k, kb_scratch *s);
/* kb-small-topk.c: kb_topk for a kb with k->small_row (at most
 * KB_SMALL_ENTRIES entries: an entry set is one 64-bit word), given its
 * n cursors (s->cur): the same candidates, bit for bit; SIZE_MAX when
 * there are none or a near-tie at the cut needs kb_topk's general path
 * (s->acc is left untouched). */
#define KB_SMALL_ENTRIES 64
size_t kb_topk_small(const kb *k, kb_scratch *s, size_t n);
/* kb-small-index.c: k->small_row, small_imp and small_mask once the
 * postings are final (kb_index_build), for a kb of at most
 * KB_SMALL_ENTRIES entries whose impacts are all above 0; 0, -1 on
 * OOM.  kb_small_free: idempotent (kb_index_free). */
int kb_small_build(kb *k);
void kb_small_free(kb *k);

/* Make s ready for k: sizes, stemmer.  0, -1 on OOM. */
int kb_scratch_ready(kb_scratch *s, const kb *k);

/* kb_match() that ignores alternate skip_alt (-1: none); for lint. */
int kb_match_skip(const kb *k, kb_scratch *s, const char *text, size_t len,
                  long skip_alt, kb_result *out);

#endif /* FAQBOT_KB_IMPL_H */
