/*
 * kb.h - the knowledge engine: load and validate knowledge/ (JSON), fold
 * and stem text, build an immutable ranked index, match questions, run the
 * safety triage rules.  It knows nothing of plugins, platforms or the bot
 * loop; `faqbot ask`, `faqbot eval`, `faqbot kb lint`, the router and the
 * benchmarks all call these same functions.
 *
 * Threading: a loaded kb is immutable and may be shared read-only by any
 * number of threads.  A kb_scratch belongs to one thread at a time.
 *
 * Layout of a knowledge directory (see README "Adding knowledge"):
 *   sources/<id>.json  one source each: id, title, url?, language?, sections[]
 *   entries/<id>.json  one entry object per file, or {"entries": [ ... ]}
 *   synonyms.json     {"groups": [["gas","wind",...], ...]}     (optional)
 *   stopwords.txt     one word per line, '#' comments            (optional)
 *   triage.json       danger-sign rules, see kb-triage.c         (optional)
 *   offtopic.txt      phrases outside the kb ("tummy time")      (optional)
 *   matching.json     overrides of kb-params.c constants         (optional)
 */
#ifndef FAQBOT_KB_H
#define FAQBOT_KB_H

#include <stddef.h>

typedef struct kb kb;
typedef struct kb_scratch kb_scratch;

/* ---- diagnostics ------------------------------------------------------ */

enum kb_severity { KB_WARNING = 1, KB_ERROR = 2 };

typedef struct kb_diag_item {
    int severity;          /* enum kb_severity */
    char *file;            /* path as given, or NULL */
    int line;              /* 1-based line for JSON syntax errors, else 0 */
    char *entry;           /* entry id (or "entries[3]" when id missing), or NULL */
    char *message;         /* one line, e.g. "answer is empty" */
} kb_diag_item;

typedef struct kb_diag {
    kb_diag_item *items;
    size_t count, cap;
    size_t errors, warnings;
} kb_diag;

