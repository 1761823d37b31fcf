/* test-gaps.c - gaps.c and gaps-report.c: the gap log holds the question
 * only, and the report groups by stemmed similarity, most frequent first,
 * with the closest entry. */
#include <criterion/criterion.h>

#include "gaps.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/faqbot-gaps-XXXXXX";
static char file[600];
static kb *k;

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/sub/gaps.jsonl", dir);
    log_setup(LOG_ERROR + 1, 0);
    k = kb_load("knowledge", NULL);
    cr_assert_not_null(k);
}

static void teardown(void)
{
    char cmd[700];
    kb_free(k);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(gaps, .init = setup, .fini = teardown);

Test(gaps, log_line_holds_only_the_question)
{
    gaps *g = gaps_open(file);   /* creates sub/ */
    cr_assert_not_null(g);
    const char *sugg[] = {"sleep", "massage-oil"};
    cr_assert_eq(gaps_log(g, "ambiguous", "oil \"for\" sleep", sugg, 2), 0);
    gaps_close(g);
    struct stat st;
    cr_assert_eq(stat(file, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    char line[512];
    FILE *f = fopen(file, "r");
    cr_assert_not_null(fgets(line, sizeof line, f));
    fclose(f);
    const char *rest = strstr(line, "\",\"status\"");
    cr_assert_not_null(rest);
    cr_assert_str_eq(rest, "\",\"status\":\"ambiguous\",\"q\":\"oil \\\"for\\\" sleep\","
                     "\"suggestions\":[\"sleep\",\"massage-oil\"]}\n");
}

static void write_log(const char *const *qs, size_t n)
{
    gaps *g = gaps_open(file);
    cr_assert_not_null(g);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(gaps_log(g, "no_answer", qs[i], NULL, 0), 0);
    gaps_close(g);
}

Test(gaps, report_groups_by_stems_most_frequent_first)
{
    const char *qs[] = {
        "does massage help teething", "massaging for teething",
        "teething massage helps?", "does massage help teething",
        "how do I bathe my baby", "bathing the baby",
        "what is the capital of france",
    };
    write_log(qs, sizeof qs / sizeof qs[0]);
    gap_report r;
    char err[256];
    cr_assert_eq(gap_report_build(file, k, 0.5, &r, err, sizeof err), 0, "%s", err);
    cr_assert_eq(r.n_questions, 7);
    cr_assert_eq(r.n_skipped, 0);
    cr_assert_eq(r.n_groups, 3);
    cr_assert_eq(r.groups[0].count, 4);
    cr_assert_eq(r.groups[0].n_variants, 3);
    cr_assert_str_eq(r.groups[0].example, "does massage help teething");
    cr_assert_eq(r.groups[1].count, 2);
    cr_assert_eq(r.groups[2].count, 1);
    cr_assert_str_eq(r.groups[2].example, "what is the capital of france");
    cr_assert_null(r.groups[2].closest, "nothing in the kb is about France");
    cr_assert_not_null(r.groups[0].closest);
    cr_assert(r.groups[0].score > 0 && r.groups[0].score <= 1);
    gap_report_free(&r);
}

Test(gaps, threshold_one_splits_every_wording)
{
    const char *qs[] = {"massage teething", "teething massage", "massage for teething pain"};
    write_log(qs, 3);
    gap_report r;
    char err[256];
    cr_assert_eq(gap_report_build(file, k, 1.0, &r, err, sizeof err), 0);
    cr_assert_eq(r.n_groups, 2, "same stems join even at 1.0; a new word splits");
    cr_assert_eq(r.groups[0].count, 2);
    gap_report_free(&r);
}

Test(gaps, bad_lines_are_skipped_and_a_missing_file_is_an_error)
{
    gap_report r;
    char err[256];
    cr_assert_eq(gap_report_build("/nonexistent/gaps", k, 0.5, &r, err, sizeof err), -1);
    cr_assert_str_eq(err, "/nonexistent/gaps: No such file or directory");
    cr_assert_eq(system("mkdir -p /tmp/faqbot-gaps-bad && printf 'junk\\n{\"q\":3}\\n{\"q\":\"ok question\"}\\n' > /tmp/faqbot-gaps-bad/g"), 0);
    cr_assert_eq(gap_report_build("/tmp/faqbot-gaps-bad/g", k, 0.5, &r, err, sizeof err), 0);
    cr_assert_eq(r.n_questions, 1);
    cr_assert_eq(r.n_skipped, 2);
    gap_report_free(&r);
    cr_assert_eq(system("rm -rf /tmp/faqbot-gaps-bad"), 0);
}
