/* fixture-bad.c - misbehaving plugins for the containment test, built
 * once per mode:
 *   BAD_CRASH_CREATE   create() dies with SIGSEGV
 *   BAD_RUN_ERROR      run() fails at once (returns -1)
 *   BAD_BLOCKING_STOP  stop() blocks for 30 s (the contract says it must
 *                      not) before setting the flag run() waits for
 *   BAD_CRASH_RUN      run() dies with SIGSEGV after 1 s (cannot be
 *                      contained in-process: the whole bot dies)
 */
#include <faqbot/plugin.h>

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct bad {
    faqbot_host *host;
    atomic_int stop;
} bad;

/* Caller (the host) frees with bad_destroy(). */
static void *bad_create(faqbot_host *host, const char *config_json,
                        char *err, size_t errlen)
{
#ifdef BAD_CRASH_CREATE
    raise(SIGSEGV);
#endif
    bad *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    b->host = host;
    return b;
}

static int bad_run(void *self)
{
    bad *b = self;
#ifdef BAD_RUN_ERROR
    b->host->log(b->host, FAQBOT_LOG_ERROR, "fixture: failing on purpose");
    return -1;
#endif
#ifdef BAD_CRASH_RUN
    b->host->sleep_ms(b->host, 1000);
    raise(SIGSEGV);
#endif
#ifdef BAD_BLOCKING_STOP
    while (!atomic_load(&b->stop))   /* relies on stop() alone */
        usleep(20000);
    return 0;
#endif
    while (!b->host->should_stop(b->host))
        b->host->sleep_ms(b->host, 50);
    return 0;
}

static int bad_send(void *self, const faqbot_reply *r)
{
    return 0;
}

static void bad_stop(void *self)
{
    bad *b = self;
#ifdef BAD_BLOCKING_STOP
    sleep(30);
#endif
    atomic_store(&b->stop, 1);
}

static void bad_destroy(void *self)
{
    free(self);
}

FAQBOT_PLUGIN_DEFINE("bad", "0", "misbehaving fixture", bad_create, bad_run,
                     bad_send, bad_stop, bad_destroy, NULL);
