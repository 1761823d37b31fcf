/* Tests for kb-load*.c: schema validation, all-or-nothing loading. */
#include <criterion/criterion.h>
#include <string.h>

#include "kb-index.h"

#define FIX "tests/kb/fixtures/"

static kb_diag d;

static void setup(void)
{
    kb_diag_init(&d);
}

static void teardown(void)
{
    kb_diag_free(&d);
}

/* Loading dir fails with exactly one error: file, entry, message. */
static void expect_one_error(const char *dir, const char *file,
                             const char *entry, const char *message)
{
    kb *k = kb_load(dir, &d);
    cr_assert_null(k, "%s loaded but should not", dir);
    cr_assert_eq(d.errors, 1, "%s: %zu errors", dir, d.errors);
    const kb_diag_item *it = NULL;
    for (size_t i = 0; i < d.count; i++) {
        if (d.items[i].severity == KB_ERROR)
            it = &d.items[i];
    }
    cr_assert_not_null(it);
    cr_assert_str_eq(it->file, file);
    if (entry)
        cr_assert_str_eq(it->entry, entry);
    else
        cr_assert_null(it->entry);
    cr_assert_str_eq(it->message, message);
}

TestSuite(kb_load, .init = setup, .fini = teardown);

Test(kb_load, good_fixture_loads)
{
    kb *k = kb_load(FIX "good", &d);
    cr_assert_not_null(k);
    cr_assert_eq(d.errors, 0);
    cr_assert_eq(kb_entry_count(k), 5);
    cr_assert_eq(kb_source_count(k), 1);
    const kb_entry *e = kb_find(k, "sleep");
    cr_assert_not_null(e);
    cr_assert_str_eq(e->title, "Massage and sleep");
    cr_assert_eq(e->n_questions, 8);
    cr_assert_eq(e->n_keywords, 5);
    cr_assert_eq(e->n_citations, 1);
    cr_assert_str_eq(e->citations[0].source_title, "A Test Article");
    cr_assert_str_eq(e->citations[0].section, "Sleep");
    cr_assert_eq(e->n_related, 1);
    cr_assert_str_eq(e->related[0], "session-length");
    cr_assert_str_eq(e->file, FIX "good/entries/sleep.json");
    cr_assert_null(kb_find(k, "nope"));
    const kb_source *s = kb_source_at(k, 0);
    cr_assert_str_eq(s->id, "src");
    cr_assert_null(s->url);
    cr_assert_eq(s->n_sections, 5);
    cr_assert_null(kb_entry_at(k, 5));
    kb_free(k);
}

Test(kb_load, entries_array_file_loads)
{
    kb *k = kb_load(FIX "multi", &d);
    cr_assert_not_null(k);
    cr_assert_eq(kb_entry_count(k), 2);
    cr_assert_str_eq(kb_entry_at(k, 0)->id, "sleep");
    cr_assert_str_eq(kb_entry_at(k, 1)->id, "massage-oil");
    kb_free(k);
}

Test(kb_load, json_syntax_error_has_file_and_line)
{
    expect_one_error(FIX "broken/syntax", FIX "broken/syntax/entries/sleep.json",
                     NULL, "string or '}' expected near ','");
    cr_assert_eq(d.items[0].line, 3);
    char buf[512];
    kb_diag_format(&d.items[0], buf, sizeof buf);
    cr_assert_str_eq(buf, FIX "broken/syntax/entries/sleep.json:3: string or "
                     "'}' expected near ','");
}

Test(kb_load, missing_field)
{
    expect_one_error(FIX "broken/missing-answer",
                     FIX "broken/missing-answer/entries/sleep.json", "sleep",
                     "missing field \"answer\"");
}

Test(kb_load, bad_id_syntax)
{
    expect_one_error(FIX "broken/bad-id", FIX "broken/bad-id/entries/sleep.json",
                     "Sleep Tips",
                     "id \"Sleep Tips\" must use only a-z, 0-9 and '-'");
}

