/*
 * kb-triage.c - danger signs (triage.json) answered with "see a doctor
 * now" before any matching.  A rule fires when every group in "all" (or
 * "at_least" N of the groups in "any") has a phrase occurring in the
 * question, and no phrase of the optional "none" list does (e.g. "no
 * fever").  Phrases are compared as term sequences
 * (folded, stemmed, stopwords kept, synonyms applied, typos repaired).
 */
#include "kb-impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Compile a list of phrase strings into g (arena). 0, 1 reported, -1 OOM */
static int tr_group(kb *k, json_t *arr, kb_tgroup *g, kb_lexout *lx,
                    const kb_where *w, const char *what)
{
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n == 0)
        return kb_where_err(w, "%s must be a non-empty array of phrases",
                            what) < 0 ? -1 : 1;
    g->phrases = kb_arena_alloc(&k->arena, n * sizeof *g->phrases);
    if (!g->phrases)
        return -1;
    g->n = n;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        const char *s = json_string_value(v);
        if (!s)
            return kb_where_err(w, "%s[%zu] must be a string", what, i) < 0
                       ? -1 : 1;
        if (kb_lex_run(k, k->stem, s, strlen(s),
                       KB_LEX_INTERN | KB_LEX_KEEPSTOP | KB_LEX_SYN,
                       (size_t)-1, lx) < 0)
            return -1;
        if (lx->terms.n == 0)
            return kb_where_err(w, "%s[%zu] \"%s\" has no words", what, i, s) < 0
                       ? -1 : 1;
        kb_phrase *p = &g->phrases[i];
        p->n = (uint32_t)lx->terms.n;
        p->terms = kb_arena_alloc(&k->arena, p->n * sizeof *p->terms);
        if (!p->terms)
            return -1;
        memcpy(p->terms, lx->terms.v, p->n * sizeof *p->terms);
    }
    return 0;
}

/* How many groups of rule r must match: all of "all", or "at_least" of
 * "any" (any = NULL for an "all" rule).  -1 when "at_least" is missing,
 * out of range or given without "any". */
static int tr_need(json_t *r, json_t *any, size_t *need)
{
    json_t *at = json_object_get(r, "at_least");
    if (!any) {
        *need = json_array_size(json_object_get(r, "all"));
        return at ? -1 : 0;
    }
    json_int_t v = json_is_integer(at) ? json_integer_value(at) : 0;
    if (v < 1 || (size_t)v > json_array_size(any))
        return -1;
    *need = (size_t)v;
    return 0;
}

static int tr_rule(kb *k, json_t *r, size_t ri, kb_trule *out,
                   kb_lexout *lx, const kb_where *w0)
{
    char label[64];
    const char *id = json_string_value(json_object_get(r, "id"));
    snprintf(label, sizeof label, "rules[%zu]", ri);
    kb_where w = *w0;
    w.entry = id ? id : label;
    json_t *all = json_object_get(r, "all");
    json_t *any = json_object_get(r, "any");
    if (!json_is_object(r) || !id || (all && any) ||
        !json_is_array(all ? all : any) ||
        json_array_size(all ? all : any) == 0)
        return kb_where_err(&w, "a rule needs \"id\" and either \"all\": "
                            "[[phrases], ...] or \"any\" with \"at_least\""
                            ) < 0 ? -1 : 1;
    if (tr_need(r, any, &out->need) < 0)
        return kb_where_err(&w, "\"at_least\" must be a whole number from 1 "
                            "to the number of \"any\" groups, and only "
                            "with \"any\"") < 0 ? -1 : 1;
    if (any)
        all = any;
    const char *scope = json_string_value(json_object_get(r, "scope"));
    if (json_object_get(r, "scope") &&
        (!scope || (strcmp(scope, "message") && strcmp(scope, "clause"))))
        return kb_where_err(&w, "\"scope\" must be \"message\" or "
                            "\"clause\"") < 0 ? -1 : 1;
    out->whole = scope && !strcmp(scope, "message");
    json_t *age = json_object_get(r, "max_age_days");
    out->max_age_days = json_is_integer(age) ? (long)json_integer_value(age)
                                             : 0;
    if (age && out->max_age_days <= 0)
        return kb_where_err(&w, "\"max_age_days\" must be a whole number "
                            "above 0") < 0 ? -1 : 1;
    const char *why = json_string_value(json_object_get(r, "why"));
    out->id = kb_arena_strdup(&k->arena, id);
    out->why = kb_arena_strdup(&k->arena, why ? why : "");
    out->n_all = json_array_size(all);
    out->all = kb_arena_alloc(&k->arena, out->n_all * sizeof *out->all);
    if (!out->id || !out->why || !out->all)
        return -1;
    size_t gi;
    json_t *g;
    int rc = 0;
    json_array_foreach(all, gi, g) {
        if (rc == 0)
            rc = tr_group(k, g, &out->all[gi], lx, &w, "all[i]");
    }
    json_t *none = json_object_get(r, "none");
    if (rc == 0 && none)
        rc = tr_group(k, none, &out->none, lx, &w, "none");
    return rc;
}

