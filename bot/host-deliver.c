/* host-deliver.c - one incoming message: clean it, guard against floods
 * and oversize, route it, send the reply through the same plugin, log the
 * event. */
#include "host-priv.h"

#include "log.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static long now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

/* Send a notice reply; returns send()'s result. */
static int send_notice(host_plugin *p, const faqbot_message *m,
                       const char *text, const char *status)
{
    faqbot_reply r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    r.kind = FAQBOT_REPLY_NOTICE;
    r.chat_id = m->chat_id;
    r.reply_to = m->message_id;
    r.sender_id = m->sender_id;
    r.text = text;
    int rc = p->so.desc->send(p->self, &r);
    log_event ev = {p->so.desc->name, status, NULL, NULL, 0, 0};
    log_answer_event(p->cfg->instance, &ev);
    stats_add(p->core->stats, status, NULL);
    return rc;
}

/* Flood and size guards.  Returns 1 when the message was handled here
 * (rc in *rc), 0 to go on routing. */
static int guard(host_plugin *p, const faqbot_message *m, size_t max, int *rc)
{
    char key[512], text[200];
    snprintf(key, sizeof key, "%s\x1f%s", p->cfg->instance,
             m->sender_id ? m->sender_id : "?");
    int verdict = ratelimit_check(p->core->rl, key, now_s());
    if (verdict == RL_REFUSED_FIRST) {
        *rc = send_notice(p, m, "You're sending questions faster than I can "
                                "answer. Please wait a minute, then ask again.",
                          "rate_limited");
        return 1;
    }
    if (verdict == RL_REFUSED) {
        log_msg(LOG_DEBUG, p->cfg->instance, "flood: message dropped");
        *rc = 0;
        return 1;
    }
    if (m->text && strlen(m->text) > max) {
        snprintf(text, sizeof text, "That message is too long for me (over %zu "
                 "bytes). Please ask one short question at a time.", max);
        *rc = send_notice(p, m, text, "too_long");
        return 1;
    }
    return 0;
}

/* Opt-in knowledge-gap log: the question text only, no ids. */
static void log_gap(live *l, const route_out *o, const char *text)
{
    const char *ids[KB_MAX_SUGGESTIONS];
    if (!l->gaps || (o->kind != FAQBOT_REPLY_NO_ANSWER &&
                     o->kind != FAQBOT_REPLY_AMBIGUOUS))
        return;
    for (size_t i = 0; i < o->n_sugg; i++)
        ids[i] = o->sugg[i].entry_id;
    gaps_log(l->gaps, router_status_name(o), text, ids, o->n_sugg);
}

/* Route and send with the snapshot l; caller holds p->deliver_lock. */
static int route_and_send(host_plugin *p, live *l, const faqbot_message *m,
                          const char *text, long t0)
{
    router_env env = {l->cfg->emergency_number, p->core->extra_help};
    const char *kb_name = NULL;
    const kb *k = live_pick(l, p->cfg->instance, m->chat_id, &kb_name);
    int rc = router_route(&env, k, p->scratch, text, m->pick, &p->out);
    if (rc == 0) {
        faqbot_reply r;
        router_reply_view(&p->out, &r);
        r.chat_id = m->chat_id;
        r.reply_to = m->message_id;
        r.sender_id = m->sender_id;
        rc = p->so.desc->send(p->self, &r);
        log_event ev = {p->so.desc->name, router_status_name(&p->out),
                        r.entry_id, kb_name, p->out.res.score, now_us() - t0};
        log_answer_event(p->cfg->instance, &ev);
        stats_add(p->core->stats, ev.status, r.entry_id);
        log_gap(l, &p->out, text);
    } else {
        log_msg(LOG_ERROR, p->cfg->instance, "out of memory routing a message");
    }
    if (rc != 0)
        log_msg(LOG_WARN, p->cfg->instance, "reply not sent; the plugin will retry");
    return rc;
}

int host_deliver(faqbot_host *api, const faqbot_message *m)
{
    host_plugin *p = (host_plugin *)api;
    long t0 = now_us();
    int rc = 0;
    if (!m || !m->chat_id)
        return -1;
    pthread_mutex_lock(&p->deliver_lock);
    /* One snapshot for the whole message: a reload meanwhile cannot pull
     * the knowledge or the settings from under it. */
    live *l = livehold_acquire(&p->core->live);
    if (!guard(p, m, l->cfg->max_message_bytes, &rc)) {
        sbuf clean;
        sbuf_init(&clean);
        const char *t = m->text ? m->text : "";
        if (utf8_sanitize(t, strlen(t), &clean) < 0)
            rc = -1;
        else {
            if (log_level() == LOG_DEBUG)
                log_msg(LOG_DEBUG, p->cfg->instance, "question: %s", sbuf_str(&clean));
            rc = route_and_send(p, l, m, sbuf_str(&clean), t0);
        }
        sbuf_free(&clean);
    }
    livehold_release(&p->core->live, l);
    pthread_mutex_unlock(&p->deliver_lock);
    return rc;
}