Test(kb_load, duplicate_id_names_both_files)
{
    expect_one_error(FIX "broken/dup-id", FIX "broken/dup-id/entries/b.json",
                     "sleep", "duplicate id \"sleep\" (also in "
                     FIX "broken/dup-id/entries/a.json)");
}

Test(kb_load, dangling_related)
{
    expect_one_error(FIX "broken/dangling-related",
                     FIX "broken/dangling-related/entries/sleep.json", "sleep",
                     "related entry \"nope\" does not exist");
}

Test(kb_load, citation_unknown_source)
{
    expect_one_error(FIX "broken/unknown-source",
                     FIX "broken/unknown-source/entries/sleep.json", "sleep",
                     "citations[0]: unknown source \"nope\"");
}

Test(kb_load, citation_unknown_section)
{
    expect_one_error(FIX "broken/unknown-section",
                     FIX "broken/unknown-section/entries/sleep.json", "sleep",
                     "citations[0]: source \"src\" has no section \"Nope\"");
}

Test(kb_load, no_citations)
{
    expect_one_error(FIX "broken/no-citations",
                     FIX "broken/no-citations/entries/sleep.json", "sleep",
                     "needs \"citations\": an array of at least one "
                     "{\"source\", \"section\"}");
}

Test(kb_load, empty_answer)
{
    expect_one_error(FIX "broken/empty-answer",
                     FIX "broken/empty-answer/entries/sleep.json", "sleep",
                     "answer is empty");
}

Test(kb_load, answer_over_4096_bytes)
{
    expect_one_error(FIX "broken/long-answer",
                     FIX "broken/long-answer/entries/sleep.json", "sleep",
                     "answer is 4097 bytes, over the 4096-byte limit");
}

Test(kb_load, wrong_type)
{
    expect_one_error(FIX "broken/questions-type",
                     FIX "broken/questions-type/entries/sleep.json", "sleep",
                     "field \"questions\" must be an array of strings");
}

Test(kb_load, triage_reply_must_exist)
{
    expect_one_error(FIX "broken/bad-triage", FIX "broken/bad-triage/triage.json",
                     NULL, "reply_entry \"missing\" is not an entry");
}

Test(kb_load, triage_at_least_out_of_range)
{
    expect_one_error(FIX "broken/bad-at-least",
                     FIX "broken/bad-at-least/triage.json", "two-signs",
                     "\"at_least\" must be a whole number from 1 to the "
                     "number of \"any\" groups, and only with \"any\"");
}

Test(kb_load, triage_scope_must_be_known)
{
    expect_one_error(FIX "broken/bad-scope", FIX "broken/bad-scope/triage.json",
                     "net", "\"scope\" must be \"message\" or \"clause\"");
}

Test(kb_load, triage_max_age_must_be_positive)
{
    expect_one_error(FIX "broken/bad-max-age",
                     FIX "broken/bad-max-age/triage.json", "fever",
                     "\"max_age_days\" must be a whole number above 0");
}

Test(kb_load, triage_model_feature_is_one_or_two_stems)
{
    expect_one_error(FIX "broken/bad-model",
                     FIX "broken/bad-model/triage-model.tsv", NULL,
                     "expected \"threshold T\" (0 < T < 1) and \"bias B\" "
                     "lines, then \"weight<TAB>stem\" or \"weight<TAB>stem "
                     "stem\"");
}

Test(kb_load, synonym_group_needs_two_members)
{
    expect_one_error(FIX "broken/bad-synonyms",
                     FIX "broken/bad-synonyms/synonyms.json", NULL,
                     "groups[0]: must be an array of 2 or more strings");
}

Test(kb_load, all_or_nothing_and_every_problem)
{
    /* one valid entry and one broken in two ways: nothing loads, and both
     * problems of the broken one are reported */
    kb *k = kb_load(FIX "broken/one-bad-one-good", &d);
    cr_assert_null(k);
    cr_assert_eq(d.errors, 2);
    const char *file = FIX "broken/one-bad-one-good/entries/sleep.json";
    cr_assert_str_eq(d.items[0].file, file);
    cr_assert_str_eq(d.items[0].entry, "sleep");
    cr_assert_str_eq(d.items[0].message, "missing field \"title\"");
    cr_assert_str_eq(d.items[1].file, file);
    cr_assert_str_eq(d.items[1].entry, "sleep");
    cr_assert_str_eq(d.items[1].message,
                     "related entry \"gone\" does not exist");
}

