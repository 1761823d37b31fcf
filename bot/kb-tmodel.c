/*
 * kb-tmodel.c - knowledge/triage-model.tsv (optional): a second triage
 * net learnt from the danger and ordinary messages of tests/eval/ (see
 * tests/eval/train-triage-model.py).  Its features are the stems of the
 * triage reading of a question (stopwords kept, typos repaired, synonyms
 * applied) and each pair of adjacent stems; a question fires the model
 * when bias + the weights of its features (as often as they occur) reach
 * the logit of the threshold.  Rules come first and fire by name; the
 * model catches wordings no rule lists (its rule id in replies: "model").
 * The file: '#' comments, "threshold T", "bias B", then one
 * "weight<TAB>stem" or "weight<TAB>stem stem" a line (plain text: 8,000
 * features load in a fraction of what a JSON object costs).
 */
#include "kb-impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TM_NONE UINT32_MAX     /* second half of a one-stem feature key */

static uint64_t tm_key(uint32_t a, uint32_t b)
{
    return (uint64_t)a << 32 | b;
}

static size_t tm_slot(const kb_tmodel *m, uint64_t key)
{
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 32) & (m->cap - 1);
}

/* The term id of stem s, or TM_NONE when the knowledge never uses it. */
static uint32_t tm_term(const kb *k, const char *s, size_t n)
{
    uint32_t id;
    return kb_map_find(&k->terms, s, n, &id) ? id : TM_NONE;
}

/* The last first stem looked up: the file is sorted by feature, so
 * "stem" and its pairs "stem x" follow one another and share it. */
typedef struct tm_last {
    const char *s;         /* into the file's buffer; NULL: none yet */
    size_t n;
    uint32_t id;
} tm_last;

static uint32_t tm_first(const kb *k, tm_last *last, const char *s, size_t n)
{
    if (!last->s || last->n != n || memcmp(last->s, s, n) != 0)
        *last = (tm_last){s, n, tm_term(k, s, n)};
    return last->id;
}

/* Key of "stem" or "stem1 stem2"; 0 when a stem is not a term (such a
 * feature can never occur), 1 when set, -1 when malformed. */
static int tm_parse(const kb *k, tm_last *last, const char *f, uint64_t *key)
{
    const char *sp = strchr(f, ' ');
    if (!*f || (sp && (sp == f || !sp[1] || strchr(sp + 1, ' '))))
        return -1;
    uint32_t a = tm_first(k, last, f, sp ? (size_t)(sp - f) : strlen(f));
    if (a == TM_NONE)
        return 0;
    uint32_t b = sp ? tm_term(k, sp + 1, strlen(sp + 1)) : TM_NONE;
    if (sp && b == TM_NONE)
        return 0;
    *key = tm_key(a, b);
    return 1;
}

static void tm_put(kb_tmodel *m, uint64_t key, float w)
{
    size_t i = tm_slot(m, key);
    while (m->keys[i] != 0 && m->keys[i] != key + 1)
        i = (i + 1) & (m->cap - 1);
    m->keys[i] = key + 1;      /* 0 marks an empty slot */
    m->w[i] = w;
}

/* One "name value" header line ("threshold 0.8", "bias -3.1"): 1 if it
 * is one, with *v set. */
static int tm_header(const char *line, const char *name, double *v)
{
    size_t n = strlen(name);
    char *end;
    if (strncmp(line, name, n) || line[n] != ' ')
        return 0;
    *v = strtod(line + n + 1, &end);
    return end != line + n + 1 && (*end == '\0' || *end == '\n');
}

/* A weight written "-?D+(.D+)?" (15 digits at most) right before a tab:
 * 1 with *w the double strtod would give (the digits as an integer, exact
 * below 2^53, over an exact power of ten: one correctly rounded division,
 * as strtod rounds), else 0 (strtod reads it). */
