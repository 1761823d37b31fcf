/*
 * kb-text.c - Unicode folding, tokenizing and stemming.  Folding is the
 * compatibility decomposition of each character (NFKC-equivalent for
 * matching), case folded, accents stripped, all via utf8proc; tokens are
 * runs of letters and digits.  Nothing here allocates.
 */
#include "kb-ascii.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

const char *const kb_text_default_stopwords[] = {
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on",
    "at", "for", "with", "by", "from", "about", "as", "into", "is", "are",
    "was", "were", "be", "been", "being", "am", "do", "does", "did", "i",
    "me", "my", "we", "our", "you", "your", "he", "she", "it", "its",
    "they", "them", "their", "this", "that", "these", "those", "what",
    "which", "who", "whom", "how", "so", "can", "could", "would", "should",
    "will", "shall", "may", "might", "must", "has", "have", "had", "there",
    "here", "then", "than", "too", "very", "just", "also", "any", "some",
    "s", "t", "im", "ive", "id", NULL
};

enum { CP_SEP = 0, CP_WORD, CP_MARK, CP_APOS };

static int cp_class(utf8proc_int32_t cp)
{
    if (cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC ||
        cp == 0xFF07)
        return CP_APOS;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return CP_WORD;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return CP_MARK;
    default:
        return CP_SEP;
    }
}

/* Next code point at text[*pos]; invalid bytes read as U+FFFD. */
static utf8proc_int32_t next_cp(const char *text, size_t len, size_t *pos)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)text + *pos,
                                          (utf8proc_ssize_t)(len - *pos), &cp);
    if (n <= 0) {
        *pos += 1;
        return 0xFFFD;
    }
    *pos += (size_t)n;
    return cp;
}

typedef struct tok_state {
    char buf[KB_TOKEN_MAX + 8];
    size_t bl, emitted, max;
    int digits;            /* the pending token is a number */
    kb_tok_fn fn;
    void *ctx;
} tok_state;

static int tok_flush(tok_state *t);

/* Letters and digits make separate tokens: "igf1" -> "igf" "1", "8mo" ->
 * "8" "mo", so each half meets its own spelling in the knowledge. */
static int tok_append(tok_state *t, utf8proc_int32_t cp)
{
    int digit = cp < 0x80 ? (cp >= '0' && cp <= '9')
                          : utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
    if (t->bl && digit != t->digits) {
        int rc = tok_flush(t);
        if (rc)
            return rc;
    }
    t->digits = digit;
    if (cp < 0x80) {
        if (t->bl < KB_TOKEN_MAX)
            t->buf[t->bl++] = (char)cp;
        return 0;
    }
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, enc);
    if (n <= 0 || t->bl + (size_t)n > KB_TOKEN_MAX)
        return 0;   /* over-long tokens are cut */
    memcpy(t->buf + t->bl, enc, (size_t)n);
    t->bl += (size_t)n;
    return 0;
}

/* Emit the pending token; returns fn's nonzero result, 1 when max reached. */
static int tok_flush(tok_state *t)
{
    if (t->bl == 0)
        return 0;
    t->buf[t->bl] = '\0';
    int rc = t->fn(t->buf, t->bl, t->ctx);
    t->bl = 0;
    if (rc)
        return rc;
    return ++t->emitted >= t->max ? 1 : 0;
}

/* Fold one code point into the token (or end the token). */
static int tok_fold(tok_state *t, utf8proc_int32_t cp)
{
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
            return tok_append(t, cp);
        if (cp >= 'A' && cp <= 'Z')
            return tok_append(t, cp + 32);
        return tok_flush(t);
    }
    utf8proc_int32_t dst[32];
    int last = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(
        cp, dst, 32, UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK
        | UTF8PROC_DECOMPOSE, &last);
    if (n < 0 || n > 32)
        return tok_flush(t);
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        int c = cp_class(dst[i]), rc = 0;
        if (c == CP_WORD)
            rc = tok_append(t, dst[i]);
        else if (c != CP_MARK)
            rc = tok_flush(t);
        if (rc)
            return rc;
    }
    return 0;
}

/* An apostrophe inside a word: "'s" + end of word is dropped ("baby's"),
 * otherwise the word continues ("don't" -> "dont"). */
static int tok_apostrophe(tok_state *t, const char *text, size_t len,
                          size_t *pos)
{
    if (t->bl == 0)
        return 0;
    size_t p = *pos;
    utf8proc_int32_t c1 = p < len ? next_cp(text, len, &p) : ' ';
    if (cp_class(c1) != CP_WORD)
        return tok_flush(t);
    if (c1 == 's' || c1 == 'S') {
        size_t p2 = p;
        utf8proc_int32_t c2 = p2 < len ? next_cp(text, len, &p2) : ' ';
        if (cp_class(c2) != CP_WORD && c2 != '\'') {
            *pos = p;
            return tok_flush(t);
        }
    }
    return 0;
}

/* ASCII byte -> its folded letter or digit, 0 for a separator. */
static unsigned char ascii_fold(unsigned char b)
{
    if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9'))
        return b;
    return b >= 'A' && b <= 'Z' ? (unsigned char)(b + 32) : 0;
}

/* Byte -> its folded ASCII letter or digit, 0 for anything else (what
 * ascii_fold says, as a table for the run loops; kb-ascii.h). */
const unsigned char kb_ascii_fold[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 0, 0, 0, 0, 0, 0,
    0, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 0, 0, 0, 0, 0,
    0, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 0, 0, 0, 0, 0,
};   /* bytes >= 0x80: 0 */

/* One ASCII byte other than the apostrophe: what tok_fold does with it,
 * without the calls. */
