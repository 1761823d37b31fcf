/* Tests for kb-lint.c: errors as in kb_load, plus quality warnings. */
#include <criterion/criterion.h>
#include <string.h>

#include "kb.h"

#define LINT "tests/kb/fixtures/lint"

static int has_item(const kb_diag *d, int sev, const char *file,
                    const char *entry, const char *message)
{
    for (size_t i = 0; i < d->count; i++) {
        const kb_diag_item *it = &d->items[i];
        if (it->severity == sev && it->file && strcmp(it->file, file) == 0 &&
            it->entry && strcmp(it->entry, entry) == 0 &&
            strcmp(it->message, message) == 0)
            return 1;
    }
    return 0;
}

Test(kb_lint, warnings_on_a_thin_confusable_kb)
{
    kb_diag d;
    kb_diag_init(&d);
    cr_assert_eq(kb_lint(LINT, &d), 0);
    cr_assert_eq(d.errors, 0);
    cr_assert(has_item(&d, KB_WARNING, LINT "/entries/sleep.json", "sleep",
                       "only 3 questions (at least 8 recommended)"));
    cr_assert(has_item(&d, KB_WARNING, LINT "/entries/sleep.json", "sleep",
                       "questions[0] and questions[1] are near-duplicates"));
    cr_assert(has_item(&d, KB_WARNING, LINT "/entries/massage-oil.json",
                       "massage-oil", "questions[8] \"how long should a baby "
                       "massage last\" matches entry 'session-length' better"));
    kb_diag_free(&d);
}

Test(kb_lint, clean_kb_has_no_warnings)
{
    kb_diag d;
    kb_diag_init(&d);
    cr_assert_eq(kb_lint("tests/kb/fixtures/good", &d), 0);
    cr_assert_eq(d.warnings, 0);
    cr_assert_eq(d.errors, 0);
    kb_diag_free(&d);
}

Test(kb_lint, errors_are_counted)
{
    kb_diag d;
    kb_diag_init(&d);
    cr_assert_eq(kb_lint("tests/kb/fixtures/broken/dup-id", &d), 1);
    cr_assert_eq(d.errors, 1);
    kb_diag_free(&d);
    cr_assert_eq(kb_lint("tests/kb/fixtures/broken/syntax", NULL), 1);
}

/* A triage veto found inside a phrase of its own rule silences that
 * phrase: warned, with both as the loader reads them (stems). */
Test(kb_lint, triage_veto_that_swallows_a_sign)
{
    kb_diag d;
    kb_diag_init(&d);
    cr_assert_eq(kb_lint("tests/kb/fixtures/lint-triage", &d), 0);
    cr_assert(has_item(&d, KB_WARNING, "tests/kb/fixtures/lint-triage/triage.json",
                       "dry-nappy", "none[0] (\"dri\") vetoes all[1][0] (\"dri\") "
                       "wherever it matches: that phrase can never fire"));
    cr_assert_eq(d.warnings, 1);
    kb_diag_free(&d);
}