Test(kb_load, missing_directory)
{
    kb *k = kb_load(FIX "does-not-exist", &d);
    cr_assert_null(k);
    cr_assert_eq(d.errors, 2);   /* no sources/, no entries/ */
    cr_assert_str_eq(d.items[0].file, FIX "does-not-exist/sources");
    cr_assert_str_eq(d.items[0].message,
                     "cannot open directory: No such file or directory");
}

Test(kb_load, null_diag_is_allowed)
{
    cr_assert_null(kb_load(FIX "broken/syntax", NULL));
    kb *k = kb_load(FIX "good", NULL);
    cr_assert_not_null(k);
    kb_free(k);
}

Test(kb_load, features_can_be_switched_off)
{
    kb_load_opts o = {KB_FEAT_ALL & ~KB_FEAT_SYNONYMS};
    kb *k = kb_load_ex(FIX "good", &o, &d);
    cr_assert_not_null(k);
    cr_assert_eq(kb_entry_count(k), 5);
    kb_free(k);
}

Test(kb_load, diag_format)
{
    kb_diag_add(&d, KB_ERROR, "a.json", 0, "x", "bad %s", "thing");
    kb_diag_add(&d, KB_WARNING, NULL, 0, NULL, "plain");
    char buf[128];
    kb_diag_format(&d.items[0], buf, sizeof buf);
    cr_assert_str_eq(buf, "a.json: entry 'x': bad thing");
    kb_diag_format(&d.items[1], buf, sizeof buf);
    cr_assert_str_eq(buf, "plain");
    cr_assert_eq(d.errors, 1);
    cr_assert_eq(d.warnings, 1);
    kb_diag_format(&d.items[0], buf, 8);
    cr_assert_str_eq(buf, "a.json:");
}

/* The impacts summed from per-length tables (kb-index-post.c) equal the
 * long way's, bit for bit, and so do the terms' highest impacts and
 * question weights: a fixture, and the bundled kb (frequencies of 15 and
 * more, which go the long way in both). */
Test(kb_load, impact_tables_give_the_long_way)
{
    const char *dirs[] = {FIX "good", "knowledge"};
    size_t keep = kb_ix_tab_len;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        kb_ix_tab_len = 0;     /* every impact the long way */
        kb *a = kb_load(dirs[i], &d);
        kb_ix_tab_len = keep;
        kb *b = kb_load(dirs[i], &d);
        cr_assert_not_null(a);
        cr_assert_not_null(b);
        size_t nt = a->n_terms, np = a->post_off[nt];
        cr_assert_eq(b->n_terms, nt);
        cr_assert_eq(b->post_off[nt], np);
        cr_assert_gt(np, 0);
        cr_assert_eq(memcmp(a->post_imp, b->post_imp, np * sizeof *a->post_imp),
                     0, "%s", dirs[i]);
        cr_assert_eq(memcmp(a->term_max, b->term_max, nt * sizeof *a->term_max),
                     0, "%s", dirs[i]);
        cr_assert_eq(memcmp(a->qw, b->qw, nt * sizeof *a->qw), 0, "%s",
                     dirs[i]);
        cr_assert_eq(a->imp_pos, b->imp_pos);
        kb_free(a);
        kb_free(b);
    }
}

/* The typo index of a, b equal: words (bytes, term, length,
 * frequency), masks, starts, deletion keys and buckets. */
