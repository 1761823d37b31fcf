/* test-state.c - the per-plugin state store: persistence, atomic
 * replacement, corrupt files. */
#include <criterion/criterion.h>

#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/faqbot-state-XXXXXX";

static void setup(void) { cr_assert_not_null(mkdtemp(dir)); }

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

TestSuite(state, .init = setup);

Test(state, values_survive_reopen)
{
    state_store *s = state_open(dir, "tg");
    cr_assert_not_null(s);
    cr_assert_null(state_get(s, "offset"));
    cr_assert_eq(state_set(s, "offset", "42"), 0);
    state_close(s);
    s = state_open(dir, "tg");
    char *v = state_get(s, "offset");
    cr_assert_str_eq(v, "42");
    free(v);
    cr_assert_eq(state_set(s, "offset", NULL), 0);
    cr_assert_null(state_get(s, "offset"));
    state_close(s);
}

Test(state, file_is_private_and_no_temp_left)
{
    char path[512], tmp[512];
    state_store *s = state_open(dir, "mx");
    cr_assert_eq(state_set(s, "since", "s1_2"), 0);
    state_close(s);
    snprintf(path, sizeof path, "%s/mx.json", dir);
    snprintf(tmp, sizeof tmp, "%s/mx.json.tmp", dir);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 077, 0, "state file readable by others");
    cr_assert_neq(access(tmp, F_OK), 0);
}

Test(state, truncated_file_is_set_aside_and_store_starts_empty)
{
    char path[512], aside[512];
    snprintf(path, sizeof path, "%s/tg.json", dir);
    snprintf(aside, sizeof aside, "%s/tg.json.corrupt", dir);
    write_file(path, "{\"version\":1,\"data\":{\"offset\":\"4");
    state_store *s = state_open(dir, "tg");
    cr_assert_not_null(s);
    cr_assert_null(state_get(s, "offset"));
    cr_assert_eq(access(aside, F_OK), 0);
    cr_assert_eq(state_set(s, "offset", "7"), 0);
    state_close(s);
}

Test(state, wrong_shape_is_rejected)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tg.json", dir);
    write_file(path, "{\"version\":1,\"data\":{\"offset\":42}}");
    state_store *s = state_open(dir, "tg");
    cr_assert_null(state_get(s, "offset"));
    state_close(s);
}
