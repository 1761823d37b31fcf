/* fuzz-kb-answer.c - the tokenizer, stemmer, typo repair, matcher and
 * triage on arbitrary bytes, against the bundled knowledge.  Checks the
 * result is coherent, not just that nothing crashed. */
#include "kb.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static kb *knowledge;
static kb_scratch *scratch;

static void count_term(const char *term, size_t len, void *ctx)
{
    (void)term;
    if (len == 0)
        abort();               /* an empty term is a tokenizer bug */
    ++*(size_t *)ctx;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    kb_diag d;
    kb_diag_init(&d);
    knowledge = kb_load(FAQBOT_SOURCE_DIR "/knowledge", &d);
    scratch = kb_scratch_new();
    kb_diag_free(&d);
    if (!knowledge || !scratch) {
        fprintf(stderr, "fuzz_kb_answer: cannot load the bundled knowledge\n");
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kb_result r;
    size_t terms = 0;
    if (kb_answer(knowledge, scratch, (const char *)data, size, &r) != 0)
        return 0;              /* OOM: allowed, nothing to check */
    if (r.status < KB_ANSWERED || r.status > KB_URGENT ||
        r.n_suggestions > KB_MAX_SUGGESTIONS ||
        r.confidence < 0.0 || r.confidence > 1.0)
        abort();
    if ((r.status == KB_ANSWERED || r.status == KB_URGENT) && !r.entry)
        abort();
    if (r.status == KB_URGENT && !r.triage_rule)
        abort();
    for (size_t i = 0; i < r.n_suggestions; i++)
        if (!r.suggestions[i] || !r.suggestions[i]->id)
            abort();
    kb_text_terms("english", (const char *)data, size, count_term, &terms);
    return 0;
}
