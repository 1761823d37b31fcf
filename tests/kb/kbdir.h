/*
 * kbdir.h - a knowledge base written by a test into a fresh directory:
 * made (sources/src.json with section "S", an empty entries/), files
 * written into it, loaded, removed.  Failures are Criterion assertions.
 * Header-only, for the tests in tests/kb/ and tests/perf/.
 */
#ifndef FAQBOT_TESTS_KBDIR_H
#define FAQBOT_TESTS_KBDIR_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "kb-impl.h"

/* text into dir/sub (created or replaced). */
static inline void kbdir_write(const char *dir, const char *sub,
                               const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    cr_assert_geq(fputs(text, f), 0);
    cr_assert_eq(fclose(f), 0);
}

/* A fresh /tmp/faqbot-<tag>-XXXXXX into dir (cap bytes) with sources/
 * holding one source "src" (section "S") and an empty entries/.  The
 * caller removes it with kbdir_drop. */
static inline void kbdir_make(char *dir, size_t cap, const char *tag)
{
    char path[256];
    snprintf(dir, cap, "/tmp/faqbot-%s-XXXXXX", tag);
    cr_assert_not_null(mkdtemp(dir));
    const char *sub[] = {"sources", "entries"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, sub[i]);
        cr_assert_eq(mkdir(path, 0700), 0);
    }
    kbdir_write(dir, "sources/src.json",
                "{\"id\": \"src\", \"title\": \"T\", \"sections\": [\"S\"]}");
}

static inline void kbdir_drop(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* The kb in d, which must load without error.  Caller frees with
 * kb_free. */
static inline kb *kbdir_load(const char *d)
{
    kb_diag diag;
    kb_diag_init(&diag);
    kb *k = kb_load(d, &diag);
    cr_assert_not_null(k, "%s: %zu errors", d, diag.errors);
    kb_diag_free(&diag);
    return k;
}

#endif /* FAQBOT_TESTS_KBDIR_H */
