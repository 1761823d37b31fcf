/*
 * kb-triage-clause.c - a danger sign told in one clause of a long message
 * is not silenced by a calm word in another.  A rule's "none" veto reads
 * the whole message, so "...how often should I do it, also she hasn't had
 * a wet nappy in 12 hours" lost the dry nappy to "how often".  When a
 * rule's groups all matched the message but its veto silenced it, each
 * clause (text between , ; : ? ! newlines and a full stop before a space)
 * is checked on its own, by the rules whose "scope" is not "message" (the
 * broad safety-net rules read only whole messages).
 */
#include "kb-impl.h"

static int clause_fires(const kb_trule *r, const kb_scratch *s)
{
    return !r->whole && !s->ghit[r->none.gid] && kb_trule_met(r, s->ghit) &&
           kb_trule_age_ok(r, s);
}

/* The first rule firing on the last scan (a clause's), or NULL: of those
 * below 64 only the ones with a key group found (s->rcand) and no veto
 * found (s->vcand), in order. */
static const char *clause_rule(const kb *k, const kb_scratch *s)
{
    for (uint64_t m = s->rcand & ~s->vcand; m; m &= m - 1) {
        const kb_trule *r = &k->rules[__builtin_ctzll(m)];
        if (clause_fires(r, s))
            return r->id;
    }
    for (size_t i = 64; i < k->n_rules; i++) {
        if (clause_fires(&k->rules[i], s))
            return k->rules[i].id;
    }
    return NULL;
}

/* Length of the clause at t[0..n): up to a separator. */
static size_t clause_len(const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (c == ',' || c == ';' || c == ':' || c == '?' || c == '!' ||
            c == '\n' || (c == '.' && (i + 1 == n || t[i + 1] == ' ')))
            return i;
    }
    return n;
}

/* After kb_triage_scan(text) found no rule: the first rule firing on one
 * clause of text, or NULL.  s->lex and s->ghit hold the whole text's scan
 * again on return.  *err is set to -1 on OOM. */
const char *kb_triage_clauses(const kb *k, kb_scratch *s, const char *text,
                              size_t len, int *err)
{
    if (!text || !kb_triage_vetoed(k, s))
        return NULL;
    const char *rule = NULL;
    long age = s->age_days;   /* the message's, not the clause's */
    size_t at = 0;
    while (!rule && at < len) {
        size_t n = clause_len(text + at, len - at);
        if (n == len)
            return NULL;   /* one clause: the whole message, done */
        if (kb_triage_scan(k, s, text + at, n) < 0) {
            *err = -1;
            break;
        }
        s->age_days = age;
        rule = clause_rule(k, s);
        at += n + 1;
    }
    if (kb_triage_scan(k, s, text, len) < 0)
        *err = -1;
    return rule;
}
