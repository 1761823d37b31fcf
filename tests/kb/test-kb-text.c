/* Tests for bot/kb-text.c: folding, tokens, stemming. */
#include <criterion/criterion.h>
#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

#include "kb-build.h"

typedef struct joined {
    char buf[1024];
    size_t n;
} joined;

static int join_cb(const char *tok, size_t len, void *ctx)
{
    joined *j = ctx;
    if (j->n)
        j->buf[j->n++] = '|';
    memcpy(j->buf + j->n, tok, len);
    j->n += len;
    j->buf[j->n] = '\0';
    return 0;
}

static const char *toks(const char *text, size_t len, size_t max)
{
    static joined j;
    memset(&j, 0, sizeof j);
    cr_assert_eq(kb_text_tokenize(text, len, max, join_cb, &j), 0);
    return j.buf;
}

#define TOKS(s) toks((s), strlen(s), (size_t)-1)

Test(kb_text, ascii_words_and_punctuation)
{
    cr_assert_str_eq(TOKS("Hello, World! How's it going?"),
                     "hello|world|how|it|going");
    cr_assert_str_eq(TOKS("tummy-time...really?!"), "tummy|time|really");
    cr_assert_str_eq(TOKS(""), "");
    cr_assert_str_eq(TOKS("  \t\n "), "");
}

Test(kb_text, accents_and_case_are_folded)
{
    cr_assert_str_eq(TOKS("BÉBÉ"), "bebe");
    cr_assert_str_eq(TOKS("Crème Brûlée"), "creme|brulee");
    cr_assert_str_eq(TOKS("Straße"), "strasse");
}

Test(kb_text, compatibility_forms_are_folded)
{
    cr_assert_str_eq(TOKS("\xEF\xAC\x81ne"), "fine");            /* ﬁ ligature */
    cr_assert_str_eq(TOKS("\xEF\xBC\xA2\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xB9"),
                     "baby");                                   /* fullwidth */
}

Test(kb_text, apostrophes)
{
    cr_assert_str_eq(TOKS("my baby's tummy"), "my|baby|tummy");
    cr_assert_str_eq(TOKS("baby\xE2\x80\x99s sleep"), "baby|sleep"); /* ’ */
    cr_assert_str_eq(TOKS("don't"), "dont");
    cr_assert_str_eq(TOKS("the babies' room"), "the|babies|room");
    cr_assert_str_eq(TOKS("'quoted'"), "quoted");
}

Test(kb_text, emoji_and_symbols_separate)
{
    cr_assert_str_eq(TOKS("massage\xF0\x9F\x98\x80time"), "massage|time");
    cr_assert_str_eq(TOKS("\xF0\x9F\x91\xB6\xF0\x9F\x8F\xBD sleep"), "sleep");
    cr_assert_str_eq(TOKS("<script>alert(1)</script>"),
                     "script|alert|1|script");
}

Test(kb_text, invalid_utf8_is_replaced_not_trusted)
{
    cr_assert_str_eq(TOKS("ab\xFF" "cd"), "ab|cd");
    cr_assert_str_eq(TOKS("sle\xC3" "ep"), "sle|ep");   /* truncated sequence */
    cr_assert_str_eq(TOKS("\xE2\x82"), "");             /* cut at the end */
}

Test(kb_text, letters_and_digits_split)
{
    cr_assert_str_eq(TOKS("IGF-1 igf1 8mo 30weeks"), "igf|1|igf|1|8|mo|30|weeks");
}

Test(kb_text, long_tokens_are_cut)
{
    char big[200];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cr_assert_eq(strlen(TOKS(big)), KB_TOKEN_MAX);
}

Test(kb_text, max_tokens_is_respected)
{
    cr_assert_str_eq(toks("one two three four", 18, 2), "one|two");
}

static void collect_term(const char *term, size_t len, void *ctx)
{
    join_cb(term, len, ctx);
}

Test(kb_text, stemming_joins_word_forms)
{
    joined j = {0};
    int n = kb_text_terms("english", "Sleeping sleeps slept sleep", 27,
                          collect_term, &j);
    cr_assert_eq(n, 4);
    cr_assert_str_eq(j.buf, "sleep|sleep|slept|sleep");
}

Test(kb_text, terms_drop_builtin_stopwords)
{
    joined j = {0};
    const char *q = "Does massage help my baby's digestion?";
    cr_assert_eq(kb_text_terms("english", q, strlen(q), collect_term, &j), 4);
    cr_assert_str_eq(j.buf, "massag|help|babi|digest");
}

