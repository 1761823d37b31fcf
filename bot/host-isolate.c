/* host-isolate.c - contain a plugin whose create() crashes.  A crash
 * inside the bot's own process cannot be survived, so each plugin is
 * first created (and destroyed) in a throw-away child process: if the
 * child dies by a signal, the plugin is refused by name and the others
 * start as usual.  Only create() is covered; a crash in run() or send()
 * still takes the bot down (the service manager restarts it, and the
 * saved offsets mean no question is lost). */
#include "host-priv.h"

#include "log.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROBE_TIMEOUT_MS 10000
#define PROBE_POLL_MS 5

/* The child: create + destroy, then leave without running atexit
 * handlers or flushing the parent's buffers.  Its log lines are muted
 * (the real create() logs them once); sanitizer reports still reach
 * stderr. */
static void probe_child(const config *cfg, const config_plugin *cp)
{
    char ignored[512];
    log_setup(LOG_ERROR + 1, 0);
    host_probe(cfg, cp, ignored, sizeof ignored);
    _exit(0);
}

/* Wait for the child up to PROBE_TIMEOUT_MS, polling from 0.1 ms up to
 * PROBE_POLL_MS (a create() usually ends within a millisecond); 1 with
 * *status when it ended, 0 when it had to be killed (still busy) or lost. */
static int probe_wait(pid_t pid, int *status)
{
    long waited_us = 0, step_us = 100;
    while (waited_us < PROBE_TIMEOUT_MS * 1000L) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return 1;
        if (r < 0 && errno != EINTR)
            return 0;
        struct timespec slice = {0, step_us * 1000L};
        nanosleep(&slice, NULL);
        waited_us += step_us;
        if (step_us < PROBE_POLL_MS * 1000L)
            step_us *= 2;
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
    return 0;
}

int host_isolate_probe(const config *cfg, const config_plugin *cp, char *err,
                       size_t errlen)
{
    int status = 0;
    fflush(NULL);   /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        log_msg(LOG_WARN, cp->instance, "cannot fork to probe create(): %s; "
                "creating it unprobed", strerror(errno));
        return 0;
    }
    if (pid == 0)
        probe_child(cfg, cp);
    if (!probe_wait(pid, &status)) {
        log_msg(LOG_WARN, cp->instance, "create() did not finish within %d ms "
                "in the probe process; creating it unprobed", PROBE_TIMEOUT_MS);
        return 0;
    }
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        snprintf(err, errlen, "create() crashed (signal %d, %s) in a probe "
                 "process; the plugin is not loaded", sig, strsignal(sig));
        return -1;
    }
    return 0;
}
