/* host-loop.c - the main thread's loop: signals (SIGHUP reloads, see
 * host-reload.c), stopping with a deadline. */
#include "host-priv.h"

#include "log.h"
#include "sbuf.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HOST_STOP_DEADLINE_MS 1500

int host_stopping(host *h)
{
    pthread_mutex_lock(&h->lock);
    int s = h->stopping;
    pthread_mutex_unlock(&h->lock);
    return s;
}

static void deadline_in(struct timespec *ts, unsigned ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

int host_sleep(host *h, unsigned ms)
{
    struct timespec ts;
    deadline_in(&ts, ms);
    pthread_mutex_lock(&h->lock);
    while (!h->stopping &&
           pthread_cond_timedwait(&h->cond, &h->lock, &ts) != ETIMEDOUT)
        ;
    int s = h->stopping;
    pthread_mutex_unlock(&h->lock);
    return s;
}

void host_thread_done(host *h, host_plugin *p, int rc)
{
    pthread_mutex_lock(&h->lock);
    p->done = 1;
    p->rc = rc;
    h->running--;
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->lock);
    kill(getpid(), SIGUSR1);   /* wake host_wait at once (blocked: pending) */
}

/* /help lines for the commands plugins declare (read after they load). */
void host_build_help(host *h)
{
    sbuf b;
    sbuf_init(&b);
    for (host_plugin *p = h->plugins; p; p = p->next) {
        const faqbot_command *c = p->so.desc ? p->so.desc->commands : NULL;
        for (; c && c->name; c++)
            sbuf_addf(&b, "%s/%s - %s", b.len ? "\n" : "", c->name,
                      c->help ? c->help : "");
    }
    free(h->extra_help);
    h->extra_help = b.len ? sbuf_take(&b) : NULL;
    sbuf_free(&b);
}

/* Touches nothing but p once stop() returns: p outlives it (a plugin
 * whose stop() is late is abandoned, never freed), the host may not. */
static void *stop_thread(void *arg)
{
    host_plugin *p = arg;
    p->so.desc->stop(p->self);
    atomic_store(&p->stop_pending, 0);
    return NULL;
}

/* stop() must not block, but a broken plugin's might: it runs on a
 * detached helper thread so the stop deadline holds whatever it does.
 * A plugin whose stop() is still running at the deadline is abandoned
 * (never destroyed or unloaded under it). */
static void host_call_stop(host *h, host_plugin *p)
{
    pthread_attr_t attr;
    pthread_t t;
    atomic_store(&p->stop_pending, 1);
    int ok = pthread_attr_init(&attr) == 0;
    if (ok) {
        ok = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
             pthread_create(&t, &attr, stop_thread, p) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!ok)
        stop_thread(p);   /* no thread to spare: call it here */
}

static int stops_pending(host *h)
{
    int n = 0;
    for (host_plugin *p = h->plugins; p; p = p->next)
        n += atomic_load(&p->stop_pending);
    return n;
}

void host_request_stop(host *h)
{
    pthread_mutex_lock(&h->lock);
    int already = h->stopping;
    h->stopping = 1;
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->lock);
    if (already)
        return;
    for (host_plugin *p = h->plugins; p; p = p->next)
        if (p->started && !p->done)
            host_call_stop(h, p);
}

/* Wait for every thread up to the deadline; mark laggards abandoned. */
static void host_join_all(host *h)
{
    struct timespec ts;
    deadline_in(&ts, HOST_STOP_DEADLINE_MS);
    pthread_mutex_lock(&h->lock);
    /* stop helpers do not signal (see stop_thread): poll them briefly */
    while (h->running > 0 || stops_pending(h) > 0) {
        struct timespec now, tick;
        clock_gettime(CLOCK_REALTIME, &now);
        if (now.tv_sec > ts.tv_sec ||
            (now.tv_sec == ts.tv_sec && now.tv_nsec >= ts.tv_nsec))
            break;
        deadline_in(&tick, 10);
        pthread_cond_timedwait(&h->cond, &h->lock, &tick);
    }
    for (host_plugin *p = h->plugins; p; p = p->next)
        if (p->started && (!p->done || atomic_load(&p->stop_pending))) {
            p->abandoned = 1;
            log_msg(LOG_ERROR, p->cfg->instance,
                    "did not stop within %d ms; leaving it behind",
                    HOST_STOP_DEADLINE_MS);
        }
    pthread_mutex_unlock(&h->lock);
}

int host_wait(host *h)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);   /* a plugin thread ended */
    for (;;) {
        pthread_mutex_lock(&h->lock);
        int running = h->running;
        pthread_mutex_unlock(&h->lock);
        if (running == 0)
            break;
        struct timespec tick = {0, 100 * 1000000L};
        int sig = sigtimedwait(&set, NULL, &tick);
        if (sig == SIGHUP) {
            log_msg(LOG_INFO, "faqbot", "SIGHUP: reloading config and knowledge");
            host_reload(h);
        } else if (sig == SIGINT || sig == SIGTERM) {
            log_msg(LOG_INFO, "faqbot", "%s: stopping",
                    sig == SIGINT ? "SIGINT" : "SIGTERM");
            break;
        }
    }
    host_request_stop(h);
    host_join_all(h);
    /* 0 when some plugin finished cleanly and none had to be left behind. */
    int ok = 0, abandoned = 0;
    for (host_plugin *p = h->plugins; p; p = p->next) {
        ok |= p->started && p->done && p->rc == 0;
        abandoned |= p->abandoned;
    }
    return ok && !abandoned ? 0 : 1;
}
