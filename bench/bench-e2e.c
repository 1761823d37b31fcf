/*
 * bench-e2e.c - the whole pipeline through the real binary:
 * `faqbot ask --batch --knowledge DIR` (sanitize, commands, triage,
 * match, reply with citation, one JSON line per question).
 *   - questions/s: a file of N questions on stdin, output to /dev/null;
 *     steady rate = N / (wall - wall of a run with no input), with the
 *     default worker threads (the online CPUs) and with --jobs 1;
 *   - peak RSS of that run (wait4);
 *   - start-up to first answer: spawn, write one question, close stdin,
 *     read the first reply line; the same for the bot itself (`faqbot run`
 *     with the console plugin), with its peak RSS.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* The question column of qfile and of dev (every line: in scope, out of
 * scope, urgent; may be NULL), repeated to at least `lines` lines. */
static int e2e_prepare(const char *qfile, const char *dev, size_t lines,
                       const char *out, size_t *written)
{
    bench_qset qs = {0};
    if (bench_qset_read(&qs, qfile, 0, 0) < 0 ||
        (dev && bench_qset_read(&qs, dev, 0, 0) < 0) || qs.n == 0) {
        bench_qset_free(&qs);
        return -1;
    }
    FILE *f = fopen(out, "w");
    int bad = !f;
    size_t n = 0;
    while (!bad && n < lines) {
        for (size_t i = 0; i < qs.n && !bad; i++, n++)
            bad = fprintf(f, "%s\n", qs.q[i].text) < 0;
    }
    if (f && fclose(f) != 0)
        bad = 1;
    bench_qset_free(&qs);
    *written = n;
    if (bad)
        fprintf(stderr, "faqbot_bench: cannot write %s\n", out);
    return bad ? -1 : 0;
}

/* In the child: stdin from in, stdout to out, stderr to /dev/null, then
 * `faqbot ask --batch --knowledge kdir` (with `--jobs jobs` unless jobs
 * is NULL), or `faqbot run --config cfg` when cfg is not NULL. */
static void e2e_exec(const char *faqbot, const char *kdir, const char *cfg,
                     const char *jobs, int in, int out)
{
    int null = open("/dev/null", O_WRONLY);
    if (in < 0 || out < 0 || null < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
        dup2(null, 2) < 0)
        _exit(127);
    if (cfg)
        execl(faqbot, "faqbot", "run", "--config", cfg, (char *)NULL);
    else if (jobs)
        execl(faqbot, "faqbot", "ask", "--batch", "--knowledge", kdir,
              "--jobs", jobs, (char *)NULL);
    else
        execl(faqbot, "faqbot", "ask", "--batch", "--knowledge", kdir,
              (char *)NULL);
    _exit(127);
}

/* Run with stdin from `input` (jobs as for e2e_exec); wall seconds and
 * peak RSS.  0, -1. */
static int e2e_batch(const char *faqbot, const char *kdir, const char *jobs,
                     const char *input, double *wall, long long *rss)
{
    double t0 = bench_now();
    pid_t pid = fork();
    if (pid == 0)
        e2e_exec(faqbot, kdir, NULL, jobs, open(input, O_RDONLY),
                 open("/dev/null", O_WRONLY));
    if (pid < 0)
        return -1;
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR)
            return -1;
    }
    *wall = bench_now() - t0;
    *rss = (long long)ru.ru_maxrss * 1024;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Spawn -> first reply line, for one question (ask --batch, or the bot
 * itself with cfg); *rss: the process's peak RSS.  0, -1. */
static int e2e_first(const char *faqbot, const char *kdir, const char *cfg,
                     double *secs, long long *rss)
{
    static const char q[] = "how long should a baby massage last\n";
    int in[2], out[2];
    if (pipe(in) < 0)
        return -1;
    if (pipe(out) < 0) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    double t0 = bench_now();
    pid_t pid = fork();
    if (pid == 0) {
        close(in[1]);
        close(out[0]);
        e2e_exec(faqbot, kdir, cfg, NULL, in[0], out[1]);
    }
    close(in[0]);
    close(out[1]);
    int ok = pid > 0 && write(in[1], q, sizeof q - 1) == (ssize_t)(sizeof q - 1);
    close(in[1]);
    char c;
    ssize_t r;
    while (ok && (r = read(out[0], &c, 1)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 || c == '\n')
            break;
    }
    *secs = bench_now() - t0;
    close(out[0]);
    int status = 1;
    struct rusage ru = {0};
    if (pid > 0)
        wait4(pid, &status, 0, &ru);
    *rss = (long long)ru.ru_maxrss * 1024;
    return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* A config for `faqbot run`: console only, state under workdir. */
static int e2e_config(const char *kdir, const char *workdir, char *path,
                      size_t len)
{
    char state[4096];
    if (bench_path(path, len, "%s/e2e-faqbot.json", workdir) < 0 ||
        bench_path(state, sizeof state, "%s/e2e-state", workdir) < 0)
        return -1;
    json_t *c = json_pack("{s:s, s:s, s:{s:s}, s:{s:{s:b}}}", "knowledge_dir",
                          kdir, "state_dir", state, "log", "level", "warn",
                          "plugins", "console", "enabled", 1);
    int rc = c && json_dump_file(c, path, JSON_INDENT(1)) == 0 ? 0 : -1;
    json_decref(c);
    return rc;
}

int bench_e2e_run(const char *faqbot, const char *kdir, const char *qfile,
                  const char *dev, size_t lines, const char *workdir,
                  bench_e2e *out)
{
    char input[4096], cfg[4096];
    double wall, wall0, wall1;
    long long rss0, rss1, rss_1;
    memset(out, 0, sizeof *out);
    if (bench_path(input, sizeof input, "%s/e2e-questions.txt", workdir) < 0 ||
        e2e_prepare(qfile, dev, lines, input, &out->questions) < 0 ||
        e2e_batch(faqbot, kdir, NULL, "/dev/null", &wall0, &rss0) < 0 ||
        e2e_batch(faqbot, kdir, NULL, input, &wall, &out->rss_bytes) < 0 ||
        e2e_batch(faqbot, kdir, "1", input, &wall1, &rss_1) < 0 ||
        e2e_first(faqbot, kdir, NULL, &out->first_answer_s, &rss1) < 0 ||
        e2e_config(kdir, workdir, cfg, sizeof cfg) < 0 ||
        e2e_first(faqbot, kdir, cfg, &out->run_first_s, &out->run_rss) < 0) {
        fprintf(stderr, "faqbot_bench: end-to-end run of %s failed\n", faqbot);
        return -1;
    }
    out->startup_empty_s = wall0;
    out->qps_total = (double)out->questions / wall;
    out->qps = wall > wall0 ? (double)out->questions / (wall - wall0) : 0;
    out->qps_1 = wall1 > wall0 ? (double)out->questions / (wall1 - wall0) : 0;
    return 0;
}
