/* KB_LOAD_LAZY_TEXT (kb-load-text.c, kb-index.c): questions and answers
 * are not kept in memory but read back from the files by kb_entry_text,
 * exactly as loaded; the index and every match are the same.  Also the
 * loader's shared lone citations (kb-load-entry.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kb.h"

#define GOOD "tests/kb/fixtures/good"

static char dir[64];

static void write_file(const char *sub, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_geq(fputs(text, f), 0);
    cr_assert_eq(fclose(f), 0);
}

/* A kb of n entries in one streamed entries/all.json whose answers and
 * questions hold JSON escapes and UTF-8. */
static void make_kb(size_t n)
{
    char path[256];
    snprintf(dir, sizeof dir, "/tmp/faqbot-lazy-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    const char *sub[] = {"sources", "entries"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, sub[i]);
        cr_assert_eq(mkdir(path, 0700), 0);
    }
    write_file("sources/src.json",
               "{\"id\": \"src\", \"title\": \"T\", \"sections\": [\"S\"]}");
    size_t cap = n * 400 + 64, len = 0;
    char *all = malloc(cap);
    cr_assert_not_null(all);
    len += (size_t)snprintf(all, cap, "{\"entries\": [\n");
    for (size_t i = 0; i < n; i++) {
        len += (size_t)snprintf(all + len, cap - len,
            "%s  {\"id\": \"e%zu\", \"title\": \"Title %zu\", "
            "\"questions\": [\"does w%zu help x%zu sleep\", "
            "\"caf\\u00e9 \\\"w%zu\\\" or y%zu\"], "
            "\"answer\": \"Answer %zu:\\n\\tline \\u00e9 \\\\ end\", "
            "\"citations\": [{\"source\": \"src\", \"section\": \"S\"}]}",
            i ? ",\n" : "", i, i, i, i % 7, i, i % 5, i);
    }
    len += (size_t)snprintf(all + len, cap - len, "\n]}\n");
    cr_assert_lt(len, cap);
    write_file("entries/all.json", all);
    free(all);
}

