/* fuzz-kb-load.c - the knowledge loader on an arbitrary entries file: a
 * temp dir holds the real sources/, synonyms.json and stopwords.txt
 * (not triage.json: its reply entry would rarely exist) and one
 * entries/fuzz.json with the input.  Load must either succeed with usable entries or fail with at
 * least one error diagnostic. */
#include "kb.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256], entry_path[300];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char cmd[1024];
    snprintf(dir, sizeof dir, "/tmp/faqbot-fuzz-kb-%ld", (long)getpid());
    if (snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s/entries' && "
                 "cp -r '%s/knowledge/sources' '%s/knowledge/synonyms.json' "
                 "'%s/knowledge/stopwords.txt' '%s/'", dir, dir,
                 FAQBOT_SOURCE_DIR, FAQBOT_SOURCE_DIR, FAQBOT_SOURCE_DIR, dir) >= (int)sizeof cmd ||
        system(cmd) != 0) {
        fprintf(stderr, "fuzz_kb_load: cannot set up %s\n", dir);
        exit(1);
    }
    snprintf(entry_path, sizeof entry_path, "%s/entries/fuzz.json", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(entry_path, "wb");
    kb_diag d;
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    kb_diag_init(&d);
    kb *k = kb_load(dir, &d);
    if (!k && d.errors == 0)
        abort();               /* refused without saying why */
    if (k) {
        kb_scratch *s = kb_scratch_new();
        kb_result r;
        for (size_t i = 0; i < kb_entry_count(k); i++) {
            const kb_entry *e = kb_entry_at(k, i);
            if (!e || !e->id || !e->answer || kb_find(k, e->id) != e)
                abort();
        }
        if (s && kb_entry_count(k) > 0) {
            const kb_entry *e = kb_entry_at(k, 0);
            const char *q = e->n_questions ? e->questions[0] : e->title;
            if (q && kb_answer(k, s, q, strlen(q), &r) == 0 &&
                r.status == KB_ANSWERED && !r.entry)
                abort();
        }
        kb_scratch_free(s);
        kb_free(k);
    }
    for (size_t i = 0; i < d.count; i++) {
        char line[512];
        kb_diag_format(&d.items[i], line, sizeof line);
    }
    kb_diag_free(&d);
    return 0;
}