Test(kb_text, unknown_language_fails)
{
    joined j = {0};
    cr_assert_eq(kb_text_terms("klingon", "x", 1, collect_term, &j), -1);
}

Test(kb_text, markup_is_detected)
{
    cr_assert_eq(kb_text_has_markup("<script>alert(1)</script>", 25), 1);
    cr_assert_eq(kb_text_has_markup("<img src=x onerror=alert(1)>", 28), 1);
    cr_assert_eq(kb_text_has_markup("a </b> b", 8), 1);
    cr_assert_eq(kb_text_has_markup("I <3 massage", 12), 0);
    cr_assert_eq(kb_text_has_markup("3 < 4 and 5 > 2", 15), 0);
    cr_assert_eq(kb_text_has_markup("<b", 2), 0);
}

/* ---- the index build's scan (kb-lex-scan.c) against kb_lex_run ------- */

/* An empty kb with the stopword "the" (term 0), as the build sees it. */
static kb *scan_kb(void)
{
    kb *k = calloc(1, sizeof *k);
    cr_assert_not_null(k);
    kb_arena_init(&k->arena);
    kb_arena_init(&k->text);
    kb_arena_init(&k->keys);
    kb_map_init(&k->terms, &k->keys);
    kb_map_init(&k->tokens, &k->keys);
    k->stem = sb_stemmer_new("english", NULL);
    cr_assert_not_null(k->stem);
    uint32_t t;
    cr_assert_eq(kb_lex_intern(k, "the", 3, &t), 0);
    cr_assert_eq(kb_map_put(&k->tokens, "the", 3, t | KB_TOK_STOP, NULL), 0);
    return k;
}

Test(kb_text, scan_gives_the_terms_lex_run_gives)
{
    char longw[100], big[3000];
    memset(longw, 'Q', sizeof longw - 1);     /* cut at KB_TOKEN_MAX */
    longw[sizeof longw - 1] = '\0';
    for (size_t i = 0; i + 1 < sizeof big; i++)
        big[i] = "Ab1 cd-EFghijklmn 22 the\n"[i % 25];
    big[sizeof big - 1] = '\0';
    const char *texts[] = {
        "Massaging BABIES helps 30weeks the massaging",
        "", "   ", "12 345", "igf1 IGF-1 8mo a1b2c3", "the THE The",
        "supercalifragilistic supercalifragilistics abcdefgh abcdefghi",
        "baby's don't", "caf\xc3\xa9 na\xc3\xafve babies", "tummy\xe2\x80\x99s",
        "emoji \xf0\x9f\x98\x80 here", "bad \xff byte", longw, big,
        "Massaging again, and supercalifragilistics; EFGHIJKLMN!",
        /* prefixes (kb_sword.prefix): words of 1 to 9 letters, at a
         * text's end, the bytes around the letters' range, long runs cut */
        "abcdefgh abcdefg abcdefghijklmnop abcdefghijklmnopq x yz",
        "a@b[c`d{e\x7f\x01" "f\tGHIJKLMNOPQ]r^s_t~u|v}w?x/y:z.",
        "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[`abcdefghijklmnopqrstuvwxyz{ end",
        "Zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
        "zzzzzzzzzzzzzzzzzz tail1 ONEtwoTHREEfourFIVEsixSEVENeightNINE",
        "massagingbabies\nbabiesmassaging\r\nMassagingBabies.",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl "
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm",
        "ab", "abcdefg", "abcdefgh", "abcdefghi", "x1y2z3 7 q",
    };
    size_t n = sizeof texts / sizeof texts[0];
    kb *a = scan_kb(), *b = scan_kb();
    kb_lexout la = {0}, lb = {0};
    kb_scan s = {0};
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(kb_scan_text(&s, &b->tokens, texts[i]), 0);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(kb_lex_run(a, a->stem, texts[i], strlen(texts[i]),
                                KB_LEX_INTERN | KB_LEX_SYN, (size_t)-1, &la),
                     0);
        cr_assert_eq(kb_scan_lex(b, &s, i, texts[i], &lb), 0);
        cr_assert_eq(lb.terms.n, la.terms.n, "text %zu", i);
        for (size_t j = 0; j < la.terms.n; j++)
            cr_assert_eq(lb.terms.v[j], la.terms.v[j], "text %zu", i);
        if (i == 0) {   /* massag babi help week massag */
            const uint32_t want[] = {1, 2, 3, 4, 1};
            cr_assert_eq(lb.terms.n, 5);
            cr_assert_arr_eq(lb.terms.v, want, sizeof want);
            cr_assert_str_eq(b->term_text[2], "babi");
        }
    }
    cr_assert_eq(b->n_terms, a->n_terms);
    cr_assert_eq(b->tokens.count, a->tokens.count);
    for (size_t t = 0; t < a->n_terms; t++)
        cr_assert_str_eq(b->term_text[t], a->term_text[t]);
    kb_scan_reset(&s);
    cr_assert_eq(s.n_t, 0);
    kb_scan_free(&s);
    kb_lexout_free(&la);
    kb_lexout_free(&lb);
    kb_free(a);
    kb_free(b);
}