static void drop_kb(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static kb *load(const char *d, unsigned extra)
{
    kb_load_opts o = {KB_FEAT_ALL | extra};
    kb_diag diag;
    kb_diag_init(&diag);
    kb *k = kb_load_ex(d, &o, &diag);
    cr_assert_not_null(k, "%zu errors", diag.errors);
    kb_diag_free(&diag);
    return k;
}

/* Every entry of lazy reads back the text keep holds; kb_match gives the
 * same result for each question in both. */
static void same_kb(const kb *keep, const kb *lazy)
{
    char buf[4200];
    kb_scratch *s = kb_scratch_new();
    cr_assert_not_null(s);
    cr_assert_eq(kb_entry_count(lazy), kb_entry_count(keep));
    for (size_t i = 0; i < kb_entry_count(keep); i++) {
        const kb_entry *a = kb_entry_at(keep, i), *b = kb_entry_at(lazy, i);
        cr_assert_str_eq(b->id, a->id);
        cr_assert_str_eq(b->title, a->title);
        cr_assert_null(b->answer);
        cr_assert_null(b->questions);
        cr_assert_eq(b->n_questions, a->n_questions);
        long n = kb_entry_text(lazy, b, KB_TEXT_ANSWER, 0, buf, sizeof buf);
        cr_assert_eq(n, (long)strlen(a->answer));
        cr_assert_str_eq(buf, a->answer);
        for (size_t j = 0; j < a->n_questions; j++) {
            n = kb_entry_text(lazy, b, KB_TEXT_QUESTION, j, buf, sizeof buf);
            cr_assert_eq(n, (long)strlen(a->questions[j]));
            cr_assert_str_eq(buf, a->questions[j]);
            kb_result ra, rb;
            cr_assert_eq(kb_match(keep, s, buf, (size_t)n, &ra), 0);
            cr_assert_eq(kb_match(lazy, s, buf, (size_t)n, &rb), 0);
            cr_assert_eq(rb.status, ra.status);
            cr_assert_eq(rb.score, ra.score, "%s", buf);
            cr_assert_eq(rb.confidence, ra.confidence);
            cr_assert_eq(rb.best ? rb.best - kb_entry_at(lazy, 0) : -1,
                         ra.best ? ra.best - kb_entry_at(keep, 0) : -1);
        }
    }
    kb_scratch_free(s);
}

Test(kb_lazy, streamed_entries_read_back_and_match_the_same)
{
    make_kb(300);
    kb *keep = load(dir, 0), *lazy = load(dir, KB_LOAD_LAZY_TEXT);
    cr_assert_str_eq(kb_entry_at(keep, 7)->answer,
                     "Answer 7:\n\tline \xc3\xa9 \\ end");
    cr_assert_str_eq(kb_entry_at(keep, 7)->questions[1],
                     "caf\xc3\xa9 \"w7\" or y2");
    same_kb(keep, lazy);
    kb_free(keep);
    kb_free(lazy);
    drop_kb();
}

Test(kb_lazy, one_entry_files_read_back_and_match_the_same)
{
    kb *keep = load(GOOD, 0), *lazy = load(GOOD, KB_LOAD_LAZY_TEXT);
    same_kb(keep, lazy);
    kb_free(keep);
    kb_free(lazy);
}

Test(kb_lazy, kept_text_is_copied_out_and_cut_to_fit)
{
    kb *k = load(GOOD, 0);
    const kb_entry *e = kb_find(k, "sleep");
    cr_assert_not_null(e);
    char buf[6];
    long n = kb_entry_text(k, e, KB_TEXT_ANSWER, 0, buf, sizeof buf);
    cr_assert_eq(n, (long)strlen(e->answer));
    cr_assert_eq(strncmp(buf, e->answer, 5), 0);
    cr_assert_eq(buf[5], '\0');
    cr_assert_eq(kb_entry_text(k, e, KB_TEXT_QUESTION, 0, NULL, 0),
                 (long)strlen(e->questions[0]));
    kb_free(k);
}

Test(kb_lazy, bad_requests_are_refused)
{
    kb *k = load(GOOD, KB_LOAD_LAZY_TEXT), *other = load(GOOD, 0);
    const kb_entry *e = kb_find(k, "sleep");
    char buf[64];
    cr_assert_eq(kb_entry_text(k, e, KB_TEXT_QUESTION, e->n_questions, buf,
                               sizeof buf), -1);
    cr_assert_eq(kb_entry_text(k, e, 2, 0, buf, sizeof buf), -1);
    cr_assert_eq(kb_entry_text(k, kb_find(other, "sleep"), KB_TEXT_ANSWER,
                               0, buf, sizeof buf), -1);
    cr_assert_eq(kb_entry_text(NULL, e, KB_TEXT_ANSWER, 0, buf, sizeof buf),
                 -1);
    kb_free(k);
    kb_free(other);
}

/* The entries file, its ids renamed e* -> f* (same length, same spans). */
static void rename_ids(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/entries/all.json", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    for (char *p = text; (p = strstr(p, "\"id\": \"e")); p++)
        p[7] = 'f';
    write_file("entries/all.json", text);
}

Test(kb_lazy, a_file_changed_since_loading_is_refused)
{
    make_kb(3);
    kb *k = load(dir, KB_LOAD_LAZY_TEXT);
    char buf[256];
    const kb_entry *e1 = kb_find(k, "e1");
    cr_assert_eq(kb_entry_text(k, e1, KB_TEXT_ANSWER, 0, buf, sizeof buf),
                 (long)strlen("Answer 1:\n\tline \xc3\xa9 \\ end"));
    rename_ids();          /* another entry where e1 was */
    cr_assert_eq(kb_entry_text(k, e1, KB_TEXT_ANSWER, 0, buf, sizeof buf),
                 -1);
    write_file("entries/all.json", "{\"entries\": [\n");   /* shorter */
    cr_assert_eq(kb_entry_text(k, e1, KB_TEXT_QUESTION, 0, buf, sizeof buf),
                 -1);
    kb_free(k);
    drop_kb();
}

/* kb-load-entry.c: entries citing one section alone share one copy of
 * that citation; other sections get their own. */
Test(kb_citations, a_lone_citation_is_one_copy_per_section)
{
    make_kb(5);
    kb *k = load(dir, 0);
    const kb_citation *c = kb_entry_at(k, 0)->citations;
    cr_assert_str_eq(c->source_id, "src");
    cr_assert_str_eq(c->source_title, "T");
    cr_assert_str_eq(c->section, "S");
    for (size_t i = 1; i < 5; i++) {
        cr_assert_eq(kb_entry_at(k, i)->n_citations, 1);
        cr_assert_eq(kb_entry_at(k, i)->citations, c);
    }
    kb_free(k);
    drop_kb();
    k = load(GOOD, 0);
    const kb_citation *sleep = kb_find(k, "sleep")->citations,
                      *oil = kb_find(k, "massage-oil")->citations;
    cr_assert_neq(sleep, oil);
    cr_assert_str_eq(sleep->section, "Sleep");
    cr_assert_str_eq(oil->section, "Oils");
    kb_free(k);
}