static int tm_weight_fast(const char *s, double *w)
{
    static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                                 1e15};
    int neg = *s == '-';
    uint64_t m = 0;
    unsigned nd = 0, nf = 0;
    s += neg;
    for (; *s >= '0' && *s <= '9'; s++, nd++)
        m = m * 10 + (uint64_t)(*s - '0');
    if (nd == 0)
        return 0;
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, nf++)
            m = m * 10 + (uint64_t)(*s - '0');
        if (nf == 0)
            return 0;
    }
    if (*s != '\t' || nd + nf > 15)
        return 0;
    double v = nf ? (double)m / p10[nf] : (double)m;
    *w = neg ? -v : v;
    return 1;
}

/* "weight<TAB>feature": 0 (stored, or its stem unknown), 1 malformed. */
static int tm_line(const kb *k, kb_tmodel *m, tm_last *last, char *line)
{
    char *tab = strchr(line, '\t'), *end;
    double w;
    if (!tab)
        return 1;
    if (!tm_weight_fast(line, &w)) {
        w = strtod(line, &end);
        if (end != tab)
            return 1;
    }
    char *f = tab + 1, *cr = strchr(f, '\r');   /* the line has no '\n' */
    if (cr)
        *cr = '\0';
    uint64_t key;
    int rc = tm_parse(k, last, f, &key);
    if (rc > 0)
        tm_put(m, key, (float)w);
    return rc < 0;
}

/* One line (NUL-terminated, no '\n') into m: 0, 1 malformed.  *th and
 * *have_bias: the headers so far. */
static int tm_one(const kb *k, kb_tmodel *m, tm_last *last, char *line,
                  double *th, int *have_bias)
{
    if (line[0] == '#' || line[0] == '\0')
        return 0;
    /* a header's first letter first: weight lines start otherwise */
    if (line[0] == 't' && tm_header(line, "threshold", th))
        return 0;
    if (line[0] == 'b' && tm_header(line, "bias", &m->bias)) {
        *have_bias = 1;
        return 0;
    }
    return *th <= 0 || *th >= 1 || !*have_bias || tm_line(k, m, last, line);
}

/* The file's text buf[0 .. n) (n_lines its '\n's) into m (arena); buf
 * is cut into lines in place.  0, 1 reported (file:line), -1 on OOM. */
static int tm_read(kb *k, char *buf, size_t n, size_t n_lines, kb_tmodel *m,
                   const char *path, kb_diag *d)
{
    double th = -1;
    int lineno = 0, have_bias = 0;
    tm_last last = {0};
    for (m->cap = 16; m->cap < 2 * n_lines; m->cap *= 2)
        ;
    m->keys = kb_arena_alloc(&k->arena, m->cap * sizeof *m->keys);
    m->w = kb_arena_alloc(&k->arena, m->cap * sizeof *m->w);
    if (!m->keys || !m->w)
        return -1;
    memset(m->keys, 0, m->cap * sizeof *m->keys);
    for (char *p = buf, *end = buf + n; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        *le = '\0';
        lineno++;
        /* 511 bytes: what a line could hold when read by fgets */
        if (le - p >= 511 || tm_one(k, m, &last, p, &th, &have_bias))
            return kb_diag_add(d, KB_ERROR, path, lineno, NULL, "expected "
                               "\"threshold T\" (0 < T < 1) and \"bias B\" "
                               "lines, then \"weight<TAB>stem\" or "
                               "\"weight<TAB>stem stem\"") < 0 ? -1 : 1;
        p = le + 1;
    }
    if (th <= 0 || th >= 1 || !have_bias)
        return kb_diag_add(d, KB_ERROR, path, lineno, NULL, "no \"threshold\" "
                           "or \"bias\" line") < 0 ? -1 : 1;
    m->logit = log(th / (1 - th));
    return 0;
}

/* The whole of f, NUL-terminated, in *buf (caller frees with free), its
 * length in *n and its '\n's in *n_lines.  0, 1 on a read error, -1 on
 * OOM. */