static int tok_ascii(tok_state *t, unsigned char b)
{
    unsigned char c = ascii_fold(b);
    if (!c)
        return t->bl ? tok_flush(t) : 0;
    int digit = c <= '9';
    if (t->bl && digit != t->digits) {
        int rc = tok_flush(t);
        if (rc)
            return rc;
    }
    t->digits = digit;
    if (t->bl < KB_TOKEN_MAX)
        t->buf[t->bl++] = (char)c;
    return 0;
}

/* After tok_ascii put a letter or digit in the token: the bytes from
 * pos that continue it (ASCII letters, or digits, as the token is), in a
 * loop with the token's length in a register; returns where it stops
 * (the next byte is for tok_ascii or the slow path). */
static size_t tok_run(tok_state *t, const char *text, size_t len, size_t pos)
{
    size_t bl = t->bl;
    int digits = t->digits;
    for (; pos < len; pos++) {
        unsigned char b = (unsigned char)text[pos];
        unsigned char c = kb_ascii_fold[b];
        if (!c || (c <= '9') != digits)
            break;
        if (bl < KB_TOKEN_MAX)
            t->buf[bl++] = (char)c;
    }
    t->bl = bl;
    return pos;
}

int kb_text_tokenize(const char *text, size_t len, size_t max_tokens,
                     kb_tok_fn fn, void *ctx)
{
    tok_state t = {.bl = 0, .emitted = 0, .max = max_tokens, .fn = fn,
                   .ctx = ctx};
    if (max_tokens == 0)
        return 0;
    size_t pos = 0;
    while (pos < len) {
        utf8proc_int32_t cp = (unsigned char)text[pos];
        if (cp < 0x80 && cp != '\'') {
            int rc = tok_ascii(&t, (unsigned char)cp);
            pos++;
            if (rc)
                return rc < 0 ? rc : 0;   /* > 0: max_tokens reached */
            if (t.bl)
                pos = tok_run(&t, text, len, pos);
            continue;
        }
        if (cp < 0x80)
            pos++;   /* the apostrophe */
        else
            cp = next_cp(text, len, &pos);
        int apos = cp == '\'' || (cp >= 0x80 && cp_class(cp) == CP_APOS);
        int rc = apos ? tok_apostrophe(&t, text, len, &pos) : tok_fold(&t, cp);
        if (rc)
            return rc < 0 ? rc : 0;   /* > 0: max_tokens reached */
    }
    int rc = tok_flush(&t);
    return rc < 0 ? rc : 0;
}

/* kb_ascii_tokens' caller for kb_text_tokenize_ascii. */
typedef struct htok_ctx {
    kb_htok_fn fn;
    void *ctx;
} htok_ctx;

static int htok_cb(void *vctx, const char *tok, const kb_atok *t, int digits)
{
    const htok_ctx *c = vctx;
    (void)digits;
    return c->fn(tok, t->len, t->hash, c->ctx);
}

int kb_text_tokenize_ascii(const char *text, size_t len, size_t max_tokens,
                           kb_htok_fn fn, void *ctx)
{
    htok_ctx c = {fn, ctx};
    return kb_ascii_tokens(text, len, max_tokens, htok_cb, &c);
}

int kb_text_stem(struct sb_stemmer *st, const char *tok, size_t len,
                 const char **out, size_t *outlen)
{
    const sb_symbol *s = sb_stemmer_stem(st, (const sb_symbol *)tok, (int)len);
    if (!s)
        return -1;
    *out = (const char *)s;
    *outlen = (size_t)sb_stemmer_length(st);
    return 0;
}

size_t kb_text_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* ---- kb_text_terms: the pipeline without a knowledge base ------------- */

typedef struct terms_ctx {
    struct sb_stemmer *st;
    kb_term_fn fn;
    void *ctx;
    int count;
} terms_ctx;

static int is_default_stop(const char *tok)
{
    for (size_t i = 0; kb_text_default_stopwords[i]; i++) {
        if (strcmp(kb_text_default_stopwords[i], tok) == 0)
            return 1;
    }
    return 0;
}

static int terms_cb(const char *tok, size_t len, void *vctx)
{
    terms_ctx *c = vctx;
    if (is_default_stop(tok))
        return 0;
    const char *stem;
    size_t sl;
    if (kb_text_stem(c->st, tok, len, &stem, &sl) < 0)
        return -1;
    char buf[KB_TOKEN_MAX * 2 + 1];
    if (sl >= sizeof buf)
        sl = sizeof buf - 1;
    memcpy(buf, stem, sl);
    buf[sl] = '\0';
    c->fn(buf, sl, c->ctx);
    c->count++;
    return 0;
}

int kb_text_terms(const char *language, const char *text, size_t len,
                  kb_term_fn fn, void *ctx)
{
    terms_ctx c = {sb_stemmer_new(language ? language : "english", NULL),
                   fn, ctx, 0};
    if (!c.st)
        return -1;
    int rc = kb_text_tokenize(text, len, (size_t)-1, terms_cb, &c);
    sb_stemmer_delete(c.st);
    return rc < 0 ? -1 : c.count;
}

/* Does text contain an HTML/XML tag ("<b>", "</script>", "<img src=x>")?
 * Parents do not type markup; a question that does is not answered. */
int kb_text_has_markup(const char *text, size_t len)
{
    for (size_t i = 0; i + 2 < len; i++) {
        const char *lt = memchr(text + i, '<', len - 2 - i);
        if (!lt)
            break;
        i = (size_t)(lt - text);
        size_t j = i + 1 + (text[i + 1] == '/');
        char c = j < len ? text[j] : 0;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            continue;
        while (j < len && text[j] != '>' && text[j] != '<')
            j++;
        if (j < len && text[j] == '>')
            return 1;
    }
    return 0;
}
