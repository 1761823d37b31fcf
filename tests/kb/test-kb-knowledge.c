/* The bundled knowledge/ loads, and every entry's own first question
 * finds it: answered, or offered among the suggestions of a close call
 * (a smoke test of the real content through the engine). */
#include <criterion/criterion.h>
#include <string.h>

#include "kb.h"

Test(kb_knowledge, bundled_knowledge_loads_and_answers_itself)
{
    kb_diag d;
    kb_diag_init(&d);
    kb *k = kb_load("knowledge", &d);
    for (size_t i = 0; !k && i < d.count; i++) {
        char buf[600];
        kb_diag_format(&d.items[i], buf, sizeof buf);
        cr_log_error("%s", buf);
    }
    cr_assert_not_null(k);
    cr_assert_geq(kb_entry_count(k), 26);
    kb_scratch *s = kb_scratch_new();
    size_t found = 0, n = kb_entry_count(k);
    for (size_t i = 0; i < n; i++) {
        const kb_entry *e = kb_entry_at(k, i);
        kb_result r;
        const char *q = e->questions[0];
        cr_assert_eq(kb_match(k, s, q, strlen(q), &r), 0);
        int hit = r.status == KB_ANSWERED && r.entry == e;
        for (size_t j = 0; r.status == KB_AMBIGUOUS && j < r.n_suggestions; j++)
            hit |= r.suggestions[j] == e;
        if (!hit)
            cr_log_error("%s: \"%s\" -> status %d", e->id, q, r.status);
        found += hit;
    }
    cr_assert_eq(found, n, "%zu of %zu entries answer their own question",
                 found, n);
    kb_scratch_free(s);
    kb_free(k);
    kb_diag_free(&d);
}
