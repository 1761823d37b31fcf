/* test-control.c - control.c: a request gets its reply over the unix
 * socket, errors come back as errors, a stale socket is replaced, any
 * other file at the path is refused, and stopping removes the socket. */
#include <criterion/criterion.h>

#include "control.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/faqbot-ctl-XXXXXX";
static char sock[600];
static int calls;

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    snprintf(sock, sizeof sock, "%s/run/ctl.sock", dir);
    log_setup(LOG_ERROR + 1, 0);
    calls = 0;
}

static void teardown(void)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(control, .init = setup, .fini = teardown);

static int handler(void *ctx, const char *cmd, sbuf *reply)
{
    calls++;
    if (strcmp(cmd, "stats") == 0)
        return sbuf_addf(reply, "{\"total\":%d}", *(int *)ctx);
    sbuf_addf(reply, "unknown command \"%s\"", cmd);
    return -1;
}

Test(control, request_and_reply)
{
    int total = 42;
    control *c = control_start(sock, handler, &total);
    cr_assert_not_null(c);
    struct stat st;
    cr_assert_eq(stat(sock, &st), 0);
    cr_assert(S_ISSOCK(st.st_mode));
    cr_assert_eq(st.st_mode & 077, 0, "socket mode %o", st.st_mode & 0777);
    sbuf r;
    char err[256];
    sbuf_init(&r);
    cr_assert_eq(control_request(sock, "stats", &r, err, sizeof err), 0);
    cr_assert_str_eq(sbuf_str(&r), "{\"total\":42}");
    sbuf_reset(&r);
    cr_assert_eq(control_request(sock, "fly", &r, err, sizeof err), 1);
    cr_assert_str_eq(sbuf_str(&r), "unknown command \"fly\"");
    cr_assert_eq(calls, 2);
    sbuf_free(&r);
    control_stop(c);
    cr_assert_neq(access(sock, F_OK), 0, "socket removed on stop");
}

Test(control, stale_socket_replaced_other_files_refused)
{
    int total = 1;
    control *c = control_start(sock, handler, &total);
    cr_assert_not_null(c);
    control *c2 = control_start(sock, handler, &total);   /* replaces it */
    cr_assert_not_null(c2);
    control_stop(c2);
    control_stop(c);
    char file[700];
    snprintf(file, sizeof file, "%s/plain", dir);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fclose(f);
    cr_assert_null(control_start(file, handler, &total));
    cr_assert_eq(access(file, F_OK), 0, "a regular file is never removed");
}

Test(control, unreachable_is_an_error)
{
    sbuf r;
    char err[700];
    sbuf_init(&r);
    cr_assert_eq(control_request(sock, "stats", &r, err, sizeof err), -1);
    char want[700];
    snprintf(want, sizeof want, "%s: No such file or directory", sock);
    cr_assert_str_eq(err, want);
    sbuf_free(&r);
}
