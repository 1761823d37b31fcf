/*
 * test-triage.c - the danger-sign rules of knowledge/triage.json against
 * tests/eval/triage-cases.tsv: every '+' line must fire a rule, every '-'
 * line (ordinary questions sharing words with danger signs, e.g. "does
 * massage help jaundice?") must not.  Also checks the urgent reply entry.
 */
#include <criterion/criterion.h>

#include "kb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASES "tests/eval/triage-cases.tsv"

static kb *triage_kb;
static kb_scratch *triage_scratch;

static void triage_setup(void)
{
    kb_diag d;
    kb_diag_init(&d);
    triage_kb = kb_load("knowledge", &d);
    kb_diag_free(&d);
    cr_assert_not_null(triage_kb, "knowledge/ failed to load (run faqbot kb lint)");
    triage_scratch = kb_scratch_new();
    cr_assert_not_null(triage_scratch);
}

static void triage_teardown(void)
{
    kb_scratch_free(triage_scratch);
    kb_free(triage_kb);
}

TestSuite(triage, .init = triage_setup, .fini = triage_teardown);

static const char *fires(const char *q)
{
    return kb_triage(triage_kb, triage_scratch, q, strlen(q));
}

Test(triage, cases_file_fire_and_hold)
{
    FILE *f = fopen(CASES, "r");
    cr_assert_not_null(f, "cannot open %s", CASES);
    char *line = NULL;
    size_t cap = 0, lineno = 0, n_pos = 0, n_neg = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        cr_assert((line[0] == '+' || line[0] == '-') && line[1] == '\t',
                  "%s:%zu: expected +|-<TAB>question", CASES, lineno);
        const char *q = line + 2, *rule = fires(q);
        if (line[0] == '+') {
            n_pos++;
            cr_expect_not_null(rule, "%s:%zu: no rule fired for \"%s\"",
                               CASES, lineno, q);
        } else {
            n_neg++;
            cr_expect_null(rule, "%s:%zu: rule '%s' fired for ordinary \"%s\"",
                           CASES, lineno, rule ? rule : "", q);
        }
    }
    free(line);
    fclose(f);
    cr_expect_geq(n_pos, 40, "only %zu must-fire cases", n_pos);
    cr_expect_geq(n_neg, 40, "only %zu must-not-fire cases", n_neg);
}

Test(triage, named_rules)
{
    cr_expect_str_eq(fires("my baby is yellow and won't feed and is very sleepy"),
                     "jaundice-danger");
    cr_expect_null(fires("does massage help jaundice?"));
    cr_expect_str_eq(fires("her lips are blue"), "blue-colour");
    cr_expect_str_eq(fires("no wet nappy since this morning"), "dehydration");
    cr_expect_str_eq(fires("my 3 week old has a fever"), "fever-young");
    cr_expect_str_eq(fires("I'm scared I will hurt my baby"), "harm-fear");
    cr_expect_null(fires("I'm scared I will hurt my baby if I massage too hard"));
}

/* The concept rules: each fires on a wording none of its phrases spells
 * out, and holds on the ordinary question sharing its words. */
Test(triage, concept_rules)
{
    cr_expect_str_eq(fires("my baby is wheezing and struggling to get air"),
                     "breathing-effort");
    cr_expect_null(fires("is it normal for my baby to breathe fast when she cries"));
    cr_expect_str_eq(fires("her chest caves in when she breathes"),
                     "breathing-recession");
    cr_expect_str_eq(fires("her lips are turning purple"), "purple-lips");
    cr_expect_str_eq(fires("baby went rigid and shook for a minute"),
                     "seizure-stiff-jerk");
    cr_expect_str_eq(fires("her arms keep jerking and she is staring blankly"),
                     "seizure-jerk-absent");
    cr_expect_null(fires("she jerks her legs when i massage her feet"));
    cr_expect_str_eq(fires("my baby is all floppy like a rag doll"), "floppy");
    cr_expect_null(fires("he goes all floppy and relaxed when i massage him"));
    cr_expect_str_eq(fires("she tumbled off the bed onto her head and keeps being sick"),
                     "fall-then-sign");
    cr_expect_null(fires("my baby fell asleep on my chest and then was sick"));
    cr_expect_str_eq(fires("only one wet nappy since this morning"), "no-pee");
    cr_expect_null(fires("no wet wipes at home, can i use oil"));
    cr_expect_str_eq(fires("her soft spot has sunk in"), "sunken-soft-spot");
    cr_expect_str_eq(fires("i keep picturing hurting my baby"), "harm-intent");
    cr_expect_null(fires("i could hurt my back lifting him"));
    cr_expect_str_eq(fires("HELP my son is blue"), "baby-is-blue");
    cr_expect_null(fires("the oil is blue, is it safe for my baby"));
    cr_expect_str_eq(fires("i'm worried i'll do something to my baby"), "harm-vague");
    cr_expect_null(fires("can i do something to help my baby sleep"));
}

Test(triage, reply_entry_has_placeholder_and_citation)
{
    const char *id = kb_urgent_entry_id(triage_kb);
    cr_assert_str_eq(id, "urgent-care");
    const kb_entry *e = kb_find(triage_kb, id);
    cr_assert_not_null(e);
    cr_expect_not_null(strstr(e->answer, "{emergency_number}"));
    cr_assert_geq(e->n_citations, 1);
    cr_expect_str_eq(e->citations[0].source_id, "faqbot-safety");
    cr_expect_str_eq(e->citations[0].section, "When to get help now");
}
