/* Tests for kb-tmodel.c: the learnt triage net (triage-model.tsv). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"

static kb *k;
static kb_scratch *s;

static void setup(void)
{
    k = kb_load("tests/kb/fixtures/tmodel", NULL);
    cr_assert_not_null(k);
    s = kb_scratch_new();
    cr_assert_not_null(s);
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

TestSuite(kb_tmodel, .init = setup, .fini = teardown);

/* bias -2, pale 1.5, bad 1, "at night" 1; threshold 0.5 (logit 0) */
Test(kb_tmodel, fires_at_the_threshold)
{
    cr_assert_str_eq(tri("she is pale and bad"), "model");        /* 0.5 */
    cr_assert_str_eq(tri("bad at night"), "model");               /* 0 */
    cr_assert_null(tri("she is pale"));                           /* -0.5 */
    cr_assert_null(tri("bad night at"));         /* no "at night" pair */
    cr_assert_null(tri("shiverz shiverz and more shiverz"));
}

/* as often as it occurs, as the trainer counts it: -2 + 1.5 + 1.5 */
Test(kb_tmodel, a_feature_counts_each_time)
{
    cr_assert_null(tri("pale"));
    cr_assert_str_eq(tri("pale, so pale"), "model");
}

Test(kb_tmodel, rules_come_first)
{
    cr_assert_str_eq(tri("my baby is not breathing, pale and bad"),
                     "breathing");
}

Test(kb_tmodel, answer_is_urgent)
{
    kb_result r;
    const char *q = "she looks pale and bad tonight";
    cr_assert_eq(kb_answer(k, s, q, strlen(q), &r), 0);
    cr_assert_eq(r.status, KB_URGENT);
    cr_assert_str_eq(r.triage_rule, "model");
    cr_assert_str_eq(r.entry->id, "urgent-care");
}

Test(kb_tmodel, triage_terms_show_the_reading)
{
    size_t n;
    const char **names = kb_term_names(k, &n);
    cr_assert_not_null(names);
    char *t = kb_triage_terms(k, s, names, n,
                              "My baby sleeps badly at night, zzyzx", 36);
    cr_assert_str_eq(t, "my babi sleep bad at night ?");
    free(t);
    free(names);
}