static int tm_slurp(FILE *f, char **buf, size_t *n, size_t *n_lines)
{
    size_t cap = 1 << 16, len = 0;
    char *b = malloc(cap);
    while (b) {
        len += fread(b + len, 1, cap - len - 1, f);
        if (len < cap - 1)
            break;
        char *nb = realloc(b, cap * 2);
        if (!nb) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    if (!b)
        return -1;
    if (ferror(f)) {
        free(b);
        return 1;
    }
    b[len] = '\0';
    *n_lines = 0;
    for (const char *p = b; (p = memchr(p, '\n', len - (size_t)(p - b)));
         p++)
        ++*n_lines;
    *buf = b;
    *n = len;
    return 0;
}

/* Load dir/triage-model.tsv if present, after the index (every term is
 * known then).  -1 on OOM. */
int kb_tmodel_load(kb *k, const char *dir, kb_diag *d)
{
    char path[4096], *buf = NULL;
    size_t len = 0, n_lines = 0;
    FILE *f;
    if (kb_open_optional(dir, "triage-model.tsv", path, sizeof path, &f, d))
        return 0;   /* absent, or reported */
    int rc = tm_slurp(f, &buf, &len, &n_lines);
    fclose(f);
    if (rc != 0)
        return rc < 0 || kb_diag_add(d, KB_ERROR, path, 0, NULL,
                                     "cannot read") < 0 ? -1 : 0;
    kb_tmodel m = {0};
    rc = tm_read(k, buf, len, n_lines, &m, path, d);
    free(buf);
    if (rc == 0)
        k->tmodel = m;
    return rc < 0 ? -1 : 0;
}

static inline __attribute__((always_inline))
float tm_weight(const kb_tmodel *m, uint64_t key)
{
    for (size_t i = tm_slot(m, key); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (m->keys[i] == key + 1)
            return m->w[i];
    return 0;
}

/* The model's sum for the last kb_triage_scan (s->lex): bias, plus the
 * weight of each stem and each adjacent pair as often as they occur. */
static double tm_sum(const kb_tmodel *m, const kb_scratch *s)
{
    const uint32_t *t = s->lex.terms.v;
    size_t n = s->lex.terms.n;
    double z = m->bias;
    for (size_t i = 0; i < n; i++) {
        if (t[i] == KB_TERM_NONE)
            continue;
        z += tm_weight(m, tm_key(t[i], TM_NONE));
        if (i + 1 < n && t[i + 1] != KB_TERM_NONE)
            z += tm_weight(m, tm_key(t[i], t[i + 1]));
    }
    return z;
}

/* After kb_triage_scan found no rule: 1 if the model fires on the
 * question, 0 if not (or there is no model). */
int kb_tmodel_fires(const kb *k, const kb_scratch *s)
{
    return k->tmodel.cap && tm_sum(&k->tmodel, s) >= k->tmodel.logit;
}

const char **kb_term_names(const kb *k, size_t *n)
{
    *n = k->terms.count;
    const char **names = calloc(*n + 1, sizeof *names);
    if (!names)
        return NULL;
    for (size_t i = 0; i < k->terms.cap; i++) {
        const kb_map_slot *sl = &k->terms.slots[i];
        if (sl->key && sl->val < *n)
            names[sl->val] = sl->key;
    }
    return names;
}

/* The triage reading of text, stems separated by spaces, "?" for a word
 * the knowledge never uses: what the model's features are made of.
 * Returns a string the caller frees, NULL on OOM. */
char *kb_triage_terms(const kb *k, kb_scratch *s, const char *const *names,
                      size_t n, const char *text, size_t len)
{
    size_t cap = 1;
    if (kb_triage_scan(k, s, text, len) < 0)
        return NULL;
    const uint32_t *t = s->lex.terms.v;
    for (size_t i = 0; i < s->lex.terms.n; i++)
        cap += (t[i] < n && names[t[i]] ? strlen(names[t[i]]) : 1) + 1;
    char *out = malloc(cap), *p = out;
    for (size_t i = 0; out && i < s->lex.terms.n; i++) {
        const char *w = t[i] < n && names[t[i]] ? names[t[i]] : "?";
        p += sprintf(p, "%s%s", i ? " " : "", w);
    }
    if (out)
        *p = '\0';
    return out;
}