static int tr_rules(kb *k, json_t *root, const kb_where *w)
{
    json_t *rules = json_object_get(root, "rules");
    const char *reply = json_string_value(json_object_get(root,
                                                          "reply_entry"));
    if (!json_is_object(root) || !json_is_array(rules) || !reply)
        return kb_where_err(w, "expected {\"reply_entry\": id, \"rules\": "
                            "[...]}");
    k->triage_reply = kb_find(k, reply);
    if (!k->triage_reply)
        kb_where_err(w, "reply_entry \"%s\" is not an entry", reply);
    size_t n = json_array_size(rules);
    k->rules = calloc(n + 1, sizeof *k->rules);
    if (!k->rules)
        return -1;
    kb_lexout lx = {0};
    int rc = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r) {
        rc = tr_rule(k, r, i, &k->rules[k->n_rules], &lx, w);
        if (rc < 0)
            break;
        if (rc == 0)
            k->n_rules++;
    }
    kb_lexout_free(&lx);
    return rc < 0 ? -1 : 0;
}

/* dir/triage.json if present.  -1 on OOM. */
static int tr_file(kb *k, const char *dir, kb_diag *d)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/triage.json", dir);
    if (n < 0 || (size_t)n >= sizeof path || access(path, F_OK) != 0)
        return 0;
    json_t *root = kb_load_json(path, d);
    if (!root)
        return 0;
    kb_where w = {d, path, NULL, NULL};
    int rc = tr_rules(k, root, &w);
    json_decref(root);
    return rc;
}

/* The masks of k->age_watch's two lists (rules below 64) and where
 * their rules from 64 on start. */
static void age_masks(kb *k)
{
    const uint32_t *w = k->age_watch;
    size_t na = k->n_age_rules, nv = k->n_age_veto;
    k->age_mask = k->veto_mask = 0;
    k->age_hi = k->veto_hi = 0;
    for (; k->age_hi < na && w[k->age_hi] < 64; k->age_hi++)
        k->age_mask |= (uint64_t)1 << w[k->age_hi];
    for (k->veto_hi = na; k->veto_hi < na + nv && w[k->veto_hi] < 64;
         k->veto_hi++)
        k->veto_mask |= (uint64_t)1 << w[k->veto_hi];
}

/* k->age_watch: the age rules, then the clause rules with a veto (the
 * rules age_may_matter and kb_triage_vetoed read), each in rule order.
 * 0, -1 on OOM. */
static int age_watch(kb *k)
{
    size_t n = 0;
    k->n_age_rules = k->n_age_veto = 0;
    if (!k->n_rules)
        return 0;
    k->age_watch = malloc(k->n_rules * 2 * sizeof *k->age_watch);
    if (!k->age_watch)
        return -1;
    for (size_t i = 0; i < k->n_rules; i++) {
        if (k->rules[i].max_age_days > 0)
            k->age_watch[n++] = (uint32_t)i;
    }
    k->n_age_rules = n;
    for (size_t i = 0; i < k->n_rules; i++) {
        const kb_trule *r = &k->rules[i];
        if (!r->whole && r->none.n > 0)
            k->age_watch[n++] = (uint32_t)i;
    }
    k->n_age_veto = n - k->n_age_rules;
    age_masks(k);
    return 0;
}

/* Load dir/triage.json if present (after the synonyms and entries),
 * its phrases lexed with the synonyms' index (kb_lex_syn_index), then
 * the lexer's term flags (kb_lex_flags: the rules' terms are all
 * interned by now).  -1 on OOM. */
int kb_triage_load(kb *k, const char *dir, kb_diag *d)
{
    if (kb_lex_syn_index(k) < 0 || tr_file(k, dir, d) < 0 || age_watch(k) < 0)
        return -1;
    return kb_lex_flags(k);
}

void kb_triage_free(kb *k)
{
    free(k->rules);
    k->rules = NULL;
    k->n_rules = 0;
    k->n_age_rules = 0;
    free(k->age_watch);
    k->age_watch = NULL;
    k->n_age_veto = 0;
}

int kb_trule_met(const kb_trule *r, const uint8_t *hit)
{
    size_t miss = 0, spare = r->n_all - r->need;
    for (size_t g = 0; g < r->n_all; g++) {
        if (!hit[r->all[g].gid] && ++miss > spare)
            return 0;
    }
    return 1;
}

