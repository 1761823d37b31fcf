/* Tests for kb-triage.c: danger-sign rules fire before matching. */
#include <criterion/criterion.h>
#include <string.h>

#include "kb.h"

static kb *k;
static kb_scratch *s;

static void setup(void)
{
    k = kb_load("tests/kb/fixtures/good", NULL);
    cr_assert_not_null(k);
    s = kb_scratch_new();
}

static void teardown(void)
{
    kb_scratch_free(s);
    kb_free(k);
}

static const char *tri(const char *q)
{
    return kb_triage(k, s, q, strlen(q));
}

TestSuite(kb_triage, .init = setup, .fini = teardown);

Test(kb_triage, phrase_rule_fires)
{
    cr_assert_str_eq(tri("my baby is NOT breathing properly"), "breathing");
    cr_assert_str_eq(tri("she has blue lips after her bath"), "breathing");
}

Test(kb_triage, all_groups_must_match)
{
    cr_assert_str_eq(tri("my 2 month old has a fever"), "fever-young");
    cr_assert_str_eq(tri("newborn with a high temperature"), "fever-young");
    cr_assert_null(tri("I have a fever"));   /* no baby/month word */
}

Test(kb_triage, any_fires_on_at_least_n_groups)
{
    cr_assert_str_eq(tri("she is floppy and pale"), "two-signs");
    cr_assert_str_eq(tri("limp, grey and not feeding"), "two-signs");
    cr_assert_null(tri("she is floppy"));            /* one group of two */
    cr_assert_null(tri("pale and not pale"));        /* one group twice */
    cr_assert_null(tri("limp and pale blue"));       /* vetoed */
}

/* A veto reads the whole message, but a clause that holds a sign without
 * the veto still fires (kb-triage-clause.c); a "scope": "message" rule
 * (two-signs) is never read clause by clause. */
Test(kb_triage, a_veto_in_another_clause_does_not_silence)
{
    cr_assert_null(tri("no fever and my 2 month old is fine"));
    cr_assert_str_eq(tri("she had no fever yesterday, today my 2 month old "
                         "has a temperature"), "fever-young");
    cr_assert_null(tri("no fever yesterday. my 2 month old is fine"));
    cr_assert_null(tri("she is floppy and pale blue, she is pale and not "
                       "feeding"));
    kb_result r;
    const char *q = "no fever last week; now my 2 month old has a fever";
    cr_assert_eq(kb_answer(k, s, q, strlen(q), &r), 0);
    cr_assert_eq(r.status, KB_URGENT);
    cr_assert_str_eq(r.triage_rule, "fever-young");
}

/* fever-young has "max_age_days": 92: an older stated age, not a
 * duration, keeps it from firing */
Test(kb_triage, max_age_days)
{
    cr_assert_str_eq(tri("my 6 week old baby has a fever"), "fever-young");
    cr_assert_null(tri("my 6 month old has a fever"));
    cr_assert_null(tri("she is 4 months, fever since this morning"));
    cr_assert_str_eq(tri("my baby has had a fever for 4 months"),
                     "fever-young");
    cr_assert_str_eq(tri("my 2 month old and her 9 month old cousin both "
                         "have a fever"), "fever-young");
}

Test(kb_triage, none_list_blocks_the_rule)
{
    cr_assert_null(tri("baby has no fever but is fussy"));
}

Test(kb_triage, ordinary_questions_do_not_fire)
{
    cr_assert_null(tri("does massage help my baby sleep"));
    cr_assert_null(tri("breathing exercises for mums"));
    cr_assert_null(tri(""));
}

Test(kb_triage, typos_still_fire)
{
    cr_assert_str_eq(tri("my baby is not breathng"), "breathing");
}

Test(kb_triage, answer_reports_urgent)
{
    kb_result r;
    const char *q = "my baby has a fever";
    cr_assert_eq(kb_answer(k, s, q, strlen(q), &r), 0);
    cr_assert_eq(r.status, KB_URGENT);
    cr_assert_str_eq(r.entry->id, "urgent-care");
    cr_assert_str_eq(r.triage_rule, "fever-young");
    cr_assert_float_eq(r.confidence, 1.0, 1e-9);
    cr_assert_str_eq(kb_urgent_entry_id(k), "urgent-care");
    /* kb_match skips triage */
    cr_assert_eq(kb_match(k, s, q, strlen(q), &r), 0);
    cr_assert_neq(r.status, KB_URGENT);
    cr_assert_null(r.triage_rule);
}
