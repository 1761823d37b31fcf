/*
 * bench-spawn.c - the parent's side of a measurement: run this program
 * again as `--child ...` (a fresh exec, so no memory is inherited), read
 * the JSON line it prints, and take its peak RSS from wait4().
 */
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define SPAWN_OUT_MAX 65536

static void spawn_exec(const char *self, const bench_child_args *a, int fd)
{
    char max[32], common[32], warm[32];
    snprintf(max, sizeof max, "%zu", a->max_queries);
    snprintf(common, sizeof common, "%zu", a->common);
    snprintf(warm, sizeof warm, "%zu", a->warmup);
    const char *argv[16] = {self, "--child", a->system, "--kb", a->kb_dir,
                            "--queries", a->queries, "--max", max,
                            "--common", common, "--warmup", warm};
    int n = 13;
    if (a->dev) {
        argv[n++] = "--dev";
        argv[n++] = a->dev;
    }
    argv[n] = NULL;
    if (dup2(fd, STDOUT_FILENO) < 0)
        _exit(127);
    close(fd);
    execv(self, (char *const *)argv);
    _exit(127);
}

/* Read everything from fd into buf (NUL-terminated). */
static size_t spawn_read(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
        if (n + 1 >= cap)
            break;
    }
    buf[n] = '\0';
    return n;
}

json_t *bench_spawn_child(const char *self, const bench_child_args *a,
                          long long *maxrss_bytes)
{
    int fds[2];
    char *buf = malloc(SPAWN_OUT_MAX);
    if (!buf || pipe(fds) < 0) {
        free(buf);
        return NULL;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        spawn_exec(self, a, fds[1]);
    }
    close(fds[1]);
    json_t *o = NULL;
    if (pid > 0) {
        spawn_read(fds[0], buf, SPAWN_OUT_MAX);
        int status = 0;
        struct rusage ru;
        while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
            ;
        *maxrss_bytes = (long long)ru.ru_maxrss * 1024;
        json_error_t jerr;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            o = json_loads(buf, JSON_DISABLE_EOF_CHECK, &jerr);
        if (!o)
            fprintf(stderr, "faqbot_bench: %s on %s failed (status %d)\n",
                    a->system, a->kb_dir, status);
    }
    close(fds[0]);
    free(buf);
    return o;
}