void kb_diag_init(kb_diag *d);
void kb_diag_free(kb_diag *d);
/* Append a diagnostic (copies every string).  Returns 0, or -1 on OOM. */
int kb_diag_add(kb_diag *d, int severity, const char *file, int line,
                const char *entry, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Format one item as "file:line: entry 'id': message" into buf. */
void kb_diag_format(const kb_diag_item *it, char *buf, size_t len);

/* ---- loading ---------------------------------------------------------- */

typedef struct kb_citation {
    const char *source_id;
    const char *source_title;
    const char *section;
} kb_citation;

typedef struct kb_entry {
    const char *id;
    const char *title;
    const char *answer;
    const char *const *questions;   size_t n_questions;
    const char *const *keywords;    size_t n_keywords;
    const kb_citation *citations;   size_t n_citations;
    const char *const *related;     size_t n_related;   /* entry ids */
    const char *file;               /* file it came from */
} kb_entry;

typedef struct kb_source {
    const char *id;
    const char *title;
    const char *url;                /* may be NULL */
    const char *language;           /* snowball name, default "english" */
    const char *const *sections;    size_t n_sections;
} kb_source;

/* Load and validate every file under dir, then build the index.
 * All-or-nothing: on any error returns NULL and every problem found is in
 * diag (which may be NULL); warnings do not stop loading.
 * The result is owned by the caller: kb_free(). */
kb *kb_load(const char *dir, kb_diag *diag);
void kb_free(kb *k);

/* Matching features, each switchable for ablation (scripts show the gain
 * of each).  kb_load() enables all of them. */
enum kb_feature {
    KB_FEAT_SYNONYMS = 1u << 0,   /* synonyms.json groups */
    KB_FEAT_TYPO     = 1u << 1,   /* repair unknown words (edit distance) */
    KB_FEAT_BIGRAMS  = 1u << 2,   /* adjacent-pair evidence */
    KB_FEAT_ALTS     = 1u << 3,   /* per-alternate-question scoring */
    KB_FEAT_ALL      = 0xfu
};

typedef struct kb_load_opts {
    unsigned features;            /* enum kb_feature mask, and optionally
                                     KB_LOAD_LAZY_TEXT */
} kb_load_opts;

/* Not a matching feature: an entry's questions and answer are not kept in
 * memory but read back from its file on demand (kb_entry_text()); their
 * kb_entry.questions and .answer are NULL (n_questions is kept).  Applies
 * to every entry of a file holding one entry or a streamed {"entries":
 * [...]} array (what a 100,000-entry kb is); the index is the same. */
#define KB_LOAD_LAZY_TEXT (1u << 16)

/* kb_load() with options (opts NULL = every feature).  Same ownership. */
kb *kb_load_ex(const char *dir, const kb_load_opts *opts, kb_diag *diag);

/* Seconds kb_load spent reading + validating the files, and building the
 * index (for benchmarks). */
void kb_load_times(const kb *k, double *read_validate, double *index);

size_t kb_entry_count(const kb *k);
const kb_entry *kb_entry_at(const kb *k, size_t i);
const kb_entry *kb_find(const kb *k, const char *id);   /* NULL if absent */
/* An entry's answer (field KB_TEXT_ANSWER, i ignored) or its question i
 * (KB_TEXT_QUESTION), in either text mode: copied NUL-terminated into
 * buf (size bytes, cut to fit when shorter).  Returns the text's whole
 * length in bytes, or -1 when i is out of range or the file can no longer
 * be read or no longer holds the entry where it was.  Thread-safe. */
enum kb_text_field { KB_TEXT_ANSWER = 0, KB_TEXT_QUESTION = 1 };
long kb_entry_text(const kb *k, const kb_entry *e, int field, size_t i,
                   char *buf, size_t size);

size_t kb_source_count(const kb *k);
const kb_source *kb_source_at(const kb *k, size_t i);

/* Checks beyond loading, for `faqbot kb lint`: loads dir collecting every
 * error (does not stop at the first), plus warnings.  Returns the number
 * of errors. */
size_t kb_lint(const char *dir, kb_diag *diag);

/* ---- matching --------------------------------------------------------- */

enum kb_status {
    KB_ANSWERED = 0,   /* confident: entry */
    KB_AMBIGUOUS = 1,  /* close call: suggestions[0..n_suggestions) */
    KB_NO_ANSWER = 2,  /* not covered */
    KB_URGENT = 3      /* triage rule fired: entry = the urgent reply */
};

#define KB_MAX_SUGGESTIONS 3

typedef struct kb_result {
    int status;                      /* enum kb_status */
    const kb_entry *entry;           /* best entry (ANSWERED/URGENT), or NULL */
    double score;                    /* best raw score */
    double confidence;               /* 0..1, calibrated */
    const kb_entry *suggestions[KB_MAX_SUGGESTIONS];
    size_t n_suggestions;
    const char *triage_rule;         /* id of the rule that fired, or NULL */
    const kb_entry *best;            /* best-ranked entry whatever the
                                        decision (benchmarks compare
                                        rankings), or NULL */
} kb_result;

/* Per-thread working memory for kb_answer(); grows as needed, so a query
 * allocates nothing once warm.  Owned by the caller: kb_scratch_free(). */
kb_scratch *kb_scratch_new(void);
void kb_scratch_free(kb_scratch *s);

/* Triage, then match one question (UTF-8, len bytes; invalid bytes are
 * replaced).  Fills *out; returns 0, or -1 on OOM.  Pointers in *out point
 * into k and stay valid while k lives. */
int kb_answer(const kb *k, kb_scratch *s, const char *text, size_t len,
              kb_result *out);

/* The same, without the triage step (for benchmarks and lint). */
int kb_match(const kb *k, kb_scratch *s, const char *text, size_t len,
             kb_result *out);

/* Triage only: returns the id of the first danger rule that fires, or
 * NULL. */
const char *kb_triage(const kb *k, kb_scratch *s, const char *text,
                      size_t len);

/* The names of k's terms by id (*n of them; pointers into k), for
 * kb_triage_terms.  The caller frees the array with free(); NULL on OOM. */
const char **kb_term_names(const kb *k, size_t *n);

/* The triage reading of text (stems, "?" for words the knowledge never
 * uses), which triage-model.tsv's features are made of; for training
 * it (tests/eval/train-triage-model.py).  names, n: kb_term_names(k).
 * Caller frees; NULL on OOM. */
char *kb_triage_terms(const kb *k, kb_scratch *s, const char *const *names,
                      size_t n, const char *text, size_t len);

/* The id of the entry triage answers with (triage.json "reply_entry"), or
 * NULL when there are no triage rules.  Commands like /topics hide it. */
const char *kb_urgent_entry_id(const kb *k);

/* ---- text ------------------------------------------------------------- */

/* Fold (NFKC + case fold, via utf8proc), tokenize, drop stopwords, stem
 * with the given snowball language.  Calls fn once per resulting term.
 * Exposed for tests and tools; returns the number of terms, -1 on error. */
typedef void (*kb_term_fn)(const char *term, size_t len, void *ctx);
int kb_text_terms(const char *language, const char *text, size_t len,
                  kb_term_fn fn, void *ctx);

#endif /* FAQBOT_KB_H */