/* scan_kb() with two synonym rules, "babi" -> "infant" and "tummi time"
 * -> "belli", indexed as at load (kb_lex_syn_index). */
static kb *scan_syn_kb(void)
{
    kb *k = scan_kb();
    uint32_t babi, infant, tummi, time, belli;
    cr_assert_eq(kb_lex_intern(k, "babi", 4, &babi), 0);
    cr_assert_eq(kb_lex_intern(k, "infant", 6, &infant), 0);
    cr_assert_eq(kb_lex_intern(k, "tummi", 5, &tummi), 0);
    cr_assert_eq(kb_lex_intern(k, "time", 4, &time), 0);
    cr_assert_eq(kb_lex_intern(k, "belli", 5, &belli), 0);
    kb_syn_rule *rules = malloc(2 * sizeof *rules);   /* kb_free frees */
    cr_assert_not_null(rules);     /* sorted by from[0]: babi < tummi */
    rules[0] = (kb_syn_rule){1, 1, {babi}, {infant}};
    rules[1] = (kb_syn_rule){2, 1, {tummi, time}, {belli}};
    k->syn[0] = (kb_syn){rules, 2, 0};
    k->features = KB_FEAT_SYNONYMS;
    cr_assert_eq(kb_lex_syn_index(k), 0);
    return k;
}

Test(kb_text, scan_lex_all_gives_what_scan_lex_gives)
{
    const char *texts[] = {
        "Massaging babies at tummy time",      /* both rules */
        "no rule here, only new words",
        "time for the tummy: tummies TIME",    /* a rule on its second try */
        "", "the the", "baby's first massage", /* slow: kb_lex_run */
        "infant babies belly",
    };
    size_t n = sizeof texts / sizeof texts[0];
    for (int syn = 0; syn < 2; syn++) {
        kb *a = syn ? scan_syn_kb() : scan_kb();
        kb *b = syn ? scan_syn_kb() : scan_kb();
        kb_lexout la = {0}, tmp = {0};
        kb_u32buf et = {0};
        kb_scan s = {0};
        uint32_t off[sizeof texts / sizeof texts[0] + 1];
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(kb_scan_text(&s, &b->tokens, texts[i]), 0);
        et.n = 0;
        cr_assert_eq(kb_u32buf_push(&et, 12345), 0);   /* appended after */
        uint32_t pf[64];   /* fetched ahead: any memory will do */
        cr_assert_eq(kb_scan_lex_all(b, &s, texts, &tmp, &et, off,
                                     syn ? pf : NULL, sizeof *pf), 0);
        cr_assert_eq(off[0], 1);
        for (size_t i = 0; i < n; i++) {
            cr_assert_eq(kb_lex_run(a, a->stem, texts[i], strlen(texts[i]),
                                    KB_LEX_INTERN | KB_LEX_SYN, (size_t)-1,
                                    &la), 0);
            cr_assert_eq(off[i + 1] - off[i], la.terms.n, "text %zu", i);
            for (size_t j = 0; j < la.terms.n; j++)
                cr_assert_eq(et.v[off[i] + j], la.terms.v[j], "text %zu", i);
        }
        cr_assert_eq(off[n], et.n);
        if (syn) {   /* infant belli infant: the rules did apply */
            uint32_t t;
            cr_assert(kb_map_find(&b->terms, "infant", 6, &t));
            cr_assert_eq(et.v[off[0] + 1], t);
            cr_assert_eq(et.v[off[6]], t);
            cr_assert_eq(et.v[off[6] + 1], t);
        }
        cr_assert_eq(b->n_terms, a->n_terms);
        for (size_t t = 0; t < a->n_terms; t++)
            cr_assert_str_eq(b->term_text[t], a->term_text[t]);
        kb_scan_free(&s);
        kb_lexout_free(&la);
        kb_lexout_free(&tmp);
        kb_u32buf_free(&et);
        kb_free(a);
        kb_free(b);
    }
}