static void typo_same(const kb_typo *a, const kb_typo *b, const char *dir)
{
    cr_assert_eq(a->n, b->n, "%s", dir);
    cr_assert_gt(a->n, 0, "%s", dir);
    size_t with_freq = 0;
    for (size_t i = 0; i < a->n; i++) {
        const kb_typo_word *x = &a->words[i], *y = &b->words[i];
        cr_assert_str_eq(x->s, y->s, "%s: word %zu", dir, i);
        cr_assert_eq(x->term, y->term, "%s: %s", dir, x->s);
        cr_assert_eq(x->len, y->len, "%s: %s", dir, x->s);
        cr_assert_eq(x->freq, y->freq, "%s: %s", dir, x->s);
        with_freq += x->freq > 0;
    }
    cr_assert_gt(with_freq, a->n / 4, "%s: frequencies set", dir);
    cr_assert_eq(memcmp(a->mask, b->mask, a->n * sizeof *a->mask), 0);
    cr_assert_eq(memcmp(a->start, b->start,
                        256 * (KB_TOKEN_MAX + 2) * sizeof *a->start), 0);
    cr_assert_eq(a->n_del, b->n_del, "%s", dir);
    cr_assert_gt(a->n_del, a->n, "%s: deletions indexed", dir);
    cr_assert_eq(memcmp(a->del, b->del, a->n_del * sizeof *a->del), 0);
    cr_assert_eq(a->del_shift, b->del_shift);
    size_t nb = ((size_t)1 << (32 - a->del_shift)) + 1;
    cr_assert_eq(memcmp(a->del_at, b->del_at, nb * sizeof *a->del_at), 0);
}

/* The rest of a and b equal: statistics, postings, impacts, question
 * and alternates' weights. */
static void index_same(const kb *a, const kb *b, const char *dir)
{
    size_t nt = a->n_terms, np = a->post_off[nt];
    cr_assert_eq(b->n_terms, nt, "%s", dir);
    cr_assert_eq(memcmp(a->df, b->df, nt * sizeof *a->df), 0, "%s", dir);
    cr_assert_eq(memcmp(a->post_off, b->post_off,
                        (nt + 1) * sizeof *a->post_off), 0, "%s", dir);
    cr_assert_eq(memcmp(a->post_lo, b->post_lo, np * sizeof *a->post_lo), 0);
    cr_assert_eq(memcmp(a->post_imp, b->post_imp, np * sizeof *a->post_imp),
                 0, "%s", dir);
    cr_assert_eq(memcmp(a->term_max, b->term_max, nt * sizeof *a->term_max),
                 0, "%s", dir);
    cr_assert_eq(memcmp(a->qw, b->qw, nt * sizeof *a->qw), 0, "%s", dir);
    cr_assert_eq(a->imp_pos, b->imp_pos, "%s", dir);
    cr_assert_eq(a->n_alts, b->n_alts, "%s", dir);
    cr_assert_gt(a->n_alts, 1, "%s", dir);
    for (size_t i = 0; i < a->n_alts; i++)
        cr_assert_eq(memcmp(&a->alts[i], &b->alts[i], sizeof a->alts[i]), 0,
                     "%s: alternate %zu", dir, i);
}

/* kb_index_build's work beside the main thread (the typo index; the
 * impacts' and alternates' second halves, forced for these small kbs
 * with kb_index_par_min 0) gives the same index as all of it in line
 * (kb_index_inline). */
Test(kb_load, index_same_in_line_or_beside)
{
    const char *dirs[] = {FIX "good", "knowledge"};
    size_t keep = kb_index_par_min;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        kb_index_inline = 1;
        kb *a = kb_load(dirs[i], &d);
        kb_index_inline = 0;
        kb_index_par_min = 0;
        kb *b = kb_load(dirs[i], &d);
        kb_index_par_min = keep;
        kb *c = kb_load(dirs[i], &d);
        cr_assert_not_null(a);
        cr_assert_not_null(b);
        cr_assert_not_null(c);
        typo_same(&a->typo, &b->typo, dirs[i]);
        typo_same(&a->typo, &c->typo, dirs[i]);
        index_same(a, b, dirs[i]);
        index_same(a, c, dirs[i]);
        kb_free(a);
        kb_free(b);
        kb_free(c);
    }
}