/* A rule fires when r->need of its groups were hit ("all": every one)
 * and its "none" group was not (read last: few rules get this far). */
static int rule_fires(const kb_trule *r, const uint8_t *hit)
{
    return kb_trule_met(r, hit) && !hit[r->none.gid];
}

/* Whether the last scan's hits (s->ghit) can make a stated age matter:
 * a rule with "max_age_days" whose groups matched (named_rule reads the
 * age only then), or a clause rule that matched but was vetoed (then
 * kb_triage_clauses reads each clause with the message's age, after
 * the same kb_triage_vetoed test; a rule with no veto phrase has no
 * veto).
 * The rules to read are listed at load (k->age_watch); of those below
 * 64 only the ones with a key group found (s->rcand; a vetoed one also
 * with its veto found, s->vcand).  A scan for matching
 * alone (kb_match's off-topic phrases) or with no such rule reads no
 * age. */
static int age_may_matter(const kb *k, const kb_scratch *s)
{
    for (uint64_t m = s->rcand & k->age_mask; m; m &= m - 1) {
        if (kb_trule_met(&k->rules[__builtin_ctzll(m)], s->ghit))
            return 1;
    }
    for (size_t i = k->age_hi; i < k->n_age_rules; i++) {
        if (kb_trule_met(&k->rules[k->age_watch[i]], s->ghit))
            return 1;
    }
    return kb_triage_vetoed(k, s);
}

static int vetoed_rule(const kb_trule *r, const uint8_t *hit)
{
    return hit[r->none.gid] && kb_trule_met(r, hit);
}

int kb_triage_vetoed(const kb *k, const kb_scratch *s)
{
    for (uint64_t m = s->rcand & s->vcand & k->veto_mask; m; m &= m - 1) {
        if (vetoed_rule(&k->rules[__builtin_ctzll(m)], s->ghit))
            return 1;
    }
    for (size_t i = k->veto_hi; i < k->n_age_rules + k->n_age_veto; i++) {
        if (vetoed_rule(&k->rules[k->age_watch[i]], s->ghit))
            return 1;
    }
    return 0;
}

int kb_triage_scan_ex(const kb *k, kb_scratch *s, const char *text,
                      size_t len, int age)
{
    if ((!text && len) || kb_scratch_ready(s, k) < 0)
        return -1;
    if (kb_lex_run((kb *)k, s->stem, text ? text : "", len,
                   KB_LEX_KEEPSTOP | KB_LEX_REPAIR | KB_LEX_SYN |
                       KB_LEX_DUAL,
                   KB_QUERY_MAX_TOKENS, &s->lex) < 0)
        return -1;
    s->rcand = kb_phrase_scan(k, s->lex.terms.v, s->lex.terms.n, s->ghit,
                              &s->vcand);
    /* with no age rule, no age changes a result (kb_trule_age_ok) */
    s->age_days = age && k->n_age_rules && age_may_matter(k, s)
                      ? kb_age_days(text, len) : -1;
    return 0;
}

int kb_triage_scan(const kb *k, kb_scratch *s, const char *text, size_t len)
{
    return kb_triage_scan_ex(k, s, text, len, 1);
}

/* The first rule firing by name on the last scan, or NULL: of those
 * below 64 only the ones with a key group found (s->rcand) and no veto
 * found (s->vcand), in order. */
static const char *named_rule(const kb *k, const kb_scratch *s)
{
    for (uint64_t m = s->rcand & ~s->vcand; m; m &= m - 1) {
        const kb_trule *r = &k->rules[__builtin_ctzll(m)];
        if (rule_fires(r, s->ghit) && kb_trule_age_ok(r, s))
            return r->id;
    }
    for (size_t i = 64; i < k->n_rules; i++) {
        if (rule_fires(&k->rules[i], s->ghit) &&
            kb_trule_age_ok(&k->rules[i], s))
            return k->rules[i].id;
    }
    return NULL;
}

const char *kb_triage_rule(const kb *k, kb_scratch *s, const char *text,
                           size_t len, int *err)
{
    const char *rule = named_rule(k, s);
    if (!rule)
        rule = kb_triage_clauses(k, s, text, len, err);
    if (!rule && *err == 0 && kb_tmodel_fires(k, s))
        rule = "model";   /* the learnt net (kb-tmodel.c) */
    return rule;
}

const char *kb_triage(const kb *k, kb_scratch *s, const char *text,
                      size_t len)
{
    int err = 0;
    if (!k || !s || k->n_rules == 0 || kb_triage_scan(k, s, text, len) < 0)
        return NULL;
    return kb_triage_rule(k, s, text, len, &err);
}

const char *kb_urgent_entry_id(const kb *k)
{
    return k && k->n_rules && k->triage_reply ? k->triage_reply->id : NULL;
}
