/* The function-word tie-break (kb-fwords.c): two entries equal but for
 * their function words; the one sharing the query's function words is
 * ranked first, with the scores (and so the decision) left as they were;
 * a query without function words is ranked as without the tie-break;
 * each entry's stored function words are those of its questions and
 * title, the plain-ASCII and the slow (non-ASCII) lexing path alike. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kb-impl.h"
#include "kbdir.h"

static char dir[64];

/* e0 and e1 hold the same content words in the same places ("start
 * massage", "naive massage start", title "... start massage"); only
 * their function words differ: e0 how, would, i, the, to; e1 when, can,
 * i, of, to; both answers say "so".  The second questions are not plain
 * ASCII ("naïve"): kb_lex_run lexes them at index time. */
static void make_kb(void)
{
    kbdir_make(dir, sizeof dir, "fwords");
    kbdir_write(dir, "stopwords.txt",
                "how\nwould\ni\nto\nwhen\ncan\nthe\nof\nso\n");
    kbdir_write(dir, "entries/all.json",
        "{\"entries\": [\n"
        " {\"id\": \"e0\", \"title\": \"How to start massage\",\n"
        "  \"questions\": [\"how would I start massage\",\n"
        "                 \"na\\u00efve massage start the\"],\n"
        "  \"answer\": \"Gentle strokes, so calm.\",\n"
        "  \"citations\": [{\"source\": \"src\", \"section\": \"S\"}]},\n"
        " {\"id\": \"e1\", \"title\": \"When to start massage\",\n"
        "  \"questions\": [\"when can I start massage\",\n"
        "                 \"na\\u00efve massage start of\"],\n"
        "  \"answer\": \"Gentle strokes, so calm.\",\n"
        "  \"citations\": [{\"source\": \"src\", \"section\": \"S\"}]}\n"
        "]}\n");
}

/* k0: fw_bonus 0 (no tie-break), k1: the default. */
static kb *k0, *k1;
static kb_scratch *s;

static void setup(void)
{
    make_kb();
    k1 = kbdir_load(dir);
    kbdir_write(dir, "matching.json", "{\"fw_bonus\": 0}");
    k0 = kbdir_load(dir);
    s = kb_scratch_new();
    cr_assert_not_null(s);
}

static void teardown(void)
{
    kb_scratch_free(s);
    kb_free(k0);
    kb_free(k1);
    kbdir_drop(dir);
}

static kb_result match(const kb *k, const char *q)
{
    kb_result r;
    cr_assert_eq(kb_match(k, s, q, strlen(q), &r), 0);
    cr_assert_not_null(r.best, "%s: no best entry", q);
    return r;
}

TestSuite(kb_fwords, .init = setup, .fini = teardown);

Test(kb_fwords, shared_function_words_win_the_tie)
{
    const char *q = "when can I start massage";
    kb_result r0 = match(k0, q), r1 = match(k1, q);
    /* without the tie-break the equal pair keeps entry order */
    cr_assert_str_eq(r0.best->id, "e0");
    cr_assert_str_eq(r1.best->id, "e1");
    /* the order changes, not the scores */
    cr_assert_eq(r1.score, r0.score);
    cr_assert_eq(r1.confidence, r0.confidence);
    cr_assert_eq(r1.status, r0.status);
    cr_assert_str_eq(match(k1, "how would I start massage").best->id, "e0");
    /* lint's leave-one-out (here e0's second question, which leaves
     * the pair equal): an entry's function words include the held-out
     * question's, so there is no tie-break */
    kb_result rs;
    cr_assert_eq(kb_match_skip(k1, s, q, strlen(q),
                               (long)k1->entry_alt_off[0] + 1, &rs), 0);
    cr_assert_not_null(rs.best);
    cr_assert_str_eq(rs.best->id, "e0");
    /* the slow path's words count too: "of" is e1's, from "naïve ..." */
    cr_assert_str_eq(match(k1, "start of massage").best->id, "e1");
    cr_assert_str_eq(match(k1, "start the massage").best->id, "e0");
}

Test(kb_fwords, no_function_words_no_change)
{
    const char *qs[] = {"start massage", "naive massage start",
                        "massage start zzqx"};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        kb_result r0 = match(k0, qs[i]), r1 = match(k1, qs[i]);
        cr_assert_str_eq(r1.best->id, r0.best->id, "%s", qs[i]);
        cr_assert_str_eq(r1.best->id, "e0", "%s", qs[i]);
        cr_assert_eq(r1.score, r0.score, "%s", qs[i]);
        cr_assert_eq(r1.confidence, r0.confidence, "%s", qs[i]);
        cr_assert_eq(r1.status, r0.status, "%s", qs[i]);
    }
}

/* A best entry put first by function words is never answered outright:
 * its confidence was read from the entry first before the tie-break.
 * close_ratio above 1 and the confidence thresholds at 0 make every
 * other question an outright answer. */
Test(kb_fwords, reordered_best_is_offered_not_answered)
{
    const char *q = "when can I start massage";
    kb_free(k0);
    kb_free(k1);
    kbdir_write(dir, "matching.json",
                "{\"fw_bonus\": 0, \"close_ratio\": 2, "
                "\"conf_answer\": 0, \"conf_ambiguous\": 0}");
    k0 = kbdir_load(dir);
    kbdir_write(dir, "matching.json", "{\"close_ratio\": 2, "
                "\"conf_answer\": 0, \"conf_ambiguous\": 0}");
    k1 = kbdir_load(dir);
    kb_result r0 = match(k0, q), r1 = match(k1, q);
    cr_assert_eq(r0.status, KB_ANSWERED);
    cr_assert_str_eq(r0.entry->id, "e0");
    cr_assert_eq(r1.status, KB_AMBIGUOUS);
    cr_assert_null(r1.entry);
    cr_assert_eq(r1.n_suggestions, 2);
    cr_assert_str_eq(r1.suggestions[0]->id, "e1");
    cr_assert_str_eq(r1.suggestions[1]->id, "e0");
    /* not reordered: answered as before */
    kb_result r2 = match(k1, "how would I start massage");
    cr_assert_eq(r2.status, KB_ANSWERED);
    cr_assert_str_eq(r2.entry->id, "e0");
}

/* Entry e's function words (stems) joined by spaces, in id order. */
static void words_of(const kb *k, uint32_t e, char *out, size_t cap)
{
    const char *w[64];
    size_t n = kb_fw_of_entry(k, e, w, 64);
    cr_assert_leq(n, 64);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%s", i ? " " : "", w[i]);
    }
}

Test(kb_fwords, stored_lists_match_the_questions_and_title)
{
    char got[256];
    /* ids in the order the entries meet the words: e0's first question,
     * its second (slow path), its title; then e1's */
    words_of(k1, 0, got, sizeof got);
    cr_assert_str_eq(got, "how would i the to");
    words_of(k1, 1, got, sizeof got);
    cr_assert_str_eq(got, "i to when can of");
    cr_assert_eq(kb_fw_of_entry(k1, 2, NULL, 0), 0);   /* no such entry */
    /* the answer's are not kept: "so" is only there */
    cr_assert_eq(k1->fw.n, 8);
}

/* ---- more than 64 function words: two mask words an entry ----------- */

/* Stopwords xa..xz, ya..yz, za..zz (78).  e0 holds the x and y ones;
 * e1 and e2 hold the same content words, e1 with xb, e2 with the z
 * ones and xa, whose ids (53..78) are past the first mask word. */
static void make_wide_kb(void)
{
    char stop[78 * 3 + 1], q[4][80];
    size_t n = 0;
    kbdir_make(dir, sizeof dir, "fwords");
    for (char a = 'x'; a <= 'z'; a++) {
        for (char b = 'a'; b <= 'z'; b++)
            n += (size_t)snprintf(stop + n, sizeof stop - n, "%c%c\n", a, b);
    }
    kbdir_write(dir, "stopwords.txt", stop);
    for (int i = 0; i < 4; i++) {   /* 13 x / y words each, in order */
        size_t len = 0;
        for (int j = 0; j < 13; j++) {
            int w = i * 13 + j;
            len += (size_t)snprintf(q[i] + len, sizeof q[i] - len, "%c%c ",
                                    w < 26 ? 'x' : 'y', 'a' + w % 26);
        }
        snprintf(q[i] + len, sizeof q[i] - len, "alpha");
    }
    char all[2048];
    snprintf(all, sizeof all,
        "{\"entries\": [\n"
        " {\"id\": \"e0\", \"title\": \"Alpha\", \"questions\": "
        "[\"%s\", \"%s\", \"%s\", \"%s\"], \"answer\": \"Alpha.\",\n"
        "  \"citations\": [{\"source\": \"src\", \"section\": \"S\"}]},\n"
        " {\"id\": \"e1\", \"title\": \"Start massage\", \"questions\": "
        "[\"xb start massage\", \"start massage xb\"],\n"
        "  \"answer\": \"Gentle.\",\n"
        "  \"citations\": [{\"source\": \"src\", \"section\": \"S\"}]},\n"
        " {\"id\": \"e2\", \"title\": \"Start massage\", \"questions\": "
        "[\"za zb zc zd ze zf zg zh zi zj zk zl zm start massage\",\n"
        "   \"zn zo zp zq zr zs zt zu zv zw zx zy zz xa start massage\"],\n"
        "  \"answer\": \"Gentle.\",\n"
        "  \"citations\": [{\"source\": \"src\", \"section\": \"S\"}]}\n"
        "]}\n", q[0], q[1], q[2], q[3]);
    kbdir_write(dir, "entries/all.json", all);
}

static void setup_wide(void)
{
    make_wide_kb();
    k1 = kbdir_load(dir);
    kbdir_write(dir, "matching.json", "{\"fw_bonus\": 0}");
    k0 = kbdir_load(dir);
    s = kb_scratch_new();
    cr_assert_not_null(s);
}

TestSuite(kb_fwords_wide, .init = setup_wide, .fini = teardown);

Test(kb_fwords_wide, ids_past_the_first_mask_word)
{
    char got[512], want[512];
    size_t n = 0;
    cr_assert_eq(k1->fw.n, 78);
    cr_assert_eq(k1->fw.words, 2);
    words_of(k1, 2, got, sizeof got);
    n += (size_t)snprintf(want, sizeof want, "xa");
    for (char b = 'a'; b <= 'z'; b++)
        n += (size_t)snprintf(want + n, sizeof want - n, " z%c", b);
    cr_assert_str_eq(got, want);
    words_of(k1, 1, got, sizeof got);
    cr_assert_str_eq(got, "xb");
    const char *q = "zy zz start massage";
    cr_assert_str_eq(match(k0, q).best->id, "e1");
    cr_assert_str_eq(match(k1, q).best->id, "e2");
    cr_assert_str_eq(match(k1, "xb start massage").best->id, "e1");
}
